"""The digits domain: fixed, disjoint pools from packaged data, and tasks from outputs only."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sklearn")

from hortus.domains import digits as dg
from hortus.domains import get, parse_names


def test_pools_are_fixed_and_disjoint():
    pools = dg.pools("sklearn")
    sizes = (len(pools.train), len(pools.validation), len(pools.test))
    assert sizes == (1078, 359, 360)
    keys = [{hash(x) for x, _ in pools.pool(p)} for p in ("train", "validation", "test")]
    assert not (keys[0] & keys[1]) and not (keys[0] & keys[2]) and not (keys[1] & keys[2])
    dg.pools.cache_clear()
    assert dg.pools("sklearn").test[0][0] == pools.test[0][0]  # the same split every time


def test_task_outputs_follow_from_the_hidden_labels():
    pools = dg.pools("sklearn")
    label = {hash(x): d for x, d in pools.train}
    for (a, b), y in dg.examples("add-mod-3", pools, "train", 20, seed=1):
        assert y == (label[hash(a)] + label[hash(b)]) % 3
    for (xs,), y in dg.examples("sort", pools, "train", 20, seed=1):
        assert 2 <= len(xs) <= 4
        assert [label[hash(x)] for x in y] == sorted(label[hash(x)] for x in xs)
    for (_, b), _ in dg.examples("mod", pools, "train", 50, seed=2):
        assert label[hash(b)] != 0
    assert dg.request("sum", pools) == "list(image(8, 8)) -> int"


def test_the_digits_domain_brings_the_tensors_it_builds_on():
    assert get("digits").requires == ("tensors",)
    assert parse_names("lists,digits") == ("lists", "tensors", "digits")


def test_bench_digits_runs_end_to_end_and_writes_its_report(tmp_path):
    from typer.testing import CliRunner

    from hortus.cli import app

    result = CliRunner().invoke(app, [
        "bench", "digits", "--source", "sklearn", "--task", "add2", "--task", "less-than",
        "--timeout", "5", "--train", "300", "--test", "100", "--results", str(tmp_path),
        "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert 0.5 < report["digit_accuracy"] <= 1
    names = [t["name"] for t in report["tasks"]]
    assert names == ["add2", "less-than"]
    for t in report["tasks"]:
        assert set(t) >= {"name", "accuracy", "ceiling", "digit_accuracy", "program", "seconds"}
    assert report["lifelong"]["tasks"][0]["name"] == "less-than"
    saved = json.loads((tmp_path / "digits-sklearn.json").read_text())
    assert saved["tasks"][0]["name"] == "add2" and "environment" in saved


def test_bench_digits_refuses_an_unknown_task(tmp_path):
    from typer.testing import CliRunner

    from hortus.cli import app

    result = CliRunner().invoke(app, ["bench", "digits", "--task", "nope", "--results",
                                      str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown digits task 'nope'" in result.output
