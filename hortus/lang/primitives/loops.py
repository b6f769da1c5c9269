"""Loops: map, fold, filter, unfold, range, and bounded iterate/while.

Function arguments are curried one-argument callables; every loop charges the meter for its
iterations first, so a runaway loop stops on the step budget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hortus.lang.primitives._registry import prim
from hortus.lang.runtime import METER, BudgetExceeded, EvalError, charge, check_size

Seq = tuple[Any, ...]
Fn = Callable[[Any], Any]


def _map(f: Fn, xs: Seq) -> Seq:
    charge(len(xs))
    return tuple(map(f, xs))


def _mapi(f: Fn, xs: Seq) -> Seq:
    charge(len(xs))
    return tuple(f(i)(x) for i, x in enumerate(xs))


def _filter(p: Fn, xs: Seq) -> Seq:
    charge(len(xs))
    return tuple(x for x in xs if p(x))


def _fold(xs: Seq, acc: Any, f: Fn) -> Any:
    """DreamCoder's fold, from the right: (fold [a b] z f) is (f a (f b z))."""
    charge(len(xs))
    for x in reversed(xs):
        acc = f(x)(acc)
    return acc


def _unfold(x: Any, stop: Fn, emit: Fn, step: Fn) -> Seq:
    """(unfold x stop emit step): emit(x), emit(step(x)), ... until stop holds."""
    out: list[Any] = []
    limit = METER.max_len
    while not stop(x):
        if len(out) >= limit:
            raise BudgetExceeded("length", f"unfold produced more than {limit} elements")
        charge(1)
        out.append(emit(x))
        nxt = step(x)
        if nxt == x:
            raise EvalError("unfold never stops: its step leaves the state unchanged")
        x = nxt
    return tuple(out)


def _range(n: int) -> Seq:
    n = check_size(n)
    charge(max(n, 0))
    return tuple(range(n))


def _iterate(n: int, f: Fn, x: Any) -> Any:
    """Apply f to x, n times."""
    charge(max(n, 0))
    for _ in range(n):
        x = f(x)
    return x


def _while(cond: Fn, f: Fn, x: Any) -> Any:
    """Apply f to x while cond holds; the step budget bounds the loop."""
    while cond(x):
        charge(1)
        nxt = f(x)
        if nxt == x:  # a fixed point where the condition still holds: it would loop forever
            raise EvalError("while never stops: its body leaves the state unchanged")
        x = nxt
    return x


PRIMITIVES = [
    prim("map", "(t0 -> t1) -> list(t0) -> list(t1)", _map, "apply f to every element"),
    prim("fold", "list(t0) -> t1 -> (t0 -> t1 -> t1) -> t1", _fold,
         "right fold: (fold [a b] z f) is (f a (f b z))"),
    prim("filter", "(t0 -> bool) -> list(t0) -> list(t0)", _filter, "keep elements where p holds"),
    prim("unfold", "t0 -> (t0 -> bool) -> (t0 -> t1) -> (t0 -> t0) -> list(t1)", _unfold,
         "(unfold x stop emit step): emit x, step, ... until stop"),
    prim("range", "int -> list(int)", _range, "(range n) is [0, 1, ..., n-1]"),
    prim("mapi", "(int -> t0 -> t1) -> list(t0) -> list(t1)", _mapi,
         "map with the index as first argument"),
    prim("iterate", "int -> (t0 -> t0) -> t0 -> t0", _iterate,
         "(iterate n f x): f applied n times"),
    prim("while", "(t0 -> bool) -> (t0 -> t0) -> t0 -> t0", _while,
         "(while p f x): apply f while p holds, bounded by the step budget"),
]
