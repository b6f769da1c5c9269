"""The template table's newer rows: a float head (regression, trained by gradient through the
program) and a GRU encoder for lists (order-sensitive, where the set encoder is not)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hortus.lang.parse import parse
from hortus.lang.types import parse_type
from hortus.train import HoleTypeError, TrainConfig, TrainError, train
from hortus.train.modules import ModuleError, from_bytes, to_bytes
from hortus.train.templates import Architecture, architecture_for, build, outputs
from hortus.train.trainer import Module

np = pytest.importorskip("numpy")
torch = pytest.importorskip("torch")

WEIGHTS = (1.0, -2.0, 0.5, 3.0)
VEC4 = parse_type("tensor(4) -> float")
LIST = parse_type("list(tensor(12)) -> int")


def linear(n, seed=0):
    """Random vectors and ``w . x + 1`` for a fixed ``w``."""
    from hortus.domains._arrays import Array

    gen = np.random.default_rng(seed)
    xs = gen.normal(size=(n, 4))
    return [((Array(x),), float(x @ np.array(WEIGHTS)) + 1.0) for x in xs]


def first_digit(glyphs, n):
    """Lists of 2-4 glyphs and the first one's digit: a question of order."""
    out = []
    for _ in range(n):
        items = [glyphs.draw() for _ in range(glyphs.rng.randint(2, 4))]
        out.append((([x for x, _ in items],), items[0][1]))
    return out


# ------------------------------------------------------------------ float heads


def test_a_float_head_learns_a_linear_function_through_the_program_from_outputs_only():
    # the hole is never told its own output: only the program's, 1 added after it
    program = parse("(lambda (+. (??f $0) 1.0))")
    fit = train(program, VEC4, linear(300), TrainConfig(seconds=120, steps=400, lr=1e-2))
    report = fit.report
    assert report.method == "gradient" and report.regressed == 270
    assert fit.modules["f"].arch.head == "float"
    accuracy, rmse = fit.measure(linear(200, seed=1))
    assert rmse < 0.35  # the outputs' spread is 3.8
    assert accuracy >= 0.3  # within 1% (absolute below 1)
    assert report.rmse is not None and report.rmse < 0.5  # on the held-aside examples
    x = np.array([0.5, -1.0, 2.0, 0.25])
    assert fit(x.tolist()) == pytest.approx(float(x @ np.array(WEIGHTS)) + 1.0, abs=0.5)


def test_a_float_module_round_trips_through_its_file():
    arch = architecture_for(VEC4, width=16)
    assert arch.classes == () and arch.outputs == 1
    assert Architecture.from_json(arch.to_json()) == arch
    module = Module("f", VEC4, arch, build(arch, seed=2))
    loaded, _ = from_bytes("f", to_bytes(module))
    assert loaded.arch == arch
    x = torch.randn(5, 4)
    assert torch.equal(loaded.net(x), module.net(x))
    # the head and the stored type must agree, and a float head holds no classes
    as_int = Module("f", parse_type("tensor(4) -> int"), arch, module.net)
    with pytest.raises(ModuleError, match=r"cannot fill a hole of type tensor\(4\) -> int"):
        from_bytes("f", to_bytes(as_int))
    with pytest.raises(ValueError, match="no classes"):
        Architecture.from_json({**arch.to_json(), "classes": [0, 1]})
    with pytest.raises(ValueError, match="distinct classes"):
        Architecture.from_json({**arch.to_json(), "head": "int"})


def test_a_float_head_where_no_gradient_can_reach_it_is_refused_by_name():
    data = [(xs, round(y)) for xs, y in linear(20)]
    request = parse_type("tensor(4) -> int")
    with pytest.raises(TrainError, match=r"\?\?f return.* float.*returns int"):
        train(parse("(lambda (round (??f $0)))"), request, data)
    # a float output that a round decides: no example carries a gradient
    with pytest.raises(TrainError, match=r"\?\?f.*does not depend smoothly"):
        train(parse("(lambda (float (round (??f $0))))"), VEC4, linear(20))
    with pytest.raises(TrainError, match=r"by gradient.*not by 'lift'"):
        train(parse("(lambda (??f $0))"), VEC4, linear(20), TrainConfig(method="lift"))
    with pytest.raises(TrainError, match="has none"):
        train(parse("(lambda (??d $0))"), request, data, TrainConfig(method="gradient"))
    # a trained float module offered for an int hole
    arch = architecture_for(VEC4)
    float_module = Module("f", VEC4, arch, build(arch))
    with pytest.raises(HoleTypeError, match=r"module for \?\?d .*float head"):
        train(parse("(lambda (??d $0))"), request, data, modules={"d": float_module})


def test_float_holes_train_beside_frozen_discrete_ones_only():
    from hortus.train.trainer import TrainedProgram

    request = parse_type("tensor(4) -> tensor(4) -> float")
    program = parse("(lambda (lambda (+. (float (??d $1)) (??f $0))))")
    classify = parse_type("tensor(4) -> int")
    digit = Module("d", classify, architecture_for(classify), build(architecture_for(classify)))
    read = TrainedProgram(parse("(lambda (??d $0))"), {"d": digit}, classify).fillers()["d"]
    # the output: the frozen module's class of a, plus the line of b the float hole learns
    data = [((a, b), read(a) + y)
            for ((a,), _), ((b,), y) in zip(linear(200, 3), linear(200), strict=True)]
    with pytest.raises(TrainError, match=r"float holes \(\?\?f\) and discrete holes to "
                                         r"train \(\?\?d\)"):
        train(program, request, data, TrainConfig(steps=1))
    before = train(program, request, data, TrainConfig(steps=0), modules={"d": digit},
                   frozen=frozenset({"d"}))
    fit = train(program, request, data, TrainConfig(steps=150, lr=1e-2), modules={"d": digit},
                frozen=frozenset({"d"}))
    assert fit.report.method == "gradient"
    assert fit.report.rmse < before.report.rmse / 3


# ------------------------------------------------------------------ the GRU encoder


def test_the_gru_is_chosen_for_lists_only_and_set_stays_the_default():
    assert architecture_for(LIST).encoder == "set"
    assert architecture_for(LIST, encoder="gru").encoder == "gru"
    with pytest.raises(HoleTypeError, match=r"'gru' does not read tensor\(12\).*: mlp"):
        architecture_for(parse_type("tensor(12) -> int"), encoder="gru")
    with pytest.raises(TrainError, match="unknown encoder 'lstm'"):
        train(parse("(lambda (??d $0))"), LIST, [], TrainConfig(encoder="lstm"))


def test_a_gru_batches_lists_of_any_length_as_it_reads_each_alone():
    from hortus.domains._arrays import Array

    gen = np.random.default_rng(0)
    arch = architecture_for(LIST, encoder="gru", width=8)
    net = build(arch, seed=1)
    lists = [[Array(gen.normal(size=12)) for _ in range(n)] for n in (3, 0, 1, 5, 2)]
    together = outputs(arch, net, lists)
    alone = torch.cat([outputs(arch, net, [xs]) for xs in lists])
    assert together.shape == (5, 10)
    assert torch.allclose(together, alone, atol=1e-6)
    # order matters to it (the set encoder's mean does not see it)
    swapped = outputs(arch, net, [lists[0][::-1]])
    assert not torch.allclose(swapped, together[:1], atol=1e-4)
    loaded, _ = from_bytes("d", to_bytes(Module("d", LIST, arch, net)))
    assert torch.equal(outputs(arch, loaded.net, lists), together)


def test_a_gru_learns_the_first_items_digit_which_the_set_encoder_cannot(glyphs):
    data, test = first_digit(glyphs, 400), first_digit(glyphs, 300)
    program = parse("(lambda (??d $0))")
    config = TrainConfig(seconds=120, steps=300, lr=1e-2)
    gru = train(program, LIST, data, replace(config, encoder="gru"))
    pooled = train(program, LIST, data, config)
    assert gru.modules["d"].arch.encoder == "gru"
    assert pooled.modules["d"].arch.encoder == "set"
    assert gru.accuracy(test) >= 0.85
    assert pooled.accuracy(test) <= 0.6  # it can only guess among the list's digits


def test_a_gru_is_not_widened_but_tuned_afresh():
    from hortus.train.automl import warm, widen

    arch = architecture_for(LIST, encoder="gru", width=16)
    module = Module("d", LIST, arch, build(arch))
    with pytest.raises(ValueError, match="'gru' encoder cannot be widened"):
        widen(module, 32)
    assert warm(module, arch, 0) is not None  # the same width: copied
    assert warm(module, replace(arch, width=32), 0) is None  # wider: tuning starts afresh
