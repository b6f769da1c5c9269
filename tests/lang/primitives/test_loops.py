"""Loops: DreamCoder's map, fold (a right fold) and unfold, and the bounded ones."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hortus.eval.budget import Budget
from hortus.lang import parse
from hortus.lang.runtime import BudgetExceeded, EvalError


def ev(text: str, *inputs: object) -> object:
    return parse(text)(*inputs)


def test_map_and_mapi() -> None:
    assert ev("(lambda (map (lambda (* $0 $0)) $0))", [1, 2, 3]) == [1, 4, 9]
    assert ev("(lambda (map (lambda (mod $0 2)) $0))", [1, 2, 3]) == [1, 0, 1]
    assert ev("(lambda (mapi (lambda (lambda (* $0 $1))) $0))", [5, 5, 5]) == [0, 5, 10]
    assert ev("(lambda (map car $0))", [[1, 2], [3]]) == [1, 3]


def test_fold_is_a_right_fold() -> None:
    # (fold [a b] z f) = (f a (f b z)): building a list keeps the order
    assert ev("(lambda (fold $0 empty (lambda (lambda (cons $1 $0)))))", [1, 2, 3]) == [1, 2, 3]
    # subtraction shows the association: 1 - (2 - (3 - 0)) = 2
    assert ev("(lambda (fold $0 0 (lambda (lambda (- $1 $0)))))", [1, 2, 3]) == 2
    assert ev("(lambda (fold $0 0 (lambda (lambda (+ $1 $0)))))", [1, 2, 3]) == 6
    assert ev("(lambda (fold $0 7 (lambda (lambda (+ $1 $0)))))", []) == 7


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-20, 20), max_size=10), st.integers(-5, 5))
def test_fold_matches_dreamcoders_definition(xs: list[int], z: int) -> None:
    # DreamCoder: _fold(l)(x0)(f) = reduce(lambda a, x: f(x)(a), l[::-1], x0)
    expected = z
    for x in reversed(xs):
        expected = x - 2 * expected
    assert ev("(lambda (lambda (fold $1 $0 (lambda (lambda (- $1 (* 2 $0)))))))", xs, z) \
        == expected


def test_filter() -> None:
    assert ev("(lambda (filter (lambda (gt? $0 2)) $0))", [1, 5, 2, 3]) == [5, 3]
    assert ev("(lambda (filter (lambda false) $0))", [1, 5]) == []


def test_unfold() -> None:
    # (unfold x stop emit step): emit x, step x, ... until stop holds
    assert ev("(lambda (unfold $0 (lambda (empty? $0)) (lambda (car $0)) (lambda (cdr $0))))",
              [1, 2, 3]) == [1, 2, 3]
    assert ev("(unfold 0 (lambda (gt? $0 4)) (lambda (* $0 $0)) (lambda (+ $0 1)))") \
        == [0, 1, 4, 9, 16]
    assert ev("(unfold 9 (lambda true) (lambda $0) (lambda $0))") == []


def test_range() -> None:
    assert ev("(range 4)") == [0, 1, 2, 3]
    assert ev("(range 0)") == [] and ev("(range -3)") == []


def test_iterate() -> None:
    assert ev("(iterate 5 (lambda (* 2 $0)) 1)") == 32
    assert ev("(iterate 0 (lambda (* 2 $0)) 1)") == 1
    assert ev("(iterate -3 (lambda (* 2 $0)) 1)") == 1


def test_while() -> None:
    assert ev("(while (lambda (gt? 100 $0)) (lambda (* 2 $0)) 1)") == 128
    assert ev("(while (lambda false) (lambda (* 2 $0)) 1)") == 1


def test_loops_that_cannot_stop_are_refused() -> None:
    with pytest.raises(EvalError):
        ev("(while (lambda true) (lambda $0) 0)")
    with pytest.raises(EvalError):
        ev("(unfold 0 (lambda false) (lambda $0) (lambda $0))")


@pytest.mark.parametrize(("text", "steps", "budget"), [
    ("(while (lambda true) (lambda (+ $0 1)) 0)", 50_000, "steps"),
    ("(iterate 1000000000 (lambda (+ $0 1)) 0)", 50_000, "steps"),
    ("(unfold 0 (lambda false) (lambda $0) (lambda (+ $0 1)))", 50_000, "steps"),
    ("(unfold 0 (lambda false) (lambda $0) (lambda (+ $0 1)))", 10**6, "length"),
    ("(range 1000000000)", 50_000, "length"),
    ("(map (lambda $0) (range 100000))", 50_000, "steps"),
])
def test_runaway_loops_stop_on_a_budget(text: str, steps: int, budget: str) -> None:
    with pytest.raises(BudgetExceeded) as info:
        parse(text)(budget=Budget(steps=steps))
    assert info.value.budget == budget


def test_step_budget_is_exact() -> None:
    p = parse("(lambda (iterate $0 (lambda (+ $0 1)) 0))")
    assert p(100, budget=Budget(steps=100)) == 100
    with pytest.raises(BudgetExceeded, match="steps"):
        p(101, budget=Budget(steps=100))
    q = parse("(lambda (map (lambda (+ $0 1)) $0))")
    assert q(list(range(10)), budget=Budget(steps=10)) == list(range(1, 11))
    with pytest.raises(BudgetExceeded, match="steps"):
        q(list(range(11)), budget=Budget(steps=10))
