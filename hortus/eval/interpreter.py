"""Compile a program once into nested Python closures, then run it on many inputs.

A compiled term is a function ``env -> value`` where ``env`` is a tuple of the values of the
enclosing lambdas' variables, innermost first (so ``$i`` is ``env[i]``). Function values are
curried one-argument callables. Compilation dispatches on the node type through a table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from hortus.eval.budget import Budget
from hortus.eval.values import ValueTypeError, to_external, to_internal, unify_value
from hortus.lang.program import Apply, Hole, Index, Lambda, Primitive, Program, Routine, spine
from hortus.lang.runtime import BudgetExceeded, EvalError
from hortus.lang.types import Fresh, Subst, Type, UnificationError, arguments, resolve

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
    """Curried application of a function-valued term to arguments, one at a time."""
    for a in args:
        f = _apply1(f, a)
    return f


def _apply1(f: Closure, x: Closure) -> Closure:
    return lambda env: f(env)(x(env))


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


def _compile_hole(p: Program, depth: int) -> Closure:
    raise CompileError(f"cannot run a program with an unfilled hole {p}")


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


def evaluate(p: Program, inputs: Sequence[Any], budget: Budget | None = None) -> Any:
    """Run ``p`` on run-time ``inputs`` (already converted) under ``budget``; errors raise."""
    budget = budget or Budget()
    if budget.max_depth < MAX_COMPILE_DEPTH and p.depth() > budget.max_depth:
        raise BudgetExceeded("depth", f"program nested deeper than {budget.max_depth} levels")
    with budget.active():
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


def run(p: Program, inputs: Sequence[Any], budget: Budget | None = None) -> Any:
    """Apply a closed program to plain Python inputs and return a plain Python value.

    Raises :class:`EvalError` (or its subclass :class:`BudgetExceeded`) when the program fails,
    and :class:`TypeError` when the inputs do not fit the program's type.
    """
    from hortus.lang.infer import infer

    try:
        tp = infer(p)
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
        except (UnificationError, ValueTypeError):
            raise TypeError(f"input {k + 1} should have type {resolve(t, s)}, got {x!r}") from None
    out_type = _result_type(tp_inst, len(inputs), s)
    return to_external(evaluate(p, internal, budget), out_type)


def _result_type(t: Type, n_args: int, s: Subst) -> Type:
    from hortus.lang.types import TCon

    for _ in range(n_args):
        assert isinstance(t, TCon)
        t = t.args[1]
    return resolve(t, s)
