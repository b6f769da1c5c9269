"""A hybrid task end to end from the command line: make, solve, reuse, run; bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("sklearn")

from hortus.cli import app

runner = CliRunner()


def hortus(*args: str):
    return runner.invoke(app, list(args))


def test_a_digit_task_is_solved_its_module_kept_reused_and_run(tmp_path: Path) -> None:
    lib = f"sqlite:///{tmp_path / 'lib.db'}"
    add2, mx = tmp_path / "add2.json", tmp_path / "max.json"
    assert hortus("digits", "make", "add2", "--source", "sklearn", "--examples", "600",
                  "--out", str(add2)).exit_code == 0
    assert (tmp_path / "add2.npz").is_file()
    assert hortus("library", "init", "--library", lib, "--domain", "lists,digits"
                  ).exit_code == 0
    first = hortus("solve", str(add2), "--library", lib, "--timeout", "20", "--json")
    assert first.exit_code == 0, first.output
    found = json.loads(first.stdout.strip().splitlines()[-1])
    assert found["program"].startswith("(lambda (lambda (+ (??add2-n0[image(8, 8) -> int] $")
    assert found["trained"]["accuracy"] >= 0.8
    routines = hortus("library", "routines", "--library", lib, "--kind", "neural")
    assert "add2-n0" in routines.output
    # a second task reuses the module: it is ranked as it is, without a training run
    assert hortus("digits", "make", "max", "--source", "sklearn", "--examples", "200",
                  "--out", str(mx)).exit_code == 0
    second = hortus("solve", str(mx), "--library", lib, "--timeout", "20", "--json")
    assert second.exit_code == 0, second.output
    assert "??add2-n0" in json.loads(second.stdout.strip().splitlines()[-1])["program"]
    # and the program runs on pictures given as JSON
    task = json.loads(add2.read_text())
    import numpy as np

    with np.load(tmp_path / "add2.npz") as z:
        ex = task["examples"][0]
        a, b = (json.dumps(z[x["$array"]].tolist()) for x in ex["inputs"])
    ran = hortus("run", "(lambda (lambda (+ (??add2-n0 $1) (??add2-n0 $0))))", a, b,
                 "--library", lib)
    assert ran.exit_code == 0, ran.output
    assert 0 <= int(ran.stdout) <= 18
    missing = hortus("run", "(lambda (??other $0))", a, "--library", lib)
    assert missing.exit_code == 3
    assert "??other has no module" in missing.output


def test_bad_digit_task_requests_are_refused(tmp_path: Path) -> None:
    bad = hortus("digits", "make", "nope", "--out", str(tmp_path / "x.json"))
    assert bad.exit_code == 2 and "unknown digits task 'nope'" in bad.output
    bad = hortus("digits", "make", "add2", "--out", str(tmp_path / "x.txt"))
    assert bad.exit_code == 2 and ".json" in bad.output
    assert not list(tmp_path.iterdir())


def test_images_of_the_wrong_shape_name_the_task_and_example(tmp_path: Path) -> None:
    lib = f"sqlite:///{tmp_path / 'lib.db'}"
    path = tmp_path / "t.json"
    examples = [{"inputs": [[[0.0] * 8] * 8], "output": 1}, {"inputs": [[[0.0] * 7] * 8],
                                                              "output": 2}]
    path.write_text(json.dumps({"name": "shapes", "type": "image(8, 8) -> int",
                                "examples": examples}))
    result = hortus("solve", str(path), "--library", lib, "--timeout", "5")
    assert result.exit_code == 2
    assert "example 2" in result.output and "shape" in result.output
    assert not (tmp_path / "lib.db").exists() or "shapes" not in hortus(
        "library", "show", "--library", lib).output
