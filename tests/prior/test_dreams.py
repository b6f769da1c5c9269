"""Dreams: sampled programs turned into pseudo-tasks, one per behaviour."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hortus.eval.interpreter import evaluate
from hortus.lang.parse import parse
from hortus.lang.primitives import lookup, primitive_set
from hortus.lang.program import Program
from hortus.prior import dreams as dreams_module
from hortus.prior.cfg import CFG
from hortus.prior.dreams import DREAM_CFG, DreamResult, dream
from hortus.prior.grammar import Grammar
from hortus.tasks.loaders import bundled
from hortus.tasks.task import Task


@pytest.fixture(scope="module")
def tasks() -> list[Task]:
    return bundled("lists")[:40]


@pytest.fixture(scope="module")
def grammar() -> Grammar:
    return Grammar.uniform(primitive_set("dreamcoder-lists"))


@pytest.fixture(scope="module")
def result(grammar: Grammar, tasks: list[Task]) -> DreamResult:
    return dream(grammar, tasks, 25, seed=3, max_samples=3000)


def test_kept_dreams_are_distinct_in_behaviour_and_not_constant(result: DreamResult) -> None:
    assert len(result) >= 10
    behaviours = set()
    for task, _ in result:
        envs, outputs = task.internal
        assert len(set(outputs)) > 1
        behaviours.add((task.request, tuple(envs), outputs))
    assert len(behaviours) == len(result)


def test_kept_programs_produce_their_tasks_outputs(result: DreamResult,
                                                   tasks: list[Task]) -> None:
    requests = {t.request for t in tasks}
    for task, program in result:
        assert task.request in requests
        envs, outputs = task.internal
        assert len(envs) >= 2
        for env, y in zip(envs, outputs, strict=True):
            assert evaluate(program, tuple(reversed(env))) == y


def test_counts_account_for_every_draw(result: DreamResult, grammar: Grammar) -> None:
    assert result.sampled == result.failed + result.constant + result.duplicate + result.kept
    assert result.failed > 0 and result.constant > 0
    for (task, program), logp in zip(result, result.logprobs, strict=True):
        # the log probability under the compiled grammar the dreams were drawn from
        assert CFG(grammar, task.request, DREAM_CFG).logprob(program) == pytest.approx(logp)


def test_dreams_are_deterministic_given_the_seed(grammar: Grammar, tasks: list[Task],
                                                 result: DreamResult) -> None:
    again = dream(grammar, tasks, 25, seed=3, max_samples=3000)
    assert [p for _, p in again] == [p for _, p in result]
    assert [t.examples for t, _ in again] == [t.examples for t, _ in result]
    other = dream(grammar, tasks, 25, seed=4, max_samples=3000)
    assert [p for _, p in other] != [p for _, p in result]


def scripted(monkeypatch: pytest.MonkeyPatch, texts: list[str]) -> None:
    """Make the sampler return these programs, in order."""
    programs: Iterator[Program] = iter([parse(t) for t in texts])
    monkeypatch.setattr(dreams_module.Sampler, "sample",
                        lambda self, rng, depth: next(programs))


def test_the_most_probable_program_of_a_behaviour_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    g = Grammar.uniform([lookup(n) for n in ("reverse", "cdr", "empty", "sort")])
    task = Task.from_examples([([3, 1, 2], [0]), ([5, 4], [0]), ([], [0])])
    scripted(monkeypatch, ["(lambda (reverse (reverse $0)))", "(lambda $0)",
                           "(lambda (reverse $0))", "(lambda (cdr $0))", "(lambda empty)",
                           "(lambda (sort (reverse $0)))"])
    result = dream(g, [task], 10, max_samples=6)
    assert [str(p) for _, p in result] == ["(lambda $0)", "(lambda (reverse $0))",
                                           "(lambda (sort (reverse $0)))"]
    assert (result.sampled, result.failed, result.constant, result.duplicate) == (6, 1, 1, 1)
    identity = result[0][0]
    assert sorted((ex.inputs[0], ex.output) for ex in identity.examples) == [
        ([], []), ([3, 1, 2], [3, 1, 2]), ([5, 4], [5, 4])]


def test_no_dreams_without_two_distinct_inputs(grammar: Grammar) -> None:
    task = Task.from_examples([([1, 2], [2]), ([1, 2], [2])])
    result = dream(grammar, [task], 5)
    assert (len(result), result.sampled) == (0, 0)
