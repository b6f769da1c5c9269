"""Compile a program once into nested Python closures, then run it on many inputs.

A compiled term is a function ``env -> value`` where ``env`` is a tuple of the values of the
enclosing lambdas' variables, innermost first (so ``$i`` is ``env[i]``). Function values are
curried one-argument callables. Compilation dispatches on the node type through a table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from hortus.eval.budget import Budget
from hortus.eval.values import (
    ValueTypeError,
    charge_elements,
    show_value,
    to_external,
    to_internal,
    to_json,
    unify_value,
)
from hortus.lang.program import Apply, Hole, Index, Lambda, Primitive, Program, Routine, spine
from hortus.lang.runtime import METER, BudgetExceeded, EvalError, charge, check_time
from hortus.lang.types import (
    Fresh,
    Subst,
    TCon,
    TVar,
    Type,
    UnificationError,
    arguments,
    canonical,
    is_arrow,
    resolve,
    show_types,
)

Env = tuple[Any, ...]
Closure = Callable[[Env], Any]


class CompileError(EvalError):
    """A program that cannot run (an unfilled hole, too deep)."""


def curry(impl: Callable[..., Any], arity: int, given: tuple[Any, ...] = ()) -> Any:
    """The curried function value of an uncurried ``impl`` of ``arity`` arguments."""
    if len(given) == arity:
        return impl(*given)
    return lambda x: curry(impl, arity, (*given, x))


def primitive_value(p: Primitive) -> Any:
    """The value a primitive denotes when it is not applied to all its arguments."""
    if p.arity == 0:
        return p.impl
    return curry(p.impl, p.arity)


def _const(v: Any) -> Closure:
    return lambda env: v


def _call(impl: Callable[..., Any], args: list[Closure]) -> Closure:
    """A saturated call ``impl(a(env), b(env), ...)``, unrolled for the common arities."""
    n = len(args)
    if n == 1:
        (a,) = args
        return lambda env: impl(a(env))
    if n == 2:
        a, b = args
        return lambda env: impl(a(env), b(env))
    if n == 3:
        a, b, c = args
        return lambda env: impl(a(env), b(env), c(env))
    if n == 4:
        a, b, c, d = args
        return lambda env: impl(a(env), b(env), c(env), d(env))
    return lambda env: impl(*[a(env) for a in args])


def _if(cond: Closure, yes: Closure, no: Closure) -> Closure:
    return lambda env: yes(env) if cond(env) else no(env)


def _apply_rest(f: Closure, args: list[Closure]) -> Closure:
    """Curried application of a function-valued term to arguments, one at a time.

    Each application costs a step: closures applied to closures do exponential work without a
    loop (``(lambda ($1 ($1 $0)))`` iterated), and this is where they are applied.
    """
    if not args:
        return f
    meter = METER
    if len(args) == 1:
        (a,) = args

        def apply1(env: Env) -> Any:
            meter.steps -= 1
            if meter.steps < meter.check_at:
                charge(0)  # out of steps, or time to look at the clock
            return f(env)(a(env))

        return apply1
    if len(args) == 2:
        a, b = args

        def apply2(env: Env) -> Any:
            meter.steps -= 2
            if meter.steps < meter.check_at:
                charge(0)
            return f(env)(a(env))(b(env))

        return apply2

    def apply(env: Env) -> Any:
        meter.steps -= len(args)
        if meter.steps < meter.check_at:
            charge(0)
        r = f(env)
        for x in args:
            r = r(x(env))
        return r

    return apply


def _compile_apply(p: Program, depth: int) -> Closure:
    head, arg_programs = spine(p)
    args = [_compile(a, depth + 1) for a in arg_programs]
    if isinstance(head, Primitive) and head.arity:
        n = head.arity
        if len(args) < n:
            return _apply_rest(_const(primitive_value(head)), args)
        if head.lazy and head.name == "if":
            call = _if(args[0], args[1], args[2])
        else:
            call = _call(head.impl, args[:n])
        return _apply_rest(call, args[n:])
    return _apply_rest(_compile(head, depth + 1), args)


def _compile_lambda(p: Program, depth: int) -> Closure:
    assert isinstance(p, Lambda)
    body = _compile(p.body, depth + 1)
    return lambda env: lambda x: body((x, *env))


def _compile_index(p: Program, depth: int) -> Closure:
    assert isinstance(p, Index)
    i = p.i
    return lambda env: env[i]


def _compile_primitive(p: Program, depth: int) -> Closure:
    assert isinstance(p, Primitive)
    return _const(primitive_value(p))


def _compile_routine(p: Program, depth: int) -> Closure:
    assert isinstance(p, Routine)
    value = compile_program(p.body)(())
    return _const(value)


# What each named hole denotes while a program runs: a trained module's function, a latent
# variable while training, a fitted constant. Read at run time, so compiled programs stay cached.
FILLERS: dict[str, Any] = {}


@contextmanager
def filling(values: dict[str, Any]) -> Iterator[None]:
    """Run programs with the named holes in ``values`` filled (restored afterwards)."""
    saved = dict(FILLERS)
    FILLERS.update(values)
    try:
        yield
    finally:
        FILLERS.clear()
        FILLERS.update(saved)


def _compile_hole(p: Program, depth: int) -> Closure:
    assert isinstance(p, Hole)
    name = p.name
    if name is None:
        raise CompileError(f"cannot run a program with an unfilled hole {p}")
    fillers = FILLERS

    def fill(env: Env) -> Any:
        try:
            return fillers[name]
        except KeyError:
            raise CompileError(f"the hole ??{name} has no module or value: train the program "
                               f"(hortus.train) or fill it from the library first") from None

    return fill


_COMPILERS: dict[type, Callable[[Program, int], Closure]] = {
    Apply: _compile_apply,
    Lambda: _compile_lambda,
    Index: _compile_index,
    Primitive: _compile_primitive,
    Routine: _compile_routine,
    Hole: _compile_hole,
}

MAX_COMPILE_DEPTH = 400


def _compile(p: Program, depth: int) -> Closure:
    if depth > MAX_COMPILE_DEPTH:
        raise BudgetExceeded("depth", f"program nested deeper than {MAX_COMPILE_DEPTH} levels")
    return _COMPILERS[type(p)](p, depth)


@lru_cache(maxsize=4096)
def compile_program(p: Program) -> Closure:
    """Compile ``p`` to a closure ``env -> value`` (cached: programs are immutable)."""
    return _compile(p, 0)


def evaluate(p: Program, inputs: Sequence[Any], budget: Budget | None = None,
             out_type: Type | None = None) -> Any:
    """Run ``p`` on run-time ``inputs`` (already converted) under ``budget``; errors raise.

    With the output's type ``out_type``, its size is paid for too (:func:`charge_output`).
    """
    budget = budget or Budget()
    _check_depth(p, budget)
    with budget.active():
        value = evaluate_armed(p, inputs)
        if out_type is not None:
            charge_output(value, out_type, budget)
        return value


def charge_output(value: Any, out_type: Type, budget: Budget) -> None:
    """Pay for writing out an output: a step per element (:func:`charge_elements`), from a
    second allotment of ``budget.steps``, within the same time budget.

    Its size can be far beyond what the program built (3,000 copies of one list of 3,000 are
    9,000,000 elements) and converting or printing it is work the program caused; a budget of
    its own keeps the steps of the program itself exact.
    """
    METER.arm(budget.steps)
    try:
        charge_elements(value, out_type)
    except BudgetExceeded as e:
        if e.budget != "steps":
            raise
        raise BudgetExceeded("steps", f"the output holds more than {budget.steps:,} elements "
                                      f"(a step each to write it out)") from None


def _check_depth(p: Program, budget: Budget) -> None:
    # levels below the root, as the parser counts them (depth() counts the root too)
    if budget.max_depth < MAX_COMPILE_DEPTH and p.depth() - 1 > budget.max_depth:
        raise BudgetExceeded("depth", f"program nested deeper than {budget.max_depth} levels")


def evaluate_armed(p: Program, inputs: Sequence[Any]) -> Any:
    """:func:`evaluate` under the meter as the caller armed it (``with budget.active():``), so
    that several evaluations share one budget; every failure raises an :class:`EvalError`."""
    try:
        # Compiling evaluates routines that are constants: that runs under the budget too.
        f = compile_program(p)
        value = f(())
        for x in inputs:
            value = value(x)
        return value
    except EvalError:
        raise
    except RecursionError:
        raise BudgetExceeded("depth", "the evaluation recursed too deeply") from None
    except Exception as e:
        raise EvalError(f"{type(e).__name__}: {e}") from None


def run(p: Program, inputs: Sequence[Any], budget: Budget | None = None,
        request: Type | None = None) -> Any:
    """Apply a closed program to plain Python inputs and return a plain Python value.

    Raises :class:`EvalError` (or its subclass :class:`BudgetExceeded`) when the program fails
    (converting its output is part of the run, under the budget: :func:`charge_output`), and
    :class:`TypeError` when the inputs do not fit the program's type (``request`` when
    given, which must be an instance of it: a program with holes runs at the task's type).
    """
    return _run(p, inputs, budget, to_external, request=request)


def run_json(p: Program, inputs: Sequence[Any], budget: Budget | None = None) -> str:
    """:func:`run` with the output as JSON text, written under the budget: pairs as lists,
    sets as sorted lists, dicts as objects (string keys) or lists of [key, value] pairs,
    graphs as lists of edges. An output that would hold functions is a :class:`TypeError`."""
    text: str = _run(p, inputs, budget, _json_text, functions=False)
    return text


def _json_text(v: Any, t: Type) -> str:
    text = json.dumps(to_json(v, t))
    check_time()  # writing it took part of the time budget too
    return text


def _run(p: Program, inputs: Sequence[Any], budget: Budget | None,
         convert: Callable[[Any, Type], Any], functions: bool = True,
         request: Type | None = None) -> Any:
    from hortus.lang.infer import infer

    try:
        tp = infer(p, request=request)
        if request is not None:
            tp = request
    except RecursionError:
        raise BudgetExceeded("depth", "the program is nested too deeply to type") from None
    arg_types = arguments(tp)
    if len(inputs) != len(arg_types):
        # Fewer inputs would return a function, which is not a value one can print or store.
        raise TypeError(f"program of type {tp} takes {len(arg_types)} input(s), "
                        f"got {len(inputs)}")
    fresh, s = Fresh("r"), {}  # type: Fresh, Subst
    tp_inst = fresh.instantiate(tp)
    inst_args = arguments(tp_inst)
    internal = []
    for k, (x, t) in enumerate(zip(inputs, inst_args, strict=False)):
        try:
            # directed by the type: [1, 2] may be a pair, a list of edges a graph, "a" a char
            unify_value(x, t, s, fresh)
            internal.append(to_internal(x, resolve(t, s)))
        except (UnificationError, ValueTypeError) as e:
            expected = resolve(t, s)
            if isinstance(expected, TVar) and isinstance(e, ValueTypeError):
                raise TypeError(f"input {k + 1}: {e}") from None  # no type fits the value
            (want,) = show_types(expected)
            raise TypeError(f"input {k + 1} should have type {want}, got {show_value(x)}"
                            ) from None
    out_type = _result_type(tp_inst, len(inputs), s)
    if not functions and _holds_function(out_type):
        raise TypeError(f"the output would have type {canonical(out_type)}, which holds "
                        f"functions: only values can be written out")
    budget = budget or Budget()
    _check_depth(p, budget)
    with budget.active():
        value = evaluate_armed(p, internal)
        charge_output(value, out_type, budget)
        return convert(value, out_type)


def _holds_function(t: Type) -> bool:
    return isinstance(t, TCon) and (is_arrow(t) or any(_holds_function(a) for a in t.args))


def _result_type(t: Type, n_args: int, s: Subst) -> Type:
    for _ in range(n_args):
        assert isinstance(t, TCon)
        t = t.args[1]
    return resolve(t, s)
