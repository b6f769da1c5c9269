"""Sets."""

from __future__ import annotations

import pytest

from hortus.eval.budget import Budget
from hortus.lang import parse
from hortus.lang.runtime import BudgetExceeded


def test_sets() -> None:
    assert parse("(lambda (set-to-list (set-from-list $0)))")([3, 1, 3, 2]) == [1, 2, 3]
    assert parse("(lambda (set-size (set-from-list $0)))")([3, 1, 3]) == 2
    assert parse("(lambda (set-member? 2 $0))")({1, 2}) is True
    assert parse("(lambda (set-member? 5 $0))")([1, 2]) is False
    assert parse("(lambda (set-to-list (set-add 0 $0)))")({1, 2}) == [0, 1, 2]
    assert parse("set-empty")() == set()
    both = "(lambda (lambda (set-to-list ({} $1 $0))))"
    assert parse(both.format("set-union"))({1, 2}, {2, 3}) == [1, 2, 3]
    assert parse(both.format("set-intersect"))({1, 2}, {2, 3}) == [2]
    assert parse(both.format("set-difference"))({1, 2}, {2, 3}) == [1]


def test_set_results_are_python_sets() -> None:
    assert parse("(lambda (set-from-list $0))")([1, 2, 2]) == {1, 2}
    assert parse("(lambda (set-from-list $0))")([[1], [1], [2]]) == {(1,), (2,)}


def test_sets_respect_the_length_budget() -> None:
    with pytest.raises(BudgetExceeded, match="length"):
        parse("(lambda (lambda (set-union $0 $1)))")({1, 2}, {3, 4}, budget=Budget(max_len=3))
