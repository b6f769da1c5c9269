"""AutoML: Net2Net widening keeps the function; optuna tunes a program's module."""

from __future__ import annotations

import pytest

from hortus.lang.parse import parse
from hortus.lang.types import parse_type
from hortus.train.automl import tune, warm, widen
from hortus.train.templates import architecture_for, build
from hortus.train.trainer import Module

torch = pytest.importorskip("torch")
pytest.importorskip("optuna")


@pytest.mark.parametrize("tp", ["tensor(12) -> int", "image(8, 8) -> int",
                                "tensor(12) -> float"])
def test_a_widened_module_computes_the_same_function(tp):
    t = parse_type(tp)
    arch = architecture_for(t, width=16, depth=2, channels=4)
    small = Module("d", t, arch, build(arch, seed=1))
    wide = widen(small, 48, seed=2)
    assert wide.arch.width == 48
    x = torch.randn(7, *((12,) if "tensor" in tp else (1, 8, 8)))
    assert torch.allclose(wide.net(x), small.net(x), atol=1e-5)
    assert warm(small, arch.wider(8), 0) is None  # narrower: no warm start
    assert warm(small, architecture_for(t, width=16, depth=1, channels=4), 0) is None


def test_tuning_warm_starts_from_a_trained_module_and_keeps_the_best(glyphs):
    from hortus.train import TrainConfig, train

    request = parse_type("tensor(12) -> tensor(12) -> int")
    program = parse("(lambda (lambda (+ (??d $1) (??d $0))))")
    data = []
    for _ in range(400):
        (a, da), (b, db) = glyphs.draw(), glyphs.draw()
        data.append(((a, b), da + db))
    first = train(program, request, data, TrainConfig(seconds=3, width=32))
    tuned = tune(program, request, data, seconds=12, trials=4, start=first.modules)
    assert 1 <= len(tuned.trials) <= 4
    # a trial of the trained module's depth and at least its width starts from its weights
    for t in tuned.trials:
        assert t["warm"] == (t["depth"] == 1 and t["width"] >= 32)
    best = max(t["accuracy"] for t in tuned.trials)
    assert tuned.trained.report.accuracy == best
    assert best >= 0.8
