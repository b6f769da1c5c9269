"""Inputs like a task's own: drawn by type, seeded by the values its examples hold.

Ambiguity questions and the posterior over programs need inputs the task's examples do not
show but could have: the same kinds of values, sizes and ranges. A sampler per type
constructor (``int``, ``list``, ``pair``, ...) draws a run-time value of a ground type from
:class:`Seeds`, the values of each type found inside the examples; a mutator perturbs an
example's own value (drop, duplicate, swap, replace an element). A new value type plugs in
with :func:`register` and is then sampled everywhere; a type without a sampler is drawn from
the values seen.
"""

from __future__ import annotations

import json
import random
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hortus.lang.runtime import hdict
from hortus.lang.types import CHAR, STR, TCon, Type

Sampler = Callable[[TCon, "Seeds", random.Random], Any]
Mutator = Callable[[Any, TCon, "Seeds", random.Random], Any]

SAMPLERS: dict[str, Sampler] = {}
MUTATORS: dict[str, Mutator] = {}


def register(name: str, sample: Sampler | None = None, mutate: Mutator | None = None) -> None:
    """Teach the sampler a type constructor: how to draw a value, how to perturb one."""
    if sample is not None:
        SAMPLERS[name] = sample
    if mutate is not None:
        MUTATORS[name] = mutate


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
        if isinstance(t, TCon) and t.args:
            if t.name in ("list", "set"):
                for x in v:
                    self._add(x, t.args[0])
            elif t.name == "pair":
                self._add(v[0], t.args[0])
                self._add(v[1], t.args[1])
            elif t.name == "dict":
                for k, x in v.items():
                    self._add(k, t.args[0])
                    self._add(x, t.args[1])

    def seen(self, t: Type) -> list[Any]:
        return self.values.get(t, [])


class CannotSample(Exception):
    """No value of this type can be drawn: no sampler and none seen."""


def sample(t: Type, seeds: Seeds, rng: random.Random) -> Any:
    """A run-time value of the ground type ``t``, like those in ``seeds``."""
    if isinstance(t, TCon) and t.name in SAMPLERS:
        return SAMPLERS[t.name](t, seeds, rng)
    seen = seeds.seen(t)
    if not seen:
        raise CannotSample(f"no way to draw a value of type {t}")
    return rng.choice(seen)


def mutate(v: Any, t: Type, seeds: Seeds, rng: random.Random) -> Any:
    """``v`` perturbed a little (or a fresh draw where the type has no mutator)."""
    if isinstance(t, TCon) and t.name in MUTATORS:
        return MUTATORS[t.name](v, t, seeds, rng)
    return sample(t, seeds, rng)


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


# ------------------------------------------------------------ atoms

def _int_range(seeds: Seeds, t: Type) -> tuple[int, int]:
    seen = seeds.seen(t)
    if not seen:
        return 0, 9
    return min(seen), max(seen)


def _sample_int(t: TCon, seeds: Seeds, rng: random.Random) -> int:
    seen = seeds.seen(t)
    if seen and rng.random() < 0.5:
        return int(rng.choice(seen))
    lo, hi = _int_range(seeds, t)
    return rng.randint(lo, hi)


def _sample_bool(t: TCon, seeds: Seeds, rng: random.Random) -> bool:
    return rng.random() < 0.5


def _alphabet(seeds: Seeds) -> str:
    chars = set(seeds.seen(CHAR)) | {c for s in seeds.seen(STR) for c in s}
    return "".join(sorted(chars)) or "abc"


def _sample_char(t: TCon, seeds: Seeds, rng: random.Random) -> str:
    return rng.choice(_alphabet(seeds))


def _sample_str(t: TCon, seeds: Seeds, rng: random.Random) -> str:
    lo, hi = _length_range(seeds, t)
    alphabet = _alphabet(seeds)
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


# ------------------------------------------------------------ collections

def _length_range(seeds: Seeds, t: Type) -> tuple[int, int]:
    seen = seeds.seen(t)
    if not seen:
        return 0, 5
    lengths = [len(v) for v in seen]
    return min(lengths), max(lengths)


def _sample_list(t: TCon, seeds: Seeds, rng: random.Random) -> tuple[Any, ...]:
    lo, hi = _length_range(seeds, t)
    return tuple(sample(t.args[0], seeds, rng) for _ in range(rng.randint(lo, hi)))


def _mutate_list(v: Any, t: TCon, seeds: Seeds, rng: random.Random) -> tuple[Any, ...]:
    xs = list(v)
    how = rng.randrange(6) if xs else 5
    if how == 0:
        rng.shuffle(xs)
    elif how == 1:
        del xs[rng.randrange(len(xs))]
    elif how == 2:
        i = rng.randrange(len(xs))
        xs.insert(i, xs[i])  # a tie
    elif how == 3:
        xs[rng.randrange(len(xs))] = sample(t.args[0], seeds, rng)
    elif how == 4:
        i, j = rng.randrange(len(xs)), rng.randrange(len(xs))
        xs[i], xs[j] = xs[j], xs[i]
    else:
        xs.insert(rng.randint(0, len(xs)), sample(t.args[0], seeds, rng))
    return tuple(xs)


def _sample_pair(t: TCon, seeds: Seeds, rng: random.Random) -> tuple[Any, Any]:
    return (sample(t.args[0], seeds, rng), sample(t.args[1], seeds, rng))


def _sample_set(t: TCon, seeds: Seeds, rng: random.Random) -> frozenset[Any]:
    lo, hi = _length_range(seeds, t)
    return frozenset(sample(t.args[0], seeds, rng) for _ in range(rng.randint(lo, hi)))


def _sample_dict(t: TCon, seeds: Seeds, rng: random.Random) -> Any:
    lo, hi = _length_range(seeds, t)
    return hdict((sample(t.args[0], seeds, rng), sample(t.args[1], seeds, rng))
                 for _ in range(rng.randint(lo, hi)))


register("int", _sample_int)
register("bool", _sample_bool)
register("char", _sample_char)
register("str", _sample_str)
register("list", _sample_list, _mutate_list)
register("pair", _sample_pair)
register("set", _sample_set)
register("dict", _sample_dict)
