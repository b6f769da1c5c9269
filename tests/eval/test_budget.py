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


# ---------------------------------------------------------------- every runaway path is metered

DOUBLING = "(lambda ((iterate 40 (lambda (lambda ($1 ($1 $0)))) (lambda (+ $0 1))) $0))"


def test_closures_applied_to_closures_pay_steps() -> None:
    # f composed with itself 40 times over: 2^40 calls of (+ $0 1), and one loop of 40 steps
    p = parse(DOUBLING)
    start = time.perf_counter()
    with pytest.raises(BudgetExceeded) as info:
        p(1, budget=Budget(steps=100_000))
    assert info.value.budget == "steps" and time.perf_counter() - start < 1.0
    assert parse("(lambda ((iterate 3 (lambda (lambda ($1 ($1 $0)))) (lambda (+ $0 1))) $0))")(
        1, budget=Budget(steps=100)) == 9


def test_closure_doubling_stops_on_time_when_steps_allow_it() -> None:
    start = time.perf_counter()
    with pytest.raises(BudgetExceeded) as info:
        parse(DOUBLING)(1, budget=Budget(steps=10**15, time=0.3))
    assert info.value.budget == "time" and time.perf_counter() - start < 1.5


def test_lists_built_from_a_number_pay_a_step_per_element() -> None:
    assert parse("(range 5)")(budget=Budget(steps=5)) == [0, 1, 2, 3, 4]
    with pytest.raises(BudgetExceeded, match="steps"):
        parse("(range 6)")(budget=Budget(steps=5))
    with pytest.raises(BudgetExceeded, match="steps"):
        parse("(repeat 6 1)")(budget=Budget(steps=5))


def test_the_output_pays_for_its_size_from_an_allotment_of_its_own() -> None:
    # the program: 3 + 4 steps; the output: 3 + 12 elements, each written out
    p = parse("(lambda (repeat 3 (repeat 4 $0)))")
    assert p(7, budget=Budget(steps=15)) == [[7] * 4] * 3
    with pytest.raises(BudgetExceeded, match=r"output holds more than 14 elements") as info:
        p(7, budget=Budget(steps=14))
    assert info.value.budget == "steps"
    # characters of strings count: 1,000 copies of 1,000 characters
    with pytest.raises(BudgetExceeded, match="output"):
        parse("(lambda (repeat 1000 $0))")("x" * 1000, budget=Budget(steps=100_000))


def test_a_huge_output_of_shared_parts_stops_fast_and_small() -> None:
    # 3,000 copies of one list of 3,000: built in 6,000 steps, but 9,000,000 elements to write
    start = time.perf_counter()
    with pytest.raises(BudgetExceeded, match="output holds more than 1,000,000 elements"):
        parse("(lambda (repeat 3000 (repeat 3000 $0)))")(1, budget=Budget(time=2.0))
    assert time.perf_counter() - start < 1.0


def test_run_json_writes_the_output_under_the_budget() -> None:
    from hortus.eval.interpreter import run_json

    p = parse("(lambda (pair $0 (set-add 10 (set-add 2 set-empty))))")
    assert run_json(p, ["x"]) == '["x", [2, 10]]'
    with pytest.raises(BudgetExceeded, match="output"):
        run_json(parse("(lambda (repeat 3000 (repeat 3000 $0)))"), [1])
    with pytest.raises(TypeError, match=r"list\(set\(int\) -> set\(int\)\), which holds "
                                        r"functions"):
        run_json(parse("(lambda (map set-intersect $0))"), [[[7]]])
