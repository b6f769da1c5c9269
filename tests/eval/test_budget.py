"""Budgets: limits of one evaluation, and restoring the enclosing limits afterwards."""

from __future__ import annotations

import time

import pytest

from hortus.eval.budget import SEARCH_BUDGET, Budget
from hortus.lang import parse
from hortus.lang.runtime import METER, BudgetExceeded


def meter_state() -> tuple[int, int, float, int, int]:
    m = METER
    return (m.steps, m.check_at, m.deadline, m.max_int, m.max_len)


def test_defaults() -> None:
    b = Budget()
    assert (b.steps, b.time, b.max_int, b.max_len) == (1_000_000, 5.0, 2**62, 100_000)
    assert SEARCH_BUDGET.steps < b.steps and SEARCH_BUDGET.time < b.time


def test_budgets_are_frozen_values() -> None:
    assert Budget(steps=5) == Budget(steps=5)
    with pytest.raises(AttributeError):
        Budget().steps = 3  # type: ignore[misc]


def test_start_arms_the_meter() -> None:
    before = meter_state()
    with Budget(steps=7, time=2.0, max_int=99, max_len=3).active():
        assert (METER.steps, METER.max_int, METER.max_len) == (7, 99, 3)
        assert 0 < METER.deadline - time.perf_counter() <= 2.0
    assert meter_state() == before


def test_nested_budgets_restore_the_enclosing_limits() -> None:
    before = meter_state()
    with Budget(steps=500, max_int=10**6, max_len=50).active():
        parse("(range 10)")(budget=Budget(steps=100))  # a run inside a run
        outer = meter_state()
        with Budget(steps=3, max_len=2).active():
            assert METER.steps == 3 and METER.max_len == 2
        assert meter_state() == outer
        with pytest.raises(BudgetExceeded), Budget(steps=3, max_len=2).active():
            parse("(range 5)")(budget=Budget(max_len=2))
        assert meter_state() == outer
        assert (METER.max_int, METER.max_len) == (10**6, 50)
    assert meter_state() == before


def test_the_meter_is_restored_after_a_failed_run() -> None:
    before = meter_state()
    with pytest.raises(BudgetExceeded):
        parse("(while (lambda true) (lambda (+ $0 1)) 0)")(budget=Budget(steps=10))
    assert meter_state() == before
    assert parse("(range 3)")() == [0, 1, 2]  # later runs get their own, fresh budget
