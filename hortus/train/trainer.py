"""Training a program's holes from the task's own outputs (never labels of the parts).

:func:`train` takes a program with named neural holes and input/output examples, builds each
hole's network from its type (``hortus.train.templates``), and fits them all at once:

- examples whose trace lifts (``hortus.train.lifted``) contribute the exact log-likelihood of
  their observed output under the networks' distributions;
- the others contribute the cross-entropy of abduced latent values
  (``hortus.train.abduction``): the most probable values that make their output right;
- a program with *float* holes (a real number, not a class) is trained instead by the squared
  error of its float output, back-propagated through the program (``hortus.train.regression``).

A tenth of the examples (at least one) is kept aside to choose the best weights seen; the
result is a :class:`TrainedProgram`, callable like a program.
"""

from __future__ import annotations

import contextlib
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hortus.eval.interpreter import filling
from hortus.lang.infer import hole_types
from hortus.lang.program import Hole, Program, Routine
from hortus.lang.runtime import EvalError
from hortus.lang.types import TCon, Type, arguments, returns, show_type
from hortus.train import abduction, lifted
from hortus.train.regression import TOLERANCE, Regression, close, squared_error
from hortus.train.templates import (
    ENCODERS,
    HEADS,
    Architecture,
    architecture_for,
    build,
    check_fits,
    decode,
    outputs,
    readers_of,
)

if TYPE_CHECKING:
    import torch
    from torch import nn

    from hortus.tasks.task import Task

Example = tuple[tuple[Any, ...], Any]  # run-time inputs in argument order, output
# "auto": float holes by gradient, else lift what lifts and abduce the rest; or one of them
METHODS = ("auto", "lift", "abduce", "gradient")
FLOAT = TCon("float")


class TrainError(ValueError):
    """A program that cannot be trained: no holes, a loss that is not a number, ..."""


@dataclass(frozen=True)
class TrainConfig:
    seconds: float = 60.0  # wall-clock limit of the whole fit
    steps: int = 3000  # most optimiser steps
    batch: int = 32  # examples per step
    lr: float = 3e-3
    seed: int = 0
    classes: int = 10  # values an int-valued hole ranges over (0..classes-1)
    width: int = 64
    method: str = "auto"  # one of METHODS
    tries: int = 256  # program runs per example to abduce its latent values
    check_every: int = 50  # steps between looks at the held-aside examples
    target: float | None = None  # note when the held-aside accuracy reaches it
    stop_at_target: bool = False  # and stop there
    patience: int = 0  # stop after this many looks without progress (0: never)
    threads: int = 0  # torch threads (0: the cores free now)
    tolerance: float = TOLERANCE  # a float output within it counts as right (regression)
    encoder: str | None = None  # for holes whose input it reads ("gru": lists in order)


@dataclass
class Module:
    """A hole's network: its architecture and weights, and how class indices read as values."""

    name: str
    tp: Type
    arch: Architecture
    net: nn.Module

    def value(self, index: int) -> Any:
        return HEADS[self.arch.head].value(self.arch.classes[index])

    def index(self, value: Any) -> int:
        return self.arch.classes.index(int(value))


@dataclass
class Report:
    method: str  # "lift", "abduce", "lift+abduce" or "gradient"
    steps: int = 0
    seconds: float = 0.0
    lifted: int = 0  # training examples trained through the lifted semantics
    abduced: int = 0  # ... by abduction
    regressed: int = 0  # ... by the squared error of their float output (float holes)
    impossible: int = 0  # ... whose output no latent values can give (no gradient reaches)
    held_aside: int = 0
    accuracy: float = 0.0  # on the held-aside examples, with the best weights
    likelihood: float | None = None  # geometric mean probability of their outputs (lifted)
    rmse: float | None = None  # root mean squared error of their float outputs
    reached: float | None = None  # seconds until the held-aside accuracy reached the target
    reached_examples: int | None = None  # training examples seen until then
    losses: list[float] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "steps": self.steps, "seconds": round(self.seconds, 3),
                "lifted": self.lifted, "abduced": self.abduced, "regressed": self.regressed,
                "impossible": self.impossible, "held_aside": self.held_aside,
                "accuracy": self.accuracy, "likelihood": self.likelihood, "rmse": self.rmse,
                "reached": self.reached, "reached_examples": self.reached_examples}


class TrainedProgram:
    """A program whose holes are filled by trained networks; call it like a program."""

    def __init__(self, program: Program, modules: dict[str, Module], request: Type,
                 report: Report | None = None, tolerance: float = TOLERANCE) -> None:
        self.program, self.modules, self.request, self.report = program, modules, request, report
        self.tolerance = tolerance  # a float output within it counts as right
        self._memo: dict[abduction.Key, Any] = {}

    def __call__(self, *inputs: Any) -> Any:
        """Run on plain inputs (nested lists for arrays), as a program is run."""
        from hortus.eval.interpreter import run

        with filling(self.fillers()):
            return run(self.program, list(inputs), request=self.request)

    def __repr__(self) -> str:
        return f"TrainedProgram({self.program})"

    def fillers(self) -> dict[str, Callable[[Any], Any]]:
        """Each hole as a function: the network's most probable value, or its number for a
        float head (memoised per input)."""
        return {name: self._predictor(m) for name, m in self.modules.items()}

    def _predictor(self, m: Module) -> Callable[[Any], Any]:
        memo = self._memo

        def predict(x: Any) -> Any:
            key = abduction.key_of(m.name, x)
            if key not in memo:
                self.prepare(m.name, [x])
            return memo[key]

        return predict

    def prepare(self, name: str, xs: Sequence[Any]) -> None:
        """Predict the hole ``name`` on many inputs at once (a batch), for later calls."""
        import torch

        m = self.modules[name]
        new = [x for x in xs if abduction.key_of(name, x) not in self._memo]
        for start in range(0, len(new), 512):
            chunk = new[start:start + 512]
            with torch.no_grad():
                values = decode(m.arch, outputs(m.arch, m.net, chunk))
            for x, v in zip(chunk, values, strict=True):
                self._memo[abduction.key_of(name, x)] = v

    def run(self, inputs: Sequence[Any]) -> Any:
        """The output on run-time ``inputs`` (argument order); EvalError when it fails."""
        from hortus.eval.budget import Budget
        from hortus.eval.interpreter import evaluate

        with filling(self.fillers()):
            return evaluate(self.program, inputs, Budget(time=5.0))

    def accuracy(self, examples: Sequence[Example]) -> float:
        """The fraction of ``examples`` whose output the program gets right: exactly, or
        for floats within :attr:`tolerance` (``|out - y| <= tolerance * max(1, |y|)``)."""
        return self.measure(examples)[0]

    def measure(self, examples: Sequence[Example]) -> tuple[float, float | None]:
        """The accuracy on ``examples`` (see :meth:`accuracy`) and the root mean squared
        error of their float outputs (None when they have none; infinite when the program
        fails on one)."""
        if not examples:
            return 0.0, None
        for name, m in self.modules.items():
            self.prepare(name, [x for ex in examples for x in _parts(ex[0], m.arch)])
        right = 0
        errors: list[float] = []
        for xs, y in examples:
            out: Any = _FAILED
            with contextlib.suppress(EvalError):
                out = self.run(xs)
                right += close(out, y, self.tolerance)
            error = squared_error(out, y)
            if error is not None:
                errors.append(error)
        rmse = math.sqrt(sum(errors) / len(errors)) if errors else None
        return right / len(examples), rmse


_FAILED = object()


def _parts(inputs: Sequence[Any], arch: Architecture) -> list[Any]:
    """The values in ``inputs`` (and in lists of them) a hole of ``arch`` could read."""
    found: list[Any] = []
    want = "set" if ENCODERS[arch.encoder].reads_lists else "one"
    for x in inputs:
        if want == "one" and hasattr(x, "shape") and x.shape == arch.shape[:len(x.shape)]:
            found.append(x)
        elif isinstance(x, list):
            found.extend(_parts(x, arch) if want == "one" else [])
    return found


def task_examples(task: Task) -> list[Example]:
    """``task``'s examples at run time: inputs in argument order (the enumerator keeps them
    innermost first), and the output."""
    envs, outs = task.internal
    return [(tuple(reversed(env)), y) for env, y in zip(envs, outs, strict=True)]


def holes_of_text(program: Program) -> set[str]:
    """The names of the named holes ``program`` runs, those in the bodies of the routines it
    calls included (an abstraction learned over hybrid programs may hold a neural routine)."""
    names: set[str] = set()
    for n in program.walk():
        if isinstance(n, Hole) and n.name:
            names.add(n.name)
        elif isinstance(n, Routine):
            names |= holes_of_text(n.body)
    return names


def holes_of(program: Program, request: Type) -> dict[str, Type]:
    """The named holes of ``program`` and their types under ``request``."""
    names = {n.name for n in program.walk() if isinstance(n, Hole)}
    if None in names:
        raise TrainError(f"{program} has a hole without a name: name each hole (??digit) so "
                         f"that it can be trained")
    if not names:
        raise TrainError(f"{program} has no holes to train")
    types = hole_types(program, request)
    return {n: types[n] for n in sorted(n for n in names if n is not None)}


def train(program: Program, request: Type, examples: Sequence[Example],
          config: TrainConfig | None = None, modules: dict[str, Module] | None = None,
          frozen: frozenset[str] = frozenset(),
          progress: Callable[[int, float], None] | None = None) -> TrainedProgram:
    """Fit the holes of ``program`` (of type ``request``) to ``examples``.

    ``modules`` gives networks to start from (a library routine, a narrower trained one);
    holes in ``frozen`` keep their weights. Holes with float heads are trained by gradient
    (see :func:`fit_for`). Raises :class:`TrainError`, or
    :class:`~hortus.train.templates.HoleTypeError` for a hole no template fits (or a given
    module that does not fit its hole).
    """
    import torch

    from hortus.prior.recognition._network import threads

    config = config or TrainConfig()
    _check_config(config)
    types = holes_of(program, request)
    mods: dict[str, Module] = {}
    for k, (name, tp) in enumerate(types.items()):
        given = (modules or {}).get(name)
        if given is not None:
            check_fits(given.arch, tp, name)
            mods[name] = given
            continue
        mods[name] = new_module(name, tp, config, examples, seed=config.seed * 1000 + k)
    fit = fit_for(program, request, mods, frozen, config)
    if len(examples) < 2:
        raise TrainError("training needs at least 2 examples (one is held aside)")
    arity = len(arguments(request))
    for k, ex in enumerate(examples):
        if not isinstance(ex, tuple) or len(ex) != 2 or not isinstance(ex[0], tuple | list) \
                or len(ex[0]) != arity:
            raise TrainError(f"example {k + 1} is not (inputs, output) with {arity} input(s) "
                             f"for a program of type {show_type(request)}")
    with threads(config.threads):
        return fit(program, request, mods, examples, config, frozen, progress).run(torch)


def _check_config(config: TrainConfig) -> None:
    if config.method not in METHODS:
        raise TrainError(f"unknown training method {config.method!r} (known: {METHODS})")
    if config.encoder is not None and config.encoder not in ENCODERS:
        raise TrainError(f"unknown encoder {config.encoder!r} (known: {sorted(ENCODERS)})")
    if not (math.isfinite(config.tolerance) and config.tolerance >= 0):
        raise TrainError(f"the tolerance must be a number >= 0, not {config.tolerance}")


def new_module(name: str, tp: Type, config: TrainConfig, examples: Sequence[Example],
               seed: int, **options: Any) -> Module:
    """A fresh module for the hole ``name`` of type ``tp``: its type's template, as wide as
    ``config`` says, with ``config.encoder`` where it reads the hole's input (the template's
    default elsewhere), its inputs scaled to about 1; ``options`` override fields."""
    args = arguments(tp)
    reader = readers_of(args[0]) if len(args) == 1 else None
    encoder = config.encoder if reader is not None and config.encoder in reader[0] else None
    fields: dict[str, Any] = {"width": config.width, "scale": _scale(examples, tp), **options}
    arch = architecture_for(tp, classes=config.classes, encoder=encoder, **fields)
    return Module(name, tp, arch, build(arch, seed=seed))


def fit_for(program: Program, request: Type, modules: dict[str, Module],
            frozen: frozenset[str], config: TrainConfig) -> type[_Fit]:
    """How the holes are trained: by lifting and abduction when they are all discrete, by
    gradient through the program when some return floats (the discrete ones, if any, frozen:
    the two are not trained together), with a :class:`TrainError` naming the holes when
    ``config.method`` or the program does not allow it."""
    floats = sorted(n for n, m in modules.items() if not HEADS[m.arch.head].discrete)
    if not floats:
        if config.method == "gradient":
            raise TrainError(f"method 'gradient' trains float holes, and {program} has none: "
                             f"use 'auto', 'lift' or 'abduce'")
        return _Fit
    named = ", ".join(f"??{n}" for n in floats)
    if config.method not in ("auto", "gradient"):
        raise TrainError(f"{named} return(s) a float: float holes are trained by gradient "
                         f"(method 'auto' or 'gradient'), not by {config.method!r}")
    loose = sorted(n for n, m in modules.items() if HEADS[m.arch.head].discrete
                   and n not in frozen)
    if loose:
        raise TrainError(f"{program} has float holes ({named}) and discrete holes to train "
                         f"({', '.join(f'??{n}' for n in loose)}): float holes train by "
                         f"gradient and discrete ones by lifting or abduction, not together; "
                         f"train the discrete ones first and pass them as frozen modules")
    if returns(request) != FLOAT:
        raise TrainError(f"{named} return(s) a float, trained by the squared error of the "
                         f"program's float output, but {program} returns "
                         f"{show_type(returns(request))}: no gradient reaches a hole through "
                         f"a round or a comparison (make the hole return int or bool)")
    return _GradientFit


def _scale(examples: Sequence[Example], tp: Type) -> float:
    """The largest input magnitude, so that networks read values of about 1."""
    import numpy as np

    top = 0.0
    for xs, _ in examples[:200]:
        for x in _flat(xs):
            if hasattr(x, "data"):
                top = max(top, float(np.abs(x.data).max(initial=0.0)))
            elif isinstance(x, float):
                top = max(top, abs(x))
    return top if top > 0 and math.isfinite(top) else 1.0


def _flat(xs: Any) -> list[Any]:
    out: list[Any] = []
    for x in xs:
        out.extend(_flat(x) if isinstance(x, list | tuple) else [x])
    return out


@dataclass
class _Traced:
    """One training example, prepared: its latent terms (lifted), or None (abduce it)."""

    inputs: tuple[Any, ...]
    output: Any
    terms: list[lifted.Term] | None
    slots: list[abduction.Key] = field(default_factory=list)
    inputs_of: list[Any] = field(default_factory=list)


class _Fit:
    """One fit of discrete holes: lifted where the trace lifts, abduced elsewhere. The loop
    (:meth:`run`) is shared with :class:`_GradientFit`, which prepares examples and measures
    the loss its own way."""

    def __init__(self, program: Program, request: Type, modules: dict[str, Module],
                 examples: Sequence[Example], config: TrainConfig, frozen: frozenset[str],
                 progress: Callable[[int, float], None] | None) -> None:
        self.program, self.request, self.modules, self.config = program, request, modules, config
        self.frozen, self.progress = frozen, progress
        rng = random.Random(config.seed)
        order = list(range(len(examples)))
        rng.shuffle(order)
        n_aside = max(1, len(examples) // 10)
        self.aside = [examples[i] for i in order[:n_aside]]
        self.fit = [examples[i] for i in order[n_aside:]]
        self.rng = rng
        self.report = Report(method=config.method, held_aside=n_aside)
        self.lifted_program = lifted.lift(program)
        self.error: float | None = None  # the held-aside RMSE of the best weights

    # ---------------------------------------------------------------- preparing the examples

    def _prepare(self) -> list[Any]:
        """The training examples, traced (counted in the report); those that can train."""
        report = self.report
        traced = [self._trace(xs, y, self.lifted_program) for xs, y in self.fit]
        report.lifted = sum(1 for t in traced if t.terms)
        report.abduced = sum(1 for t in traced if t.terms is None)
        report.method = ("lift" if not report.abduced else "abduce" if not report.lifted
                         else "lift+abduce")
        return [t for t in traced if t.terms is None or t.terms]

    def _trace(self, xs: tuple[Any, ...], y: Any, lifted_program: Program) -> _Traced:
        if self.config.method == "abduce":
            return _Traced(xs, y, None)
        slots: list[abduction.Key] = []
        where: dict[abduction.Key, int] = {}
        inputs_of: list[Any] = []

        def filler(name: str) -> Callable[[Any], Any]:
            def call(x: Any) -> Any:
                if lifted.has_latent(x):
                    raise lifted.NotLiftable("a hole reads another hole's output")
                key = abduction.key_of(name, x)
                if key not in where:
                    where[key] = len(slots)
                    slots.append(key)
                    inputs_of.append(x)
                return lifted.leaf(where[key])

            return call

        try:
            out = abduction.run_with(lifted_program, xs, list(self.modules),
                                     lambda k, x: filler(k[0])(x))
            found = lifted.terms(out, y)
            if found is None:
                self.report.impossible += 1
                return _Traced(xs, y, [])
            terms = list(found)
            for t in terms:
                lifted.check_shape(t.shape, [self.modules[slots[s][0]].arch.classes
                                             for s in t.slots])
        except lifted.NotLiftable:
            if self.config.method == "lift":
                raise TrainError(f"{self.program} cannot be lifted (method 'lift'): use "
                                 f"'abduce' or 'auto'") from None
            return _Traced(xs, y, None)
        except EvalError:
            self.report.impossible += 1
            return _Traced(xs, y, [])
        return _Traced(xs, y, terms, slots, inputs_of)

    # ---------------------------------------------------------------- one step

    def _loss(self, batch: list[Any]) -> torch.Tensor | None:
        import torch

        needed: dict[str, dict[abduction.Key, int]] = defaultdict(dict)
        inputs: dict[str, list[Any]] = defaultdict(list)

        def row(key: abduction.Key, x: Any) -> int:
            rows = needed[key[0]]
            if key not in rows:
                rows[key] = len(rows)
                inputs[key[0]].append(x)
            return rows[key]

        groups: dict[lifted.Shape, list[tuple[list[tuple[str, int]], int]]] = defaultdict(list)
        labels: list[tuple[str, int, int]] = []  # hole, row, class index
        for ex in batch:
            if ex.terms is not None:
                for t in ex.terms:
                    rows = [(ex.slots[s][0], row(ex.slots[s], ex.inputs_of[s]))
                            for s in t.slots]
                    groups[t.shape].append((rows, t.observed))
            else:
                for key, (x, v) in self._abduce(ex).items():
                    labels.append((key[0], row(key, x), self.modules[key[0]].index(v)))
        if not groups and not labels:
            return None
        scores = {name: outputs(self.modules[name].arch, self.modules[name].net, xs)
                  for name, xs in inputs.items()}
        probs = {name: s.softmax(1) for name, s in scores.items()}
        total = torch.zeros(())
        for shape, members in groups.items():
            positions = len(members[0][0])
            leaves: list[lifted.Dist] = []
            for p in range(positions):
                name = members[0][0][p][0]
                idx = torch.tensor([m[0][p][1] for m in members], dtype=torch.long)
                leaves.append(lifted.Dist(self.modules[name].arch.classes,
                                          probs[name].index_select(0, idx)))
            dist = lifted.evaluate(shape, leaves)
            total = total - lifted.log_likelihood(dist, [m[1] for m in members]).sum()
        for name in {lab[0] for lab in labels}:
            mine = [(r, c) for n, r, c in labels if n == name]
            idx = torch.tensor([r for r, _ in mine], dtype=torch.long)
            target = torch.tensor([c for _, c in mine], dtype=torch.long)
            total = total + torch.nn.functional.cross_entropy(
                scores[name].index_select(0, idx), target, reduction="sum")
        mean: torch.Tensor = total / len(batch)
        return mean

    def _abduce(self, ex: _Traced) -> dict[abduction.Key, tuple[Any, Any]]:
        import torch

        cache: dict[abduction.Key, list[tuple[Any, float]]] = {}

        def ranked(key: abduction.Key, x: Any) -> list[tuple[Any, float]]:
            if key not in cache:
                m = self.modules[key[0]]
                with torch.no_grad():
                    lp = outputs(m.arch, m.net, [x]).log_softmax(1)[0].tolist()
                order = sorted(range(len(lp)), key=lambda i: -lp[i])
                cache[key] = [(m.value(i), lp[i]) for i in order]
            return cache[key]

        found = abduction.abduce(self.program, ex.inputs, ex.output, list(self.modules),
                                 ranked, self.config.tries)
        return found or {}

    # ---------------------------------------------------------------- the loop

    def run(self, torch: Any) -> TrainedProgram:
        config, report = self.config, self.report
        start = time.perf_counter()
        usable = self._prepare()
        result = TrainedProgram(self.program, self.modules, self.request, report,
                                config.tolerance)
        params = [p for name, m in self.modules.items() if name not in self.frozen
                  for p in m.net.parameters()]
        if not usable or not params:
            report.accuracy, report.rmse = result.measure(self.aside)
            report.seconds = time.perf_counter() - start
            return result
        optimiser = torch.optim.Adam(params, lr=config.lr)
        # given weights may be good already
        best, best_state = self._check(result, (-1.0, -math.inf), None)
        if self._reached(best):
            report.reached, report.reached_examples = time.perf_counter() - start, 0
        stale, step = 0, 0
        while not self._done(best) and step < config.steps and \
                time.perf_counter() - start < config.seconds:
            for m in self.modules.values():
                m.net.train()
            batch = [usable[self.rng.randrange(len(usable))] for _ in range(config.batch)]
            loss = self._loss(batch)
            step += 1
            if loss is None:
                continue
            if not torch.isfinite(loss):
                raise TrainError(f"the loss became {loss.item()} at step {step}: lower the "
                                 f"learning rate (now {config.lr})")
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            report.losses.append(float(loss.item()))
            if step % config.check_every == 0 or step == config.steps:
                before = best
                best, best_state = self._check(result, best, best_state)
                if report.reached is None and self._reached(best):
                    report.reached = time.perf_counter() - start
                    report.reached_examples = step * config.batch
                stale = 0 if best > before else stale + 1
                if self.progress is not None:
                    self.progress(step, best[0])
                if config.patience and stale >= config.patience:
                    break
        if best_state is not None:
            for name, state in best_state.items():
                self.modules[name].net.load_state_dict(state)
        result._memo.clear()
        for m in self.modules.values():
            m.net.eval()
        report.steps, report.accuracy, report.rmse = step, best[0], self.error
        report.likelihood = self._likelihood()
        report.seconds = time.perf_counter() - start
        return result

    def _likelihood(self) -> float | None:
        """The geometric mean probability of the held-aside outputs (lifted examples only;
        one whose output no latent values can give counts as 1e-12); None if none lifts."""
        import torch

        traced = [self._trace(xs, y, self.lifted_program) for xs, y in self.aside]
        usable = [t for t in traced if t.terms]
        impossible = sum(1 for t in traced if t.terms == [])
        if not usable:
            return None
        with torch.no_grad():
            loss = self._loss(usable)
        if loss is None:
            return None
        total = float(loss) * len(usable) + impossible * -math.log(1e-12)
        return math.exp(-total / (len(usable) + impossible))

    def _reached(self, best: Score) -> bool:
        target = self.config.target
        return target is not None and best[0] >= target

    def _done(self, best: Score) -> bool:
        """Stop: the target reached (if asked to stop there), or every held-aside example
        right (of 20 or more)."""
        return (self.config.stop_at_target and self._reached(best)) or (
            best[0] >= 1.0 and len(self.aside) >= 20)

    def _check(self, result: TrainedProgram, best: Score, best_state: dict[str, Any] | None
               ) -> tuple[Score, dict[str, Any] | None]:
        """Keep the weights if they are the best yet on the held-aside examples: by accuracy,
        then by the error of float outputs (a regression is often all wrong within tolerance
        long after its error started to fall)."""
        for m in self.modules.values():
            m.net.eval()
        result._memo.clear()
        acc, error = result.measure(self.aside)
        score = (acc, -error if error is not None and math.isfinite(error) else -math.inf)
        if score > best:
            self.error = error
            return score, {n: {k: v.detach().clone() for k, v in m.net.state_dict().items()}
                           for n, m in self.modules.items()}
        return best, best_state


Score = tuple[float, float]  # held-aside accuracy, minus the RMSE of float outputs


class _GradientFit(_Fit):
    """A fit with float holes: every example trains by the squared error of its float output,
    back-propagated through the program (``hortus.train.regression``); discrete holes, all
    frozen here, answer their most probable class."""

    def _prepare(self) -> list[Any]:
        discrete = {n: m for n, m in self.modules.items() if HEADS[m.arch.head].discrete}
        floats = {n: m for n, m in self.modules.items() if n not in discrete}
        fixed = TrainedProgram(self.program, discrete, self.request).fillers()
        self.regression = Regression(self.program, floats, fixed)
        traced = [self.regression.trace(xs, y) for xs, y in self.fit]
        usable = [t for t in traced if t is not None]
        report = self.report
        report.method, report.regressed = "gradient", len(usable)
        report.impossible = len(traced) - len(usable)
        if not usable and set(floats) - self.frozen:
            raise TrainError(f"no training example of {self.program} can train its float "
                             f"holes ({', '.join(f'??{n}' for n in floats)}): "
                             f"{self.regression.why}")
        return usable

    def _loss(self, batch: list[Any]) -> torch.Tensor | None:
        return self.regression.loss(batch)

    def _likelihood(self) -> float | None:
        return None


