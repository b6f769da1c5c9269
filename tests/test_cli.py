"""The command line, as a user meets it: outputs, exit codes, error messages."""

from __future__ import annotations

import json
import time
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


@pytest.mark.parametrize(("program", "message"), [
    ("(lambda ((iterate 40 (lambda (lambda ($1 ($1 $0)))) (lambda (+ $0 1))) $0))",
     "steps budget exceeded"),
    ("(lambda (repeat 3000 (repeat 3000 $0)))", "output holds more than 1,000,000 elements"),
])
def test_run_budgets_cover_closures_and_writing_the_output(program: str, message: str) -> None:
    # unbounded, these ran for minutes and gigabytes; the limits leave room for a loaded machine
    start = time.perf_counter()
    result = runner.invoke(app, ["run", program, "1", "--timeout", "2"])
    assert result.exit_code == 3, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert time.perf_counter() - start < 8.0
    start = time.perf_counter()
    result = runner.invoke(app, ["run", program, "1", "--timeout", "0.5", "--steps",
                                 str(10**15)])
    assert result.exit_code == 3 and "time budget exceeded" in result.stderr, result.output
    assert time.perf_counter() - start < 8.0


def test_bad_library_exits_2(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    result = runner.invoke(app, ["library", "show", "--library", str(junk)])
    assert result.exit_code == 2
    assert "junk.db" in result.stderr


# ---------------------------------------------------------------- hostile input


@pytest.mark.parametrize(("args", "message"), [
    (["[/]"], "unknown primitive or routine '[/]'"),
    (["(lambda (sum $0))", "[NaN]"], 'input 1 is not valid JSON (NaN is not a JSON number at '
                                     'column 2): "[NaN]"'),
    (["(lambda (sum $0))", "[1, true]"], "input 1 should have type list(int), got [1, true]"),
    (["(lambda (sum $0))", "[bold]"], "input 1 is not valid JSON (Expecting value at column 2): "
                                      '"[bold]"'),
    (["(lambda (+ " + "9" * 5000 + " $0))", "1"], "integer literal of 5000 digits is too long"),
    (["(lambda $0)", "9" * 5000], "integer with more than 4300 digits"),
    (["(lambda $0)", "[" * 900 + "]" * 900], "input 1: values nested deeper than 100 levels"),
    (["(lambda $0)", "[" * 100_000 + "]" * 100_000], "input 1: values nested too deeply"),
    (["(lambda $0)", '"\\ud800"'], 'input 1: "\\ud800" is not valid Unicode text'),
    (["(lambda $0)", "[1, 1.5]"], "list mixes elements of types int and float"),
    (["(lambda (map set-intersect $0))", "[[7]]"], "holds functions"),
    (["(lambda (upper $0))", '"ab"'], 'input 1 should have type char, got "ab"\n'),
])
def test_run_refuses_bad_input_cleanly_and_prints_it_verbatim(args: list[str],
                                                              message: str) -> None:
    result = runner.invoke(app, ["run", *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [
    ["run", "(lambda $0)", "1"],
    ["solve", "tasks.json"],
    ["learn", "tasks.json"],
    ["bench", "lists"],
    ["bench", "learn-lists"],
])
@pytest.mark.parametrize("timeout", ["0", "nan", "inf", "-1"])
def test_every_timeout_must_be_a_positive_number_of_seconds(command: list[str],
                                                            timeout: str) -> None:
    result = runner.invoke(app, [*command, "--timeout", timeout])
    assert result.exit_code == 2, result.output
    assert "is not a positive number of seconds" in result.output


def test_bench_enumerate_refuses_bad_durations_and_types() -> None:
    bad = runner.invoke(app, ["bench", "enumerate", "--seconds", "1,x"])
    assert bad.exit_code == 2 and "expected positive numbers of seconds" in bad.stderr
    bad = runner.invoke(app, ["bench", "enumerate", "--seconds", "nan"])
    assert bad.exit_code == 2 and "expected positive numbers of seconds" in bad.stderr
    bad = runner.invoke(app, ["bench", "enumerate", "--seconds", "0.1", "--grammar", "[/]"])
    assert bad.exit_code == 2 and "unknown primitive set '[/]'; known:" in bad.stderr
    bad = runner.invoke(app, ["bench", "enumerate", "--seconds", "0.1", "--request", "list("])
    assert bad.exit_code == 2 and "unexpected end of type 'list('" in bad.stderr


def test_task_names_with_brackets_are_stored_and_shown(tmp_path: Path) -> None:
    path, url = tmp_path / "t.json", f"sqlite:///{tmp_path / 'lib.db'}"
    path.write_text('[{"name": "t[/x]", "examples": [{"i": 1, "o": 2}, {"i": 2, "o": 3}]}]')
    solved = runner.invoke(app, ["solve", str(path), "--library", url, "--timeout", "5",
                                 "--jobs", "1"])
    assert solved.exit_code == 0, solved.output
    assert "t[/x]" in solved.stdout
    shown = runner.invoke(app, ["library", "solutions", "--library", url])
    assert shown.exit_code == 0, shown.output
    assert "t[/x]" in shown.stdout


@pytest.mark.parametrize(("text", "message"), [
    ('[{"name": "x", "examples": [{"i": 1}]}]', 'example 1: missing "output"\n'),
    ('[{"name": "x", "type": "char -> int", "examples": [{"i": "ab", "o": 1}]}]',
     'expected a char, got "ab"\n'),
    ('[{"name": "s\\ud800", "examples": [{"i": 1, "o": 1}]}]',
     'field "name": "s\\ud800" is not valid Unicode text'),
    ('[{"name": "[bold]x", "examples": [{"i": 1, "o": 1}, {"i": "[/]", "o": 2}]}]',
     '(task 1 "[bold]x"): example 2, input: "[/]" has type str, but earlier examples have int'),
])
def test_task_file_errors_are_printed_whole(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.json"
    path.write_text(text)
    result = runner.invoke(app, ["solve", str(path), "--library", f"sqlite:///{tmp_path}/l.db"])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not (tmp_path / "l.db").exists()


def test_an_endless_task_file_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["solve", "/dev/zero", "--library",
                                 f"sqlite:///{tmp_path}/l.db"])
    assert result.exit_code == 2
    assert "/dev/zero: larger than 64 MiB, the most a task file may hold" in result.stderr
