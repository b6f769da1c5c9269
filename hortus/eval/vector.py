"""Evaluation of terms built bottom-up, as the search builds them.

A term whose free variables are only the task's inputs has a *value vector*: its value on each
example. A new term's vector comes from its children's vectors with one call of its head per
example, instead of running the whole term again. A failure on an example is the value
:data:`ERR`. Terms under a lambda (whose variables range over unknown values) are compiled to
closures instead, composed from their children's closures.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from hortus.eval.budget import SEARCH_BUDGET
from hortus.eval.interpreter import Closure, Env, evaluate
from hortus.lang.program import Primitive, Program, Routine
from hortus.lang.runtime import METER, EvalError


class _Err:
    __slots__ = ()

    def __repr__(self) -> str:
        return "ERR"


ERR: Any = _Err()  # the value of a term that failed on an example

Vector = tuple[Any, ...]


def head_impl(head: Program) -> tuple[Callable[..., Any], bool]:
    """Uncurried implementation of a routine or primitive used as a rule's head, and laziness."""
    if isinstance(head, Primitive):
        return head.impl, head.lazy
    assert isinstance(head, Routine)
    fn = closed(head.body)
    if fn is ERR:
        return _failed(head), False

    def call(*args: Any) -> Any:
        r = fn
        for a in args:
            r = r(a)
        return r

    return call, False


def _failed(head: Routine) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        raise EvalError(f"routine {head.name or head} failed when evaluated")

    return call


@lru_cache(maxsize=4096)
def closed(body: Program) -> Any:
    """The value of a closed term (a routine's body), compiled and evaluated once per process
    under the budget of a candidate in search; :data:`ERR` when it fails (a routine from a
    library file may loop: it must cost a search no more than any candidate does)."""
    try:
        return evaluate(body, (), SEARCH_BUDGET)
    except EvalError:
        return ERR


@lru_cache(maxsize=4096)  # pure: one per head and budget, shared by searches
def vector_fn(head: Program, steps: int) -> Callable[..., Vector]:
    """``f(v1, ..., vn) -> vector``: apply ``head`` elementwise to argument vectors.

    Arguments with an :data:`ERR` element give :data:`ERR` there (strictness), except the branch
    ``if`` does not take. Each example gets ``steps`` loop iterations.
    """
    impl, lazy = head_impl(head)
    meter = METER

    if lazy:  # if
        def vec_if(c: Vector, y: Vector, n: Vector) -> Vector:
            return tuple(ERR if ci is ERR else (yi if ci else ni)
                         for ci, yi, ni in zip(c, y, n, strict=True))

        return vec_if

    def vec(*args: Vector) -> Vector:
        out = []
        for xs in zip(*args, strict=True):
            if ERR in xs:
                out.append(ERR)
                continue
            meter.arm(steps)
            try:
                out.append(impl(*xs))
            except Exception:  # any failure of a candidate is a value, never a crash
                out.append(ERR)
        return tuple(out)

    return vec


@lru_cache(maxsize=4096)
def fast_vector_fn(head: Program, steps: int) -> Callable[..., Vector]:
    """Like :func:`vector_fn` for arguments known to be free of :data:`ERR`.

    All examples share one step budget; after a failure the loop resumes at the next example.
    """
    impl, lazy = head_impl(head)
    if lazy:
        return vector_fn(head, steps)
    meter = METER

    def vec(*args: Vector) -> Vector:
        meter.arm(steps * len(args[0]))
        out: list[Any] = []
        it = zip(*args, strict=True)
        while True:
            try:
                for xs in it:
                    out.append(impl(*xs))
                return tuple(out)
            except Exception:  # any failure of a candidate is a value, never a crash
                out.append(ERR)

    return vec


def lambda_closure(body: Closure, binders: int) -> Closure:
    """The closure of ``(lambda ... body)`` under an environment."""
    if binders == 1:
        return lambda env: lambda x: body((x, *env))
    if binders == 2:
        return lambda env: lambda x: lambda y: body((y, x, *env))
    return lambda env: _curried(body, binders, env)


def _curried(body: Closure, binders: int, env: Env, given: tuple[Any, ...] = ()) -> Any:
    if len(given) == binders:
        return body((*reversed(given), *env))
    return lambda x: _curried(body, binders, env, (*given, x))
