"""Benchmarks are not tests, but their commands must run and write what they promise."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from hortus.cli import app

runner = CliRunner()


def test_bench_enumerate_writes_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bench", "enumerate", "--seconds", "0.2,0.4", "--results",
                                 str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["programs_per_second"] > 0
    assert 0 < report["mass_0.2s"] <= report["mass_0.4s"] <= report["finite_mass"] + 1e-9
    assert json.loads((tmp_path / "enumerate.json").read_text())["environment"]["command"]


def test_bench_lists_writes_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bench", "lists", "--limit", "3", "--timeout", "1", "--jobs",
                                 "1", "--results", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    suites = json.loads(result.stdout)
    assert set(suites) == {"dreamcoder", "hortus"}
    for summary in suites.values():
        assert summary["tasks"] == 3
        assert 0 <= summary["right_on_held_out"] <= summary["solved"] <= 3
        assert summary["wrong_on_held_out"] == summary["solved"] - summary["right_on_held_out"]
        assert 0 <= summary["wrong_flagged"] <= summary["wrong_on_held_out"]
        assert summary["unflagged_right"] <= summary["unflagged"] <= summary["solved"]
        assert set(summary["right_by_ranking"]) == {"prior", "posterior", "mass"}
    assert suites["dreamcoder"]["train_examples"] == 10
    assert suites["hortus"]["train_examples"] == 6
    rows = json.loads((tmp_path / "lists-base-1s.json").read_text())["tasks"]
    assert [r["task"] for r in rows][:1] == ["add-k with k=0"]
    assert {r["suite"] for r in rows} == {"dreamcoder", "hortus"}
    # the dev install has matplotlib, so the plot is drawn
    assert (tmp_path / "lists-base-1s.png").read_bytes().startswith(b"\x89PNG")


def test_bench_lists_named_tasks_and_ablation(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bench", "lists", "--task", "len", "--task", "sum",
                                 "--timeout", "2", "--jobs", "1", "--no-lambda-equivalence",
                                 "--results", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["dreamcoder"]
    assert summary["tasks"] == 2 and summary["solved"] == 2
    assert summary["lambda_equivalence"] is False
    bad = runner.invoke(app, ["bench", "lists", "--task", "no-such-task"])
    assert bad.exit_code == 2 and "no-such-task" in bad.stderr
    bad = runner.invoke(app, ["bench", "lists", "--suite", "nope"])
    assert bad.exit_code == 2 and "nope" in bad.stderr


def test_bench_lists_flags_an_ambiguous_task(tmp_path: Path) -> None:
    # 10 examples of "keep elements >= 5" never show a 4 or a 5 with the same truth as the
    # right answer would: programs with threshold 3 and 4 fit too, and the search says so.
    result = runner.invoke(app, ["bench", "lists", "--task", "bool-identify-geq-k with k=5",
                                 "--timeout", "4", "--jobs", "1", "--suite", "dreamcoder",
                                 "--results", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["dreamcoder"]
    assert summary["solved"] == 1 and summary["flagged_ambiguous"] == 1


def test_bench_learn_lists_runs_each_system(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bench", "learn-lists", "--limit", "12", "--iterations", "1",
                                 "--timeout", "1", "--jobs", "1", "--system", "no-recognition",
                                 "--system", "no-learning", "--results", str(tmp_path),
                                 "--json"])
    assert result.exit_code == 0, result.output
    systems = json.loads(result.stdout)
    assert set(systems) == {"no-recognition", "no-learning"}
    for r in systems.values():
        assert r["test_tasks"] == 6 and 0 <= r["test_right"] <= r["test_solved"] <= 6
        moved = r["transfer"]  # hortus's own suite, first 12 tasks, never trained on
        assert moved["suite"] == "hortus" and moved["tasks"] == 12
        assert 0 <= moved["right"] <= moved["solved"] <= 12 and moved["solved"] > 0
    assert (tmp_path / "learn-lists-1s-1it-12.json").exists()
