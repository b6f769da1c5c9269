"""Sorting."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hortus.lang import parse

SORT = parse("(lambda (sort $0))")
SORT_BY = parse("(lambda (sort-by (lambda (mod $0 3)) $0))")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-100, 100), max_size=20))
def test_sort_sorts(xs: list[int]) -> None:
    assert SORT(xs) == sorted(xs)


def test_sort_by_is_stable() -> None:
    assert SORT_BY([5, 3, 4, 6, 1]) == [3, 6, 4, 1, 5]
    assert parse("(lambda (sort-by length $0))")([[1, 2], [3], [], [4]]) == [[], [3], [4], [1, 2]]


def test_sort_other_element_types() -> None:
    assert SORT(["b", "a", "c"]) == ["a", "b", "c"]
    assert SORT([[2], [1, 5], []]) == [[], [1, 5], [2]]
    assert SORT([True, False]) == [False, True]
