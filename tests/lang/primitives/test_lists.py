"""List operations, DreamCoder's first: errors where DreamCoder's would fail."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hortus.eval.budget import Budget
from hortus.lang import parse
from hortus.lang.runtime import BudgetExceeded, EvalError


def ev(text: str, *inputs: object) -> object:
    return parse(text)(*inputs)


@pytest.mark.parametrize(("text", "inputs", "value"), [
    ("empty", (), []),
    ("(lambda (cons 0 $0))", ([1, 2],), [0, 1, 2]),
    ("(lambda (car $0))", ([4, 5],), 4),
    ("(lambda (cdr $0))", ([4, 5],), [5]),
    ("(lambda (cdr $0))", ([4],), []),
    ("(lambda (empty? $0))", ([],), True),
    ("(lambda (empty? $0))", ([0],), False),
    ("(lambda (length $0))", ([1, 1, 1],), 3),
    ("(lambda (index 0 $0))", ([7, 8],), 7),
    ("(lambda (index 1 $0))", ([7, 8],), 8),
    ("(lambda (lambda (append $1 $0)))", ([1], [2, 3]), [1, 2, 3]),
    ("(lambda (reverse $0))", ([1, 2, 3],), [3, 2, 1]),
    ("(lambda (take 2 $0))", ([1, 2, 3],), [1, 2]),
    ("(lambda (take 5 $0))", ([1, 2, 3],), [1, 2, 3]),
    ("(lambda (take -1 $0))", ([1, 2, 3],), []),
    ("(lambda (drop 2 $0))", ([1, 2, 3],), [3]),
    ("(lambda (drop -1 $0))", ([1, 2, 3],), [1, 2, 3]),
    ("(lambda (last $0))", ([1, 2, 3],), 3),
    ("(lambda (sum $0))", ([1, 2, 3],), 6),
    ("(lambda (sum $0))", ([],), 0),
    ("(lambda (product $0))", ([2, 3, 4],), 24),
    ("(lambda (product $0))", ([],), 1),
    ("(lambda (max $0))", ([2, 9, 4],), 9),
    ("(lambda (min $0))", ([2, 9, 4],), 2),
    ("(lambda (unique $0))", ([3, 1, 3, 2, 1],), [3, 1, 2]),
    ("(lambda (count 3 $0))", ([3, 1, 3],), 2),
    ("(lambda (member? 3 $0))", ([3, 1],), True),
    ("(lambda (member? 4 $0))", ([3, 1],), False),
    ("(repeat 3 true)", (), [True, True, True]),
    ("(repeat -2 1)", (), []),
    ("(lambda (concat $0))", ([[1], [], [2, 3]],), [1, 2, 3]),
    ("(lambda (lambda (zip $1 $0)))", ([1, 2, 3], [True, False]), [(1, True), (2, False)]),
])
def test_list_operations(text: str, inputs: tuple[object, ...], value: object) -> None:
    assert ev(text, *inputs) == value


@pytest.mark.parametrize(("text", "inputs", "message"), [
    ("(car empty)", (), "car of an empty list"),
    ("(cdr empty)", (), "cdr of an empty list"),
    ("(lambda (car $0))", ([],), "car of an empty list"),
    ("(lambda (last $0))", ([],), "last of an empty list"),
    ("(lambda (max $0))", ([],), "max of an empty list"),
    ("(lambda (min $0))", ([],), "min of an empty list"),
    ("(lambda (index 2 $0))", ([1, 2],), "index 2 out of range for a list of length 2"),
    ("(lambda (index -1 $0))", ([1, 2],), "index -1 out of range"),  # never from the end
    ("(index 0 empty)", (), "index 0 out of range for a list of length 0"),
])
def test_list_errors(text: str, inputs: tuple[object, ...], message: str) -> None:
    with pytest.raises(EvalError, match=message) as info:
        ev(text, *inputs)
    assert not isinstance(info.value, BudgetExceeded)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-50, 50), max_size=12), st.integers(-3, 15))
def test_list_operations_agree_with_python(xs: list[int], n: int) -> None:
    assert ev("(lambda (reverse $0))", xs) == xs[::-1]
    assert ev("(lambda (lambda (take $0 $1)))", xs, n) == xs[:max(n, 0)]
    assert ev("(lambda (lambda (drop $0 $1)))", xs, n) == xs[max(n, 0):]
    assert ev("(lambda (lambda (cons $0 $1)))", xs, n) == [n, *xs]
    assert ev("(lambda (sum $0))", xs) == sum(xs)
    assert ev("(lambda (unique $0))", xs) == list(dict.fromkeys(xs))
    if 0 <= n < len(xs):
        assert ev("(lambda (lambda (index $0 $1)))", xs, n) == xs[n]


def test_list_values_respect_the_length_budget() -> None:
    small = Budget(max_len=5)
    with pytest.raises(BudgetExceeded, match="length"):
        parse("(lambda (cons 0 $0))")([1, 2, 3, 4, 5], budget=small)
    with pytest.raises(BudgetExceeded, match="length"):
        parse("(lambda (append $0 $0))")([1, 2, 3], budget=small)
    with pytest.raises(BudgetExceeded, match="length"):
        parse("(repeat 6 0)")(budget=small)
    with pytest.raises(BudgetExceeded, match="length"):
        parse("(lambda (concat (cons $0 (cons $0 empty))))")([1, 2, 3], budget=small)
    with pytest.raises(BudgetExceeded) as info:
        parse("(repeat 1000000000 1)")()
    assert info.value.budget == "length"


def test_sum_and_product_respect_the_int_budget() -> None:
    with pytest.raises(BudgetExceeded, match="int"):
        parse("(lambda (product $0))")([2**40, 2**40])
    with pytest.raises(BudgetExceeded, match="int"):
        parse("(lambda (sum $0))")([2**62, 2**62])
