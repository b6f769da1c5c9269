"""Training holes through programs from outputs only: lifted, abduced, and what each can't."""

from __future__ import annotations

import math

import pytest

from hortus.lang.parse import parse
from hortus.lang.types import parse_type
from hortus.train import HoleTypeError, TrainConfig, TrainError, train
from hortus.train.templates import architecture_for

VEC = "tensor(12)"


def pairs(glyphs, n, f):
    out = []
    for _ in range(n):
        (a, da), (b, db) = glyphs.draw(), glyphs.draw()
        out.append(((a, b), f(da, db)))
    return out


def hole_accuracy(trained, glyphs, name="d"):
    module = trained.modules[name]
    trained.prepare(name, [x for x, _ in glyphs.items])
    fill = trained.fillers()[name]
    return sum(fill(x) == d for x, d in glyphs.items) / len(glyphs.items) if module else 0


def test_add2_is_learned_from_sums_alone_through_the_lifted_program(glyphs):
    request = parse_type(f"{VEC} -> {VEC} -> int")
    program = parse("(lambda (lambda (+ (??d $1) (??d $0))))")
    fit = train(program, request, pairs(glyphs, 600, lambda a, b: a + b),
                TrainConfig(seconds=20, seed=1))
    assert fit.report.method in ("lift", "lift+abduce")
    assert fit.report.lifted > 500
    test = pairs(glyphs, 300, lambda a, b: a + b)
    assert fit.accuracy(test) >= 0.9
    # the hole names the digits it was never told: sums pin every label down
    assert hole_accuracy(fit, glyphs) >= 0.9
    a, _ = glyphs.items[3]
    b, _ = glyphs.items[7]
    assert fit(a.data.tolist(), b.data.tolist()) == 3 + 7


def test_a_latent_value_used_twice_is_not_lifted_but_abduced(glyphs):
    # (* d d): the two operands are the same latent value, not independent ones
    request = parse_type(f"{VEC} -> int")
    program = parse("(lambda (* (??d $0) (??d $0)))")
    data = [((x,), d * d) for x, d in (glyphs.draw() for _ in range(500))]
    fit = train(program, request, data, TrainConfig(seconds=20, seed=0))
    assert fit.report.method == "abduce"
    with pytest.raises(TrainError, match="cannot be lifted"):
        train(program, request, data, TrainConfig(seconds=5, method="lift"))
    test = [((x,), d * d) for x, d in (glyphs.draw() for _ in range(300))]
    assert fit.accuracy(test) >= 0.85


def test_abduction_cannot_start_a_long_sum_that_lifting_learns(glyphs):
    """Eight digits summed: from an untrained network the first assignment consistent with
    the sum lies beyond abduction's search, so it gets no signal; the lifted sum does."""
    request = parse_type(f"list({VEC}) -> int")
    program = parse("(lambda (sum (map (lambda (??d $0)) $0)))")
    data = []
    for _ in range(400):
        items = [glyphs.draw() for _ in range(8)]
        data.append((([x for x, _ in items],), sum(d for _, d in items)))
    # step budgets, not seconds: the same training however busy the machine is
    lifted = train(program, request, data, TrainConfig(seconds=120, steps=1200, seed=0))
    abduced = train(program, request, data, TrainConfig(seconds=120, steps=60, seed=0,
                                                        tries=64, method="abduce"))
    assert "lift" in lifted.report.method and lifted.report.lifted >= 300
    assert hole_accuracy(lifted, glyphs) >= 0.75
    assert hole_accuracy(abduced, glyphs) <= 0.4


def test_sort_by_a_hole_is_lifted_and_learns_an_order(glyphs):
    request = parse_type(f"list({VEC}) -> list({VEC})")
    program = parse("(lambda (sort-by (lambda (??d $0)) $0))")
    data = []
    for _ in range(500):
        items = [glyphs.draw() for _ in range(4)]
        data.append((([x for x, _ in items],),
                     [x for x, _ in sorted(items, key=lambda t: t[1])]))
    fit = train(program, request, data, TrainConfig(seconds=30, seed=0, target=0.8,
                                                    stop_at_target=True))
    assert fit.report.method in ("lift", "lift+abduce")
    assert fit.report.accuracy >= 0.8


def test_holes_must_be_named_typed_and_trainable(glyphs):
    request = parse_type(f"{VEC} -> int")
    data = [((x,), d) for x, d in (glyphs.draw() for _ in range(10))]
    with pytest.raises(TrainError, match="no holes"):
        train(parse("(lambda 1)"), request, data)
    with pytest.raises(TrainError, match="without a name"):
        train(parse("(lambda (?? $0))"), request, data)
    with pytest.raises(HoleTypeError, match="no network template reads int"):
        train(parse("(lambda (??d (length empty)))"), request, data)
    with pytest.raises(HoleTypeError, match="one input"):
        architecture_for(parse_type("int"))
    with pytest.raises(HoleTypeError, match="no network head returns"):
        architecture_for(parse_type(f"{VEC} -> list(int)"))


def test_a_loss_that_is_not_a_number_stops_training_with_a_clear_error(glyphs):
    request = parse_type(f"{VEC} -> int")
    data = [((x,), d) for x, d in (glyphs.draw() for _ in range(50))]
    with pytest.raises(TrainError, match="loss became"):
        train(parse("(lambda (??d $0))"), request, data,
              TrainConfig(seconds=10, lr=math.inf))


def test_an_unfilled_hole_is_a_clear_run_time_error():
    from hortus.lang.runtime import EvalError

    with pytest.raises(EvalError, match="has no module"):
        parse("(lambda (+ 1 (??d $0)))")(3)
