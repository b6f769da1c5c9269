"""Types: printing and parsing, DreamCoder spellings, unification, instantiation, renaming."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hortus.lang.types import (
    BOOL,
    CHAR,
    GRAPH,
    INT,
    MAX_TYPE_DEPTH,
    STR,
    Fresh,
    Subst,
    TCon,
    TVar,
    Type,
    TypeSyntaxError,
    UnificationError,
    arguments,
    arrow,
    canonical,
    depth,
    free_vars,
    is_arrow,
    is_ground,
    match,
    parse_type,
    resolve,
    returns,
    size,
    tdict,
    tlist,
    tpair,
    tset,
    unify,
)

A, B, C = TVar("a"), TVar("b"), TVar("c")

type_vars = st.sampled_from(["t0", "t1", "t2", "a", "b", "_1", "v3", "elem_type"]).map(TVar)
ground_atoms = st.sampled_from([INT, BOOL, CHAR, STR, GRAPH, TCon("float"),
                                TCon("tensor", (TCon("10"),)),
                                TCon("image", (TCon("28"), TCon("28")))])


def _compound(inner: st.SearchStrategy[Type]) -> st.SearchStrategy[Type]:
    return st.one_of(
        inner.map(tlist),
        inner.map(tset),
        st.builds(tdict, inner, inner),
        st.builds(tpair, inner, inner),
        st.builds(lambda a, b, c: TCon("tuple3", (a, b, c)), inner, inner, inner),
        st.builds(arrow, inner, inner),
    )


types = st.recursive(st.one_of(ground_atoms, type_vars), _compound, max_leaves=10)
ground_types = st.recursive(ground_atoms, _compound, max_leaves=6)


def substitute(t: Type, mapping: dict[str, Type]) -> Type:
    if isinstance(t, TVar):
        return mapping.get(t.name, t)
    assert isinstance(t, TCon)
    return TCon(t.name, tuple(substitute(a, mapping) for a in t.args))


# ---------------------------------------------------------------- printing and parsing


@settings(max_examples=300, deadline=None)
@given(types)
def test_printed_types_parse_back_to_themselves(t: Type) -> None:
    assert parse_type(str(t)) == t


@settings(max_examples=150, deadline=None)
@given(types)
def test_types_parse_without_any_spaces(t: Type) -> None:
    # "int->int" is as good as "int -> int"
    assert parse_type(str(t).replace(" ", "")) == t


@pytest.mark.parametrize(("text", "expected"), [
    ("int", INT),
    ("list(int)", tlist(INT)),
    ("list(int) -> int", arrow(tlist(INT), INT)),
    ("int->int", arrow(INT, INT)),
    ("int->int->bool", arrow(INT, INT, BOOL)),
    ("  dict( str ,list(int) )  ", tdict(STR, tlist(INT))),
    ("pair(t0, t1) -> t0", arrow(tpair(TVar("t0"), TVar("t1")), TVar("t0"))),
    ("tuple3(int, bool, char)", TCon("tuple3", (INT, BOOL, CHAR))),
    ("(int -> bool) -> list(int) -> list(int)",
     arrow(arrow(INT, BOOL), tlist(INT), tlist(INT))),
    ("list(int -> int)", tlist(arrow(INT, INT))),
    ("((int))", INT),
])
def test_parse_type_examples(text: str, expected: Type) -> None:
    assert parse_type(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("list-of-int", tlist(INT)),
    ("list-of-bool", tlist(BOOL)),
    ("list-of-list-of-int", tlist(tlist(INT))),
    ("set-of-char", tset(CHAR)),
    ("list-of-t0", tlist(TVar("t0"))),
    ("list-of-int -> int", arrow(tlist(INT), INT)),
    ("list-of-int->list-of-int", arrow(tlist(INT), tlist(INT))),
    ("int -> list-of-int -> list-of-int", arrow(INT, tlist(INT), tlist(INT))),
])
def test_dreamcoder_spellings(text: str, expected: Type) -> None:
    assert parse_type(text) == expected


def test_arrows_associate_to_the_right() -> None:
    t = parse_type("a -> b -> c")
    assert t == arrow(A, arrow(B, C)) == TCon("->", (A, TCon("->", (B, C))))
    assert parse_type("(a -> b) -> c") == TCon("->", (TCon("->", (A, B)), C))
    assert parse_type("(a -> b) -> c") != t
    assert str(arrow(arrow(A, B), C)) == "(a -> b) -> c"
    assert str(arrow(A, arrow(B, C))) == "a -> b -> c"


def test_printing_of_compound_types() -> None:
    assert str(tdict(STR, tlist(INT))) == "dict(str, list(int))"
    assert str(tlist(arrow(INT, INT))) == "list(int -> int)"
    assert repr(tpair(INT, BOOL)) == "Type('pair(int, bool)')"


@pytest.mark.parametrize(("text", "fragment"), [
    ("int @", "'@' at column 5"),
    ("int->@", "'@' at column 6"),
    ("Foo", "unknown type 'Foo' at column 1"),
    ("int -> Foo", "unknown type 'Foo' at column 8"),
    ("list(int))", "unexpected ')' at column 10"),
    ("list(int,)", "unexpected ')' at column 10"),
    ("-> int", "unexpected '->' at column 1"),
    ("int(int)", "unexpected '(' at column 4"),
    ("int int", "unexpected 'int' at column 5"),
    ("dict(int)", "dict takes 2 type argument(s), got 1 at column 1"),
    ("int -> list(int, int)", "list takes 1 type argument(s), got 2 at column 8"),
    ("list-of-Foo", "bad element type 'Foo' at column 9"),
])
def test_type_syntax_errors_name_the_column(text: str, fragment: str) -> None:
    with pytest.raises(TypeSyntaxError) as info:
        parse_type(text)
    assert fragment in str(info.value)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize("text", ["", "   ", "int ->", "list(int", "list", "(int"])
def test_incomplete_types_say_where_they_end(text: str) -> None:
    with pytest.raises(TypeSyntaxError, match="end"):
        parse_type(text)


def test_type_syntax_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_type("list(")


# ---------------------------------------------------------------- structure


def test_arguments_and_returns_of_curried_types() -> None:
    t = parse_type("(int -> bool) -> list(int) -> list(int)")
    assert arguments(t) == [arrow(INT, BOOL), tlist(INT)]
    assert returns(t) == tlist(INT)
    assert arguments(INT) == [] and returns(INT) == INT
    assert is_arrow(t) and not is_arrow(tlist(INT))
    assert arrow(INT) == INT


def test_free_variables_groundness_and_size() -> None:
    t = parse_type("pair(a, list(b)) -> a")
    assert list(free_vars(t)) == ["a", "b", "a"]
    assert not is_ground(t)
    assert is_ground(parse_type("list(int) -> int"))
    assert size(parse_type("list(int) -> int")) == 4  # ->, list, int, int


def test_types_are_immutable_and_hashable() -> None:
    assert {parse_type("list(int)"), tlist(INT)} == {tlist(INT)}
    with pytest.raises(AttributeError):
        INT.name = "bool"  # type: ignore[misc]


# ---------------------------------------------------------------- unification


def test_unify_binds_variables_on_both_sides() -> None:
    s: Subst = {}
    unify(parse_type("a -> list(b)"), parse_type("int -> list(a)"), s)
    assert resolve(parse_type("pair(a, b)"), s) == tpair(INT, INT)


def test_unify_variable_with_itself_and_chains() -> None:
    s: Subst = {}
    unify(A, A, s)
    assert s == {}
    unify(A, B, s)
    unify(B, C, s)
    unify(C, tlist(INT), s)
    assert resolve(A, s) == tlist(INT)


@pytest.mark.parametrize(("left", "right"), [
    ("int", "bool"),
    ("list(int)", "set(int)"),
    ("int -> int", "int"),
    ("list(a) -> a", "list(int) -> bool"),
    ("pair(a, a)", "pair(int, bool)"),
])
def test_unify_clash_names_both_types(left: str, right: str) -> None:
    with pytest.raises(UnificationError) as info:
        unify(parse_type(left), parse_type(right), {})
    assert "cannot unify" in str(info.value)
    assert not info.value.infinite


def test_unify_constructor_arity_mismatch() -> None:
    with pytest.raises(UnificationError):
        unify(TCon("list", (INT,)), TCon("list", (INT, INT)), {})


def test_occurs_check_refuses_infinite_types() -> None:
    with pytest.raises(UnificationError, match="infinite type: a occurs in list\\(a\\)") as info:
        unify(A, tlist(A), {})
    assert info.value.infinite
    # through the substitution: a = list(b), then b = a
    s: Subst = {}
    unify(A, tlist(B), s)
    with pytest.raises(UnificationError, match="infinite type"):
        unify(B, A, s)
    with pytest.raises(UnificationError, match="infinite type"):
        unify(arrow(A, B), arrow(B, arrow(A, INT)), {})


@settings(max_examples=150, deadline=None)
@given(types, st.dictionaries(st.sampled_from(["t0", "t1", "t2", "a", "b", "_1", "v3",
                                               "elem_type"]), ground_types))
def test_a_type_unifies_with_any_instance_of_itself(t: Type, mapping: dict[str, Type]) -> None:
    instance = substitute(t, mapping)
    s: Subst = {}
    unify(t, instance, s)
    assert resolve(t, s) == resolve(instance, s)
    for name, value in mapping.items():
        if name in set(free_vars(t)):
            assert resolve(TVar(name), s) == value


@settings(max_examples=150, deadline=None)
@given(types, types)
def test_unify_makes_types_equal_or_raises(t: Type, u: Type) -> None:
    u = Fresh("z").instantiate(u)  # no variables shared by accident
    s: Subst = {}
    try:
        unify(t, u, s)
    except UnificationError:
        return
    assert resolve(t, s) == resolve(u, s)


def test_match_returns_a_substitution_or_none() -> None:
    assert match(parse_type("list(a)"), tlist(INT)) == {"a": INT}
    assert match(parse_type("list(a)"), tset(INT)) is None
    s = match(parse_type("pair(a, b)"), tpair(INT, BOOL))
    assert s is not None and resolve(parse_type("b -> a"), s) == arrow(BOOL, INT)


# ---------------------------------------------------------------- instantiation and renaming


def test_fresh_instantiation_renames_consistently_and_freshly() -> None:
    fresh = Fresh("_")
    scheme = parse_type("(a -> b) -> list(a) -> list(b)")
    one, two = fresh.instantiate(scheme), fresh.instantiate(scheme)
    assert one != two
    assert set(free_vars(one)).isdisjoint(free_vars(two))
    assert canonical(one) == canonical(two) == canonical(scheme)
    assert fresh.instantiate(INT) is INT
    a1, b1 = arguments(one)[0].args  # type: ignore[attr-defined]
    assert arguments(one)[1] == tlist(a1) and returns(one) == tlist(b1)


def test_canonical_renames_in_order_of_first_appearance() -> None:
    assert str(canonical(parse_type("b -> a -> b"))) == "t0 -> t1 -> t0"
    assert str(canonical(parse_type("pair(_9, x) -> list(x)"))) == "pair(t0, t1) -> list(t1)"
    assert canonical(INT) == INT


@settings(max_examples=150, deadline=None)
@given(types)
def test_canonical_is_idempotent_and_ignores_variable_names(t: Type) -> None:
    c = canonical(t)
    assert canonical(c) == c
    renamed = substitute(t, {name: TVar(f"renamed_{name}") for name in free_vars(t)})
    assert canonical(renamed) == c


# ---------------------------------------------------------------- hostile text


@pytest.mark.parametrize("text", [
    "list(" * 500 + "int" + ")" * 500,
    "(" * 500 + "int" + ")" * 500,
    "int -> " * 500 + "int",
    "list-of-" * 500 + "int",
    "pair(int, " * 3000,
])
def test_types_nested_too_deeply_are_a_syntax_error(text: str) -> None:
    with pytest.raises(TypeSyntaxError, match=f"type nested deeper than {MAX_TYPE_DEPTH} levels "
                                              f"at column [0-9]+ in type '"):
        parse_type(text)


def test_types_at_the_depth_limit_parse() -> None:
    n = MAX_TYPE_DEPTH - 1
    assert depth(parse_type("list(" * n + "int" + ")" * n)) == MAX_TYPE_DEPTH
    assert depth(parse_type("list-of-" * n + "int")) == MAX_TYPE_DEPTH
    assert str(parse_type("set-of-list-of-int")) == "set(list(int))"


def test_long_type_text_is_cut_in_messages_and_read_in_linear_time() -> None:
    with pytest.raises(TypeSyntaxError) as info:
        parse_type("int " * 200_000)
    assert len(str(info.value)) < 200 and "...'" in str(info.value)


def test_type_text_must_be_a_string() -> None:
    with pytest.raises(TypeSyntaxError, match="a type is written as a str, not int"):
        parse_type(5)  # type: ignore[arg-type]
