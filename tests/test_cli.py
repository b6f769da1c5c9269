"""The command line, as a user meets it: outputs, exit codes, error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hortus.cli import app

runner = CliRunner()

TASKS = "\n".join([
    '{"name": "double", "examples": [{"i": [1, 2], "o": [2, 4]}, {"i": [5], "o": [10]}]}',
    '{"name": "last", "type": "list(int) -> int", "examples": [{"i": [1, 9], "o": 9}, '
    '{"i": [3], "o": 3}]}',
])


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "tasks.jsonl"
    path.write_text(TASKS)
    return path, f"sqlite:///{tmp_path / 'lib.db'}"


def test_solve_json_lines(files: tuple[Path, str]) -> None:
    path, url = files
    result = runner.invoke(app, ["solve", str(path), "--library", url, "--timeout", "5",
                                 "--json", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["name"] for r in rows} == {"double", "last"}
    for r in rows:
        assert r["solved"] and r["program"].startswith("(lambda") and r["tried"] > 0
        assert set(r) >= {"name", "solved", "program", "time", "tried"}


def test_solve_table_and_library_commands(files: tuple[Path, str]) -> None:
    path, url = files
    result = runner.invoke(app, ["solve", str(path), "--library", url, "--timeout", "5",
                                 "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "double" in result.stdout and "solved 2/2" in result.stdout
    shown = runner.invoke(app, ["library", "show", "--library", url, "--json"])
    summary = json.loads(shown.stdout)
    assert summary["solved_tasks"] == 2 and summary["routines"]["primitive"] > 22
    sols = runner.invoke(app, ["library", "solutions", "--library", url, "--json"])
    assert {json.loads(line)["task"] for line in sols.stdout.splitlines()} == {"double", "last"}
    routines = runner.invoke(app, ["library", "routines", "--library", url, "--json"])
    names = {json.loads(line)["name"] for line in routines.stdout.splitlines()}
    assert {"map", "fold", "sort", "cons"} <= names


def test_unsolved_task_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('[{"name": "no", "examples": [{"i": [1], "o": 3}, {"i": [1], "o": 4}]}]')
    result = runner.invoke(app, ["solve", str(path), "--library", f"sqlite:///{tmp_path}/l.db",
                                 "--timeout", "0.5", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["solved"] is False


def test_bad_task_file_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"name": "x", "examples": [{"i": [1], "out": 3}]}]')
    db = tmp_path / "l.db"
    result = runner.invoke(app, ["solve", str(path), "--library", f"sqlite:///{db}"])
    assert result.exit_code == 2
    assert "bad.json" in result.stderr and '"out"' in result.stderr
    assert not db.exists()


def test_run_prints_json() -> None:
    result = runner.invoke(app, ["run", "(lambda (sort $0))", "[3, 1, 2]"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [1, 2, 3]
    two = runner.invoke(app, ["run", "(lambda (lambda (+ $0 $1)))", "2", "40"])
    assert json.loads(two.stdout) == 42


@pytest.mark.parametrize(("args", "code", "message"), [
    (["(lambda (car $0))", "[]"], 3, "car of an empty list"),
    (["(lambda (while (lambda true) (lambda (+ $0 1)) $0))", "1", "--steps", "1000"], 3,
     "steps budget exceeded"),
    (["(lambda (range $0))", "100000000"], 3, "length budget exceeded"),
    (["(lambda (map $0 (+ 1 2)))", "[1]"], 2, "argument 2 of map"),
    (["(lambda (foo $0))", "[1]"], 2, "unknown primitive or routine 'foo'"),
    (["(lambda (sort $0))", "[1, 2"], 2, "not valid JSON"),
    (["(lambda (sort $0))", "[1, true]"], 2, "input 1"),
])
def test_run_errors(args: list[str], code: int, message: str) -> None:
    result = runner.invoke(app, ["run", *args])
    assert result.exit_code == code, result.output
    assert message in result.stderr


def test_bad_library_exits_2(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    result = runner.invoke(app, ["library", "show", "--library", str(junk)])
    assert result.exit_code == 2
    assert "junk.db" in result.stderr
