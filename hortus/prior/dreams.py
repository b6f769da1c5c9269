"""Dreams: programs sampled from the grammar, run on real inputs, as extra training tasks.

The recognition model learns which programs fit which examples; solved tasks are few, so, as
DreamCoder does, it also trains on *dreams*: a program drawn from the library's grammar, run on
inputs taken from real tasks of the same request type, becomes a pseudo-task whose answer is
known. Choices made here:

* **Fixed inputs per request type.** For every request type among the given tasks, one set of
  distinct inputs is drawn (seeded) from those tasks' examples and every dream of that type is
  run on it. So two dreams behave alike exactly when their outputs are equal, and only the most
  probable program of each behaviour is kept (DreamCoder's observational equivalence).
* **Dropped:** draws that get too deep, programs that fail (an error or the budget) on *any*
  input -- a pseudo-task has to be complete -- and programs whose output is the same on every
  input: a constant says nothing about how outputs depend on inputs, and constants are so likely
  under the grammar that they would crowd out everything else.
* Sampling stops when ``n`` behaviours are kept or after ``max_samples`` draws.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from hortus.eval.budget import Budget
from hortus.eval.interpreter import evaluate
from hortus.eval.values import to_external
from hortus.lang.program import Program
from hortus.lang.runtime import EvalError
from hortus.lang.types import Type, returns
from hortus.prior.cfg import CFG, CFGConfig
from hortus.prior.grammar import Grammar
from hortus.prior.sample import Sampler
from hortus.tasks.task import Example, Task, TaskError

# One dream is run on each input under this budget: dreams are many, and a slow one is useless.
DREAM_BUDGET = Budget(steps=5_000, time=0.05, max_int=2**31, max_len=500)

Dream = tuple[Task, Program]


@dataclass(frozen=True)
class DreamResult(Sequence[Dream]):
    """The kept dreams (a sequence of ``(task, program)`` pairs) and what became of each draw."""

    dreams: tuple[Dream, ...] = ()  # kept (pseudo-task, program) pairs, first seen first
    sampled: int = 0  # programs drawn
    failed: int = 0  # too deep, or failed on some input
    constant: int = 0  # same output on every input
    duplicate: int = 0  # behaved like a dream kept already (the less probable one is dropped)
    logprobs: tuple[float, ...] = field(default=(), repr=False)  # of each kept program

    @property
    def kept(self) -> int:
        return len(self.dreams)

    @overload
    def __getitem__(self, i: int) -> Dream: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Dream]: ...
    def __getitem__(self, i: int | slice) -> Dream | Sequence[Dream]:
        return self.dreams[i]

    def __len__(self) -> int:
        return len(self.dreams)

    def __iter__(self) -> Iterator[Dream]:
        return iter(self.dreams)


@dataclass
class _Kind:
    """Everything needed to dream programs of one request type."""

    cfg: CFG
    envs: list[tuple[Any, ...]]  # run-time inputs, one environment per example
    inputs: list[tuple[Any, ...]]  # the same inputs as plain values, in argument order
    sampler: Sampler = field(init=False)

    def __post_init__(self) -> None:
        self.sampler = Sampler(self.cfg)


def dream(grammar: Grammar, tasks: Sequence[Task], n: int, seed: int = 0,
          max_depth: int = 6, budget: Budget = DREAM_BUDGET, *, inputs_per_type: int = 10,
          max_samples: int | None = None, config: CFGConfig | None = None,
          progress: Callable[[int], None] | None = None) -> DreamResult:
    """Up to ``n`` dreams of distinct behaviour for the request types of ``tasks``.

    A draw picks one of ``tasks`` at random (so types come in proportion to their tasks) and
    samples a program of its type; ``max_samples`` (default ``20 * n``) bounds the draws.
    ``progress(kept)`` is called with the number of dreams kept each time one is added.
    """
    rng = random.Random(seed)
    kinds = _kinds(grammar, tasks, rng, inputs_per_type, config)
    requests = [t.request for t in tasks if t.request in kinds]
    limit = 20 * n if max_samples is None else max_samples
    kept: dict[tuple[Type, tuple[Any, ...]], tuple[Dream, float]] = {}
    sampled = failed = constant = duplicate = 0
    while requests and len(kept) < n and sampled < limit:
        sampled += 1
        request = rng.choice(requests)
        kind = kinds[request]
        program = kind.sampler.sample(rng, max_depth)
        outputs = None if program is None else _outputs(program, kind.envs, budget,
                                                         returns(request))
        if program is None or outputs is None:
            failed += 1
            continue
        if all(y == outputs[0] for y in outputs):
            constant += 1
            continue
        behaviour = (request, outputs)
        logp = kind.cfg.logprob(program)
        old = kept.get(behaviour)
        if old is not None and logp <= old[1]:
            duplicate += 1
            continue
        task = _pseudo_task(f"dream-{sampled}", request, kind.inputs, outputs)
        if task is None:
            failed += 1
            continue
        duplicate += old is not None  # the less probable program it replaces is dropped
        kept[behaviour] = ((task, program), logp)
        if progress is not None and old is None:
            progress(len(kept))
    return DreamResult(tuple(d for d, _ in kept.values()), sampled, failed, constant, duplicate,
                       tuple(lp for _, lp in kept.values()))


# Dreams come from the request's own types: sampled through a grown universe (lists of lists),
# programs fail more often, and 3000 draws gave 6 dreams instead of 17 in the tests.
DREAM_CFG = CFGConfig(grow_types=0)


def _kinds(grammar: Grammar, tasks: Sequence[Task], rng: random.Random, k: int,
           config: CFGConfig | None) -> dict[Type, _Kind]:
    """Per request type: its compiled grammar and ``k`` distinct inputs drawn from its tasks."""
    pools: dict[Type, dict[tuple[Any, ...], tuple[Any, ...]]] = {}
    for task in tasks:
        pool = pools.setdefault(task.request, {})
        envs, _ = task.internal
        for env, example in zip(envs, task.examples, strict=True):
            pool.setdefault(env, example.inputs)
    kinds = {}
    for request, pool in pools.items():
        chosen = rng.sample(list(pool.items()), min(k, len(pool)))
        if len(chosen) < 2:
            continue  # with one input every program is a constant
        kinds[request] = _Kind(CFG(grammar, request, config or DREAM_CFG), [e for e, _ in chosen],
                               [x for _, x in chosen])
    return kinds


def _outputs(program: Program, envs: list[tuple[Any, ...]], budget: Budget, out_type: Type
             ) -> tuple[Any, ...] | None:
    """The program's outputs on every environment, or None if it fails on any (their size,
    which can be far beyond what was built, is paid for: they are converted out)."""
    outs = []
    for env in envs:
        try:
            outs.append(evaluate(program, tuple(reversed(env)), budget, out_type))
        except EvalError:
            return None
    return tuple(outs)


def _pseudo_task(name: str, request: Type, inputs: list[tuple[Any, ...]],
                 outputs: tuple[Any, ...]) -> Task | None:
    """A task of ``request`` from plain inputs and run-time outputs (None if they don't fit)."""
    out_type = returns(request)
    try:
        examples = [Example(x, to_external(y, out_type))
                    for x, y in zip(inputs, outputs, strict=True)]
        return Task.build(name, examples, request)
    except (TaskError, TypeError, ValueError):
        return None
