"""AutoML for a program's neural holes: optuna tunes each module's architecture and training.

Each trial draws a width, a depth, the first convolution's channels (CNNs), a learning rate and
a share of the time budget, trains the program with them, and reports the held-aside accuracy
as it goes, so that optuna's median pruner stops trials that fall behind. A trial does not
start from scratch when a trained module is given (the short run of the search, a library
module): a network of the same shape takes its weights, and a *wider* one is initialised
from it by Net2Net's function-preserving widening (each new hidden unit copies a random old
one; the outgoing weights of a copied unit are shared among its copies), so that it starts
where the narrower one ended. Widening keeps the function of feed-forward layers only: a GRU
encoder of another width starts afresh (same encoder, head and classes), as does any other
shape. Float heads widen like class heads (one output unit instead of one per class).
"""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from hortus.lang.program import Program
from hortus.lang.types import Type
from hortus.train.templates import ENCODERS, Architecture, build
from hortus.train.trainer import (
    Example,
    Module,
    TrainConfig,
    TrainedProgram,
    TrainError,
    holes_of,
    train,
)


@dataclass(frozen=True)
class Space:
    """What a trial may choose."""

    widths: tuple[int, ...] = (32, 64, 128, 256)
    depths: tuple[int, ...] = (1, 2)
    channels: tuple[int, ...] = (8, 16, 32)
    lr: tuple[float, float] = (3e-4, 1e-2)


@dataclass
class Tuned:
    trained: TrainedProgram
    params: dict[str, Any]
    trials: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {"params": self.params, "trials": self.trials}


# ------------------------------------------------------------------ Net2Net


def widen(module: Module, width: int, seed: int = 0) -> Module:
    """``module`` with its hidden layers ``width`` units wide computing the same function
    (Net2WiderNet); the layers before (convolutions) are copied as they are. ValueError for
    a narrower width or an encoder that does not widen (a GRU)."""
    import torch

    arch = module.arch
    if width < arch.width:
        raise ValueError(f"cannot narrow a module from {arch.width} to {width} units")
    new_arch = arch.wider(width)
    net = build(new_arch, seed)
    # layers as Any: their biases are always present here (torch types them optional)
    old_linear: list[Any] = [m for m in module.net.modules() if isinstance(m, torch.nn.Linear)]
    new_linear: list[Any] = [m for m in net.modules() if isinstance(m, torch.nn.Linear)]
    old_conv: list[Any] = [m for m in module.net.modules() if isinstance(m, torch.nn.Conv2d)]
    new_conv: list[Any] = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    rng = random.Random(seed)
    with torch.no_grad():
        for o, n in zip(old_conv, new_conv, strict=True):
            n.weight.copy_(o.weight)
            n.bias.copy_(o.bias)
        mapping: list[int] | None = None  # new input unit -> old unit, for the next layer
        for k, (o, n) in enumerate(zip(old_linear, new_linear, strict=True)):
            last = k == len(old_linear) - 1
            w_in = o.weight if mapping is None else _spread(o.weight, mapping)
            if last:
                n.weight.copy_(w_in)
                n.bias.copy_(o.bias)
                break
            old_out = o.weight.shape[0]
            new_out = n.weight.shape[0]
            if new_out == old_out and mapping is None:
                n.weight.copy_(w_in)
                n.bias.copy_(o.bias)
                continue
            out_map = list(range(old_out)) + [rng.randrange(old_out)
                                              for _ in range(new_out - old_out)]
            n.weight.copy_(w_in[out_map])
            n.bias.copy_(o.bias[out_map])
            mapping = out_map
    return Module(module.name, module.tp, new_arch, net)


def _spread(weight: Any, mapping: list[int]) -> Any:
    """Incoming weights for inputs duplicated by ``mapping``: each copy gets its share."""
    import torch

    counts = torch.zeros(weight.shape[1], dtype=weight.dtype)
    for j in mapping:
        counts[j] += 1
    idx = torch.tensor(mapping, dtype=torch.long)
    return weight[:, idx] / counts[idx]


def warm(module: Module, arch: Architecture, seed: int) -> Module | None:
    """A module of ``arch`` that starts from ``module``'s weights, or None if they differ in
    more than width (a narrower one is widened where its encoder widens; the same one
    copied)."""
    old = module.arch
    if replace(arch, width=old.width, scale=old.scale) != replace(old, scale=old.scale):
        return None
    if arch.width == old.width:
        return Module(module.name, module.tp, old, copy.deepcopy(module.net))
    if arch.width > old.width and ENCODERS[old.encoder].widens:
        return widen(module, arch.width, seed)
    return None


# ------------------------------------------------------------------ the study


def tune(program: Program, request: Type, examples: Sequence[Example], seconds: float,
         trials: int = 8, start: dict[str, Module] | None = None, seed: int = 0,
         space: Space | None = None, base: TrainConfig | None = None) -> Tuned:
    """Tune the holes of ``program`` within ``seconds`` (at most ``trials`` trials)."""
    try:
        import optuna
    except ImportError as e:
        raise TrainError(f"tuning needs optuna ({e}): pip install 'hortus[learn]'") from None
    space = space or Space()
    base = base or TrainConfig()
    names = list(holes_of(program, request))
    deadline = time.perf_counter() + seconds
    log: list[dict[str, Any]] = []
    best: list[TrainedProgram | None] = [None]

    def objective(trial: Any) -> float:
        left = deadline - time.perf_counter()
        if left < 1:
            raise optuna.TrialPruned()
        width = trial.suggest_categorical("width", list(space.widths))
        depth = trial.suggest_categorical("depth", list(space.depths))
        channels = trial.suggest_categorical("channels", list(space.channels))
        lr = trial.suggest_float("lr", *space.lr, log=True)
        share = min(left, seconds / max(1, trials) * 2)
        modules: dict[str, Module] = {}
        warmed = 0
        for name in names:
            given = (start or {}).get(name)
            if given is None:
                continue
            ch = channels if given.arch.encoder == "cnn" else given.arch.channels
            arch = replace(given.arch, width=width, depth=depth, channels=ch)
            m = warm(given, arch, seed + trial.number)
            if m is not None:
                modules[name] = m
                warmed += 1
            else:  # afresh, but the given module's kind (encoder, head, classes)
                modules[name] = Module(name, given.tp, arch, build(arch, seed + trial.number))

        def report(step: int, accuracy: float) -> None:
            trial.report(accuracy, step)
            if trial.should_prune():
                raise optuna.TrialPruned()

        config = replace(base, seconds=share, width=width, lr=lr, seed=seed + trial.number)
        fit = _train_with(program, request, examples, config, modules, depth, channels,
                          report)
        accuracy = fit.report.accuracy if fit.report else 0.0
        log.append({"trial": trial.number, "width": width, "depth": depth,
                    "channels": channels, "lr": lr, "warm": warmed, "accuracy": accuracy,
                    "seconds": round(fit.report.seconds, 2) if fit.report else None})
        current = best[0]
        if current is None or (current.report and accuracy > current.report.accuracy):
            best[0] = fit
        return accuracy

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize",
                                sampler=optuna.samplers.TPESampler(seed=seed),
                                pruner=optuna.pruners.MedianPruner(n_startup_trials=2,
                                                                   n_warmup_steps=100))
    study.optimize(objective, n_trials=trials, timeout=seconds, catch=(TrainError,))
    if best[0] is None:
        raise TrainError("no tuning trial finished within the time given")
    params = study.best_params if study.best_trials else {}
    return Tuned(best[0], params, log)


def _train_with(program: Program, request: Type, examples: Sequence[Example],
                config: TrainConfig, modules: dict[str, Module], depth: int, channels: int,
                report: Any) -> TrainedProgram:
    """:func:`train` where new modules get ``depth`` and ``channels`` too."""
    from hortus.train.trainer import new_module

    fresh: dict[str, Module] = dict(modules)
    for name, tp in holes_of(program, request).items():
        if name not in fresh:
            fresh[name] = new_module(name, tp, config, examples, seed=config.seed,
                                     depth=depth, channels=channels)
    return train(program, request, examples, config, modules=fresh, progress=report)
