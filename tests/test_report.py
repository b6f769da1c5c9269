"""The HTML report: what a reader finds in it, with and without a learning run, and its safety."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hortus.cli import app
from hortus.lang.parse import parse
from hortus.lang.program import Routine
from hortus.library import Library, LibraryError, NewRoutine
from hortus.report import write_report
from hortus.report._data import gather
from hortus.search._base import Candidate, SearchResult
from hortus.tasks.task import Task

MAP_ADD = "(lambda (lambda (map (lambda (+ $0 $1)) $1)))"  # list(int) -> int -> list(int)
ADD_TWICE = f"(lambda (lambda (#{MAP_ADD} (#{MAP_ADD} $1 $0) $0)))"
EVIL = "<script>alert(1)</script>"
EVIL_NAME = "<script>alert`1`</script>"  # a routine name cannot hold parentheses


def solved(task: Task, program: str) -> SearchResult:
    return SearchResult(task.name, [Candidate(parse(program), -4.0, 0.3, 50)], 50, 0.4, None)


def learning_library(path: Path) -> tuple[Library, int]:
    """Two iterations of a learning run, as the learning loop records them."""
    lib = Library.open(path)
    run = lib.start_run("learn", {"iterations": 2, "timeout": 30, "tasks": EVIL, "seed": 0})
    tasks = [Task.from_examples([([1, 2], [1 + k, 2 + k])], name=f"add-{k}") for k in (1, 2)]
    tasks.append(Task.from_examples([([5], [9])], name=EVIL))
    for it in (0, 1):
        lib.complete_phase(run, it, "wake", {"tasks": 3, "solved": 1 + it, "new_solved": 1,
                                             "median_time": 0.5 - 0.2 * it, "times": [0.5],
                                             "seconds": 3.0})
        if it == 0:
            new = [NewRoutine(Routine(parse(MAP_ADD)), "map-add", -1.0,
                              {"iteration": 0, "run": run, "uid": "u1", "tasks": ["add-1"]})]
        else:
            new = [NewRoutine(Routine(parse(ADD_TWICE)), "add-twice", -2.0,
                              {"iteration": 1, "run": run, "uid": "u2", "tasks": [EVIL]}),
                   NewRoutine(Routine(parse("(lambda (cons 3 $0))")), EVIL_NAME, -3.0,
                              {"iteration": 1, "run": run})]
        lib.complete_phase(run, it, "abstraction", {
            "new_routines": [{"name": r.name, "type": "?", "body": "?", "uses": 1}
                             for r in new],
            "library_size": 1 + 2 * it, "compression_ratio": 1.1, "seconds": 0.2},
            routines=new)
        lib.complete_phase(run, it, "dreams", {"dreams": 10, "loss": 2.0 - it, "seconds": 1.0})
        lib.complete_phase(run, it, "test", {"tasks": 4, "solved": 2 + it, "right": 2,
                                             "median_time": 0.2, "seconds": 2.0})
    lib.add_result(run, tasks[0], solved(tasks[0], f"(lambda (#{MAP_ADD} $0 1))"))
    lib.add_result(run, tasks[1], solved(tasks[1], f"(lambda (#{ADD_TWICE} $0 1))"))
    lib.add_result(run, tasks[2], solved(tasks[2], "(lambda (map (lambda (+ $0 4)) $0))"))
    lib.finish_run(run, {"iterations": 2})
    return lib, run


@pytest.fixture
def learned(tmp_path: Path) -> tuple[Library, int]:
    lib, run = learning_library(tmp_path / "lib.db")
    yield lib, run
    lib.close()


def test_report_of_a_learning_run(learned: tuple[Library, int], tmp_path: Path) -> None:
    lib, run = learned
    path = write_report(lib, tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and f"run {run}" in html
    assert len(re.findall(r"src='data:image/png;base64,[A-Za-z0-9+/=]{200,}'", html)) == 2
    assert "<th>iteration</th>" in html and "<th>train solved</th>" in html
    assert "<td class='n'>2/3</td>" in html  # train solved in iteration 1
    for name in ("map-add", "add-twice", "add-1"):
        assert name in html
    # bodies show routines by name; no external resource is needed to read the page
    assert "(lambda (lambda (map-add (map-add $1 $0) $0)))" in html
    assert not re.search(r"(src|href)=['\"]?(https?:|//)", html) and "<link" not in html
    # every text from the library is escaped: no script can come from a name
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert`1`&lt;/script&gt;" in html


def test_usage_counts_uses_inside_other_routines(learned: tuple[Library, int]) -> None:
    lib, run = learned
    data = gather(lib)
    assert data.run is not None and data.run.id == run and data.note == ""
    routines = {r.name: r for r in data.routines}
    assert {n: r.uses for n, r in routines.items()} == {"map-add": 2, "add-twice": 1,
                                                       EVIL_NAME: 0}
    assert [r.name for r in data.routines][:2] == ["map-add", "add-twice"]  # most used first
    assert routines["add-twice"].deps == ("map-add",) and routines["add-twice"].layer == 1
    assert routines["map-add"].deps == () and routines["map-add"].layer == 0
    assert (routines["map-add"].created, routines["add-twice"].created) == ("0", "1")
    rows = data.iterations
    assert [(r.iteration, r.train_solved, r.test_solved, r.library_size) for r in rows] == [
        (0, 1, 2, 1), (1, 2, 3, 3)]
    assert rows[1].new_routines == ("add-twice", EVIL_NAME)
    assert {s.task: s.program for s in data.solutions}["add-2"] == "(lambda (add-twice $0 1))"


def test_report_without_a_learning_run(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.db") as lib:
        html = write_report(lib, tmp_path / "empty.html").read_text()
        assert "no learning run" in html and "no task has been solved yet" in html
        run = lib.start_run("solve", {})
        task = Task.from_examples([([1], [2])], name=EVIL)
        lib.add_result(run, task, solved(task, "(lambda (map (lambda (+ $0 1)) $0))"))
        lib.add_routine(Routine(parse(MAP_ADD)), "map-add")
        html = write_report(lib, tmp_path / "solve.html").read_text()
        assert "no learning run" in html and "<h2>Iterations</h2>" not in html
        assert "map-add" in html and "(lambda (map (lambda (+ $0 1)) $0))" in html
        assert "<script" not in html.lower() and "data:image/png;base64," in html
        html = write_report(lib, tmp_path / "run.html", run_id=run).read_text()
        assert "is a &#x27;solve&#x27; run, not a learning run" in html
        with pytest.raises(LibraryError, match="has no run 99"):
            write_report(lib, tmp_path / "x.html", run_id=99)


def test_odd_phase_statistics_do_not_stop_the_report(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.db") as lib:
        run = lib.start_run("learn", {})
        lib.complete_phase(run, 0, "wake", {"solved": "many", "tasks": None, "median_time": True})
        lib.complete_phase(run, 0, "abstraction", {"new_routines": [1, {"x": 2}]})
        html = write_report(lib, tmp_path / "odd.html").read_text()
    assert "no iteration has recorded results yet" in html and "<th>iteration</th>" in html


def test_importing_the_report_does_not_import_matplotlib() -> None:
    code = "import sys, hortus.report; assert 'matplotlib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cli_report(learned: tuple[Library, int], tmp_path: Path) -> None:
    lib, run = learned
    out = tmp_path / "cli.html"
    runner = CliRunner()
    result = runner.invoke(app, ["report", "--library", lib.url, "--run", str(run),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "add-twice" in out.read_text()
    result = runner.invoke(app, ["report", "--library", lib.url, "--run", "99",
                                 "--out", str(out)])
    assert result.exit_code == 2 and "has no run 99" in result.stderr
