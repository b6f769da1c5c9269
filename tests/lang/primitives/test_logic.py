"""Booleans and the lazy conditional."""

from __future__ import annotations

import pytest

from hortus.lang import parse
from hortus.lang.runtime import EvalError


@pytest.mark.parametrize(("text", "value"), [
    ("true", True), ("false", False),
    ("(not true)", False), ("(not false)", True),
    ("(and true false)", False), ("(and true true)", True),
    ("(or false false)", False), ("(or false true)", True),
    ("(if true 1 2)", 1), ("(if false 1 2)", 2),
    ("(if (gt? 3 2) (cons 1 empty) empty)", [1]),
])
def test_logic(text: str, value: object) -> None:
    assert parse(text)() == value


def test_results_are_real_booleans() -> None:
    assert parse("(not false)")() is True
    assert parse("(lambda (lambda (and $0 $1)))")(True, False) is False


def test_if_evaluates_only_the_branch_taken() -> None:
    p = parse("(lambda (if (empty? $0) 0 (car $0)))")
    assert p([]) == 0
    assert p([7]) == 7
    guarded = parse("(lambda (if $0 1 (car empty)))")
    assert guarded(True) == 1
    with pytest.raises(EvalError, match="car of an empty list"):
        guarded(False)


def test_if_works_partially_applied() -> None:
    assert parse("(map (if true 1) (range 3))")() == [1, 1, 1]
    assert parse("(lambda (map (lambda (if (gt? $0 1) $0 0)) $0))")([0, 1, 2, 3]) == [0, 0, 2, 3]


def test_if_returning_a_function_applied_to_more_arguments() -> None:
    assert parse("(if true (+ 1) (+ 2) 5)")() == 6
    assert parse("(lambda (if (empty? $0) (+ 1) (+ 2) 5))")([0]) == 7
