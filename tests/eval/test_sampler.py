"""Inputs drawn like a task's own, to tell apart programs that fit its examples."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from hortus.eval import codecs
from hortus.eval.sampler import Seeds, sample, sample_inputs
from hortus.eval.values import to_external
from hortus.lang.types import INT, TCon, parse_type, tlist

LIST = tlist(INT)


def test_samples_are_new_deterministic_and_like_the_examples() -> None:
    inputs = [((3, 1, 4),), ((1, 5),), ((9, 2, 6, 5),)]
    first = sample_inputs(inputs, [LIST], 20)
    assert first == sample_inputs(inputs, [LIST], 20)  # seeded by the inputs
    assert 10 <= len(first) <= 20 and len(set(first)) == len(first)
    assert not set(first) & set(inputs)
    for (xs,) in first:
        assert isinstance(xs, tuple) and 0 <= len(xs) <= 5  # one longer by a mutation at most
        assert all(isinstance(x, int) and 1 <= x <= 9 for x in xs)  # the examples' range


def test_mutations_make_ties_and_keep_arguments_together() -> None:
    inputs = [(2, (5, 6, 7)), (0, (1, 2, 3, 4))]
    drawn = sample_inputs(inputs, [INT, LIST], 40)
    assert any(len(set(xs)) < len(xs) for _, xs in drawn)  # a duplicated element
    # an example's integer still beside (a perturbation of) its own list
    assert any(k == 2 and len(set(xs) & {5, 6, 7}) >= 2 for k, xs in drawn)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-50, 50), st.lists(st.integers(-9, 9), max_size=6)),
                min_size=1, max_size=6))
def test_samples_always_have_the_task_types(examples: list[tuple[int, list[int]]]) -> None:
    inputs = [(k, tuple(xs)) for k, xs in examples]
    for k, xs in sample_inputs(inputs, [INT, LIST], 12):
        assert type(k) is int and all(type(x) is int for x in xs)
        assert to_external(xs, LIST) == list(xs)


def test_a_new_value_type_plugs_in() -> None:
    colour = TCon("colour")
    seeds = Seeds.of([("red",), ("blue",)], [colour])
    assert sample(colour, seeds, random.Random(0)) in ("red", "blue")  # drawn from those seen
    class Colour(codecs.Codec):
        name = "colour"

        def sample(self, t: TCon, seeds: Seeds, rng: random.Random) -> str:
            return "green"

    codecs.register(Colour())
    try:
        assert sample(colour, seeds, random.Random(0)) == "green"
    finally:
        del codecs._CODECS["colour"]


def test_nested_and_structured_types() -> None:
    t = parse_type("list(pair(int, bool))")
    inputs = [(((1, True), (2, False)),)]
    for (xs,) in sample_inputs(inputs, [t], 10):
        assert all(type(a) is int and type(b) is bool for a, b in xs)
