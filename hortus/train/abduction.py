"""Abduction: the most probable latent values that make the program's output right.

For a program that cannot be lifted (see ``hortus.train.lifted``), training alternates, as in
abductive learning (ABL): with the networks' current class probabilities, search the latent
values of one example's hole calls in order of decreasing joint probability, running the real
program on each assignment, and keep the first one whose output is the observed one; then train
the networks on those values as labels.

The search is best-first over the product of the slots' sorted class lists and stops after
``tries`` runs of the program: with many latent values and a network that knows nothing yet, the
first consistent assignment can lie beyond any budget (the sum of 15 digits), which is where the
lifted semantics does better. Abduction handles what lifting cannot: latent values inspected by
any primitive (``sort-by``, ``filter``, ``if``), a latent value used twice.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from typing import Any

from hortus.eval.budget import Budget
from hortus.eval.interpreter import evaluate_armed, filling
from hortus.lang.program import Program
from hortus.lang.runtime import EvalError

Key = tuple[str, Any]  # (hole name, its input made hashable)
RUN_BUDGET = Budget(steps=100_000, time=1.0)


def key_of(name: str, x: Any) -> Key:
    return (name, _hashable(x))


def _hashable(x: Any) -> Any:
    if isinstance(x, list):
        return tuple(_hashable(v) for v in x)
    return x


class _Unknown(EvalError):
    def __init__(self, key: Key, x: Any) -> None:
        self.key, self.x = key, x


def run_with(program: Program, inputs: Sequence[Any], holes: Sequence[str],
             value: Callable[[Key, Any], Any]) -> Any:
    """Run ``program`` with each hole call answered by ``value(key, input)``."""

    def filler(name: str) -> Callable[[Any], Any]:
        return lambda x: value(key_of(name, x), x)

    with filling({h: filler(h) for h in holes}), RUN_BUDGET.active():
        return evaluate_armed(program, inputs)


def abduce(program: Program, inputs: Sequence[Any], observed: Any, holes: Sequence[str],
           ranked: Callable[[Key, Any], list[tuple[Any, float]]], tries: int = 256
           ) -> dict[Key, tuple[Any, Any]] | None:
    """Latent values (key -> (input, value)) that make the output ``observed``, the most
    probable assignment first; None when none is found within ``tries`` runs.

    ``ranked(key, x)`` lists the values a slot may take with their log probabilities, most
    probable first. Slots are found by running the program: a call on an input not seen yet
    adds a slot, and the search starts again with it.
    """
    slots: list[Key] = []
    inputs_of: dict[Key, Any] = {}
    options: list[list[tuple[Any, float]]] = []
    runs = 0
    while runs < tries:
        start = (0,) * len(slots)
        heap = [(-sum(o[0][1] for o in options), start)]
        seen = {start}
        grown = False
        while heap and runs < tries:
            _, choice = heapq.heappop(heap)
            assignment = {k: options[i][c][0] for i, (k, c) in enumerate(
                zip(slots, choice, strict=True))}
            runs += 1
            try:
                out = run_with(program, inputs, holes, _lookup(assignment))
            except _Unknown as e:
                slots.append(e.key)
                inputs_of[e.key] = e.x
                options.append(ranked(e.key, e.x))
                grown = True
                break
            except EvalError:
                out = _FAILED
            if out is not _FAILED and same(out, observed):
                return {k: (inputs_of[k], assignment[k]) for k in slots}
            for i in range(len(choice)):
                if choice[i] + 1 < len(options[i]):
                    nxt = (*choice[:i], choice[i] + 1, *choice[i + 1:])
                    if nxt not in seen:
                        seen.add(nxt)
                        score = sum(options[j][c][1] for j, c in enumerate(nxt))
                        heapq.heappush(heap, (-score, nxt))
        if not grown:
            return None
    return None


_FAILED = object()


def consistent(program: Program, inputs: Sequence[Any], observed: Any, holes: Sequence[str],
               values: Sequence[Any], tries: int, rng: Any) -> bool:
    """Do some latent values (drawn at random from ``values``, ``tries`` times) make the
    output ``observed``? With no network yet every value is as likely, and random draws
    reach consistent assignments that a best-first walk from one corner would not."""
    for _ in range(tries):
        try:
            if same(run_with(program, inputs, holes, _drawing(values, rng)), observed):
                return True
        except EvalError:
            pass
    return False


def _drawing(values: Sequence[Any], rng: Any) -> Callable[[Key, Any], Any]:
    drawn: dict[Key, Any] = {}

    def value(key: Key, x: Any) -> Any:
        if key not in drawn:
            drawn[key] = rng.choice(values)
        return drawn[key]

    return value


def _lookup(assignment: dict[Key, Any]) -> Callable[[Key, Any], Any]:
    def value(key: Key, x: Any) -> Any:
        try:
            return assignment[key]
        except KeyError:
            raise _Unknown(key, x) from None

    return value


def same(a: Any, b: Any) -> bool:
    """Equal values, a list and a tuple of equal items included (run-time lists are tuples)."""
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    try:
        return bool(a == b)
    except Exception:
        return False
