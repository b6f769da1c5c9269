"""Term rewriting: one program after another, by substitution."""

from __future__ import annotations

import pytest

from hortus.lang.parse import parse
from hortus.lang.rewrite import then


def test_then_feeds_a_steps_output_to_the_next_program() -> None:
    step = parse("(lambda (lambda (+ $0 $1)))")  # x y -> x + y
    after = parse("(lambda (lambda (lambda (* $0 $2))))")  # x y s -> s * x
    composed = then(after, step, 2)
    assert str(composed) == "(lambda (lambda (* (+ $0 $1) $1)))"
    assert composed(3, 4) == (3 + 4) * 3


def test_then_under_a_lambda_shifts_the_step() -> None:
    step = parse("(lambda (cdr $0))")
    after = parse("(lambda (lambda (map (lambda (+ $0 (length $1))) $1)))")
    composed = then(after, step, 1)
    assert composed([5, 1, 2]) == [5 + 2, 1 + 2, 2 + 2]  # each x plus the length of cdr x


def test_then_a_function_of_the_output_alone() -> None:
    composed = then(parse("(lambda (reverse $0))"), parse("(lambda (cdr $0))"), 1,
                    inputs_too=False)
    assert str(composed) == "(lambda (reverse (cdr $0)))"
    with pytest.raises(ValueError, match="does not take"):
        then(parse("(lambda (reverse $0))"), parse("(lambda (cdr $0))"), 1)
