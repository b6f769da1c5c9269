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
