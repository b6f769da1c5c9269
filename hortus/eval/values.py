"""Values crossing the boundary: plain Python/JSON values outside, immutable values inside.

Inside, a ``list(t)`` is a tuple, a ``pair`` a 2-tuple, a ``set`` a frozenset, a ``dict`` an
:class:`HDict` and a ``graph`` a :class:`Graph`. Conversions are directed by the type, so a JSON
``true`` is never taken for the integer 1.
"""

from __future__ import annotations

from typing import Any

from hortus.lang.runtime import Graph, HDict, hdict
from hortus.lang.types import (
    BOOL,
    CHAR,
    GRAPH,
    INT,
    STR,
    Fresh,
    Subst,
    TCon,
    TVar,
    Type,
    UnificationError,
    resolve,
    tdict,
    tlist,
    tpair,
    tset,
    unify,
)


class ValueTypeError(ValueError):
    """A value that does not have the type it should; the message says what was expected."""


def value_type(v: Any, fresh: Fresh | None = None) -> Type:
    """The type of a plain value: ``[1, 2]`` is ``list(int)``; ``[]`` is ``list(t)``."""
    fresh = fresh or Fresh("v")
    s: Subst = {}
    return resolve(_value_type(v, fresh, s), s)


def _value_type(v: Any, fresh: Fresh, s: Subst) -> Type:
    if isinstance(v, bool):
        return BOOL
    if isinstance(v, int):
        return INT
    if isinstance(v, str):
        return STR
    if isinstance(v, Graph):
        return GRAPH
    if isinstance(v, list | tuple):
        if isinstance(v, tuple) and len(v) == 2:
            a, b = (_value_type(x, fresh, s) for x in v)
            return tpair(a, b)
        elem: Type = fresh.var()
        for x in v:
            try:
                unify(elem, _value_type(x, fresh, s), s)
            except UnificationError:
                raise ValueTypeError(f"list mixes elements of types {resolve(elem, s)} and "
                                     f"{resolve(_value_type(x, fresh, s), s)}: {v!r}") from None
        return tlist(elem)
    if isinstance(v, set | frozenset):
        elem = fresh.var()
        for x in v:
            _unify_elements(elem, _value_type(x, fresh, s), s, "set", v)
        return tset(elem)
    if isinstance(v, dict):
        k, val = fresh.var(), fresh.var()
        for key, x in v.items():
            _unify_elements(k, _value_type(key, fresh, s), s, "dict's keys", v)
            _unify_elements(val, _value_type(x, fresh, s), s, "dict's values", v)
        return tdict(k, val)
    raise ValueTypeError(f"unsupported value {v!r} of Python type {type(v).__name__}")


def _unify_elements(elem: Type, t: Type, s: Subst, what: str, v: Any) -> None:
    try:
        unify(elem, t, s)
    except UnificationError:
        raise ValueTypeError(f"{what} mix types {resolve(elem, s)} and {resolve(t, s)}: "
                             f"{v!r}") from None


def unify_value(v: Any, t: Type, s: Subst, fresh: Fresh | None = None) -> None:
    """Extend ``s`` so that the plain value ``v`` has type ``t``, reading ``v`` as
    :func:`to_internal` does; raise :class:`ValueTypeError` or ``UnificationError`` if it cannot.

    Unlike unifying with :func:`value_type`, the expected type directs the reading: ``[1, 2]``
    fits ``pair(int, int)``, a list fits ``set(t)``, ``dict(k, v)`` (as [key, value] pairs) and
    ``graph`` (as [a, b] edges), and a one-character string fits ``char``.
    """
    fresh = fresh or Fresh("v")
    t = resolve(t, s)
    if isinstance(t, TVar):
        unify(t, value_type(v, fresh), s)
        return
    assert isinstance(t, TCon)
    name, args = t.name, t.args
    if name == "list":
        if not isinstance(v, list | tuple):
            raise ValueTypeError(f"expected a list, got {v!r}")
        for x in v:
            unify_value(x, args[0], s, fresh)
    elif name == "pair":
        if not isinstance(v, list | tuple) or len(v) != 2:
            raise ValueTypeError(f"expected a pair [a, b], got {v!r}")
        unify_value(v[0], args[0], s, fresh)
        unify_value(v[1], args[1], s, fresh)
    elif name == "set":
        if not isinstance(v, list | tuple | set | frozenset):
            raise ValueTypeError(f"expected a set (or a list of its elements), got {v!r}")
        for x in v:
            unify_value(x, args[0], s, fresh)
    elif name == "dict":
        items = v.items() if isinstance(v, dict) else v
        if not isinstance(v, dict | list | tuple) or not all(
                isinstance(kv, list | tuple) and len(kv) == 2 for kv in items):
            raise ValueTypeError(f"expected a dict or a list of [key, value] pairs, got {v!r}")
        for key, x in items:
            unify_value(key, args[0], s, fresh)
            unify_value(x, args[1], s, fresh)
    elif name == "graph":
        if not isinstance(v, Graph):
            unify_value(v, tlist(tpair(INT, INT)), s, fresh)
    else:
        to_internal(v, t)  # int, bool, str, char: checks the value; other types are refused


def to_internal(v: Any, t: Type) -> Any:
    """Convert a plain value to the run-time value of type ``t``; raise if it does not fit."""
    if isinstance(t, TVar):
        return to_internal(v, value_type(v))
    assert isinstance(t, TCon)
    name = t.name
    if name == "int":
        if type(v) is not int:
            raise ValueTypeError(f"expected an int, got {v!r}")
        return v
    if name == "bool":
        if type(v) is not bool:
            raise ValueTypeError(f"expected a bool, got {v!r}")
        return v
    if name in ("str", "char"):
        if not isinstance(v, str) or (name == "char" and len(v) != 1):
            raise ValueTypeError(f"expected a {name}, got {v!r}")
        return v
    if name == "list":
        if not isinstance(v, list | tuple):
            raise ValueTypeError(f"expected a list, got {v!r}")
        return tuple(to_internal(x, t.args[0]) for x in v)
    if name == "pair":
        if not isinstance(v, list | tuple) or len(v) != 2:
            raise ValueTypeError(f"expected a pair [a, b], got {v!r}")
        return (to_internal(v[0], t.args[0]), to_internal(v[1], t.args[1]))
    if name == "set":
        if not isinstance(v, list | tuple | set | frozenset):
            raise ValueTypeError(f"expected a set (or a list of its elements), got {v!r}")
        return frozenset(to_internal(x, t.args[0]) for x in v)
    if name == "dict":
        items = v.items() if isinstance(v, dict) else v
        try:
            return hdict((to_internal(k, t.args[0]), to_internal(x, t.args[1])) for k, x in items)
        except (TypeError, ValueError) as e:
            if isinstance(e, ValueTypeError):
                raise
            raise ValueTypeError(f"expected a dict or a list of [key, value] pairs, got {v!r}"
                                 ) from None
    if name == "graph":
        if isinstance(v, Graph):
            return v
        if not isinstance(v, list | tuple):
            raise ValueTypeError(f"expected a graph as a list of [a, b] edges, got {v!r}")
        return Graph.from_edges(to_internal(v, tlist(tpair(INT, INT))))
    raise ValueTypeError(f"values of type {t} cannot be given as input")


def to_external(v: Any, t: Type) -> Any:
    """Convert a run-time value back to a plain Python value (lists, tuples for pairs, ...).

    Set elements and dict keys must stay hashable: there, lists come back as tuples, sets as
    frozensets and dicts as :class:`HDict`.
    """
    name, args = (t.name, t.args) if isinstance(t, TCon) else ("", ())
    if name == "list":
        return [to_external(x, args[0]) for x in v]
    if name == "pair":
        return (to_external(v[0], args[0]), to_external(v[1], args[1]))
    if name == "set":
        return {_hashable(to_external(x, args[0])) for x in v}
    if name == "dict":
        return {_hashable(to_external(k, args[0])): to_external(x, args[1]) for k, x in v.items()}
    if isinstance(v, tuple):  # a value of polymorphic type: lists are tuples inside
        return [to_external(x, t) for x in v]
    return v


def _hashable(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return tuple(_hashable(x) for x in v)
    if isinstance(v, set):
        return frozenset(v)
    if isinstance(v, dict):
        return hdict((_hashable(k), _hashable(x)) for k, x in v.items())
    return v


def to_json(v: Any, t: Type) -> Any:
    """Convert a run-time value to JSON-compatible data."""
    name, args = (t.name, t.args) if isinstance(t, TCon) else ("", ())
    if name == "list":
        return [to_json(x, args[0]) for x in v]
    if name == "pair":
        return [to_json(v[0], args[0]), to_json(v[1], args[1])]
    if name == "set":
        return _sorted([to_json(x, args[0]) for x in v])
    if name == "dict":
        if args[0] == STR:
            return {key: to_json(val, args[1]) for key, val in v.items()}
        return [[to_json(key, args[0]), to_json(val, args[1])] for key, val in v.items()]
    if isinstance(v, Graph):
        return [list(e) for e in v.edges()]
    if isinstance(v, HDict):
        return [[to_json(key, t), to_json(val, t)] for key, val in v.items()]
    if isinstance(v, tuple):
        return [to_json(x, t) for x in v]
    if isinstance(v, frozenset):
        return _sorted([to_json(x, t) for x in v])
    return v


def _sorted(xs: list[Any]) -> list[Any]:
    """Elements in their natural order (1, 2, 10), or by their text when they have none."""
    try:
        return sorted(xs)
    except TypeError:
        return sorted(xs, key=repr)


def is_value_of(v: Any, t: Type) -> bool:
    """Does the plain value ``v`` have (an instance of) type ``t``?"""
    try:
        unify_value(v, Fresh("w").instantiate(t), {})
        return True
    except (UnificationError, ValueTypeError):
        return False


__all__ = ["BOOL", "CHAR", "INT", "ValueTypeError", "is_value_of", "to_external", "to_internal",
           "to_json", "unify_value", "value_type"]
