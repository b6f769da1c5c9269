"""Searching ARC grids: colour maps deduced as a last step, steps composed."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("numpy")
pytest.importorskip("scipy")

from hortus.bench.arc import arc_grammar
from hortus.domains import tailor
from hortus.domains.arc.data import load_split
from hortus.domains.arc.deduce import color_map
from hortus.domains.arc.values import grid_of
from hortus.eval.interpreter import run
from hortus.eval.predict import of_result, solved
from hortus.prior.grammar import Grammar
from hortus.search import ComposeSearcher, EnumerativeSearcher, SearchBudget
from hortus.tasks.task import Task

grids = st.integers(1, 6).flatmap(lambda h: st.integers(1, 6).flatmap(
    lambda w: st.lists(st.lists(st.integers(0, 9), min_size=w, max_size=w),
                       min_size=h, max_size=h)))
maps = st.dictionaries(st.integers(1, 9), st.integers(1, 9))  # the background stays


@pytest.fixture(scope="module")
def grammar() -> Grammar:
    return arc_grammar(None)


@settings(max_examples=150, deadline=None)
@given(grids, grids, maps)
def test_a_deduced_colour_map_is_a_program_that_applies_it(a: Any, b: Any,
                                                           mapping: dict[int, int]) -> None:
    def mapped(g: Any) -> Any:
        return [[mapping.get(c, c) for c in row] for row in g]

    step = color_map((grid_of(a), grid_of(b)), (grid_of(mapped(a)), grid_of(mapped(b))))
    if mapped(a) == a and mapped(b) == b:
        assert step is None  # nothing to change: no step
        return
    assert step is not None
    for g in (a, b):
        assert run(step, [g]) == mapped(g)


def test_no_colour_map_when_a_colour_goes_two_ways_or_shapes_differ() -> None:
    g = grid_of([[1, 1]])
    assert color_map((g,), (grid_of([[2, 3]]),)) is None
    assert color_map((g,), (grid_of([[2], [2]]),)) is None
    assert color_map((grid_of([[1, 0]]),), (grid_of([[1, 2]]),)) is None  # the background
    assert color_map((grid_of([[1, 0]]),), (grid_of([[0, 0]]),)) is None


@pytest.fixture(scope="module")
def training() -> dict[str, Task]:
    return {t.name: t for t in load_split("training")}


def test_a_search_closes_a_program_with_the_colour_map(training: dict[str, Task],
                                                       grammar: Grammar) -> None:
    """0d3d703e trades four pairs of colours: 12 nodes as recolourings, found in a moment by
    deducing the map from the examples, and right on the test input."""
    task = training["0d3d703e"]
    result = EnumerativeSearcher().search(task, tailor(grammar, task),
                                          SearchBudget(timeout=30, top_k=4))
    assert result.solved and "swap-colors" in str(result.best.program)  # type: ignore[union-attr]
    assert solved(task, of_result(task, result))


def _flipped_halo_task() -> Task:
    """Each output is the input mirrored left-right with a green halo: two steps, the first
    (the mirror) bringing the output nearer."""
    inputs = [[[0, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]],
              [[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [0, 0, 0, 2, 2, 0], [0, 0, 0, 0, 0, 0],
               [0, 0, 0, 0, 0, 0]],
              [[0, 0, 0, 0], [0, 0, 4, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]]
    program = "(lambda (halo4 green (flip-h $0)))"
    from hortus.lang.parse import parse

    pairs = [(x, run(parse(program), [x])) for x in inputs]
    return Task.from_examples(pairs, name="flipped-halo", request="grid -> grid")


def test_compose_reaches_two_steps_trying_fewer_programs(grammar: Grammar) -> None:
    task = _flipped_halo_task()
    g = tailor(grammar, task)
    budget = SearchBudget(timeout=60, top_k=1, max_programs=1_500)
    # searched steps only: a per-cell rule deduced on the mirror would close it at once
    alone = EnumerativeSearcher.from_options({"deduce": False}).search(task, g, budget)
    composed = ComposeSearcher.from_options({"first_share": 0.5, "deduce": False}).search(
        task, g, budget)
    assert composed.solved and composed.stats["step"] == "(lambda (flip-h $0))"
    best = composed.best
    assert best is not None and str(best.program) == "(lambda (halo4 green (flip-h $0)))"
    for ex in task.examples:
        assert run(best.program, list(ex.inputs)) == ex.output
    # the enumerator alone finishes the cost level where the program lies, past its budget
    assert composed.tried < alone.tried


def test_compose_is_the_enumerator_where_outputs_do_not_grade() -> None:
    from hortus.lang.primitives import primitive_set

    task = Task.from_examples([([1, 2, 3], [3, 2, 1]), ([5, 4], [4, 5])], name="reverse")
    g = Grammar.uniform(primitive_set("base"))
    budget = SearchBudget(timeout=10, max_programs=5_000)
    a = ComposeSearcher().search(task, g, budget)
    b = EnumerativeSearcher().search(task, g, budget)
    assert a.solved and a.best.program == b.best.program and a.tried == b.tried  # type: ignore[union-attr]
