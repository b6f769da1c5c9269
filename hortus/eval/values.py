"""Values crossing the boundary: plain Python/JSON values outside, immutable values inside.

Inside, a ``list(t)`` is a tuple, a ``pair`` a 2-tuple, a ``set`` a frozenset, a ``dict`` an
:class:`HDict` and a ``graph`` a :class:`Graph`. Conversions are directed by the type, so a JSON
``true`` is never taken for the integer 1.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

from hortus.eval.codecs import Codec, claim, codec, codec_of, sorted_plain
from hortus.lang.runtime import Graph, HDict, charge
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
    """Refuse what no value of a task may hold: null, numbers that are not finite, nesting
    deeper than :data:`MAX_VALUE_DEPTH`, text that is not valid Unicode (a lone surrogate).

    Without ``values`` (plain data, not a task's values), null and any float are fine.
    """
    stack = [(v, 0)]
    while stack:
        x, depth = stack.pop()
        if not values and (x is None or isinstance(x, float)):
            continue
        if x is None:
            raise ValueTypeError("null is not a hortus value (values are numbers, booleans, "
                                 "strings, lists and objects)")
        if isinstance(x, float) and not math.isfinite(x):
            raise ValueTypeError(f"{x!r} is not a finite number")
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
    claimed = claim(v)  # a domain's value: a float, an array
    if claimed is not None:
        return claimed
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
    _codec(t).unify(v, t, s, fresh)


def _codec(t: TCon) -> Codec:
    found = codec(t.name)
    if found is None:
        raise ValueTypeError(f"values of type {t} cannot be given as input")
    return found


def to_internal(v: Any, t: Type) -> Any:
    """Convert a plain value to the run-time value of type ``t``; raise if it does not fit."""
    if isinstance(t, TVar):
        return to_internal(v, value_type(v))
    assert isinstance(t, TCon)
    return _codec(t).to_internal(v, t)


def to_external(v: Any, t: Type) -> Any:
    """Convert a run-time value back to a plain Python value (lists, tuples for pairs, ...).

    Set elements and dict keys must stay hashable: there, lists come back as tuples, sets as
    frozensets and dicts as :class:`HDict`.
    """
    found = codec_of(t)
    if found is not None:
        return found.to_external(v, t)  # type: ignore[arg-type]
    if isinstance(v, tuple):  # a value of polymorphic type: lists are tuples inside
        return [to_external(x, t) for x in v]
    return v


def charge_elements(v: Any, t: Type) -> None:
    """Charge the meter a step per element of every list, set and dict inside ``v`` (of type
    ``t``), and per character of its strings: what converting and printing it costs. A part
    shared ``k`` times is counted ``k`` times, as it is written out ``k`` times."""
    if not isinstance(t, TCon):
        _charge_any(v)
        return
    found = codec(t.name)
    if found is not None:
        found.charge(v, t)


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


def to_json(v: Any, t: Type) -> Any:
    """Convert a run-time value to JSON-compatible data."""
    found = codec_of(t)
    if found is not None:
        return found.to_json(v, t)  # type: ignore[arg-type]
    if isinstance(v, Graph):
        return [list(e) for e in v.edges()]
    if isinstance(v, HDict):
        return [[to_json(key, t), to_json(val, t)] for key, val in v.items()]
    if isinstance(v, tuple):
        return [to_json(x, t) for x in v]
    if isinstance(v, frozenset):
        return sorted_plain([to_json(x, t) for x in v])
    return v


def is_value_of(v: Any, t: Type) -> bool:
    """Does the plain value ``v`` have (an instance of) type ``t``?"""
    try:
        unify_value(v, Fresh("w").instantiate(t), {})
        return True
    except (UnificationError, ValueTypeError):
        return False


__all__ = ["BOOL", "CHAR", "INT", "ValueTypeError", "charge_elements", "is_value_of",
           "to_external", "to_internal", "to_json", "unify_value", "value_type"]
