"""`hortus learn` and `hortus report` as a user runs them, killed and resumed included."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from hortus.cli import app
from hortus.library import Library

runner = CliRunner()

TASKS = [
    {"name": f"add-{k}", "examples": [{"i": [1, 2], "o": [1 + k, 2 + k]},
                                      {"i": [5], "o": [5 + k]}, {"i": [], "o": []}]}
    for k in range(1, 5)
] + [
    {"name": f"take-{k}", "examples": [{"i": [4, 5, 6, 7, 8], "o": [4, 5, 6, 7, 8][:k]},
                                       {"i": [9, 1, 2, 3], "o": [9, 1, 2, 3][:k]}]}
    for k in range(1, 4)
]


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(TASKS))
    return path


def test_learn_prints_a_table_per_iteration_and_report_writes_html(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lib.db'}"
    result = runner.invoke(app, ["learn", str(_file(tmp_path)), "--library", url,
                                 "--iterations", "2", "--timeout", "2", "--prior", "library",
                                 "--jobs", "1", "--test-split", "0.3"])
    assert result.exit_code == 0, result.output
    assert "After iteration 0" in result.stdout and "After iteration 1" in result.stdout
    with Library.open(url) as lib:
        (run,) = lib.runs()
        assert run.command == "learn" and run.status == "done"
        assert {p.phase for p in lib.phases(run.id)} == {"wake", "abstraction", "test"}
    out = tmp_path / "report.html"
    report = runner.invoke(app, ["report", "--library", url, "--out", str(out)])
    assert report.exit_code == 0, report.output
    assert "add-1" in out.read_text()


def test_learn_errors(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lib.db'}"
    none = runner.invoke(app, ["learn", "--library", url])
    assert none.exit_code == 2 and "task file" in none.stderr
    nothing = runner.invoke(app, ["learn", "--resume", "--library", url])
    assert nothing.exit_code == 2 and "no learning run" in nothing.stderr
    bad = runner.invoke(app, ["learn", str(_file(tmp_path)), "--library", url, "--prior", "x"])
    assert bad.exit_code == 2 and "prior" in bad.stderr


def test_a_killed_learn_resumes(tmp_path: Path) -> None:
    """SIGKILL in the middle of a run, then `--resume`: the run finishes, nothing is lost."""
    url = f"sqlite:///{tmp_path / 'lib.db'}"
    cmd = [sys.executable, "-m", "hortus.cli", "learn", str(_file(tmp_path)), "--library", url,
           "--iterations", "6", "--timeout", "30", "--max-programs", "20000", "--prior",
           "library", "--jobs", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:  # wait until some phase is committed, then kill
        time.sleep(0.2)
        if (tmp_path / "lib.db").exists():
            with Library.open(url) as lib:
                if lib.phases():
                    break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Library.open(url) as lib:
        assert lib.runs()[0].status == "running"  # killed: it never said otherwise
        done = len(lib.phases())
    assert 1 <= done < 12
    resumed = runner.invoke(app, ["learn", "--resume", "--library", url])
    assert resumed.exit_code == 0, resumed.output
    with Library.open(url) as lib:
        assert lib.runs()[0].status == "done"
        phases = [(p.iteration, p.phase) for p in lib.phases()]
        assert phases == [(i, ph) for i in range(6) for ph in ("wake", "abstraction")]
