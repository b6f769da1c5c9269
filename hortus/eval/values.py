"""Values crossing the boundary: plain Python/JSON values outside, immutable values inside.

Inside, a ``list(t)`` is a tuple, a ``pair`` a 2-tuple, a ``set`` a frozenset, a ``dict`` an
:class:`HDict` and a ``graph`` a :class:`Graph`. Conversions are directed by the type, so a JSON
``true`` is never taken for the integer 1.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from hortus.lang.runtime import Graph, HDict, charge, hdict
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
    show_types,
    tdict,
    tlist,
    tpair,
    tset,
    unify,
)

MAX_VALUE_DEPTH = 100  # lists, objects, sets nested deeper are refused: well past any task's


class ValueTypeError(ValueError):
    """A value that does not have the type it should; the message says what was expected."""


# ---------------------------------------------------------------- JSON text and plain values


class _NotANumber(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity``: Python's JSON reader takes them, JSON does not."""


def _refuse_constant(name: str) -> Any:
    raise _NotANumber(name)


def loads(text: str) -> Any:
    """JSON text to a plain value, strictly: ``NaN``, ``Infinity`` and integers too long for
    Python to convert raise :class:`json.JSONDecodeError` pointing at them, like any other fault.

    Nesting too deep for Python's JSON reader raises ``RecursionError``.
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError:
        raise
    except _NotANumber as e:
        raise json.JSONDecodeError(f"{e} is not a JSON number",
                                   text, _position(text, re.escape(str(e)))) from None
    except ValueError:  # int(): "Exceeds the limit (4300 digits) for integer string conversion"
        most = sys.get_int_max_str_digits()
        raise json.JSONDecodeError(f"integer with more than {most} digits", text,
                                   _position(text, f"-?[0-9]{{{most + 1},}}")) from None


def _position(text: str, token: str) -> int:
    """Where the regex ``token`` first occurs in ``text`` outside JSON strings (else 0)."""
    for m in re.finditer(rf'"(?:[^"\\]|\\.)*"|({token})', text):
        if m.group(1) is not None:
            return m.start(1)
    return 0


def check_plain(v: Any, values: bool = True) -> None:
    """Refuse what no value of a task may hold: null, fractions, nesting deeper than
    :data:`MAX_VALUE_DEPTH`, text that is not valid Unicode (a lone surrogate).

    Without ``values`` (plain data, not a task's values), null and fractions are fine.
    """
    stack = [(v, 0)]
    while stack:
        x, depth = stack.pop()
        if not values and (x is None or isinstance(x, float)):
            continue
        if x is None:
            raise ValueTypeError("null is not a hortus value (values are integers, booleans, "
                                 "strings, lists and objects)")
        if isinstance(x, float):
            raise ValueTypeError(f"{show_value(x)} is not an integer; hortus has no "
                                 f"floating-point values (values are integers, booleans, "
                                 f"strings, lists and objects)")
        if isinstance(x, str):
            if not _is_text(x):
                raise ValueTypeError(f"{show_value(x)} is not valid Unicode text (it holds a "
                                     f"lone surrogate)")
        elif isinstance(x, list | tuple | set | frozenset | dict):
            if depth >= MAX_VALUE_DEPTH:
                raise ValueTypeError(f"values nested deeper than {MAX_VALUE_DEPTH} levels")
            items = [*x.keys(), *x.values()] if isinstance(x, dict) else x
            stack.extend((y, depth + 1) for y in items)


def _is_text(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def show_value(v: Any, limit: int = 60) -> str:
    """A value as JSON, as a user writes it, cut to ``limit`` characters: for messages."""
    try:
        text = json.dumps(v, ensure_ascii=False, default=_jsonish)
    except (TypeError, ValueError, RecursionError):
        text = f"a {type(v).__name__}"
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _jsonish(v: Any) -> Any:
    if isinstance(v, set | frozenset):
        return sorted(v, key=repr)
    if isinstance(v, Graph):
        return [list(e) for e in v.edges()]
    raise TypeError(type(v).__name__)


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
                left, right = show_types(resolve(elem, s), resolve(_value_type(x, fresh, s), s))
                raise ValueTypeError(f"list mixes elements of types {left} and {right}: "
                                     f"{show_value(v)}") from None
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
    raise ValueTypeError(f"unsupported value {show_value(v)} of Python type "
                         f"{type(v).__name__}")


def _unify_elements(elem: Type, t: Type, s: Subst, what: str, v: Any) -> None:
    try:
        unify(elem, t, s)
    except UnificationError:
        left, right = show_types(resolve(elem, s), resolve(t, s))
        raise ValueTypeError(f"{what} mix types {left} and {right}: {show_value(v)}") from None


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
            raise ValueTypeError(f"expected a list, got {show_value(v)}")
        for x in v:
            unify_value(x, args[0], s, fresh)
    elif name == "pair":
        if not isinstance(v, list | tuple) or len(v) != 2:
            raise ValueTypeError(f"expected a pair [a, b], got {show_value(v)}")
        unify_value(v[0], args[0], s, fresh)
        unify_value(v[1], args[1], s, fresh)
    elif name == "set":
        if not isinstance(v, list | tuple | set | frozenset):
            raise ValueTypeError(f"expected a set (or a list of its elements), got {show_value(v)}")
        for x in v:
            unify_value(x, args[0], s, fresh)
    elif name == "dict":
        items = v.items() if isinstance(v, dict) else v
        if not isinstance(v, dict | list | tuple) or not all(
                isinstance(kv, list | tuple) and len(kv) == 2 for kv in items):
            raise ValueTypeError(f"expected a dict or a list of [key, value] pairs, got "
                                 f"{show_value(v)}")
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
            raise ValueTypeError(f"expected an int, got {show_value(v)}")
        return v
    if name == "bool":
        if type(v) is not bool:
            raise ValueTypeError(f"expected a bool, got {show_value(v)}")
        return v
    if name in ("str", "char"):
        if not isinstance(v, str) or (name == "char" and len(v) != 1):
            raise ValueTypeError(f"expected a {name}, got {show_value(v)}")
        return v
    if name == "list":
        if not isinstance(v, list | tuple):
            raise ValueTypeError(f"expected a list, got {show_value(v)}")
        return tuple(to_internal(x, t.args[0]) for x in v)
    if name == "pair":
        if not isinstance(v, list | tuple) or len(v) != 2:
            raise ValueTypeError(f"expected a pair [a, b], got {show_value(v)}")
        return (to_internal(v[0], t.args[0]), to_internal(v[1], t.args[1]))
    if name == "set":
        if not isinstance(v, list | tuple | set | frozenset):
            raise ValueTypeError(f"expected a set (or a list of its elements), got {show_value(v)}")
        return frozenset(to_internal(x, t.args[0]) for x in v)
    if name == "dict":
        items = v.items() if isinstance(v, dict) else v
        try:
            return hdict((to_internal(k, t.args[0]), to_internal(x, t.args[1])) for k, x in items)
        except (TypeError, ValueError) as e:
            if isinstance(e, ValueTypeError):
                raise
            raise ValueTypeError(f"expected a dict or a list of [key, value] pairs, got "
                                 f"{show_value(v)}") from None
    if name == "graph":
        if isinstance(v, Graph):
            return v
        if not isinstance(v, list | tuple):
            raise ValueTypeError(f"expected a graph as a list of [a, b] edges, got {show_value(v)}")
        return Graph.from_edges(to_internal(v, tlist(tpair(INT, INT))))
    raise ValueTypeError(f"values of type {t} cannot be given as input")


def to_external(v: Any, t: Type) -> Any:
    """Convert a run-time value back to a plain Python value (lists, tuples for pairs, ...).

    Set elements and dict keys must stay hashable: there, lists come back as tuples, sets as
    frozensets and dicts as :class:`HDict`.
    """
    name, args = (t.name, t.args) if isinstance(t, TCon) else ("", ())
    if name == "list":
        if _flat(args[0]) or args[0] == STR:
            return list(v)
        return [to_external(x, args[0]) for x in v]
    if name == "pair":
        return (to_external(v[0], args[0]), to_external(v[1], args[1]))
    if name == "set":
        if _flat(args[0]) or args[0] == STR:
            return set(v)
        return {_hashable(to_external(x, args[0])) for x in v}
    if name == "dict":
        return {_hashable(to_external(k, args[0])): to_external(x, args[1]) for k, x in v.items()}
    if isinstance(v, tuple):  # a value of polymorphic type: lists are tuples inside
        return [to_external(x, t) for x in v]
    return v


_FLAT = frozenset({"int", "bool", "char"})  # the same value inside and outside, one step


def _flat(t: Type) -> bool:
    return isinstance(t, TCon) and t.name in _FLAT


def charge_elements(v: Any, t: Type) -> None:
    """Charge the meter a step per element of every list, set and dict inside ``v`` (of type
    ``t``), and per character of its strings: what converting and printing it costs. A part
    shared ``k`` times is counted ``k`` times, as it is written out ``k`` times."""
    if not isinstance(t, TCon):
        _charge_any(v)
        return
    name, args = t.name, t.args
    if name == "str":
        charge(len(v))
    elif name in ("list", "set"):
        charge(len(v))
        _charge_all(v, args[0])
    elif name == "pair":
        charge_elements(v[0], args[0])
        charge_elements(v[1], args[1])
    elif name == "dict":
        charge(len(v))
        _charge_all(v.keys(), args[0])
        _charge_all(v.values(), args[1])
    elif name == "graph":
        charge(sum(len(ns) for ns in v.adj.values()))


def _charge_all(xs: Any, t: Type) -> None:
    if _flat(t):
        return
    if t == STR:
        charge(sum(map(len, xs)))
        return
    for x in xs:
        charge_elements(x, t)


def _charge_any(v: Any) -> None:
    """:func:`charge_elements` for a value of polymorphic type: every element looked at."""
    stack = [v]
    while stack:
        x = stack.pop()
        if isinstance(x, str):
            charge(len(x))
        elif isinstance(x, tuple | frozenset):
            charge(len(x))
            stack.extend(x)
        elif isinstance(x, HDict):
            charge(len(x))
            stack.extend(x.keys())
            stack.extend(x.values())
        elif isinstance(x, Graph):
            charge(sum(len(ns) for ns in x.adj.values()))


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
        if _flat(args[0]) or args[0] == STR:
            return list(v)
        return [to_json(x, args[0]) for x in v]
    if name == "pair":
        return [to_json(v[0], args[0]), to_json(v[1], args[1])]
    if name == "set":
        if _flat(args[0]) or args[0] == STR:
            return _sorted(list(v))
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


__all__ = ["BOOL", "CHAR", "INT", "ValueTypeError", "charge_elements", "is_value_of",
           "to_external", "to_internal", "to_json", "unify_value", "value_type"]
