"""Pairs. A pair is a Python 2-tuple at run time."""

from __future__ import annotations

from hortus.lang.primitives._registry import prim

PRIMITIVES = [
    prim("pair", "t0 -> t1 -> pair(t0, t1)", lambda a, b: (a, b), "make a pair"),
    prim("fst", "pair(t0, t1) -> t0", lambda p: p[0], "first component"),
    prim("snd", "pair(t0, t1) -> t1", lambda p: p[1], "second component"),
]
