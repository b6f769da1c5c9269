"""Intermediate-value search: compose steps that each bring the outputs nearer the examples'.

A program that fits an ARC task is often deeper than a bottom-up enumeration reaches in its
budget, while its first steps are shallow programs whose outputs are already *nearer* the
examples' outputs than the inputs are (a grid cropped to the right size, a colour already
right). For output types whose codec grades distances (:attr:`Codec.graded`), this strategy
runs the inner enumerator on a share of the budget; if nothing fits, it takes the ``beam``
programs ``p`` whose outputs came nearest, and for each searches a new task whose examples carry
``p``'s outputs as one more input: a program ``g(x, p(x))`` that fits it composes into
``g(x, p(x))`` as a program of the original task, by substitution. It recurses, up to
``depth`` steps. The searches of later steps see the input beside every intermediate value,
so a step may still read what an earlier one threw away.

For output types that do not grade, it is the inner enumerator, unchanged.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, ClassVar

from hortus.eval.budget import Budget
from hortus.eval.codecs import codec_of, external
from hortus.eval.interpreter import evaluate
from hortus.lang.program import Program
from hortus.lang.rewrite import then
from hortus.lang.runtime import EvalError
from hortus.lang.types import TCon, arrow, returns
from hortus.search._base import Candidate, LeaveOneOut, SearchBudget, Searcher, SearchResult
from hortus.search.enumerative import EnumerativeSearcher, _known
from hortus.tasks.task import Example, Task, TaskError

if TYPE_CHECKING:
    from hortus.eval.codecs import Codec
    from hortus.prior.grammar import Grammar


@dataclass(frozen=True)
class ComposeConfig:
    depth: int = 2  # steps composed at most (1: the inner search alone)
    beam: int = 3  # nearest programs tried as a first step, after each step
    first_share: float = 0.4  # share of the budget for the search of one step alone


class ComposeSearcher(Searcher):
    """Greedy composition of the inner enumerator's nearest programs (graded outputs)."""

    name: ClassVar[str] = "compose"

    def __init__(self, config: ComposeConfig | None = None,
                 inner: EnumerativeSearcher | None = None) -> None:
        self.config = config or ComposeConfig()
        if not 0 < self.config.first_share <= 1:
            raise ValueError(f"first_share must be in (0, 1], not {self.config.first_share}")
        self.inner = inner or EnumerativeSearcher()

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> ComposeSearcher:
        """``depth``, ``beam`` and ``first_share`` are this strategy's; the other options go
        to the inner :class:`EnumerativeSearcher`."""
        own = {f.name for f in fields(ComposeConfig)}
        mine = _known(ComposeConfig, {k: v for k, v in options.items() if k in own}, "options")
        inner = EnumerativeSearcher.from_options({k: v for k, v in options.items()
                                                  if k not in own})
        return cls(ComposeConfig(**mine), inner)

    def search(self, task: Task, grammar: Grammar, budget: SearchBudget) -> SearchResult:
        out = returns(task.request)
        codec = codec_of(out)
        if self.config.depth <= 1 or codec is None or not codec.graded \
                or not isinstance(out, TCon):
            return self.inner.search(task, grammar, budget)
        return self._search(task, grammar, budget, self.config.depth, codec, out)

    def _search(self, task: Task, grammar: Grammar, budget: SearchBudget, depth: int,
                codec: Codec, out: TCon) -> SearchResult:
        start = time.perf_counter()
        deadline = start + budget.timeout
        share = self.config.first_share if depth > 1 else 1.0
        inner = self._inner(max(self.config.beam, 1))
        first = inner.search(task, grammar, _part(budget, share, budget.timeout, 0))
        if first.solved or depth <= 1 or first.cut not in (None, "time", "programs"):
            return first
        envs, target = task.internal
        inputs = [tuple(reversed(env)) for env in envs]
        floor = _floor(task, codec, out)
        tried, steps = first.tried, []
        guesses = [(_distance(g.program, inputs, target, codec, out), g)
                   for g in first.guesses]
        cut: str | None = first.cut
        for k, (dist, step) in enumerate(guesses[: self.config.beam]):
            left = deadline - time.perf_counter()
            if dist >= floor or left <= 0.05 or (budget.max_programs is not None
                                                 and tried >= budget.max_programs):
                continue
            values = _outputs(step.program, inputs)
            if values is None:
                continue
            after = _extended(task, values, out)
            if after is None:
                continue
            part = _part(budget, 1 / (self.config.beam - k), left, tried)
            found = self._search(after, grammar, part, depth - 1, codec, out)
            offset = time.perf_counter() - start - found.time
            tried += found.tried
            steps.append(step)
            if found.solved:
                return self._composed(task, found, step, offset, first.tried, tried,
                                      time.perf_counter() - start)
            guesses += [(_distance(g.program, inputs, target, codec, out), g)
                        for g in (self._compose(g, step, len(task.inputs), offset, tried)
                                  for g in found.guesses)]
            if found.cut not in (None, "time", "programs"):
                cut = found.cut
                break
        guesses.sort(key=lambda dg: dg[0])
        stats = {**first.stats, "steps": [str(s.program) for s in steps],
                 "guess_distance": guesses[0][0] if guesses else None}
        return SearchResult(task.name, [], tried, time.perf_counter() - start, cut, stats,
                            guesses=[g for _, g in guesses[: self.inner.config.guesses]])

    def _inner(self, guesses: int) -> EnumerativeSearcher:
        if self.inner.config.guesses >= guesses:
            return self.inner
        return EnumerativeSearcher(replace(self.inner.config, guesses=guesses))

    def _composed(self, task: Task, found: SearchResult, step: Candidate, offset: float,
                  tried_before: int, tried: int, seconds: float) -> SearchResult:
        n = len(task.inputs)

        def compose(c: Candidate) -> Candidate:
            return self._compose(c, step, n, offset, tried_before)

        return SearchResult(
            task.name, [compose(c) for c in found.solutions], tried, seconds, found.cut,
            {**found.stats, "step": str(step.program)},
            alternatives=[compose(c) for c in found.alternatives],
            leave_one_out=[LeaveOneOut(x.example, then(x.program, step.program, n),
                                       x.logprior + step.logprior)
                           for x in found.leave_one_out])

    @staticmethod
    def _compose(c: Candidate, step: Candidate, n: int, offset: float, tried_before: int
                 ) -> Candidate:
        return Candidate(then(c.program, step.program, n), c.logprior + step.logprior,
                         offset + c.time, tried_before + c.tried, c.failures)


def _part(budget: SearchBudget, share: float, seconds: float, tried: int) -> SearchBudget:
    """``share`` of what is left of ``budget``: of ``seconds``, and of the programs it may
    still try when it counts them."""
    programs = budget.max_programs
    if programs is not None:
        programs = max(1, int(share * (programs - tried)))
    return replace(budget, timeout=share * seconds, max_programs=programs)


_STEP_BUDGET = 200_000  # steps allowed to recompute a step's outputs on the examples


def _outputs(program: Program, inputs: list[tuple[Any, ...]]) -> list[Any] | None:
    """``program``'s run-time outputs on the examples' inputs (None if it fails on one)."""
    budget = Budget(steps=_STEP_BUDGET, time=5.0)
    try:
        return [evaluate(program, xs, budget) for xs in inputs]
    except EvalError:
        return None


def _distance(program: Program, inputs: list[tuple[Any, ...]], target: tuple[Any, ...],
              codec: Codec, out: TCon) -> float:
    values = _outputs(program, inputs)
    if values is None:
        return math.inf
    return sum(codec.distance(v, y, out) for v, y in zip(values, target, strict=True)) \
        / len(target)


def _floor(task: Task, codec: Codec, out: TCon) -> float:
    """How near the outputs the inputs themselves are: a first step must come nearer."""
    envs, target = task.internal
    best = math.inf
    for j, t in enumerate(task.inputs):
        if t == out:
            values = [env[len(env) - 1 - j] for env in envs]
            best = min(best, sum(codec.distance(v, y, out)
                                 for v, y in zip(values, target, strict=True)) / len(target))
    return best if best < math.inf else 1.0


def _extended(task: Task, values: list[Any], out: TCon) -> Task | None:
    """``task`` with ``values`` (one per example) as one more, last input."""
    request = arrow(*task.inputs, out, out)
    try:
        examples = [Example((*ex.inputs, external(v, out)), ex.output)
                    for ex, v in zip(task.examples, values, strict=True)]
        return Task.build(task.name, examples, request)
    except (TaskError, TypeError, ValueError):
        return None
