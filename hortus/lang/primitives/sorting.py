"""Sorting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hortus.lang.primitives._registry import prim
from hortus.lang.runtime import charge

Seq = tuple[Any, ...]


def _sort(xs: Seq) -> Seq:
    charge(len(xs))
    return tuple(sorted(xs))


def _sort_by(key: Callable[[Any], Any], xs: Seq) -> Seq:
    """Stable sort by key."""
    charge(len(xs))
    return tuple(sorted(xs, key=key))


PRIMITIVES = [
    prim("sort", "list(t0) -> list(t0)", _sort, "sort ascending"),
    prim("sort-by", "(t0 -> int) -> list(t0) -> list(t0)", _sort_by, "stable sort by an int key"),
]
