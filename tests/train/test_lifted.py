"""The lifted semantics against brute force: distributions through primitives, exactly."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from hortus.lang.parse import parse  # noqa: E402
from hortus.train import abduction, lifted  # noqa: E402


def trace(text, inputs, holes=("d",)):
    slots = {}

    def leaf(key, x):
        return lifted.leaf(slots.setdefault(key, len(slots)))

    return abduction.run_with(lifted.lift(parse(text)), inputs, list(holes), leaf), slots


def dist(values, probs):
    return lifted.Dist(tuple(values), torch.tensor([probs], dtype=torch.float64))


probs = st.lists(st.floats(0.01, 1.0), min_size=3, max_size=3).map(
    lambda ps: [p / sum(ps) for p in ps])


@settings(max_examples=40, deadline=None)
@given(a=probs, b=probs, op=st.sampled_from(["+", "-", "*", "mod", "gt?", "eq?"]))
def test_a_binary_primitive_lifts_to_the_exact_distribution_of_its_result(a, b, op):
    out, _ = trace(f"(lambda (lambda ({op} (??d $1) (??d $0))))", ("x", "y"))
    (term,) = lifted.terms(out, 0) or []
    got = lifted.evaluate(term.shape, [dist(range(3), a), dist(range(3), b)])
    impl = parse(f"(lambda (lambda ({op} $1 $0)))")
    want: dict[int, float] = {}
    for (i, pa), (j, pb) in itertools.product(enumerate(a), enumerate(b)):
        try:
            r = int(impl(i, j))
        except Exception:  # mod by zero: the mass is lost, as the program fails
            continue
        want[r] = want.get(r, 0.0) + pa * pb
    assert set(got.values) == set(want)
    for v, p in zip(got.values, got.probs[0].tolist(), strict=True):
        assert p == pytest.approx(want[v], abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(keys=st.lists(probs, min_size=2, max_size=4), data=st.data())
def test_sort_by_a_latent_key_gives_the_probability_of_the_observed_order(keys, data):
    n = len(keys)
    items = [f"img{i}" for i in range(n)]
    order = data.draw(st.permutations(range(n)))
    observed = [items[i] for i in order]
    out, _ = trace("(lambda (sort-by (lambda (??d $0)) $0))", (tuple(items),))
    (term,) = lifted.terms(out, observed) or []
    leaves = [dist(range(3), keys[i]) for i in order]
    got = lifted.evaluate(term.shape, leaves)
    p = dict(zip(got.values, got.probs[0].tolist(), strict=True))[1]
    want = 0.0
    for ks in itertools.product(range(3), repeat=n):
        stable = [items[i] for i in sorted(range(n), key=lambda i: ks[i])]
        if stable == observed:
            mass = 1.0
            for i, k in enumerate(ks):
                mass *= keys[i][k]
            want += mass
    assert p == pytest.approx(want, abs=1e-9)


def test_list_reductions_lift_and_supports_stay_exact():
    out, _slots = trace("(lambda (sum (map (lambda (??d $0)) $0)))", (tuple(range(15)),))
    (term,) = lifted.terms(out, 40) or []
    assert len(term.slots) == 15
    assert lifted.support(term.shape, [tuple(range(10))] * 15) == tuple(range(136))
    out, _ = trace("(lambda (count 3 (map (lambda (??d $0)) $0)))", (tuple(range(4)),))
    (term,) = lifted.terms(out, 2) or []
    assert lifted.support(term.shape, [tuple(range(10))] * 4) == (0, 1, 2, 3, 4)
    out, _ = trace("(lambda (max (map (lambda (??d $0)) $0)))", (tuple(range(3)),))
    (term,) = lifted.terms(out, 7) or []
    assert lifted.support(term.shape, [tuple(range(10))] * 3) == tuple(range(10))


def test_what_cannot_be_lifted_says_so():
    with pytest.raises(lifted.NotLiftable, match="share a latent"):
        trace("(lambda (* (??d $0) (??d $0)))", ("x",))
    with pytest.raises(lifted.NotLiftable):
        trace("(lambda (sort (map (lambda (??d $0)) $0)))", (("x", "y"),))
    with pytest.raises(lifted.NotLiftable):
        trace("(lambda (if (gt? (??d $0) 3) 1 0))", ("x",))
    out, _ = trace("(lambda (product (map (lambda (??d $0)) $0)))", (tuple(range(12)),))
    (term,) = lifted.terms(out, 0) or []
    with pytest.raises(lifted.NotLiftable, match="more than"):
        lifted.check_shape(term.shape, [tuple(range(100))] * 12)


def test_a_concrete_part_that_differs_from_the_output_cannot_be_explained():
    out, _ = trace("(lambda (cons 1 (map (lambda (??d $0)) $0)))", (("x",),))
    assert lifted.terms(out, (2, 5)) is None
    assert lifted.terms(out, (1, 5)) is not None
