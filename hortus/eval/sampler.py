"""Inputs like a task's own: drawn by type, seeded by the values its examples hold.

Ambiguity questions and the posterior over programs need inputs the task's examples do not
show but could have: the same kinds of values, sizes and ranges. The codec of each type
constructor (:mod:`hortus.eval.codecs`: ``int``, ``list``, ``pair``, ...) draws a run-time
value of a ground type from :class:`Seeds`, the values of each type found inside the
examples, and perturbs an example's own value (drop, duplicate, swap, replace an element). A
new value type plugs in with its codec and is then sampled everywhere; a type whose codec
does not say how is drawn from the values seen.
"""

from __future__ import annotations

import json
import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hortus.eval.codecs import codec_of
from hortus.lang.types import Type


@dataclass
class Seeds:
    """The distinct run-time values of each ground type found inside a task's inputs."""

    values: dict[Type, list[Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, inputs: Sequence[tuple[Any, ...]], types: Sequence[Type]) -> Seeds:
        seeds = cls()
        for xs in inputs:
            for x, t in zip(xs, types, strict=True):
                seeds._add(x, t)
        return seeds

    def _add(self, v: Any, t: Type) -> None:
        found = self.values.setdefault(t, [])
        if v not in found:
            found.append(v)
        c = codec_of(t)
        if c is not None:
            for x, xt in c.parts(v, t):  # type: ignore[arg-type]
                self._add(x, xt)

    def seen(self, t: Type) -> list[Any]:
        return self.values.get(t, [])


class CannotSample(Exception):
    """No value of this type can be drawn: no sampler and none seen."""


def sample(t: Type, seeds: Seeds, rng: random.Random) -> Any:
    """A run-time value of the ground type ``t``, like those in ``seeds``."""
    c = codec_of(t)
    if c is not None:
        return c.sample(t, seeds, rng)  # type: ignore[arg-type]
    return draw_seen(t, seeds, rng)


def draw_seen(t: Type, seeds: Seeds, rng: random.Random) -> Any:
    """One of the values of ``t`` the task holds."""
    seen = seeds.seen(t)
    if not seen:
        raise CannotSample(f"no way to draw a value of type {t}")
    return rng.choice(seen)


def mutate(v: Any, t: Type, seeds: Seeds, rng: random.Random) -> Any:
    """``v`` perturbed a little (or a fresh draw where the type's codec has no way)."""
    c = codec_of(t)
    if c is not None:
        return c.mutate(v, t, seeds, rng)  # type: ignore[arg-type]
    return draw_seen(t, seeds, rng)


def sample_inputs(inputs: Sequence[tuple[Any, ...]], types: Sequence[Type], n: int,
                  seed: int | None = None) -> list[tuple[Any, ...]]:
    """Up to ``n`` new input tuples like ``inputs`` (run-time values), none equal to them.

    Half are an example's inputs with one argument perturbed (they keep whatever ties the
    arguments together), half are drawn afresh. Deterministic: seeded by the inputs themselves
    unless ``seed`` is given.
    """
    if not inputs or not types:
        return []
    rng = random.Random(_stable_seed(inputs) if seed is None else seed)
    seeds = Seeds.of(inputs, types)
    known = set(inputs)
    out: dict[tuple[Any, ...], None] = {}
    for attempt in range(n * 8):
        if len(out) >= n:
            break
        try:
            if attempt % 2 == 0:
                base = list(rng.choice(inputs))
                k = rng.randrange(len(types))
                base[k] = mutate(base[k], types[k], seeds, rng)
                xs = tuple(base)
            else:
                xs = tuple(sample(t, seeds, rng) for t in types)
        except CannotSample:
            continue
        if xs not in known:
            out.setdefault(xs, None)
    return list(out)


def _stable_seed(inputs: Sequence[tuple[Any, ...]]) -> int:
    """A seed that depends on the inputs only (Python's ``hash`` of text varies by process)."""
    return zlib.crc32(json.dumps(inputs, default=repr, sort_keys=True).encode())
