"""Type inference: DreamCoder programs, polymorphism, routines, holes, and positioned errors."""

from __future__ import annotations

import pytest

from hortus.lang import ProgramTypeError, infer, parse, typecheck_text
from hortus.lang.program import Index, Lambda, Routine
from hortus.lang.types import INT, canonical, parse_type, tlist


def type_of(text: str) -> str:
    return str(infer(parse(text)))


@pytest.mark.parametrize(("text", "expected"), [
    ("(lambda (fold $0 0 (lambda (lambda (+ $1 $0)))))", "list(int) -> int"),
    ("(lambda (map (lambda $0) $0))", "list(t0) -> list(t0)"),
    ("(lambda (map (lambda (+ $0 1)) $0))", "list(int) -> list(int)"),
    ("(lambda (map (lambda (mod $0 2)) $0))", "list(int) -> list(int)"),
    ("(lambda (cdr (cons 1 $0)))", "list(int) -> list(int)"),
    ("(lambda (unfold $0 (lambda (empty? $0)) (lambda (car $0)) (lambda (cdr $0))))",
     "list(t0) -> list(t0)"),
    ("(lambda (fold $0 empty (lambda (lambda (cons $1 $0)))))", "list(t0) -> list(t0)"),
    ("(lambda (lambda (index $0 $1)))", "list(t0) -> int -> t0"),
    ("(lambda (if (empty? $0) 0 (car $0)))", "list(int) -> int"),
    ("(lambda (length (filter is-prime $0)))", "list(int) -> int"),
    ("(lambda $0)", "t0 -> t0"),
    ("(lambda (lambda $1))", "t0 -> t1 -> t0"),
    ("(lambda (lambda ($1 $0)))", "(t0 -> t1) -> t0 -> t1"),
    ("(lambda (lambda (lambda ($2 ($1 $0)))))", "(t0 -> t1) -> (t2 -> t0) -> t2 -> t1"),
    ("empty", "list(t0)"),
    ("(cons empty empty)", "list(list(t0))"),
    ("(zip (range 3) empty)", "list(pair(int, t0))"),
    ("(lambda (group-by (lambda (mod $0 2)) $0))", "list(int) -> dict(int, list(int))"),
    ("(lambda (implode (map upper (chars $0))))", "str -> str"),
    ("(lambda (bfs 0 (graph-from-edges $0)))", "list(pair(int, int)) -> list(int)"),
])
def test_types_of_programs(text: str, expected: str) -> None:
    assert type_of(text) == expected


def test_partial_application_has_a_function_type() -> None:
    assert type_of("(map (+ 1))") == "list(int) -> list(int)"
    assert type_of("(+ 1)") == "int -> int"
    assert type_of("(fold (range 3) 0)") == "(int -> int -> int) -> int"
    assert type_of("(lambda (map (cons 0) $0))") == "list(list(int)) -> list(list(int))"
    assert type_of("if") == "bool -> t0 -> t0 -> t0"


def test_routines_are_typed_by_their_body_and_instantiated_afresh() -> None:
    identity = "#(lambda $0)"
    assert type_of(identity) == "t0 -> t0"
    # a routine is polymorphic at each use, unlike a lambda-bound variable
    assert type_of(f"(pair ({identity} 1) ({identity} true))") == "pair(int, bool)"
    with pytest.raises(ProgramTypeError):
        infer(parse("((lambda (pair ($0 1) ($0 true))) (lambda $0))"))
    inc = "#(lambda (map (lambda (+ $0 1)) $0))"
    assert type_of(f"(lambda ({inc} ({inc} $0)))") == "list(int) -> list(int)"


def test_holes_take_their_declared_type_or_any() -> None:
    assert type_of("(lambda (map ??f[int -> bool] $0))") == "list(int) -> list(bool)"
    assert type_of("(lambda (map ??f $0))") == "list(t0) -> list(t1)"
    assert type_of("(lambda (map ??f[t0 -> t0] $0))") == "list(t0) -> list(t0)"
    assert type_of("(+ ??c[int] ??)") == "int"
    with pytest.raises(ProgramTypeError, match=r"should have type int but \?\?c\[bool\]"):
        infer(parse("(+ ??c[bool] 1)"))


def test_free_variables_take_their_types_from_the_environment() -> None:
    assert infer(parse("(+ $0 1)"), env=[INT]) == INT
    assert str(infer(parse("(cons $0 $1)"), env=[INT, parse_type("t5")])) == "list(int)"
    assert str(infer(parse("(lambda (cons $0 $1))"), env=[tlist(INT)])) == "int -> list(int)"
    # variables shared between the environment's types stay shared
    a = parse_type("a")
    assert str(infer(parse("(cons $0 $1)"), env=[a, tlist(a)])) == "list(t0)"
    with pytest.raises(ProgramTypeError):
        infer(parse("(cons $0 $1)"), env=[a, tlist(tlist(a))])


def test_environment_variables_never_clash_with_fresh_ones() -> None:
    # the checker's fresh variables are named _1, _2, ...: an environment may use those names
    assert str(infer(parse("(lambda $1)"), env=[parse_type("_1")])) == "t0 -> t1"
    assert str(infer(parse("(lambda (pair $0 $1))"), env=[parse_type("_2")])) \
        == "t0 -> pair(t0, t1)"


def test_unbound_variable_is_an_error() -> None:
    with pytest.raises(ProgramTypeError, match="unbound variable \\$1 \\(only 1 enclosing"):
        infer(parse("(lambda (+ $1 1))"))
    with pytest.raises(ProgramTypeError, match="unbound variable \\$0 \\(only 0"):
        infer(Routine(Index(0)))
    with pytest.raises(ProgramTypeError) as info:
        typecheck_text("(lambda\n  (+ $1 1))")
    assert "at line 2, column 6" in str(info.value)


def test_request_checks_the_program_against_a_type() -> None:
    p = parse("(lambda (+ $0 1))")
    assert infer(p, request=parse_type("int -> int")) == parse_type("int -> int")
    # a request specialises a polymorphic program
    assert str(infer(parse("(lambda $0)"), request=parse_type("list(int) -> list(int)"))) \
        == "list(int) -> list(int)"
    # the request's variables are fresh: they never clash with the program's
    assert str(infer(p, request=parse_type("t0 -> t0"))) == "int -> int"
    with pytest.raises(ProgramTypeError, match="program has type int -> int, but "
                                               "list\\(int\\) -> int was requested"):
        infer(p, request=parse_type("list(int) -> int"))
    with pytest.raises(ProgramTypeError, match="requested"):
        typecheck_text("(lambda (+ $0 1))", request=parse_type("int -> bool"))


def test_typecheck_text_returns_program_and_type() -> None:
    program, tp = typecheck_text("(lambda (sort $0))")
    assert program == parse("(lambda (sort $0))")
    assert str(tp) == "list(t0) -> list(t0)"
    program, tp = typecheck_text("(lambda (inc $0))",
                                 namespace={"inc": Routine(parse("(lambda (+ $0 1))"), "inc")})
    assert str(tp) == "int -> int"


# ---------------------------------------------------------------- positioned errors


def type_error(text: str) -> ProgramTypeError:
    with pytest.raises(ProgramTypeError) as info:
        typecheck_text(text)
    return info.value


def test_error_names_argument_both_types_and_position() -> None:
    e = type_error("(+ 1\n  true)")
    assert str(e).startswith("argument 2 of + should have type int but true has type bool "
                             "at line 2, column 3")


def test_error_in_a_middle_argument() -> None:
    e = type_error("(lambda (map (lambda (+ $0 1)) (car $0) 7))")
    assert "takes 2 argument(s) but is given 3" in str(e)
    e = type_error("(fold (range 3) true (lambda (lambda (+ $0 $1))))")
    assert e.reason == ("argument 3 of fold should have type int -> bool -> bool but "
                        "(lambda (lambda (+ $0 $1))) has type int -> int -> int "
                        "(bool clashes with int)")
    assert "line 1, column 22" in str(e)
    e = type_error("(map 1 (range 3))")
    assert e.reason == "argument 1 of map should have type t0 -> t1 but 1 has type int"
    assert "column 6" in str(e)


def test_error_deep_inside_lambdas_points_at_the_term() -> None:
    text = "(lambda\n  (map (lambda (car $0))\n       (range $0)))"
    e = type_error(text)
    assert "argument 2 of map should have type list(list(t0)) but (range $0) has type " \
           "list(int)" in str(e)
    assert "at line 3, column 8" in str(e)
    start, _ = e.span  # type: ignore[misc]
    assert text[start:].startswith("(range $0)")


def test_too_many_arguments() -> None:
    e = type_error("(lambda (+ 1 2 $0))")
    assert e.reason == "+ takes 2 argument(s) but is given 3: it returns int, not a function"
    assert "line 1, column 9" in str(e)


def test_self_application_is_an_infinite_type() -> None:
    e = type_error("(lambda ($0 $0))")
    assert e.reason == ("argument 1 of $0 should have type t0 but $0 has type t0 -> t1 "
                        "(that would be an infinite type)")
    assert "column 13" in str(e)


def test_error_inside_a_routine_points_into_its_body() -> None:
    e = type_error("(+ 1 #(+ 1 true))")
    assert "argument 2 of + should have type int but true has type bool" in str(e)
    assert "line 1, column 12" in str(e)


def test_error_without_text_has_a_path() -> None:
    with pytest.raises(ProgramTypeError) as info:
        infer(Lambda(parse("(+ (car $0) true)")))
    assert info.value.path == (0, 1)
    assert info.value.span is None
    assert "line" not in str(info.value)


def test_type_error_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        typecheck_text("(car 1)")


def test_types_nested_deeper_than_inference_can_follow_are_a_type_error() -> None:
    # each car unwraps one list: the input's type nests 250 lists deep, a short program's worth
    text = "(lambda " + "(car " * 250 + "$0" + ")" * 250 + ")"
    with pytest.raises(ProgramTypeError, match="types nest too deeply to infer"):
        typecheck_text(text)
    with pytest.raises(ProgramTypeError, match="types nest too deeply to infer"):
        parse(text).type  # noqa: B018


def test_a_named_hole_has_one_type_wherever_it_is_used() -> None:
    # one module, shared weights: both arguments go through the same ??digit
    assert str(canonical(infer(parse("(lambda (lambda (+ (??digit $0) (??digit $1))))")))) \
        == "t0 -> t0 -> int"
    assert str(canonical(infer(parse("(lambda (lambda (+ (?? $0) (?? $1))))")))) \
        == "t0 -> t1 -> int"  # unnamed holes are separate
    with pytest.raises(ProgramTypeError, match="argument 1 of \\?\\?f should have type int but "
                                               "true has type bool"):
        infer(parse("(lambda (pair (??f 1) (??f true)))"))
    with pytest.raises(ProgramTypeError, match="hole \\?\\?f is used as bool -> int here but "
                                               "as int -> int elsewhere"):
        infer(parse("(lambda (pair (??f[int -> int] 1) (??f[bool -> int] true)))"))
