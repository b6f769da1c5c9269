"""List operations. Lists are Python tuples at run time (immutable, hashable)."""

from __future__ import annotations

from typing import Any

from hortus.lang.primitives._registry import prim
from hortus.lang.runtime import EvalError, charge, check_int, check_len, check_size

Seq = tuple[Any, ...]


def _car(xs: Seq) -> Any:
    if not xs:
        raise EvalError("car of an empty list")
    return xs[0]


def _cdr(xs: Seq) -> Seq:
    if not xs:
        raise EvalError("cdr of an empty list")
    return xs[1:]


def _last(xs: Seq) -> Any:
    if not xs:
        raise EvalError("last of an empty list")
    return xs[-1]


def _index(i: int, xs: Seq) -> Any:
    if 0 <= i < len(xs):
        return xs[i]
    raise EvalError(f"index {i} out of range for a list of length {len(xs)}")


def _cons(x: Any, xs: Seq) -> Seq:
    check_size(len(xs) + 1)
    return (x, *xs)


def _append(xs: Seq, ys: Seq) -> Seq:
    check_size(len(xs) + len(ys))
    return xs + ys


def _take(n: int, xs: Seq) -> Seq:
    return xs[: max(n, 0)]


def _drop(n: int, xs: Seq) -> Seq:
    return xs[max(n, 0) :]


def _sum(xs: Seq) -> int:
    charge(len(xs))
    return check_int(sum(xs))


def _product(xs: Seq) -> int:
    charge(len(xs))
    r = 1
    for x in xs:
        r = check_int(r * x)
    return r


def _max(xs: Seq) -> int:
    if not xs:
        raise EvalError("max of an empty list")
    return max(xs)  # type: ignore[no-any-return]


def _min(xs: Seq) -> int:
    if not xs:
        raise EvalError("min of an empty list")
    return min(xs)  # type: ignore[no-any-return]


def _unique(xs: Seq) -> Seq:
    charge(len(xs))
    return tuple(dict.fromkeys(xs))


def _count(x: Any, xs: Seq) -> int:
    charge(len(xs))
    return xs.count(x)


def _repeat(n: int, x: Any) -> Seq:
    n = check_size(max(n, 0))
    charge(n)  # n elements built: n steps
    return (x,) * n


def _concat(xss: Seq) -> Seq:
    charge(len(xss))
    out: list[Any] = []
    for xs in xss:
        out.extend(xs)
        check_len(out)
    return tuple(out)


def _zip(xs: Seq, ys: Seq) -> Seq:
    return tuple(zip(xs, ys, strict=False))


PRIMITIVES = [
    # DreamCoder's names
    prim("empty", "list(t0)", (), "the empty list"),
    prim("cons", "t0 -> list(t0) -> list(t0)", _cons, "prepend an element"),
    prim("car", "list(t0) -> t0", _car, "first element; error on an empty list"),
    prim("cdr", "list(t0) -> list(t0)", _cdr, "all but the first element; error on an empty list"),
    prim("empty?", "list(t0) -> bool", lambda xs: not xs, "is the list empty"),
    prim("length", "list(t0) -> int", len, "number of elements"),
    prim("index", "int -> list(t0) -> t0", _index, "(index i xs): element i, counting from 0"),
    # more list operations
    prim("append", "list(t0) -> list(t0) -> list(t0)", _append, "concatenate two lists"),
    prim("reverse", "list(t0) -> list(t0)", lambda xs: xs[::-1], "reverse a list"),
    prim("take", "int -> list(t0) -> list(t0)", _take, "the first n elements"),
    prim("drop", "int -> list(t0) -> list(t0)", _drop, "all but the first n elements"),
    prim("last", "list(t0) -> t0", _last, "last element; error on an empty list"),
    prim("sum", "list(int) -> int", _sum, "sum of a list"),
    prim("product", "list(int) -> int", _product, "product of a list"),
    prim("max", "list(int) -> int", _max, "largest element; error on an empty list"),
    prim("min", "list(int) -> int", _min, "smallest element; error on an empty list"),
    prim("unique", "list(t0) -> list(t0)", _unique, "drop repeated elements, keeping first ones"),
    prim("count", "t0 -> list(t0) -> int", _count, "(count x xs): occurrences of x in xs"),
    prim("member?", "t0 -> list(t0) -> bool", lambda x, xs: x in xs, "(member? x xs)"),
    prim("repeat", "int -> t0 -> list(t0)", _repeat, "(repeat n x): a list of n copies of x"),
    prim("concat", "list(list(t0)) -> list(t0)", _concat, "flatten a list of lists"),
    prim("zip", "list(t0) -> list(t1) -> list(pair(t0, t1))", _zip, "pair up two lists"),
]
