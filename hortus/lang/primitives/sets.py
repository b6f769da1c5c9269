"""Sets: immutable (``frozenset``) at run time."""

from __future__ import annotations

from typing import Any

from hortus.lang.primitives._registry import prim
from hortus.lang.runtime import charge, check_len


def _to_list(s: frozenset[Any]) -> tuple[Any, ...]:
    charge(len(s))
    return tuple(sorted(s))


PRIMITIVES = [
    prim("set-empty", "set(t0)", frozenset(), "the empty set"),
    prim("set-from-list", "list(t0) -> set(t0)", frozenset, "the set of a list's elements"),
    prim("set-to-list", "set(t0) -> list(t0)", _to_list, "the elements, sorted"),
    prim("set-member?", "t0 -> set(t0) -> bool", lambda x, s: x in s, "membership"),
    prim("set-add", "t0 -> set(t0) -> set(t0)", lambda x, s: check_len(s | {x}), "add an element"),
    prim("set-union", "set(t0) -> set(t0) -> set(t0)", lambda a, b: check_len(a | b), "union"),
    prim("set-intersect", "set(t0) -> set(t0) -> set(t0)", lambda a, b: a & b, "intersection"),
    prim("set-difference", "set(t0) -> set(t0) -> set(t0)", lambda a, b: a - b, "difference"),
    prim("set-size", "set(t0) -> int", len, "number of elements"),
]
