"""Hash tables: immutable dictionaries (``dict(k, v)``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hortus.lang.primitives._registry import prim
from hortus.lang.runtime import EvalError, HDict, charge, check_len, hdict

Seq = tuple[Any, ...]


def _lookup(k: Any, d: HDict) -> Any:
    try:
        return d[k]
    except KeyError:
        raise EvalError(f"key {k!r} not in the table") from None


def _insert(k: Any, v: Any, d: HDict) -> HDict:
    out = hdict(d.items())
    dict.__setitem__(out, k, v)
    check_len(out)
    return out


def _from_pairs(pairs: Seq) -> HDict:
    charge(len(pairs))
    return hdict(pairs)


def _group_by(key: Callable[[Any], Any], xs: Seq) -> HDict:
    charge(len(xs))
    groups: dict[Any, list[Any]] = {}
    for x in xs:
        groups.setdefault(key(x), []).append(x)
    return hdict((k, tuple(v)) for k, v in groups.items())


def _counts(xs: Seq) -> HDict:
    charge(len(xs))
    counts: dict[Any, int] = {}
    for x in xs:
        counts[x] = counts.get(x, 0) + 1
    return hdict(counts.items())


PRIMITIVES = [
    prim("dict-empty", "dict(t0, t1)", HDict(), "the empty table"),
    prim("dict-from-pairs", "list(pair(t0, t1)) -> dict(t0, t1)", _from_pairs,
         "build a table from (key, value) pairs; later pairs win"),
    prim("lookup", "t0 -> dict(t0, t1) -> t1", _lookup, "value at a key; error when absent"),
    prim("lookup-or", "t1 -> t0 -> dict(t0, t1) -> t1",
         lambda default, k, d: d.get(k, default), "(lookup-or default k d)"),
    prim("insert", "t0 -> t1 -> dict(t0, t1) -> dict(t0, t1)", _insert, "(insert k v d)"),
    prim("has-key?", "t0 -> dict(t0, t1) -> bool", lambda k, d: k in d, "is the key present"),
    prim("keys", "dict(t0, t1) -> list(t0)", tuple, "keys in insertion order"),
    prim("values", "dict(t0, t1) -> list(t1)", lambda d: tuple(d.values()),
         "values in insertion order"),
    prim("items", "dict(t0, t1) -> list(pair(t0, t1))", lambda d: tuple(d.items()),
         "(key, value) pairs in insertion order"),
    prim("group-by", "(t0 -> t1) -> list(t0) -> dict(t1, list(t0))", _group_by,
         "group elements by a key, keeping their order"),
    prim("counts", "list(t0) -> dict(t0, int)", _counts, "how often each element occurs"),
]
