"""Judging the programs that fit: behaviours on sampled inputs, the posterior, the question."""

from __future__ import annotations

import json

import pytest

from hortus.lang.parse import parse
from hortus.search import Candidate
from hortus.search.ambiguity import judge
from hortus.tasks.task import Task

TASK = Task.from_examples([([3, 1], [1, 3]), ([9, 4], [4, 9])], name="t")
SAMPLES = [((2, 5, 1),), ((), ), ((7,),)]


def fit(text: str, logprior: float) -> Candidate:
    return Candidate(parse(text), logprior, 0.0, 0)


def test_behaviours_are_grouped_and_the_question_splits_them() -> None:
    verdict = judge(TASK, [fit("(lambda (reverse $0))", -3.0), fit("(lambda (sort $0))", -3.5),
                           fit("(lambda (reverse (reverse (reverse $0))))", -9.0)], SAMPLES)
    assert str(verdict.ranked[0].program) == "(lambda (reverse $0))"
    # the triple reverse behaves as reverse: one alternative only, sort
    assert [str(c.program) for c in verdict.alternatives] == ["(lambda (sort $0))"]
    q = verdict.question
    assert q is not None and q.input == ([2, 5, 1],)  # the one input where they differ
    assert {json.dumps(a.output) for a in q.answers} == {"[1, 2, 5]", "[1, 5, 2]"}
    assert q.answers[0].output == [1, 5, 2] and q.answers[0].probability > 0.5
    assert json.loads(json.dumps(q.to_json()))["outputs"][0]["programs"]


def test_programs_that_fail_on_inputs_like_the_examples_lose_posterior() -> None:
    # cdr fails on the empty sampled input; a program defined there wins under the posterior
    # although its prior is lower, and keeps losing under the prior alone.
    fits = [fit("(lambda (cons (car $0) (cdr $0)))", -4.0), fit("(lambda $0)", -5.0)]
    task = Task.from_examples([([3, 1], [3, 1]), ([9, 4], [9, 4])], name="identity")
    assert str(judge(task, fits, SAMPLES, "prior").ranked[0].program) == \
        "(lambda (cons (car $0) (cdr $0)))"
    verdict = judge(task, fits, SAMPLES, "posterior", penalty=2.0)
    assert str(verdict.ranked[0].program) == "(lambda $0)"
    assert verdict.ranked[1].failures == 1
    assert verdict.question is None  # where both run they agree: failing is not an answer
    assert verdict.best_by["prior"] != verdict.best_by["posterior"]


def test_mass_ranking_sums_a_behaviour_over_its_programs() -> None:
    fits = [fit("(lambda (sort $0))", -3.0), fit("(lambda (reverse $0))", -3.2),
            fit("(lambda (reverse (reverse (reverse $0))))", -3.3)]
    assert str(judge(TASK, fits, SAMPLES, "mass").ranked[0].program) == "(lambda (reverse $0))"
    assert str(judge(TASK, fits, SAMPLES, "posterior").ranked[0].program) == \
        "(lambda (sort $0))"


def test_unknown_ranking_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown ranking"):
        judge(TASK, [], SAMPLES, "votes")


def test_a_fit_that_hinges_on_one_example_is_fragile() -> None:
    from hortus.lang.primitives import primitive_set
    from hortus.prior.grammar import Grammar
    from hortus.search import EnumerativeSearcher, SearchBudget

    g = Grammar.uniform(primitive_set("base"))
    search = EnumerativeSearcher().search
    # Two examples: without the second, the constant 2 (more probable than sum) fits.
    thin = search(Task.from_examples([([2], 2), ([2, 5], 7)], name="thin"), g,
                  SearchBudget(timeout=5))
    assert str(thin.best.program) == "(lambda (sum $0))" if thin.best else False
    assert thin.fragile
    hinge = thin.leave_one_out[0]
    assert hinge.example == 1 and str(hinge.program) == "(lambda 2)"
    assert hinge.logprior > thin.best.logprior
    assert json.loads(json.dumps(thin.to_json()))["leave_one_out"][0]["example"] == 1
    # Four varied examples: no more probable program is wrong on just one of them.
    firm = search(Task.from_examples([([2, 3], 5), ([1], 1), ([4, 4, 1], 9), ([], 0)],
                                     name="firm"), g, SearchBudget(timeout=5))
    assert str(firm.best.program) == "(lambda (sum $0))" if firm.best else False
    assert not firm.fragile and firm.to_json()["fragile"] is False


def test_an_output_too_big_to_write_out_counts_as_a_failure() -> None:
    # 300 copies of a list of 300 (90,000 elements): each list is within the judge's length
    # limit, but writing the output out is not within its steps: it fails, within budget.
    task = Task.from_examples([([3, 1], [[3, 1], [3, 1]]), ([9], [[9]])], name="rep")
    big = fit("(lambda (repeat (length $0) $0))", -5.0)
    verdict = judge(task, [big], [(tuple(range(300)),), ((1, 2),)])
    assert verdict.ranked[0].failures == 1
