"""One body of tests that every search strategy must pass (as optuna does for its samplers)."""

from __future__ import annotations

import math
import time

import pytest

from hortus.lang.primitives import primitive_set
from hortus.prior.grammar import Grammar
from hortus.search import SEARCHERS, SearchBudget, Searcher
from hortus.tasks.task import Task


@pytest.fixture(params=sorted(SEARCHERS))
def searcher(request: pytest.FixtureRequest) -> Searcher:
    return SEARCHERS[request.param]()


@pytest.fixture(scope="module")
def base() -> Grammar:
    return Grammar.uniform(primitive_set("base"))


@pytest.fixture(scope="module")
def dreamcoder() -> Grammar:
    return Grammar.uniform(primitive_set("dreamcoder-lists"))


CASES = [
    ("reverse", [([1, 2, 3], [3, 2, 1]), ([5, 4], [4, 5]), ([], []), ([7], [7])]),
    ("increment", [([1, 2], [2, 3]), ([5], [6]), ([0, 9, 3], [1, 10, 4])]),
    ("length", [([1, 2, 3], 3), ([], 0), ([4, 4], 2)]),
    ("evens", [([1, 2, 3, 4], [2, 4]), ([6, 7], [6]), ([1], []), ([8, 10, 3], [8, 10])]),
    ("sum", [([1, 2, 3], 6), ([], 0), ([10, -4], 6)]),
]


@pytest.mark.parametrize(("name", "pairs"), CASES, ids=[c[0] for c in CASES])
def test_finds_a_program_that_fits_and_generalizes(searcher: Searcher, base: Grammar, name: str,
                                                    pairs: list[tuple[object, object]]) -> None:
    task = Task.from_examples(pairs, name=name)
    result = searcher.search(task, base, SearchBudget(timeout=20))
    assert result.solved, result
    best = result.best
    assert best is not None
    for x, y in pairs:
        assert best.program(x) == y
    assert result.tried > 0 and result.time > 0 and result.cut is None
    assert best.logprior < 0


def test_generalizes_far_outside_the_examples(searcher: Searcher, base: Grammar) -> None:
    """A sort learned from lists of length <= 4 works at length 10,000."""
    pairs = [([3, 1, 2], [1, 2, 3]), ([5, 4], [4, 5]), ([9, 7, 8, 1], [1, 7, 8, 9]), ([], [])]
    task = Task.from_examples(pairs, name="sort")
    best = searcher.search(task, base, SearchBudget(timeout=20)).best
    assert best is not None
    big = [(i * 7919) % 10_007 for i in range(10_000)]
    assert best.program(big) == sorted(big)


def test_top_k_are_distinct_fits_ranked_by_prior(searcher: Searcher, base: Grammar) -> None:
    pairs = [([1, 2, 3], [3, 2, 1]), ([5, 4], [4, 5]), ([2, 9, 9], [9, 9, 2])]
    task = Task.from_examples(pairs, name="reverse")
    result = searcher.search(task, base, SearchBudget(timeout=20, top_k=3))
    programs = [c.program for c in result.solutions]
    assert len(programs) == 3 and len(set(programs)) == 3
    priors = [c.logprior for c in result.solutions]
    assert priors == sorted(priors, reverse=True)
    for p in programs:
        assert all(p(x) == y for x, y in pairs)


def test_an_impossible_task_reports_the_budget_that_cut_it(searcher: Searcher,
                                                           dreamcoder: Grammar) -> None:
    # The outputs are a function of nothing the inputs hold: no program fits.
    task = Task.from_examples([([1], 17), ([1], 23)], name="contradiction")
    result = searcher.search(task, dreamcoder, SearchBudget(timeout=0.5))
    assert not result.solved
    assert result.cut == "time"
    assert 0.4 < result.time < 3.0
    assert result.tried > 0


def test_program_budget(searcher: Searcher, dreamcoder: Grammar) -> None:
    task = Task.from_examples([([1], 17), ([2], 23)], name="hard")
    result = searcher.search(task, dreamcoder, SearchBudget(timeout=30, max_programs=500))
    assert result.cut == "programs"
    assert 500 <= result.tried < 50_000


def test_memory_budget(searcher: Searcher, dreamcoder: Grammar) -> None:
    task = Task.from_examples([([1], 17), ([2], 23)], name="hard")
    result = searcher.search(task, dreamcoder, SearchBudget(timeout=30, max_terms=2_000))
    assert result.cut == "memory"


def test_runaway_candidates_are_results_not_crashes(searcher: Searcher) -> None:
    """A grammar full of loops: candidates that never stop or explode are skipped quietly."""
    names = ["while", "iterate", "unfold", "range", "pow", "*", "+", "1", "0", "gt?", "cons",
             "empty", "append", "repeat", "length"]
    grammar = Grammar.uniform([primitive_set("base")[0], *[_lookup(n) for n in names]])
    task = Task.from_examples([(3, [0, 1, 2]), (1, [0]), (0, [])], name="range")
    result = searcher.search(task, grammar, SearchBudget(timeout=5))
    assert result.solved
    assert result.best is not None and result.best.program(4) == [0, 1, 2, 3]


HOSTILE_ROUTINES = {
    "loops": ("(iterate 1000000000 (lambda (+ $0 1)) 0)", "int"),
    "doubles": ("((iterate 40 (lambda (lambda ($1 ($1 $0)))) (lambda (+ $0 1))) 0)", "int"),
    "fails": ("(car empty)", "int"),
    "doubles-when-called": (
        "(lambda ((iterate 40 (lambda (lambda ($1 ($1 $0)))) (lambda (+ $0 1))) $0))",
        "int -> int"),
    "builds-a-function-slowly": ("(iterate 1000000000 (lambda $0) (lambda (+ $0 1)))",
                                 "int -> int"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_ROUTINES))
def test_a_routine_that_loops_or_fails_is_unusable_not_fatal(searcher: Searcher, base: Grammar,
                                                             case: str) -> None:
    """A library file's routine may loop: it costs a search what any candidate does."""
    from hortus.lang.parse import parse
    from hortus.lang.program import Routine
    from hortus.lang.types import parse_type
    from hortus.prior.grammar import Production

    body, tp = HOSTILE_ROUTINES[case]
    routine = Production(Routine(parse(body), case), parse_type(tp), 2.0)  # the likeliest
    grammar = Grammar((*base.productions, routine))
    task = Task.from_examples([(2, 4), (3, 6), (10, 20)], name="double")
    start = time.perf_counter()
    result = searcher.search(task, grammar, SearchBudget(timeout=10))
    assert result.solved and result.cut is None, result
    assert result.best is not None and result.best.program(21) == 42
    assert time.perf_counter() - start < 5.0


@pytest.mark.parametrize("weight", [1e308, -1e308, math.inf, -math.inf, math.nan])
def test_absurd_weights_do_not_break_the_search(searcher: Searcher, base: Grammar,
                                                weight: float) -> None:
    """Weights are checked when written, but one already stored must not crash every search."""
    grammar = Grammar(tuple(p.weighted(weight) if p.key == "cons" else p
                            for p in base.productions), log_variable=0.0,
                      bigram={("map", 0): {"+": weight}})
    task = Task.from_examples([(2, 4), (3, 6), (10, 20)], name="double")
    result = searcher.search(task, grammar, SearchBudget(timeout=1))
    assert result.cut != "error"
    assert result.solved or result.cut == "time"


def test_multiple_inputs(searcher: Searcher, base: Grammar) -> None:
    task = Task.from_examples([((2, [1, 2, 3]), [3]), ((0, [4, 5]), [4, 5]), ((1, [7]), [])],
                              name="drop")
    best = searcher.search(task, base, SearchBudget(timeout=20)).best
    assert best is not None
    assert best.program(1, [9, 8, 7]) == [8, 7]


def _lookup(name: str) -> object:
    from hortus.lang.primitives import lookup

    return lookup(name)


def test_flags_examples_that_several_behaviours_fit(searcher: Searcher, base: Grammar) -> None:
    """[3, 1] -> [1, 3] and [9, 4] -> [4, 9]: sort or reverse? The search says it cannot tell,
    and asks on an input where they differ; with the answer, the question is settled."""
    task = Task.from_examples([([3, 1], [1, 3]), ([9, 4], [4, 9])], name="sort-or-reverse")
    result = searcher.search(task, base, SearchBudget(timeout=10))
    assert result.solved and result.ambiguous
    q = result.question
    assert q is not None and len(q.input) == 1
    (xs,) = q.input
    outputs = [a.output for a in q.answers]
    assert sorted(xs) in outputs and xs[::-1] in outputs and sorted(xs) != xs[::-1]
    assert abs(sum(a.probability for a in q.answers) - 1) < 1e-6
    assert any(str(c.program) != str(result.best.program) for c in result.alternatives)
    settled = searcher.search(task.refine(q.input, sorted(xs)), base, SearchBudget(timeout=10))
    assert settled.best is not None and settled.best.program(xs) == sorted(xs)
    assert not settled.ambiguous


def test_a_determined_task_is_not_ambiguous(searcher: Searcher, base: Grammar) -> None:
    task = Task.from_examples([([1, 2, 3], 3), ([], 0), ([4, 4], 2), ([7], 1)], name="length")
    result = searcher.search(task, base, SearchBudget(timeout=10))
    assert result.solved and not result.ambiguous and result.question is None
