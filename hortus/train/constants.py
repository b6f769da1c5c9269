"""Real-valued constants in programs: by gradient where the program is differentiable in
them, by CMA-ES where it is not.

A constant is a named hole of type ``float`` (``(+. (*. ??a $0) ??b)``). :func:`fit_constants`
first runs the program with each constant a torch scalar that requires a gradient: the float
primitives compute with whatever number type they are given, so when the output still carries
a gradient the constants are fit by Adam on the mean squared error (all examples, full
batch). When it does not (``round``, a comparison, an ``if`` decides the output), the
constants are fit by CMA-ES (the ``cmaes`` package) on the same error, or on the share of
examples wrong when the outputs are not floats.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hortus.eval.budget import Budget
from hortus.eval.interpreter import evaluate_armed, filling
from hortus.lang.program import Hole, Program
from hortus.lang.runtime import EvalError
from hortus.lang.types import TCon, Type
from hortus.train.abduction import same
from hortus.train.trainer import Example, TrainError

FLOAT = TCon("float")
RUN = Budget(steps=100_000, time=1.0)
FAILED = 1e12  # the loss of an example the program fails on


@dataclass
class ConstantFit:
    values: dict[str, float]
    method: str  # "gradient" or "cmaes"
    loss: float  # mean squared error (float outputs) or share of examples wrong
    evaluations: int
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"values": self.values, "method": self.method, "loss": self.loss,
                "evaluations": self.evaluations, "seconds": round(self.seconds, 3)}


def constant_holes(program: Program, request: Type) -> list[str]:
    """The named holes of ``program`` that are float constants."""
    from hortus.lang.infer import hole_types

    types = hole_types(program, request)
    return sorted(n for n, t in types.items() if t == FLOAT)


def _loss_one(out: Any, y: Any) -> float:
    if isinstance(y, float):
        try:
            d = float(out) - y
        except (TypeError, ValueError):
            return FAILED
        return d * d if math.isfinite(d) else FAILED
    return 0.0 if same(out, y) else 1.0


def loss(program: Program, names: Sequence[str], values: Sequence[float],
         examples: Sequence[Example]) -> float:
    """Mean error of ``program`` with its constants set to ``values``."""
    total = 0.0
    with filling(dict(zip(names, values, strict=True))):
        for xs, y in examples:
            try:
                with RUN.active():
                    out = evaluate_armed(program, xs)
                total += _loss_one(out, y)
            except EvalError:
                total += FAILED
    return total / max(1, len(examples))


def _differentiable(program: Program, names: Sequence[str], examples: Sequence[Example]
                    ) -> bool:
    import torch

    probe = {n: torch.tensor(0.5, dtype=torch.float64, requires_grad=True) for n in names}
    with filling(probe):
        for xs, y in examples[:3]:
            if not isinstance(y, float):
                return False
            try:
                with RUN.active():
                    out = evaluate_armed(program, xs)
            except EvalError:
                continue
            if not (isinstance(out, torch.Tensor) and out.requires_grad):
                return False
    return True


def fit_constants(program: Program, request: Type, examples: Sequence[Example],
                  seconds: float = 10.0, seed: int = 0) -> ConstantFit:
    """Fit the float constants of ``program`` to ``examples`` (see the module docstring)."""
    names = constant_holes(program, request)
    if not names:
        raise TrainError(f"{program} has no float constants (holes of type float) to fit")
    holes = {n.name for n in program.walk() if isinstance(n, Hole)}
    if holes - set(names):
        raise TrainError(f"{program} has holes that are not float constants: "
                         f"{sorted(h or '??' for h in holes - set(names))}")
    if _differentiable(program, names, examples):
        return _by_gradient(program, names, examples, seconds, seed, time.perf_counter())
    return _by_cmaes(program, names, examples, seconds, seed, time.perf_counter())


def _by_gradient(program: Program, names: Sequence[str], examples: Sequence[Example],
                 seconds: float, seed: int, start: float) -> ConstantFit:
    import torch

    gen = torch.Generator().manual_seed(seed)
    params = {n: torch.randn((), generator=gen, dtype=torch.float64).requires_grad_(True)
              for n in names}
    optimiser = torch.optim.Adam(list(params.values()), lr=0.1)
    steps = 0
    stall = math.inf
    best = (math.inf, [float(p.detach()) for p in params.values()])
    while time.perf_counter() - start < seconds and steps < 3000:
        optimiser.zero_grad()
        terms = []
        with filling(params):
            for xs, y in examples:
                try:
                    with RUN.active():
                        out = evaluate_armed(program, xs)
                except EvalError:
                    continue
                if isinstance(out, torch.Tensor) and out.requires_grad:
                    terms.append((out - y) ** 2)
        if not terms:
            break
        mse = torch.stack(terms).mean()
        if not torch.isfinite(mse):
            break
        if float(mse.detach()) < best[0]:
            best = (float(mse.detach()), [float(p.detach()) for p in params.values()])
        mse.backward()  # type: ignore[no-untyped-call]
        optimiser.step()
        steps += 1
        if float(mse.detach()) < 1e-12:
            break
        if steps % 100 == 0:  # stalled: no better by a tenth in the last 100 steps
            if float(mse.detach()) > 0.9 * stall:
                break
            stall = float(mse.detach())
    values = best[1]
    return ConstantFit(dict(zip(names, values, strict=True)), "gradient",
                       loss(program, names, values, examples), steps,
                       time.perf_counter() - start)


def _by_cmaes(program: Program, names: Sequence[str], examples: Sequence[Example],
              seconds: float, seed: int, start: float) -> ConstantFit:
    import numpy as np
    from cmaes import CMA

    optimizer = CMA(mean=np.zeros(len(names)), sigma=2.0, seed=seed,
                    population_size=max(8, 4 + int(3 * math.log(len(names) + 1))))
    best = (math.inf, [0.0] * len(names))
    evaluations = 0
    while time.perf_counter() - start < seconds:
        solutions = []
        for _ in range(optimizer.population_size):
            x = optimizer.ask()
            value = loss(program, names, [float(v) for v in x], examples)
            evaluations += 1
            solutions.append((x, value))
            if value < best[0]:
                best = (value, [float(v) for v in x])
        optimizer.tell(solutions)
        if best[0] <= 1e-12 or optimizer.should_stop():
            break
    return ConstantFit(dict(zip(names, best[1], strict=True)), "cmaes", best[0], evaluations,
                       time.perf_counter() - start)


def substitute(program: Program, values: dict[str, float]) -> Program:
    """``program`` with each constant hole replaced by its value as a float literal."""
    from hortus.lang.primitives._registry import float_literal
    from hortus.lang.rewrite import map_holes

    return map_holes(program, lambda h: float_literal(values[h.name])
                     if h.name in values else h)
