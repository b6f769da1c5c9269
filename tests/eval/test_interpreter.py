"""The interpreter: running programs on plain Python values, under budgets, with clear errors."""

from __future__ import annotations

import time

import pytest

from hortus.eval.budget import Budget
from hortus.eval.interpreter import CompileError, compile_program, evaluate, run
from hortus.lang import parse
from hortus.lang.primitives import int_literal, lookup
from hortus.lang.program import Apply, Index, Lambda, Program, Routine, apply
from hortus.lang.runtime import BudgetExceeded, EvalError, Graph


def test_sort_example_from_the_readme() -> None:
    assert parse("(lambda (sort $0))")([3, 1, 2]) == [1, 2, 3]


def test_lists_in_lists_out() -> None:
    out = parse("(lambda (map (lambda (cons $0 empty)) $0))")([1, 2])
    assert out == [[1], [2]]
    assert type(out) is list and all(type(x) is list for x in out)
    assert run(parse("(lambda (reverse $0))"), [(1, 2)]) == [2, 1]  # tuples are lists too


def test_results_keep_their_python_types() -> None:
    assert parse("(lambda (empty? $0))")([]) is True
    assert parse("(lambda (zip $0 $0))")([1]) == [(1, 1)]  # pairs come out as tuples
    assert parse("(lambda (set-from-list $0))")([1, 1]) == {1}
    assert parse("(lambda (counts $0))")([5, 5]) == {5: 2}
    assert parse("(lambda (set-from-list $0))")([[1], [1, 2]]) == {(1,), (1, 2)}
    assert isinstance(parse("(lambda (graph-from-edges $0))")([[1, 2]]), Graph)


def test_bools_are_never_ints() -> None:
    with pytest.raises(TypeError, match="input 1 should have type list\\(int\\), got \\[true\\]"):
        parse("(lambda (sum $0))")([True])
    with pytest.raises(TypeError, match="input 1 should have type int, got false"):
        parse("(lambda (+ $0 1))")(False)
    with pytest.raises(TypeError, match="input 1 should have type bool, got 1"):
        parse("(lambda (not $0))")(1)
    assert parse("(lambda (map not $0))")([True]) == [False]


def test_multiple_inputs_bind_outermost_lambda_first() -> None:
    minus = parse("(lambda (lambda (- $1 $0)))")
    assert minus(10, 3) == 7
    assert parse("(lambda (lambda (lambda (cons $2 (cons $1 (cons $0 empty))))))")(1, 2, 3) \
        == [1, 2, 3]
    assert parse("(lambda (lambda (append $1 $0)))")([1], [2, 3]) == [1, 2, 3]


def test_inputs_fix_the_types_of_later_inputs() -> None:
    eq = parse("(lambda (lambda (eq? $0 $1)))")
    assert eq([1], [1]) is True
    with pytest.raises(TypeError, match="input 2 should have type int, got true"):
        eq(1, True)


def test_input_type_errors_name_the_input() -> None:
    p = parse("(lambda (lambda (+ $0 $1)))")
    with pytest.raises(TypeError, match='input 2 should have type int, got "x"'):
        p(1, "x")
    with pytest.raises(TypeError, match=r"input 1 should have type int, got 1\.5"):
        p(1.5, 1)
    with pytest.raises(TypeError, match="input 1 should have type int, got null"):
        p(None, 1)
    with pytest.raises(TypeError, match="takes 2 input\\(s\\), got 3"):
        p(1, 2, 3)
    with pytest.raises(TypeError, match=r'input 1 should have type char, got "ab"$'):
        parse("(lambda (char->int $0))")("ab")


def test_inputs_are_read_as_their_type_directs() -> None:
    assert parse("(lambda (fst $0))")([1, 2]) == 1  # a pair given as a list
    assert parse("(lambda (set-size $0))")([1, 1, 2]) == 2  # a set as a list
    assert parse("(lambda (lookup 1 $0))")([[1, 5]]) == 5  # a dict as [key, value] pairs
    assert parse("(lambda (bfs 1 $0))")([[1, 2], [2, 3]]) == [1, 2, 3]  # a graph as edges
    assert parse("(lambda (char->int $0))")("a") == 97  # a one-character string as a char
    assert parse("(lambda (map fst $0))")([[1, 2], [3, 4]]) == [1, 3]
    assert parse("(lambda $0)")((1, 2)) == (1, 2)  # polymorphic: read by shape


def test_partial_application_inside_programs() -> None:
    assert parse("(map (+ 1))")([1, 2]) == [2, 3]
    assert parse("(lambda (map (cons 0) $0))")([[1], []]) == [[0, 1], [0]]
    assert parse("(lambda (fold $0 0 +))")([1, 2, 3]) == 6
    assert parse("(lambda (map (mapi (lambda (lambda (* $0 $1)))) $0))")([[1, 1], [2]]) \
        == [[0, 1], [0]]
    assert parse("((lambda (lambda (+ $0 $1))) 2 3)")() == 5


def test_routines_run_like_their_bodies() -> None:
    inc = Routine(parse("(lambda (+ $0 1))"), "inc")
    p = Lambda(apply(lookup("map"), inc, Index(0)))
    assert p([1, 2]) == [2, 3]
    assert parse("(lambda (#(lambda (lambda (- $1 $0))) $0 1))")(5) == 4
    assert parse("(lambda (cons #(length (range 4)) $0))")([9]) == [4, 9]
    assert parse("#(lambda (lambda (+ $0 $1)))")(2, 3) == 5


def test_programs_need_all_their_inputs() -> None:
    # A partial application would hand back an unbudgeted function over internal values.
    add = parse("(lambda (lambda (+ $1 $0)))")
    with pytest.raises(TypeError, match="takes 2 input\\(s\\), got 1"):
        add(10)
    assert add(10, 5) == 15


def test_depth_budget() -> None:
    p = parse("(lambda (+ 1 (+ 1 (+ 1 (+ 1 $0)))))")
    assert p(1) == 5
    with pytest.raises(BudgetExceeded, match="depth budget exceeded"):
        p(1, budget=Budget(max_depth=3))


def test_hole_refuses_to_run_until_it_is_filled() -> None:
    from hortus.eval.interpreter import filling

    # a named hole is a module or constant still to be trained: it says so when run
    with pytest.raises(CompileError, match="the hole \\?\\?w has no module or value"):
        parse("(lambda (+ ??w[int] $0))")(1)
    with filling({"w": 4}):
        assert parse("(lambda (+ ??w[int] $0))")(1) == 5
    with pytest.raises(CompileError, match="the hole \\?\\?w has no module or value"):
        parse("(lambda (+ ??w[int] $0))")(1)  # the filling ended with its block
    with pytest.raises(EvalError, match="unfilled hole"):
        parse("(lambda (map ?? $0))")([1])


@pytest.mark.parametrize(("text", "inputs", "message"), [
    ("(car empty)", (), "car of an empty list"),
    ("(lambda (car $0))", ([],), "car of an empty list"),
    ("(lambda (cdr (cdr $0)))", ([1],), "cdr of an empty list"),
    ("(lambda (mod $0 0))", (5,), "modulo by zero"),
    ("(lambda (index 3 $0))", ([1],), "index 3 out of range"),
])
def test_run_time_errors_are_eval_errors(text: str, inputs: tuple[object, ...],
                                         message: str) -> None:
    with pytest.raises(EvalError, match=message):
        parse(text)(*inputs)


def test_unexpected_python_errors_become_eval_errors() -> None:
    # sorting tables is not defined in Python: the failure is reported, not leaked
    with pytest.raises(EvalError, match="TypeError: '<' not supported"):
        parse("(lambda (sort (map counts $0)))")([[1], [2]])


def test_ill_typed_programs_do_not_run() -> None:
    with pytest.raises(TypeError, match="argument 2 of \\+ should have type int"):
        parse("(+ 1 true)")()


# ---------------------------------------------------------------- budgets


def test_infinite_while_stops_on_steps() -> None:
    start = time.perf_counter()
    with pytest.raises(BudgetExceeded) as info:
        parse("(while (lambda true) (lambda (+ $0 1)) 0)")(budget=Budget(steps=100_000))
    assert info.value.budget == "steps"
    assert "steps budget exceeded" in str(info.value)
    assert time.perf_counter() - start < 2.0


def test_huge_range_stops_on_length() -> None:
    with pytest.raises(BudgetExceeded) as info:
        parse("(range 1000000000)")()
    assert info.value.budget == "length"
    assert "1000000000 elements" in str(info.value)


def test_repeated_squaring_stops_on_int() -> None:
    with pytest.raises(BudgetExceeded) as info:
        parse("(fold (range 100) 2 (lambda (lambda (* $0 $0))))")()
    assert info.value.budget == "int"


def assert_stops_in_time(p: Program, *inputs: object, budget: Budget) -> None:
    start = time.perf_counter()
    with pytest.raises(BudgetExceeded) as info:
        p(*inputs, budget=budget)
    assert info.value.budget in ("time", "steps")
    assert time.perf_counter() - start < budget.time + 0.5


def test_tight_time_budget_stops_a_slow_finite_loop() -> None:
    slow = parse("(while (lambda (gt? 100000000 $0)) (lambda (+ $0 1)) 0)")
    assert_stops_in_time(slow, budget=Budget(steps=10**9, time=0.05))


def test_time_budget_holds_when_loop_bodies_build_large_values() -> None:
    # one step per element of the outer list, but each builds a long list: the clock is read
    many_ranges = parse("(map (lambda (range 100000)) (range 3000))")
    assert_stops_in_time(many_ranges, budget=Budget(time=0.05))
    quadratic = parse("(fold (range 30000) empty (lambda (lambda (cons $1 $0))))")
    assert_stops_in_time(quadratic, budget=Budget(time=0.05))


def test_time_budget_covers_routines_evaluated_when_compiling() -> None:
    constant = parse("#(while (lambda (gt? 100000000 $0)) (lambda (+ $0 1)) 0)")
    assert_stops_in_time(constant, budget=Budget(steps=10**9, time=0.05))


def test_default_budget_is_generous_enough_for_ordinary_programs() -> None:
    assert parse("(lambda (length (range $0)))")(100_000) == 100_000
    assert parse("(iterate 100000 (lambda (+ $0 1)) 0)")() == 100_000


def test_programs_too_deep_to_run_fail_cleanly() -> None:
    p: Program = int_literal(0)
    for _ in range(2_000):
        p = apply(lookup("+"), int_literal(1), p)
    with pytest.raises(BudgetExceeded) as info:
        p()
    assert info.value.budget == "depth"


# ---------------------------------------------------------------- lower level


def test_evaluate_runs_on_internal_values() -> None:
    p = parse("(lambda (lambda (append $1 $0)))")
    assert evaluate(p, [(1,), (2, 3)]) == (1, 2, 3)


def test_compile_program_is_cached_and_reusable() -> None:
    p = parse("(lambda (map (lambda (* $0 $0)) $0))")
    f = compile_program(p)
    assert compile_program(parse(str(p))) is f
    square_all = f(())
    assert square_all((1, 2)) == (1, 4)
    assert square_all((3,)) == (9,)


def test_closures_capture_their_environment() -> None:
    adders = parse("(lambda (map (lambda (lambda (+ $0 $1))) $0))")
    assert [f(10) for f in adders([1, 2, 3])] == [11, 12, 13]
    assert Apply(Lambda(Index(0)), int_literal(4))() == 4
