"""``hortus bench extrapolate``: programs from short lists run on long ones, beside networks."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hortus.bench.extrapolate import FUNCTIONS, make_task, select, training_inputs
from hortus.cli import app

runner = CliRunner()


def test_bench_extrapolate_programs_hold_at_length_100(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bench", "extrapolate", "--function", "reverse", "--function",
                                 "max", "--timeout", "3", "--lengths", "10,100",
                                 "--test-count", "5", "--train-seconds", "0.3",
                                 "--train-size", "300", "--jobs", "1", "--results",
                                 str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["functions"] == 2 and summary["solved"] == 2
    assert summary["mean_accuracy"]["program"]["100"] == 1.0
    # the MLP reads 5 positions: it cannot take a list of 10, and that counts 0
    assert summary["mean_accuracy"]["mlp"]["10"] == 0.0
    rows = {r["function"]: r for r in
            json.loads((tmp_path / "extrapolate-selected.json").read_text())["functions"]}
    reverse = rows["reverse"]
    assert reverse["program"] == "(lambda (reverse $0))"
    assert reverse["accuracy"]["program"] == {"in": 1.0, "10": 1.0, "100": 1.0}
    assert reverse["accuracy"]["mlp"]["10"] is None and reverse["accuracy"]["mlp"]["100"] is None
    transformer = reverse["networks"]["transformer"]
    assert 0 <= reverse["accuracy"]["transformer"]["100"] <= 1
    assert transformer["tested"] == {"10": 5, "100": 5} and transformer["steps"] > 0
    assert transformer["train_seconds"] >= 0.3
    assert len(reverse["examples"]) == 10
    assert max(len(e["input"]) for e in reverse["examples"]) <= 5
    assert (tmp_path / "extrapolate-selected.png").read_bytes().startswith(b"\x89PNG")


def test_bench_extrapolate_bad_options() -> None:
    bad = runner.invoke(app, ["bench", "extrapolate", "--function", "no-such-function"])
    assert bad.exit_code == 2 and "no-such-function" in bad.stderr
    bad = runner.invoke(app, ["bench", "extrapolate", "--lengths", "10,x"])
    assert bad.exit_code == 2 and "--lengths" in bad.stderr


def test_examples_are_short_and_show_every_value_and_ties() -> None:
    assert len(FUNCTIONS) >= 12
    for fn in FUNCTIONS:
        inputs = training_inputs(fn, 10, random.Random(0))
        assert max(map(len, inputs)) == 5 and min(map(len, inputs)) == fn.min_len
        assert set().union(*map(set, inputs)) == set(range(10))
        assert any(len(set(x)) < len(x) for x in inputs)  # ties, for sort, dedupe, counts
    task = make_task(select(["sort"])[0], 10, 0)
    assert all(ex.output == sorted(ex.inputs[0]) for ex in task.examples)
    with pytest.raises(ValueError, match="known"):
        select(["nope"])


def test_transformer_takes_long_lists_the_mlp_cannot() -> None:
    from hortus.bench._networks import Baseline, Shape

    train = [[1, 2], [3], [4, 5, 6, 7, 8]]
    shape = Shape.of(train, [x + x[::-1] for x in train])
    assert shape.list_output and shape.ratio == 2 and shape.width == 5
    mlp, transformer = Baseline("mlp", shape), Baseline("transformer", shape)
    assert mlp.accepts(5) and not mlp.accepts(6) and transformer.accepts(3000)
    (out,) = transformer.predict([[1] * 3000])
    assert isinstance(out, list) and len(out) <= 2 * 3000
    assert Shape.of(train, [len(x) for x in train]).list_output is False
