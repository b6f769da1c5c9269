"""Float heads: holes that answer a real number, trained by gradient through the program.

A hole whose head is ``float`` (``??f[tensor(4) -> float]``) is not a latent variable over a
finite set, so neither lifting nor abduction applies: it is a number, and the float primitives
(``+.``, ``-.``, ``*.``, ``/.``) compute with a torch scalar as with a float (that is also how
``hortus.train.constants`` fits constants). Each step runs the real program on a batch of
examples, each float hole answering its network's output, a torch scalar that carries a
gradient; the loss is the squared error of the program's float output against the observed
one, back-propagated through the program into the networks.

- The networks run once per step on all the inputs their holes read in the batch (found by a
  first run of each example; a run that reaches an input not seen then gets it on the spot).
- An example on which the program fails, or whose output carries no gradient (``round``, a
  comparison or an ``if`` decides it), trains nothing; when no example can, the trainer
  refuses the program and says why.
- Discrete holes (int, bool) may sit beside float ones only as frozen modules: they answer
  their most probable class, as in a trained program.

Right for a float output means *within tolerance*: ``|out - y| <= tolerance * max(1, |y|)``
(1% of the value, absolute below 1), so that a held-aside accuracy means the same for a
regression as for a class, and the hybrid searcher's ``min_accuracy`` applies to both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hortus.lang.program import Program
from hortus.lang.runtime import EvalError
from hortus.train import abduction
from hortus.train.templates import outputs

if TYPE_CHECKING:
    import torch

    from hortus.train.trainer import Module

TOLERANCE = 1e-2  # relative (absolute below 1) error of a float output that counts as right


def close(out: Any, y: Any, tolerance: float = TOLERANCE) -> bool:
    """Is ``out`` the observed ``y``: floats within ``tolerance`` (relative to ``|y|``,
    absolute below 1), lists item by item, anything else exactly."""
    if isinstance(y, float) and isinstance(out, int | float) and not isinstance(out, bool):
        return abs(out - y) <= tolerance * max(1.0, abs(y))
    if isinstance(y, list | tuple) and isinstance(out, list | tuple):
        return len(out) == len(y) and all(close(a, b, tolerance)
                                          for a, b in zip(out, y, strict=True))
    return abduction.same(out, y)


def squared_error(out: Any, y: Any) -> float | None:
    """``(out - y)²`` for a float ``y`` and a number ``out`` (None when ``y`` is no float,
    infinite when ``out`` is no number: a wrong type or a failure)."""
    if not isinstance(y, float):
        return None
    if not isinstance(out, int | float) or isinstance(out, bool):
        return math.inf
    return float((out - y) ** 2)


@dataclass
class Traced:
    """A training example for the float path, with the inputs its float holes read."""

    inputs: tuple[Any, ...]
    output: float
    calls: list[tuple[abduction.Key, Any]]


class Regression:
    """The float path of one fit: ``floats`` are the float holes' modules (trained),
    ``fixed`` answers the other holes (frozen discrete modules)."""

    def __init__(self, program: Program, floats: dict[str, Module],
                 fixed: dict[str, Callable[[Any], Any]]) -> None:
        self.program, self.floats, self.fixed = program, floats, fixed
        self.holes = [*floats, *fixed]
        self.why: str | None = None  # why the first unusable example is

    def trace(self, xs: tuple[Any, ...], y: Any) -> Traced | None:
        """``(xs, y)`` ready to train on, or None (noted in :attr:`why`) when the program
        fails on it or its output does not depend smoothly on a float hole."""
        import torch

        if not isinstance(y, int | float) or isinstance(y, bool):
            self._unusable(f"an observed output is not a number ({y!r})")
            return None
        calls: list[tuple[abduction.Key, Any]] = []
        seen: set[abduction.Key] = set()

        def value(key: abduction.Key, x: Any) -> Any:
            if key[0] in self.fixed:
                return self.fixed[key[0]](x)
            if isinstance(x, torch.Tensor):
                raise EvalError(f"??{key[0]} reads a float hole's output: a float hole reads "
                                f"the program's inputs (or parts of them)")
            if key not in seen:
                seen.add(key)
                calls.append((key, x))
            with torch.no_grad():
                v = self._one(key[0], x)
            return v.detach().clone().requires_grad_(True)

        try:
            out = abduction.run_with(self.program, xs, self.holes, value)
        except EvalError as e:
            self._unusable(f"the program fails on an example ({e})")
            return None
        if not (isinstance(out, torch.Tensor) and out.requires_grad):
            self._unusable("its output does not depend smoothly on a float hole (a round, a "
                           "comparison or an if decides it)")
            return None
        return Traced(tuple(xs), float(y), calls)

    def _unusable(self, why: str) -> None:
        """Note why the first example that cannot train cannot."""
        self.why = self.why or why

    def _one(self, name: str, x: Any) -> torch.Tensor:
        m = self.floats[name]
        return outputs(m.arch, m.net, [x])[0, 0]

    def loss(self, batch: Sequence[Traced]) -> torch.Tensor | None:
        """The squared error of the program's outputs on ``batch``, summed over the examples
        that carry a gradient and divided by the batch's size; None when none does."""
        import torch

        rows: dict[abduction.Key, int] = {}
        inputs: dict[str, list[Any]] = {}
        for ex in batch:
            for key, x in ex.calls:
                if key not in rows:
                    mine = inputs.setdefault(key[0], [])
                    rows[key] = len(mine)
                    mine.append(x)
        values = {name: outputs(self.floats[name].arch, self.floats[name].net, xs)[:, 0]
                  for name, xs in inputs.items()}

        def value(key: abduction.Key, x: Any) -> Any:
            if key[0] in self.fixed:
                return self.fixed[key[0]](x)
            at = rows.get(key)
            return values[key[0]][at] if at is not None else self._one(key[0], x)

        terms = []
        for ex in batch:
            try:
                out = abduction.run_with(self.program, ex.inputs, self.holes, value)
            except EvalError:
                continue
            if isinstance(out, torch.Tensor) and out.requires_grad:
                terms.append((out - ex.output) ** 2)
        if not terms:
            return None
        total: torch.Tensor = torch.stack(terms).sum() / len(batch)
        return total
