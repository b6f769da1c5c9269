"""Collections beyond lists: tables (dicts), sets and graphs, with their primitives.

Their codecs: a ``set(t)`` is a frozenset inside and a list of its elements outside; a
``dict(k, v)`` an :class:`HDict` inside and a JSON object (string keys) or a list of
[key, value] pairs outside; a ``graph`` a :class:`Graph` inside and a list of [a, b] edges
outside.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from hortus.domains import Domain
from hortus.eval.codecs import (
    Codec,
    ElementsCodec,
    as_json,
    bad,
    charge_all,
    draw,
    external,
    flat_or_str,
    hashable,
    internal,
    length_range,
    sorted_plain,
    unify_into,
)
from hortus.eval.values import ValueTypeError
from hortus.lang.runtime import Graph, charge, hdict
from hortus.lang.types import INT, STR, Fresh, Subst, TCon, Type, tlist, tpair

if TYPE_CHECKING:
    import random

    from hortus.eval.sampler import Seeds


class SetCodec(ElementsCodec):
    """``set(t)``: a frozenset inside; a list of its elements (or a set) outside."""

    name = "set"
    accepts = (list, tuple, set, frozenset)
    expected = "a set (or a list of its elements)"

    def build(self, xs: Iterable[Any]) -> Any:
        return frozenset(xs)

    def to_external(self, v: Any, t: TCon) -> Any:
        elem = t.args[0]
        if flat_or_str(elem):
            return set(v)
        return {hashable(external(x, elem)) for x in v}

    def to_json(self, v: Any, t: TCon) -> Any:
        elem = t.args[0]
        if flat_or_str(elem):
            return sorted_plain(list(v))
        return sorted_plain([as_json(x, elem) for x in v])


class DictCodec(Codec):
    """``dict(k, v)``: an :class:`HDict` inside; a JSON object or [key, value] pairs outside."""

    name = "dict"
    arity = 2

    def _items(self, v: Any) -> Any:
        items = v.items() if isinstance(v, dict) else v
        if not isinstance(v, dict | list | tuple) or not all(
                isinstance(kv, list | tuple) and len(kv) == 2 for kv in items):
            raise bad("a dict or a list of [key, value] pairs", v)
        return items

    def unify(self, v: Any, t: TCon, s: Subst, fresh: Fresh) -> None:
        for key, x in self._items(v):
            unify_into(key, t.args[0], s, fresh)
            unify_into(x, t.args[1], s, fresh)

    def to_internal(self, v: Any, t: TCon) -> Any:

        items = v.items() if isinstance(v, dict) else v
        try:
            return hdict((internal(k, t.args[0]), internal(x, t.args[1])) for k, x in items)
        except (TypeError, ValueError) as e:
            if isinstance(e, ValueTypeError):
                raise
            raise bad("a dict or a list of [key, value] pairs", v) from None

    def to_external(self, v: Any, t: TCon) -> Any:
        return {hashable(external(k, t.args[0])): external(x, t.args[1])
                for k, x in v.items()}

    def to_json(self, v: Any, t: TCon) -> Any:
        if t.args[0] == STR:
            return {key: as_json(val, t.args[1]) for key, val in v.items()}
        return [[as_json(key, t.args[0]), as_json(val, t.args[1])] for key, val in v.items()]

    def charge(self, v: Any, t: TCon) -> None:
        charge(len(v))
        charge_all(v.keys(), t.args[0])
        charge_all(v.values(), t.args[1])

    def parts(self, v: Any, t: TCon) -> Iterable[tuple[Any, Type]]:
        for key, x in v.items():
            yield key, t.args[0]
            yield x, t.args[1]

    def sample(self, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        lo, hi = length_range(seeds, t)
        return hdict((draw(t.args[0], seeds, rng), draw(t.args[1], seeds, rng))
                     for _ in range(rng.randint(lo, hi)))


class GraphCodec(Codec):
    """``graph``: a :class:`Graph` inside, a list of [a, b] edges outside."""

    name = "graph"

    def unify(self, v: Any, t: TCon, s: Subst, fresh: Fresh) -> None:
        if not isinstance(v, Graph):
            unify_into(v, tlist(tpair(INT, INT)), s, fresh)

    def to_internal(self, v: Any, t: TCon) -> Any:
        if isinstance(v, Graph):
            return v
        if not isinstance(v, list | tuple):
            raise bad("a graph as a list of [a, b] edges", v)
        return Graph.from_edges(internal(v, tlist(tpair(INT, INT))))

    def to_json(self, v: Any, t: TCon) -> Any:
        return [list(e) for e in v.edges()]

    def charge(self, v: Any, t: TCon) -> None:
        charge(sum(len(ns) for ns in v.adj.values()))


DOMAIN = Domain(
    name="collections",
    summary="tables (dicts), sets and graphs: lookup, group-by, union, bfs, shortest paths",
    primitives=("hortus.lang.primitives.tables", "hortus.lang.primitives.sets",
                "hortus.lang.primitives.graphs"),
    codecs=(SetCodec(), DictCodec(), GraphCodec()),
)
