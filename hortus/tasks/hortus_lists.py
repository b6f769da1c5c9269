"""hortus's own list tasks: a development suite that is not DreamCoder's.

Each task is a name, a type, a small Python reference function and a seeded input generator.
:func:`build` draws 12 examples per task: the first 6 are the ones a search sees (values mostly
0-9, lengths 0-8, with edge cases put in on purpose: the empty list where the task allows it, a
singleton, ties), the last 6 are held out to test generalisation (longer lists, a wider range of
values, and edge cases of their own), so that ``task.split(6)`` gives (seen, held out). Within
each half no output occurs more than twice, except that a yes/no task shows 3 of each.

The examples are a pure function of this file: ``python -m hortus.tasks.hortus_lists`` writes
them to ``data/hortus_list_tasks.json``, which ``hortus.tasks.bundled("hortus-lists")`` loads,
and a test checks that the two agree.
"""

from __future__ import annotations

import json
import math
import random
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, pairwise, takewhile
from pathlib import Path
from typing import Any

from hortus.lang.types import arguments, parse_type

SEEN = 6  # examples the search sees; as many again are held out
PATH = Path(__file__).parent / "data" / "hortus_list_tasks.json"

# An input generator: (random source, held out?) -> one input, a tuple for several arguments.
Gen = Callable[[random.Random, bool], Any]
Ints = list[int]


@dataclass(frozen=True)
class Spec:
    """One task: its examples are ``f`` of the edge cases given, then of generated inputs."""

    name: str
    type: str
    f: Callable[..., Any]  # the reference function, on plain (JSON) values
    gen: Gen
    seen: Sequence[Any] = ()  # edge cases among the examples the search sees
    held: Sequence[Any] = ()  # edge cases among the held-out examples

    @cached_property
    def arity(self) -> int:
        return len(arguments(parse_type(self.type)))

    def args(self, x: Any) -> tuple[Any, ...]:
        return tuple(x) if self.arity > 1 else (x,)


# ---------------------------------------------------------------- input generators


def ints(lo: int = 0, hi: int = 9, min_len: int = 0, wide: bool = True) -> Gen:
    """A list: length 2..8 (at least min_len) and values lo..hi for the search; held out,
    length 4..12 and (when ``wide``) values 2*lo..2*hi+1. Shorter lists are edge cases, which
    each task lists itself."""

    def gen(rng: random.Random, held: bool) -> Ints:
        n = rng.randint(max(min_len, 4), 12) if held else rng.randint(max(min_len, 2), 8)
        a, b = (2 * lo, 2 * hi + 1) if held and wide else (lo, hi)
        return [rng.randint(a, b) for _ in range(n)]

    return gen


def some_zeros(hi: int = 5, min_len: int = 0) -> Gen:
    """Like :func:`ints`, with a zero one time in three."""
    one = ints(1, hi, min_len)
    return lambda rng, held: [x if rng.random() < 2 / 3 else 0 for x in one(rng, held)]


def distinct(hi: int = 9) -> Gen:
    """A list without repeated values, from 0..hi (held out: 0..2*hi+1, length 4..12)."""

    def gen(rng: random.Random, held: bool) -> Ints:
        top = 2 * hi + 1 if held else hi
        n = rng.randint(4, 12) if held else rng.randint(2, min(8, top + 1))
        return rng.sample(range(top + 1), n)

    return gen


def nat(lo: int, hi: int, held_lo: int, held_hi: int) -> Gen:
    def gen(rng: random.Random, held: bool) -> int:
        return rng.randint(held_lo, held_hi) if held else rng.randint(lo, hi)

    return gen


def nested(hi: int = 9, min_outer: int = 0, min_inner: int = 0) -> Gen:
    """A list of lists: 1..4 lists of 0..4 values for the search, 3..6 of 0..6 held out."""

    def gen(rng: random.Random, held: bool) -> list[Ints]:
        outer = rng.randint(max(min_outer, 3), 6) if held else rng.randint(max(min_outer, 1), 4)
        top = 2 * hi + 1 if held else hi
        return [[rng.randint(0, top) for _ in range(rng.randint(min_inner, 6 if held else 4))]
                for _ in range(outer)]

    return gen


def matrix(rng: random.Random, held: bool) -> list[Ints]:
    """A rectangle of 1..3 rows and 1..4 columns (held out: 2..5 by 2..5)."""
    rows, cols = (rng.randint(2, 5), rng.randint(2, 5)) if held else (rng.randint(1, 3),
                                                                     rng.randint(1, 4))
    top = 19 if held else 9
    return [[rng.randint(0, top) for _ in range(cols)] for _ in range(rows)]


def same_length(hi: int = 9, wide: bool = True) -> Gen:
    """Two lists of the same length."""
    one = ints(hi=hi, wide=wide)

    def gen(rng: random.Random, held: bool) -> tuple[Ints, Ints]:
        xs = one(rng, held)
        return xs, [rng.randint(0, 2 * hi + 1 if held and wide else hi) for _ in xs]

    return gen


def args(*gens: Gen) -> Gen:
    """Several arguments, each from its generator."""
    return lambda rng, held: tuple(g(rng, held) for g in gens)


def mix(*gens: Gen) -> Gen:
    """An input from one of ``gens``, chosen at random."""
    return lambda rng, held: rng.choice(gens)(rng, held)


def mapped(gen: Gen, f: Callable[[Any], Any]) -> Gen:
    return lambda rng, held: f(gen(rng, held))


def where(gen: Gen, ok: Callable[[Any], bool]) -> Gen:
    """An input from ``gen`` for which ``ok`` holds."""

    def draw(rng: random.Random, held: bool) -> Any:
        while not ok(x := gen(rng, held)):
            pass
        return x

    return draw


def with_member(gen: Gen) -> Gen:
    """(n, xs): n is an element of xs two times in three (when xs has one)."""

    def draw(rng: random.Random, held: bool) -> tuple[int, Ints]:
        xs = gen(rng, held)
        if xs and rng.random() < 2 / 3:
            return rng.choice(xs), xs
        return rng.randint(0, 19 if held else 9), xs

    return draw


def with_cut(rng: random.Random, held: bool) -> tuple[int, Ints]:
    """(n, xs) with 0 <= n <= len(xs)."""
    xs = ints()(rng, held)
    return rng.randint(0, len(xs)), xs


def with_length(rng: random.Random, held: bool) -> tuple[int, Ints]:
    """(n, xs) with n near the length of xs: up to 2 less, up to 4 more."""
    xs = ints()(rng, held)
    return max(0, len(xs) + rng.randint(-2, 4)), xs


def with_replacement(rng: random.Random, held: bool) -> tuple[int, int, Ints]:
    n, xs = with_member(ints(hi=5))(rng, held)
    return n, rng.randint(0, 19 if held else 9), xs


def prefix_or_not(rng: random.Random, held: bool) -> tuple[Ints, Ints]:
    ys = ints(hi=3)(rng, held)
    if rng.random() < 0.5:
        return ys[: rng.randint(0, len(ys))], ys
    return ints(hi=3, wide=False)(rng, False), ys


def palindrome(rng: random.Random, held: bool) -> Ints:
    half: Ints = ints()(rng, held)[: rng.randint(1, 6 if held else 4)]
    return half + half[-2::-1] if rng.random() < 0.5 else half + half[::-1]


def _one_mode(xs: Ints) -> bool:
    """Whether one value is more frequent than every other."""
    counts = sorted(Counter(xs).values())
    return len(counts) == 1 or counts[-1] > counts[-2]


SORTED = mapped(ints(), sorted)
HEAD_IS_MAX = mapped(ints(min_len=1), lambda xs: [max(xs), *xs])
ENDS_EQUAL = mapped(ints(min_len=2), lambda xs: [*xs[:-1], xs[0]])
TWO_VALUES = where(ints(min_len=2), lambda xs: len(set(xs)) >= 2)
ODD_LENGTH = where(ints(min_len=1), lambda xs: len(xs) % 2 == 1)
ONE_MODE = where(ints(hi=5, min_len=3), _one_mode)


# ---------------------------------------------------------------- reference functions


def _swap_ends(xs: Ints) -> Ints:
    return xs if len(xs) < 2 else [xs[-1], *xs[1:-1], xs[0]]


def _mode(xs: Ints) -> int:
    """The most frequent value; the smallest of those on a tie."""
    return min(set(xs), key=lambda v: (-xs.count(v), v))


def _longest_run(xs: Ints) -> int:
    best = run = 0
    for i, x in enumerate(xs):
        run = run + 1 if i and xs[i - 1] == x else 1
        best = max(best, run)
    return best


def _digits(n: int) -> Ints:
    return [int(c) for c in str(n)]


def _interleave(xs: Ints, ys: Ints) -> Ints:
    return [v for pair in zip(xs, ys, strict=True) for v in pair]


def _pad(n: int, xs: Ints) -> Ints:
    return xs + [0] * (n - len(xs))


def _insert_sorted(n: int, xs: Ints) -> Ints:
    return sorted([*xs, n])


def _longest(xss: list[Ints]) -> Ints:
    return max(xss, key=len)  # the first of the longest


# ---------------------------------------------------------------- the tasks

L2L = "list(int) -> list(int)"
L2I = "list(int) -> int"
L2B = "list(int) -> bool"
I2L = "int -> list(int)"
NAT = nat(0, 9, 10, 20)

TASKS: tuple[Spec, ...] = (
    # list(int) -> list(int)
    Spec("running-max", L2L, lambda xs: list(accumulate(xs, max)), ints(),
         seen=([], [5], [2, 2, 1]), held=([9, 8, 7, 6, 5],)),
    Spec("prefix-sums", L2L, lambda xs: list(accumulate(xs)), ints(),
         seen=([], [4], [1, 0, 1])),
    Spec("neighbour-differences", L2L, lambda xs: [b - a for a, b in pairwise(xs)], ints(),
         seen=([], [4], [3, 3], [5, 2, 6])),
    Spec("rotate-left-2", L2L, lambda xs: xs[2:] + xs[:2], ints(),
         seen=([], [7], [1, 2], [1, 2, 3])),
    Spec("every-other", L2L, lambda xs: xs[::2], ints(), seen=([], [3], [1, 2])),
    Spec("clamp-0-to-5", L2L, lambda xs: [min(max(x, 0), 5) for x in xs], ints(-4, 9),
         seen=([], [5, 6, -1, 0])),
    Spec("swap-first-last", L2L, _swap_ends, ints(), seen=([], [6], [2, 9])),
    Spec("drop-first-and-last", L2L, lambda xs: xs[1:-1], ints(),
         seen=([], [4], [1, 2, 3])),
    Spec("halve-each", L2L, lambda xs: [x // 2 for x in xs], ints(), seen=([], [1], [0, 7])),
    Spec("absolute-values", L2L, lambda xs: [abs(x) for x in xs], ints(-9, 9),
         seen=([], [-3], [0, -1, 1])),
    Spec("sort-descending", L2L, lambda xs: sorted(xs, reverse=True), ints(),
         seen=([], [2], [3, 3, 1])),
    Spec("dedupe", L2L, lambda xs: list(dict.fromkeys(xs)), ints(hi=4),
         seen=([], [1, 1], [2, 1, 2, 1]), held=([3, 3, 3, 3, 3],)),
    Spec("keep-repeated", L2L, lambda xs: [x for x in dict.fromkeys(xs) if xs.count(x) > 1],
         ints(hi=5), seen=([], [3], [1, 1], [2, 3, 2, 3, 2])),
    Spec("remove-largest", L2L, lambda xs: [x for x in xs if x != max(xs)], ints(min_len=1),
         seen=([5], [3, 3], [4, 9, 9, 1]), held=([7, 7, 7, 7],)),
    Spec("add-index", L2L, lambda xs: [x + i for i, x in enumerate(xs)], ints(),
         seen=([], [0], [5, 5, 5])),
    Spec("times-index", L2L, lambda xs: [x * i for i, x in enumerate(xs)], ints(),
         seen=([], [4], [1, 1, 1])),
    Spec("times-length", L2L, lambda xs: [x * len(xs) for x in xs], ints(),
         seen=([], [4], [1, 2])),
    Spec("minus-min", L2L, lambda xs: [x - min(xs) for x in xs], ints(1, 9, min_len=1),
         seen=([6], [2, 2], [3, 1, 4])),
    Spec("minus-first", L2L, lambda xs: [x - xs[0] for x in xs], ints(min_len=1),
         seen=([7], [2, 2], [4, 1, 6])),
    Spec("greater-than-first", L2L, lambda xs: [x for x in xs if x > xs[0]], ints(min_len=1),
         seen=([3], [5, 5, 6], [9, 1, 2])),
    Spec("sorted-distinct", L2L, lambda xs: sorted(set(xs)), ints(),
         seen=([], [4, 4], [3, 1, 3])),
    Spec("take-while-nonzero", L2L, lambda xs: list(takewhile(bool, xs)), some_zeros(),
         seen=([], [4], [0, 5], [3, 1, 0, 2]), held=([0, 0, 0, 0],)),
    Spec("move-zeros-to-end", L2L, lambda xs: [x for x in xs if x] + [x for x in xs if not x],
         some_zeros(), seen=([], [0], [0, 0, 1])),
    Spec("evens-then-odds", L2L,
         lambda xs: [x for x in xs if x % 2 == 0] + [x for x in xs if x % 2], ints(),
         seen=([], [3], [1, 2])),
    Spec("collapse-runs", L2L, lambda xs: [x for i, x in enumerate(xs) if not i or xs[i - 1] != x],
         ints(hi=3, wide=False), seen=([], [2], [1, 1, 1], [1, 2, 2, 1])),
    Spec("neighbour-max", L2L, lambda xs: [max(a, b) for a, b in pairwise(xs)], ints(),
         seen=([], [4], [2, 7])),
    Spec("mirror", L2L, lambda xs: xs + xs[::-1], ints(), seen=([], [1], [1, 2])),
    Spec("last-three", L2L, lambda xs: xs[-3:], ints(), seen=([], [8], [1, 2])),
    Spec("zero-the-odds", L2L, lambda xs: [0 if x % 2 else x for x in xs], ints(),
         seen=([], [3], [2, 4])),
    Spec("sign-of-each", L2L, lambda xs: [(x > 0) - (x < 0) for x in xs], ints(-9, 9),
         seen=([], [0], [-4, 4])),
    Spec("decrement-to-zero", L2L, lambda xs: [max(x - 1, 0) for x in xs], ints(),
         seen=([], [0], [1, 2])),
    # list(int) -> int
    Spec("second-largest", L2I, lambda xs: max(x for x in xs if x < max(xs)), TWO_VALUES,
         seen=([1, 2], [5, 5, 3], [4, 9, 9, 2]), held=([8, 8, 8, 8, 1],)),
    Spec("count-distinct", L2I, lambda xs: len(set(xs)), ints(), seen=([], [6], [3, 3, 3])),
    Spec("index-of-max", L2I, lambda xs: xs.index(max(xs)), ints(min_len=1),
         seen=([8], [2, 5, 5], [7, 7])),
    Spec("alternating-sum", L2I, lambda xs: sum(x if i % 2 == 0 else -x for i, x in enumerate(xs)),
         ints(), seen=([], [5], [1, 1])),
    Spec("sum-of-evens", L2I, lambda xs: sum(x for x in xs if x % 2 == 0), ints(),
         seen=([], [3], [2, 2, 5])),
    Spec("product-of-nonzero", L2I, lambda xs: math.prod(x for x in xs if x), some_zeros(9),
         seen=([], [0], [0, 3, 0, 2])),
    Spec("spread", L2I, lambda xs: max(xs) - min(xs), ints(min_len=1),
         seen=([4], [6, 6], [2, 9, 5])),
    Spec("median", L2I, lambda xs: sorted(xs)[len(xs) // 2], ODD_LENGTH,
         seen=([3], [1, 1, 2], [9, 0, 5])),
    Spec("mode", L2I, _mode, ONE_MODE, seen=([4], [2, 1], [3, 5, 5, 3])),
    Spec("sum-of-squares", L2I, lambda xs: sum(x * x for x in xs), ints(), seen=([], [3], [1, 2])),
    Spec("first-plus-last", L2I, lambda xs: xs[0] + xs[-1], ints(min_len=1),
         seen=([5], [1, 2], [3, 9, 4])),
    Spec("count-ascents", L2I, lambda xs: sum(b > a for a, b in pairwise(xs)), ints(),
         seen=([], [3, 3], [1, 2, 3])),
    Spec("sum-of-distinct", L2I, lambda xs: sum(set(xs)), ints(hi=5),
         seen=([], [4, 4], [2, 3, 2])),
    Spec("smallest-nonzero", L2I, lambda xs: min(x for x in xs if x),
         where(some_zeros(min_len=1), any), seen=([0, 7], [5], [3, 0, 3])),
    Spec("digits-to-number", L2I, lambda xs: int("".join(map(str, xs)) or "0"),
         ints(wide=False), seen=([], [0], [0, 5], [1, 2, 3])),
    Spec("longest-run", L2I, _longest_run, ints(hi=3, wide=False),
         seen=([], [3], [2, 2, 2], [1, 2, 2, 1])),
    # list(int) -> bool
    Spec("is-palindrome", L2B, lambda xs: xs == xs[::-1], mix(ints(), palindrome),
         seen=([], [5], [1, 2])),
    Spec("is-sorted", L2B, lambda xs: xs == sorted(xs), mix(ints(), SORTED),
         seen=([], [3, 3], [2, 1])),
    Spec("has-duplicates", L2B, lambda xs: len(set(xs)) < len(xs), mix(ints(), distinct()),
         seen=([], [7], [4, 4])),
    Spec("any-greater-than-5", L2B, lambda xs: any(x > 5 for x in xs),
         mix(ints(), ints(hi=5, wide=False)), seen=([], [6], [5])),
    Spec("first-equals-last", L2B, lambda xs: xs[0] == xs[-1], mix(ints(min_len=1), ENDS_EQUAL),
         seen=([7], [3, 4], [2, 5, 2])),
    Spec("sum-is-even", L2B, lambda xs: sum(xs) % 2 == 0, ints(), seen=([], [1], [1, 1])),
    Spec("has-adjacent-equal", L2B, lambda xs: any(a == b for a, b in pairwise(xs)),
         mix(ints(), ints(hi=2, wide=False)), seen=([], [2], [5, 5], [1, 2, 1])),
    Spec("all-positive", L2B, lambda xs: all(x > 0 for x in xs), mix(ints(-9, 9), ints(1, 9)),
         seen=([], [0], [1])),
    Spec("more-evens-than-odds", L2B, lambda xs: 2 * sum(x % 2 == 0 for x in xs) > len(xs),
         ints(), seen=([], [2], [1, 2])),
    Spec("first-is-largest", L2B, lambda xs: xs[0] == max(xs), mix(ints(min_len=1), HEAD_IS_MAX),
         seen=([5], [5, 5], [3, 4])),
    # int -> list(int)
    Spec("countdown", I2L, lambda n: list(range(n, 0, -1)), NAT, seen=(0, 1)),
    Spec("one-to-n", I2L, lambda n: list(range(1, n + 1)), NAT, seen=(0, 1)),
    Spec("evens-below", I2L, lambda n: list(range(0, n, 2)), NAT, seen=(0, 1, 2)),
    Spec("squares-below", I2L, lambda n: [i * i for i in range(n)], NAT, seen=(0, 1)),
    Spec("powers-of-two", I2L, lambda n: [2**i for i in range(n)], NAT, seen=(0, 1)),
    Spec("triangular-numbers", I2L, lambda n: list(accumulate(range(1, n + 1))), NAT,
         seen=(0, 1)),
    Spec("n-copies-of-n", I2L, lambda n: [n] * n, NAT, seen=(0, 1)),
    Spec("digits", I2L, _digits, nat(1, 9999, 10_000, 10**9), seen=(7, 10, 305),
         held=(1_000_000,)),
    # two arguments
    Spec("add-n", "int -> list(int) -> list(int)", lambda n, xs: [x + n for x in xs],
         args(nat(0, 5, 6, 20), ints()), seen=((0, [1, 2]), (3, []), (2, [7]))),
    Spec("keep-below-n", "int -> list(int) -> list(int)", lambda n, xs: [x for x in xs if x < n],
         args(nat(0, 9, 0, 19), ints()), seen=((5, []), (0, [0, 1]), (4, [4, 3, 5]))),
    Spec("remove-n", "int -> list(int) -> list(int)", lambda n, xs: [x for x in xs if x != n],
         with_member(ints(hi=5)), seen=((3, []), (2, [2, 2]), (1, [0, 1, 2, 1]))),
    Spec("insert-sorted", "int -> list(int) -> list(int)", _insert_sorted,
         args(nat(0, 9, 0, 19), SORTED), seen=((5, []), (2, [2]), (0, [1, 3]), (9, [1, 4]))),
    Spec("rotate-left-by-n", "int -> list(int) -> list(int)", lambda n, xs: xs[n:] + xs[:n],
         with_cut, seen=((0, []), (0, [1, 2]), (2, [1, 2]), (1, [5, 6, 7]))),
    Spec("pad-with-zeros", "int -> list(int) -> list(int)", _pad, with_length,
         seen=((3, []), (0, [4]), (2, [1, 2]), (4, [5, 6]))),
    Spec("count-greater-than-n", "int -> list(int) -> int",
         lambda n, xs: sum(x > n for x in xs), args(nat(0, 9, 0, 19), ints()),
         seen=((5, []), (3, [3, 3]), (0, [0, 1, 2]))),
    Spec("position-of-n", "int -> list(int) -> int", lambda n, xs: xs.index(n),
         where(with_member(ints(min_len=1)), lambda a: a[0] in a[1]),
         seen=((4, [4]), (2, [2, 2]), (7, [1, 7, 7]))),
    Spec("replace-x-by-y", "int -> int -> list(int) -> list(int)",
         lambda a, b, xs: [b if x == a else x for x in xs], with_replacement,
         seen=((1, 2, []), (3, 3, [3]), (5, 0, [5, 1, 5]))),
    Spec("zip-add", "list(int) -> list(int) -> list(int)",
         lambda xs, ys: [a + b for a, b in zip(xs, ys, strict=True)], same_length(),
         seen=(([], []), ([1], [2]), ([0, 4], [3, 0]))),
    Spec("elementwise-max", "list(int) -> list(int) -> list(int)",
         lambda xs, ys: [max(a, b) for a, b in zip(xs, ys, strict=True)], same_length(),
         seen=(([], []), ([4], [4]), ([1, 8], [6, 2]))),
    Spec("keep-common", "list(int) -> list(int) -> list(int)",
         lambda xs, ys: [x for x in xs if x in ys], args(ints(), ints()),
         seen=(([], [1, 2]), ([1, 2], []), ([3, 3, 1], [3]))),
    Spec("remove-common", "list(int) -> list(int) -> list(int)",
         lambda xs, ys: [x for x in xs if x not in ys], args(ints(), ints()),
         seen=(([], [5]), ([4, 5], []), ([2, 2, 7], [2]))),
    Spec("interleave", "list(int) -> list(int) -> list(int)", _interleave, same_length(),
         seen=(([], []), ([1], [2]), ([5, 5], [0, 0]))),
    Spec("merge-sorted", "list(int) -> list(int) -> list(int)", lambda xs, ys: sorted(xs + ys),
         args(SORTED, SORTED), seen=(([], []), ([3], []), ([1, 4], [2, 4]))),
    Spec("dot-product", "list(int) -> list(int) -> int",
         lambda xs, ys: sum(a * b for a, b in zip(xs, ys, strict=True)), same_length(),
         seen=(([], []), ([3], [4]), ([1, 2], [0, 5]))),
    Spec("count-matching-positions", "list(int) -> list(int) -> int",
         lambda xs, ys: sum(a == b for a, b in zip(xs, ys, strict=True)),
         same_length(hi=3, wide=False),
         seen=(([], []), ([2], [2]), ([1, 2], [2, 1]))),
    Spec("is-prefix", "list(int) -> list(int) -> bool", lambda xs, ys: ys[: len(xs)] == xs,
         prefix_or_not, seen=(([], [3]), ([1], []), ([2, 2], [2, 2, 2]))),
    # lists of lists
    Spec("flatten", "list(list(int)) -> list(int)", lambda xss: [x for xs in xss for x in xs],
         nested(), seen=([], [[]], [[1], [], [2, 3]])),
    Spec("sublist-lengths", "list(list(int)) -> list(int)", lambda xss: [len(xs) for xs in xss],
         nested(), seen=([], [[]], [[4, 4], [4]])),
    Spec("sublist-sums", "list(list(int)) -> list(int)", lambda xss: [sum(xs) for xs in xss],
         nested(), seen=([], [[]], [[1, 2], [3]])),
    Spec("sublist-maxima", "list(list(int)) -> list(int)", lambda xss: [max(xs) for xs in xss],
         nested(min_inner=1), seen=([], [[5]], [[1, 9], [3, 3]])),
    Spec("drop-empty-sublists", "list(list(int)) -> list(list(int))",
         lambda xss: [xs for xs in xss if xs], nested(), seen=([], [[]], [[], [1], []]),
         held=([[2], [], [2], [5, 5]],)),
    Spec("longest-sublist", "list(list(int)) -> list(int)", _longest, nested(min_outer=1),
         seen=([[]], [[1], [2]], [[3], [1, 2], []])),
    Spec("transpose", "list(list(int)) -> list(list(int))",
         lambda xss: [list(col) for col in zip(*xss, strict=True)], matrix,
         seen=([[1, 2, 3]], [[4], [5]], [[1, 2], [3, 4]])),
    Spec("pairs-of-each", "list(int) -> list(list(int))", lambda xs: [[x, x] for x in xs],
         ints(), seen=([], [3], [1, 1])),
    Spec("chunk-pairs", "list(int) -> list(list(int))",
         lambda xs: [xs[i : i + 2] for i in range(0, len(xs), 2)], ints(),
         seen=([], [4], [1, 2], [1, 2, 3])),
    Spec("prefixes", "list(int) -> list(list(int))",
         lambda xs: [xs[: i + 1] for i in range(len(xs))], ints(), seen=([], [7], [1, 1])),
)


# ---------------------------------------------------------------- examples and the file


def build(spec: Spec) -> list[dict[str, Any]]:
    """The task's 12 examples as JSON objects: 6 for the search, then 6 held out."""
    rng = random.Random(zlib.crc32(spec.name.encode()))
    used: set[str] = set()
    examples: list[dict[str, Any]] = []
    for held, edges in ((False, spec.seen), (True, spec.held)):
        part: list[dict[str, Any]] = []
        for x in edges:
            if not _add(spec, x, part, used):
                raise ValueError(f"{spec.name}: edge case {x!r} repeats an input or an output")
        for _ in range(10_000):
            if len(part) == SEEN:
                break
            _add(spec, spec.gen(rng, held), part, used)
        else:
            raise ValueError(f"{spec.name}: cannot draw {SEEN} varied examples")
        rng.shuffle(part)
        examples += part
    return examples


def _add(spec: Spec, x: Any, part: list[dict[str, Any]], used: set[str]) -> bool:
    """Add the example of input ``x`` unless its input is taken or its output is too common."""
    xs = spec.args(x)
    key = json.dumps(xs)
    y = spec.f(*xs)
    most = SEEN // 2 if isinstance(y, bool) else 2
    if key in used or sum(ex["output"] == y for ex in part) >= most:
        return False
    used.add(key)
    part.append({"input": xs[0], "output": y} if len(xs) == 1
                else {"inputs": list(xs), "output": y})
    return True


def render() -> str:
    """The text of ``data/hortus_list_tasks.json``: a JSON list, one task a line."""
    lines = [json.dumps({"name": s.name, "type": s.type, "examples": build(s)}) for s in TASKS]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def main() -> None:
    PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {len(TASKS)} tasks to {PATH}")


if __name__ == "__main__":
    main()
