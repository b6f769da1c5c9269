"""Parsing program text: round trips with the printer, syntax errors, the depth limit, spans."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hortus.lang import ProgramSyntaxError, parse
from hortus.lang.parse import MAX_DEPTH, parse_with_spans
from hortus.lang.primitives import builtins, int_literal, lookup
from hortus.lang.program import Apply, Hole, Index, Lambda, Program, Routine, apply
from hortus.lang.types import INT, TCon, TVar, Type, arrow, parse_type, tdict, tlist, tpair, tset

# ---------------------------------------------------------------- a strategy for programs

_atoms = st.sampled_from([INT, parse_type("bool"), parse_type("char"), parse_type("str"),
                          parse_type("graph"), TVar("t0"), TVar("t1"), TVar("a")])
hole_types: st.SearchStrategy[Type] = st.recursive(_atoms, lambda inner: st.one_of(
    inner.map(tlist), inner.map(tset), st.builds(tpair, inner, inner),
    st.builds(tdict, inner, inner), st.builds(arrow, inner, inner),
    st.builds(lambda a, b, c: TCon("tuple3", (a, b, c)), inner, inner, inner),
), max_leaves=5)
hole_names = st.from_regex(r"[A-Za-z0-9_\-.]{1,8}", fullmatch=True)
holes = st.builds(Hole, st.none() | hole_types, st.none() | hole_names)
registry = st.sampled_from(sorted(builtins().values(), key=lambda p: p.name))
literals = st.integers(-10**12, 10**12).map(int_literal)


@st.composite
def programs(draw: st.DrawFn, env: int = 0, fuel: int = 5) -> Program:
    """A well-formed program whose free indices are all below ``env``."""
    kinds = ["primitive", "literal", "hole"] + (["index"] if env else [])
    if fuel > 0:
        kinds += ["apply", "apply", "lambda", "routine"]
    kind = draw(st.sampled_from(kinds))
    if kind == "primitive":
        return draw(registry)
    if kind == "literal":
        return draw(literals)
    if kind == "hole":
        return draw(holes)
    if kind == "index":
        return Index(draw(st.integers(0, env - 1)))
    if kind == "lambda":
        return Lambda(draw(programs(env + 1, fuel - 1)))
    if kind == "routine":
        return Routine(draw(programs(0, fuel - 1)))  # routine bodies are closed
    head = draw(programs(env, fuel - 1))
    args = draw(st.lists(programs(env, fuel - 1), min_size=1, max_size=3))
    return apply(head, *args)


@settings(max_examples=300, deadline=None)
@given(programs())
def test_printed_programs_parse_back_to_themselves(p: Program) -> None:
    text = str(p)
    q = parse(text)
    assert q == p
    assert hash(q) == hash(p)
    assert str(q) == text


@settings(max_examples=100, deadline=None)
@given(programs(), st.sampled_from([" ", "\n", "\t", "  \n  "]))
def test_whitespace_between_tokens_does_not_matter(p: Program, gap: str) -> None:
    text = str(p).replace(" ", gap).replace("(", f"({gap}").replace(")", f"{gap})")
    assert parse(f"{gap}{text}{gap}") == p


@settings(max_examples=100, deadline=None)
@given(programs())
def test_spans_locate_every_node(p: Program) -> None:
    text = str(p)
    parsed = parse_with_spans(text)
    for path, (start, end) in parsed.spans.items():
        node = parsed.program
        for step in path:
            node = node.body if isinstance(node, Routine) else node.children()[step]
        piece = text[start:end]
        if piece.count("(") != piece.count(")"):
            # (f a) inside (f a b ...) spans from its '(' to the end of its last argument
            assert isinstance(node, Apply) and piece.startswith("(")
            continue
        assert parse(piece) == node


# ---------------------------------------------------------------- examples


@pytest.mark.parametrize(("text", "expected"), [
    ("(lambda (map (lambda (+ $0 1)) $0))",
     Lambda(apply(lookup("map"), Lambda(apply(lookup("+"), Index(0), int_literal(1))),
                  Index(0)))),
    ("(lam (car $0))", Lambda(apply(lookup("car"), Index(0)))),  # Stitch's spelling
    ("-3", int_literal(-3)),
    ("(+ -3 4)", apply(lookup("+"), int_literal(-3), int_literal(4))),
    ("-", lookup("-")),
    ("$12", Index(12)),
    ("??", Hole()),
    ("??w", Hole(None, "w")),
    ("??[list(int)]", Hole(tlist(INT))),
    ("??f[int -> int]", Hole(arrow(INT, INT), "f")),
    ("??f[list-of-int]", Hole(tlist(INT), "f")),
    ("#(lambda $0)", Routine(Lambda(Index(0)))),
    ("# (lambda $0)", Routine(Lambda(Index(0)))),
    ("##car", Routine(Routine(lookup("car")))),
    ("((lambda $0) 1)", apply(Lambda(Index(0)), int_literal(1))),
    ("(char->int (int->char 65))",
     apply(lookup("char->int"), apply(lookup("int->char"), int_literal(65)))),
])
def test_parse_examples(text: str, expected: Program) -> None:
    assert parse(text) == expected


def test_multiline_text_and_redundant_digits() -> None:
    text = "(lambda\n  (map\n    (lambda (+ $0 1))\n    $0 )\n)\n"
    assert str(parse(text)) == "(lambda (map (lambda (+ $0 1)) $0))"
    assert parse("007") == int_literal(7) and parse("$01") == Index(1)


def test_integer_literals_are_unbounded_in_text() -> None:
    big = 10**30
    assert parse(str(big)) == int_literal(big)
    assert parse(str(-big)).impl == -big  # type: ignore[attr-defined]


def test_namespace_resolves_routines_by_name() -> None:
    inc = Routine(parse("(lambda (+ $0 1))"), "inc")
    p = parse("(lambda (map inc $0))", {"inc": inc})
    assert p == parse("(lambda (map #(lambda (+ $0 1)) $0))")
    assert p([1, 2]) == [2, 3]
    # builtins stay visible through a mapping; a resolver function replaces them
    assert parse("(car $0)", {"inc": inc}) == parse("(car $0)")
    only_inc = {"inc": inc}.get
    with pytest.raises(ProgramSyntaxError, match="unknown primitive or routine 'car'"):
        parse("(inc (car $0))", only_inc)


def test_parse_refuses_non_text() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        parse(b"(car $0)")  # type: ignore[arg-type]


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(("text", "message", "line", "column"), [
    ("", "empty program", 1, 1),
    ("   \n ", "empty program", 1, 1),
    ("(lambda (car $0)", "missing ')' to close the '('", 1, 1),
    ("(lambda\n  (map car $0)", "missing ')' to close the '('", 1, 1),
    ("(map car\n  (cdr $0)", "missing ')' to close the '('", 1, 1),
    ("(lambda (car $0)))", "unexpected text after the program", 1, 18),
    (")", "unexpected ')'", 1, 1),
    ("(lambda (foo $0))", "unknown primitive or routine 'foo'", 1, 10),
    ("(lambda\n  (map (lambda (foo $0)) $0))", "unknown primitive or routine 'foo'", 2, 17),
    ("()", "empty application '()'", 1, 1),
    ("(car (  ))", "empty application '()'", 1, 6),
    ("(car)", "an application needs arguments", 1, 1),
    ("(lambda (f))", "unknown primitive or routine 'f'", 1, 10),
    ("(lambda ((car $0)))", "an application needs arguments", 1, 9),
    ("$x", "bad variable '$x'", 1, 1),
    ("(lambda $-1)", "bad variable '$-1'", 1, 9),
    ("$", "bad variable '$'", 1, 1),
    ("car cdr", "unexpected text after the program", 1, 5),
    ("(car $0) $0", "unexpected text after the program", 1, 10),
    ("lambda", "'lambda' must open a list", 1, 1),
    ("(lambda)", "unexpected ')'", 1, 8),
    ("(lambda $0 $0)", "lambda takes exactly one body", 1, 12),
    ("(lambda #(+ $0 1))", "routine body has free variable $0", 1, 9),
    ("#", "unexpected end of program", 1, 2),
    ("??x[int", "missing ']' after the hole's type", 1, 4),
    ("(map ??f[list(] $0)", "bad hole type", 1, 10),
    ("??f[Foo]", "unknown type 'Foo'", 1, 5),
])
def test_syntax_errors_name_line_and_column(text: str, message: str, line: int,
                                            column: int) -> None:
    with pytest.raises(ProgramSyntaxError) as info:
        parse(text)
    e = info.value
    assert message in str(e)
    assert (e.line, e.column) == (line, column)
    assert f"at line {line}, column {column}" in str(e)
    assert "⟨here⟩" in str(e)


def test_syntax_error_is_a_value_error_with_an_offset() -> None:
    with pytest.raises(ValueError) as info:
        parse("(map car\n  (foo $0))")
    assert isinstance(info.value, ProgramSyntaxError)
    assert info.value.offset == 12
    assert "(map car   (⟨here⟩foo $0))" in str(info.value)  # newlines shown as spaces


# ---------------------------------------------------------------- depth limit


def test_ten_thousand_nested_parens_give_a_syntax_error() -> None:
    with pytest.raises(ProgramSyntaxError, match=f"nested deeper than {MAX_DEPTH} levels"):
        parse("(" * 10_000 + ")" * 10_000)


def test_ten_thousand_nested_lambdas_give_a_syntax_error() -> None:
    with pytest.raises(ProgramSyntaxError, match=f"nested deeper than {MAX_DEPTH} levels"):
        parse("(lambda " * 10_000 + "$0" + ")" * 10_000)


def test_routines_count_towards_the_depth() -> None:
    with pytest.raises(ProgramSyntaxError, match="nested deeper"):
        parse("#" * 5_000 + "car")


def test_flat_application_with_five_thousand_arguments_gives_a_syntax_error() -> None:
    with pytest.raises(ProgramSyntaxError, match="too many arguments in one application"):
        parse("(+ " + " ".join(["1"] * 5_000) + ")")


def test_programs_within_the_depth_limit_parse_type_and_run() -> None:
    nested = "(lambda " * MAX_DEPTH + "$0" + ")" * MAX_DEPTH
    p = parse(nested)
    assert parse(str(p)) == p and p.depth() == MAX_DEPTH + 1
    assert len(str(p.type).split("->")) == MAX_DEPTH + 1
    wide = parse("(lambda (+ " + " ".join(["1"] * 200) + "))")
    assert parse(str(wide)) == wide
    deep_sum = "$0"
    for _ in range(80):
        deep_sum = f"(+ 1 {deep_sum})"
    assert parse(f"(lambda {deep_sum})")(1) == 81


# ---------------------------------------------------------------- spans


def test_spans_of_nodes() -> None:
    text = "(map (+ 1) (range 3))"
    spans = parse_with_spans(text).spans

    def at(*path: int) -> str:
        start, end = spans[path]
        return text[start:end]

    assert at() == text
    assert at(0) == "(map (+ 1)"  # the partial application (map (+ 1))
    assert at(0, 0) == "map"
    assert at(0, 1) == "(+ 1)"
    assert at(0, 1, 0) == "+" and at(0, 1, 1) == "1"
    assert at(1) == "(range 3)"
    assert at(1, 1) == "3"


def test_spans_under_lambdas_and_routines() -> None:
    text = "(lambda (map #(lambda (+ $0 1)) $0))"
    spans = parse_with_spans(text).spans
    assert text[slice(*spans[(0,)])] == "(map #(lambda (+ $0 1)) $0)"
    assert text[slice(*spans[(0, 0, 1)])] == "#(lambda (+ $0 1))"
    assert text[slice(*spans[(0, 0, 1, 0)])] == "(lambda (+ $0 1))"
    assert text[slice(*spans[(0, 1)])] == "$0"


# ---------------------------------------------------------------- hostile text


def test_the_depth_limit_counts_real_nesting_not_arguments_seen() -> None:
    # (+ 1 X) nests X one level down: 200 of them are 200 levels, well within the limit
    deep = "(lambda " + "(+ 1 " * 200 + "$0" + ")" * 200 + ")"
    assert parse(deep)(1) == 201
    at_limit = "(lambda " + "(+ 1 " * (MAX_DEPTH - 2) + "$0" + ")" * (MAX_DEPTH - 2) + ")"
    assert parse(at_limit).depth() == MAX_DEPTH + 1  # the head + sits MAX_DEPTH levels down
    with pytest.raises(ProgramSyntaxError, match=f"nested deeper than {MAX_DEPTH} levels"):
        parse("(lambda " + "(+ 1 " * (MAX_DEPTH - 1) + "$0" + ")" * (MAX_DEPTH - 1) + ")")


def test_an_integer_literal_too_long_for_python_is_a_syntax_error() -> None:
    with pytest.raises(ProgramSyntaxError, match="integer literal of 5000 digits is too long "
                                                 "at line 1, column 12"):
        parse("(lambda (+ " + "9" * 5000 + " $0))")


@pytest.mark.parametrize("token", ["²", "٣", "--5", "-²"])
def test_only_ascii_digits_make_integer_literals(token: str) -> None:
    with pytest.raises(ProgramSyntaxError, match="unknown primitive or routine"):
        parse(f"(lambda (+ {token} $0))")
