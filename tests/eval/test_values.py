"""Values crossing the boundary: type-directed conversions in and out, and JSON."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hortus.eval.values import (
    MAX_VALUE_DEPTH,
    ValueTypeError,
    check_plain,
    is_value_of,
    loads,
    show_value,
    to_external,
    to_internal,
    to_json,
    unify_value,
    value_type,
)
from hortus.lang.runtime import Graph, HDict, hdict
from hortus.lang.types import INT, Subst, TVar, Type, parse_type, resolve

T = parse_type


@pytest.mark.parametrize(("tp", "plain", "internal"), [
    ("int", 3, 3),
    ("bool", True, True),
    ("str", "abc", "abc"),
    ("char", "a", "a"),
    ("list(int)", [1, 2], (1, 2)),
    ("list(list(int))", [[1], []], ((1,), ())),
    ("pair(int, bool)", (1, False), (1, False)),
    ("list(pair(int, str))", [(1, "a")], ((1, "a"),)),
    ("set(int)", {1, 2}, frozenset({1, 2})),
    ("set(list(int))", {(1, 2)}, frozenset({(1, 2)})),
    ("dict(str, list(int))", {"a": [1]}, hdict([("a", (1,))])),
    ("dict(list(int), int)", {(1,): 2}, hdict([((1,), 2)])),
    # set elements and dict keys come back hashable: tuples, frozensets, HDicts
    ("set(dict(int, list(int)))", {hdict([(0, ())])}, frozenset({hdict([(0, ())])})),
    ("dict(set(list(int)), int)", {frozenset({(1,)}): 2}, hdict([(frozenset({(1,)}), 2)])),
])
def test_internal_and_external_round_trip(tp: str, plain: object, internal: object) -> None:
    t = T(tp)
    inside = to_internal(plain, t)
    assert inside == internal and type(inside) is type(internal)
    assert to_external(inside, t) == plain
    assert to_internal(to_external(inside, t), t) == inside


@pytest.mark.parametrize(("tp", "plain", "internal"), [
    ("pair(int, int)", [1, 2], (1, 2)),  # a pair may be given as a list
    ("set(int)", [3, 1, 3], frozenset({1, 3})),  # a set as a list of its elements
    ("dict(int, int)", [[1, 2], [3, 4]], hdict([(1, 2), (3, 4)])),  # a dict as pairs
    ("graph", [[1, 2], [2, 3]], Graph.from_edges([(1, 2), (2, 3)])),  # a graph as edges
    ("list(int)", (1, 2, 3), (1, 2, 3)),
])
def test_other_spellings_of_values(tp: str, plain: object, internal: object) -> None:
    assert to_internal(plain, T(tp)) == internal


def test_internal_values_are_immutable_and_hashable() -> None:
    v = to_internal({"k": [{1, 2}]}, T("dict(str, list(set(int)))"))
    assert isinstance(v, HDict)
    hash(v)
    assert isinstance(v["k"], tuple) and isinstance(v["k"][0], frozenset)


def test_values_of_polymorphic_type_are_converted_by_their_shape() -> None:
    assert to_internal([[1], []], TVar("a")) == ((1,), ())
    assert to_internal((1, True), TVar("a")) == (1, True)
    assert to_external(((1, 2), (3,)), TVar("a")) == [[1, 2], [3]]


@pytest.mark.parametrize(("tp", "plain", "message"), [
    ("int", True, "expected an int, got true"),  # a bool is never an int
    ("int", 1.0, "expected an int, got 1.0"),
    ("bool", 1, "expected a bool, got 1"),
    ("char", "ab", 'expected a char, got "ab"$'),  # JSON, as the user wrote it
    ("str", 5, "expected a str, got 5"),
    ("list(int)", "abc", 'expected a list, got "abc"$'),
    ("list(int)", [1, True], "expected an int, got true"),
    ("pair(int, int)", [1, 2, 3], "expected a pair \\[a, b\\], got \\[1, 2, 3\\]"),
    ("set(int)", 5, "expected a set"),
    ("dict(int, int)", 5, "expected a dict or a list of \\[key, value\\] pairs, got 5"),
    ("dict(int, int)", [[1]], "expected a dict or a list of \\[key, value\\] pairs"),
    ("dict(int, int)", {1: "x"}, 'expected an int, got "x"'),
    ("graph", 5, "expected a graph as a list of \\[a, b\\] edges, got 5"),
    ("graph", [[1, "x"]], 'expected an int, got "x"'),
    ("int -> int", 1, "values of type int -> int cannot be given as input"),
    ("tuple3(int, int, int)", [1, 2, 3],
     "values of type tuple3\\(int, int, int\\) cannot be given as input"),
])
def test_conversion_errors_say_what_was_expected(tp: str, plain: object, message: str) -> None:
    with pytest.raises(ValueTypeError, match=message):
        to_internal(plain, T(tp))


def test_value_type_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        to_internal("x", INT)


@pytest.mark.parametrize(("plain", "tp"), [
    (3, "int"), (True, "bool"), ("ab", "str"),
    ([1, 2], "list(int)"), ([[True]], "list(list(bool))"), ([], "list(v1)"),
    ([[], [1]], "list(list(int))"), ((1, "a"), "pair(int, str)"),
    ({1, 2}, "set(int)"), ({"a": [1]}, "dict(str, list(int))"),
    (Graph.from_edges([(1, 2)]), "graph"),
])
def test_value_type(plain: object, tp: str) -> None:
    assert str(value_type(plain)) == tp


@pytest.mark.parametrize(("plain", "message"), [
    ([1, True], "list mixes elements of types int and bool"),
    ({1, "a"}, "set mix types"),
    ({1: 1, "a": 2}, "dict's keys mix types"),
    ({1: 1, 2: "a"}, "dict's values mix types"),
    (1 + 2j, "unsupported value"),
    (None, "unsupported value null"),
])
def test_value_type_errors(plain: object, message: str) -> None:
    with pytest.raises(ValueTypeError, match=message):
        value_type(plain)


def test_unify_value_reads_values_as_the_type_directs() -> None:
    s: Subst = {}
    t = T("pair(a, list(b))")
    unify_value([1, [True]], t, s)
    assert resolve(t, s) == T("pair(int, list(bool))")
    s = {}
    unify_value([[1, 2]], T("dict(a, b)"), s)
    assert resolve(T("dict(a, b)"), s) == T("dict(int, int)")
    s = {}
    unify_value("x", T("char"), s)
    unify_value([[1, 2]], T("graph"), s)
    with pytest.raises(ValueTypeError):
        unify_value([1, "x"], T("list(a)"), {})


def test_is_value_of() -> None:
    assert is_value_of([1], T("list(t0)"))
    assert is_value_of([1, 2], T("pair(int, int)"))
    assert is_value_of([[1, 2]], T("graph"))
    assert not is_value_of([True], T("list(int)"))
    assert not is_value_of([1, "a"], T("list(t0)"))
    assert is_value_of(1.5, T("t0")) and is_value_of(2, T("float"))
    assert not is_value_of(1.5, T("int")) and not is_value_of(True, T("float"))


@pytest.mark.parametrize(("tp", "plain", "data"), [
    ("list(int)", [3, 1], [3, 1]),
    ("pair(int, bool)", (1, True), [1, True]),
    ("set(int)", {10, 9, 2}, [2, 9, 10]),  # sorted, numerically
    ("set(str)", {"b", "a"}, ["a", "b"]),
    ("dict(str, list(int))", {"a": [1]}, {"a": [1]}),
    ("dict(int, str)", {2: "b", 1: "a"}, [[2, "b"], [1, "a"]]),  # non-string keys: pairs
    ("graph", [[2, 1], [1, 3]], [[1, 2], [1, 3]]),
    ("list(set(int))", [{2, 1}], [[1, 2]]),
])
def test_to_json(tp: str, plain: object, data: object) -> None:
    t = T(tp)
    out = to_json(to_internal(plain, t), t)
    assert out == data
    assert json.loads(json.dumps(out)) == out
    assert to_internal(out, t) == to_internal(plain, t)  # JSON data converts back


ground = st.recursive(
    st.sampled_from([T("int"), T("bool"), T("str")]),
    lambda inner: st.one_of(inner.map(lambda t: T(f"list({t})")),
                            st.tuples(inner, inner).map(lambda ab: T(f"pair({ab[0]}, {ab[1]})")),
                            inner.map(lambda t: T(f"set({t})")),
                            st.tuples(inner, inner).map(lambda kv: T(f"dict({kv[0]}, {kv[1]})"))),
    max_leaves=4)


def values_of(t: Type) -> st.SearchStrategy[object]:
    name = t.name  # type: ignore[attr-defined]
    args = t.args  # type: ignore[attr-defined]
    if name == "int":
        return st.integers(-10**6, 10**6)
    if name == "bool":
        return st.booleans()
    if name == "str":
        return st.text(max_size=4)
    if name == "list":
        return st.lists(values_of(args[0]), max_size=4)
    if name == "pair":
        return st.tuples(values_of(args[0]), values_of(args[1]))
    if name == "set":
        return st.lists(values_of(args[0]), max_size=4)
    return st.lists(st.tuples(values_of(args[0]), values_of(args[1])), max_size=4)


@settings(max_examples=150, deadline=None)
@given(st.data(), ground)
def test_conversions_round_trip_for_any_type(data: st.DataObject, t: Type) -> None:
    plain = data.draw(values_of(t))
    inside = to_internal(plain, t)
    hash(inside)  # run-time values are hashable
    assert to_internal(to_external(inside, t), t) == inside
    assert to_internal(json.loads(json.dumps(to_json(inside, t))), t) == inside
    assert is_value_of(plain, t)


# ---------------------------------------------------------------- JSON text and plain values


@pytest.mark.parametrize(("text", "message", "column"), [
    ("[1, NaN]", "NaN is not a JSON number", 5),
    ('{"a": "NaN", "b": -Infinity}', "-Infinity is not a JSON number", 19),
    ('["Infinity\\"", Infinity]', "Infinity is not a JSON number", 16),
    ("[1, " + "9" * 5000 + "]", "integer with more than 4300 digits", 5),
])
def test_loads_refuses_what_json_does_not_allow_and_points_at_it(text: str, message: str,
                                                                  column: int) -> None:
    with pytest.raises(json.JSONDecodeError) as info:
        loads(text)
    assert (info.value.msg, info.value.colno) == (message, column)


def test_loads_reads_json() -> None:
    assert loads('{"a": [1, -2, "NaN"], "b": true}') == {"a": [1, -2, "NaN"], "b": True}


def _nested(n: int) -> object:
    v: object = 0
    for _ in range(n):
        v = [v]
    return v


@pytest.mark.parametrize(("value", "message"), [
    (None, "null is not a hortus value"),
    ([1, float("nan")], "nan is not a finite number"),
    ({"a": [float("-inf")]}, "-inf is not a finite number"),
    ({"a": "x\ud800"}, 'x\\\\ud800" is not valid Unicode text'),
    ({"\udc00": 1}, "is not valid Unicode text"),
    (_nested(900), f"values nested deeper than {MAX_VALUE_DEPTH} levels"),
])
def test_check_plain_refuses_what_no_value_holds(value: object, message: str) -> None:
    with pytest.raises(ValueTypeError, match=message):
        check_plain(value)


def test_check_plain_takes_values_at_the_depth_limit() -> None:
    check_plain(_nested(MAX_VALUE_DEPTH))
    check_plain({"note": [None, 1.5]}, values=False)  # plain data, not a task's values


def test_show_value_writes_json_cut_short() -> None:
    assert show_value([1, (2, 3), True, None, "a"]) == '[1, [2, 3], true, null, "a"]'
    assert show_value(frozenset({2, 1})) == "[1, 2]"
    assert show_value("\ud800") == '"\\ud800"'
    assert show_value(list(range(100)), limit=20) == "[0, 1, 2, 3, 4, 5..."
    assert show_value(_nested(5000)) == "a list"
