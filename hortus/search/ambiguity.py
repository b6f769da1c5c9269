"""Solved is not right: the programs that fit, how they differ, and the question that settles it.

A search returns every program it found that fits the examples. Each is run on inputs drawn
from the task's input distribution (:mod:`hortus.eval.sampler`); programs that give the same
outputs on all of them form one *behaviour*. Behaviours are ranked by a posterior: the prior of
their programs, less a penalty for every sampled input on which a program fails (raises), since
the function a user means is defined on inputs like theirs. When two behaviours give different
outputs on some input, the task is *ambiguous*, and the input that splits the posterior most
evenly is the question to ask (version-space disambiguation, as spreadsheet synthesis does).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from hortus.eval.budget import Budget
from hortus.eval.interpreter import evaluate
from hortus.eval.values import to_json
from hortus.lang.program import Program, show
from hortus.lang.runtime import EvalError
from hortus.lang.types import Type

if TYPE_CHECKING:
    from hortus.search._base import Candidate
    from hortus.tasks.task import Task

RANKINGS = ("prior", "posterior", "mass")  # how behaviours are ordered; see `Behaviour.score`
FAILED = object()  # a program's output on an input where it raised
MAX_JUDGED = 64  # programs run on the sampled inputs (the most probable ones)


@dataclass(frozen=True)
class Answer:
    """One output the candidate programs give on the question's input."""

    output: Any  # plain JSON value; None when ``failed``
    failed: bool  # the programs raise on this input
    probability: float  # posterior mass of the programs that give it
    programs: tuple[Program, ...]  # most probable first

    def to_json(self) -> dict[str, Any]:
        return {"output": self.output, "failed": self.failed,
                "probability": round(self.probability, 4),
                "programs": [show(p) for p in self.programs]}


@dataclass(frozen=True)
class Question:
    """An input on which the programs that fit disagree, and what each of them answers."""

    input: tuple[Any, ...]  # plain JSON values, one per argument
    answers: tuple[Answer, ...]  # most probable first

    def to_json(self) -> dict[str, Any]:
        return {"input": list(self.input), "outputs": [a.to_json() for a in self.answers]}


@dataclass
class Behaviour:
    """Programs with the same outputs on every sampled input."""

    members: list[Candidate]  # most probable first
    outputs: tuple[Any, ...]  # run-time outputs on the sampled inputs (FAILED where it raised)

    @property
    def failures(self) -> int:
        return sum(o is FAILED for o in self.outputs)

    def score(self, ranking: str, penalty: float) -> float:
        """Log posterior of the behaviour under ``ranking``.

        ``prior``: its most probable program's log prior; ``posterior``: that, less ``penalty``
        nats per sampled input it fails on; ``mass``: the posterior summed over its programs.
        """
        best = self.members[0].logprior
        if ranking == "prior":
            return best
        lik = -penalty * self.failures
        if ranking == "posterior":
            return best + lik
        return lik + _logsumexp([c.logprior for c in self.members])


@dataclass(frozen=True)
class Verdict:
    """The fits in posterior order, one program per other behaviour, and the question."""

    ranked: list[Candidate]
    alternatives: list[Candidate]
    question: Question | None
    best_by: dict[str, str]  # the best program under each ranking (for benchmarks)


def judge(task: Task, fits: Sequence[Candidate], samples: Sequence[tuple[Any, ...]],
          ranking: str = "posterior", penalty: float = 1.0, deadline: float = math.inf,
          budget: Budget | None = None) -> Verdict:
    """Group ``fits`` by behaviour on ``samples`` (run-time input tuples) and rank them."""
    if ranking not in RANKINGS:
        raise ValueError(f"unknown ranking {ranking!r}; known: {', '.join(RANKINGS)}")
    budget = budget or Budget(steps=20_000, time=0.1, max_len=10_000)
    unique: dict[Program, Candidate] = {}
    for c in sorted(fits, key=lambda c: -c.logprior):
        unique.setdefault(c.program, c)
    groups: dict[tuple[Any, ...], Behaviour] = {}
    for c in list(unique.values())[:MAX_JUDGED]:
        if time.perf_counter() > deadline:
            break
        outs = tuple(_output(c.program, xs, budget, task.output) for xs in samples)
        found = groups.get(outs)
        if found is None:
            groups[outs] = Behaviour([c], outs)
        else:
            found.members.append(c)
    if not groups:  # no time to run any: the prior alone
        ranked = list(unique.values())
        return Verdict(ranked, [], None, {})
    behaviours = sorted(groups.values(), key=lambda b: -b.score(ranking, penalty))
    ranked = [replace(c, failures=b.failures) for b in behaviours for c in b.members]
    judged = {c.program for b in behaviours for c in b.members}
    ranked += [c for c in unique.values() if c.program not in judged]
    alternatives = [replace(b.members[0], failures=b.failures) for b in behaviours[1:]]
    best_by = {r: show(_best(behaviours, r, penalty).members[0].program) for r in RANKINGS}
    return Verdict(ranked, alternatives, _question(task, behaviours, samples, ranking, penalty),
                   best_by)


def _best(behaviours: list[Behaviour], ranking: str, penalty: float) -> Behaviour:
    return max(behaviours, key=lambda b: b.score(ranking, penalty))


def _output(p: Program, inputs: tuple[Any, ...], budget: Budget, out_type: Type | None) -> Any:
    """``p``'s output on ``inputs``, its size paid for within ``budget`` (it may become the
    question's answer, written out as JSON), or FAILED."""
    try:
        return evaluate(p, inputs, budget, out_type)
    except EvalError:
        return FAILED


def _question(task: Task, behaviours: list[Behaviour], samples: Sequence[tuple[Any, ...]],
              ranking: str, penalty: float) -> Question | None:
    """The sampled input whose answers split the posterior most evenly, if any two disagree."""
    if len(behaviours) < 2:
        return None
    scores = [b.score(ranking, penalty) for b in behaviours]
    top = max(scores)
    weights = [math.exp(s - top) for s in scores]
    total = sum(weights)
    probs = [w / total for w in weights]
    best: tuple[float, int, int] | None = None  # (-entropy, size, sample index)
    for j, xs in enumerate(samples):
        mass: dict[Any, float] = {}
        for b, p in zip(behaviours, probs, strict=True):
            mass[b.outputs[j]] = mass.get(b.outputs[j], 0.0) + p
        if sum(1 for k in mass if k is not FAILED) < 2:
            continue  # programs that run all agree here
        entropy = -sum(m * math.log(m) for m in mass.values() if m > 0)
        rank = (-entropy, _size(xs), j)
        if best is None or rank < best:
            best = rank
    if best is None:
        return None
    j = best[2]
    out_type = task.output
    answers: dict[Any, tuple[float, list[Program]]] = {}
    for b, p in zip(behaviours, probs, strict=True):
        key = b.outputs[j]
        mass_, programs = answers.get(key, (0.0, []))
        answers[key] = (mass_ + p, [*programs, *(c.program for c in b.members[:3])][:5])
    listed = sorted(answers.items(), key=lambda kv: -kv[1][0])
    inputs = tuple(to_json(x, t) for x, t in zip(samples[j], task.inputs, strict=True))
    return Question(inputs, tuple(
        Answer(None if key is FAILED else to_json(key, out_type), key is FAILED, m, tuple(ps))
        for key, (m, ps) in listed))


def _size(v: Any) -> int:
    """How big a value is to read: a question about a small input is easier to answer."""
    if isinstance(v, tuple | list | frozenset):
        return 1 + sum(_size(x) for x in v)
    return 1


def _logsumexp(xs: Sequence[float]) -> float:
    top = max(xs)
    return top + math.log(sum(math.exp(x - top) for x in xs))
