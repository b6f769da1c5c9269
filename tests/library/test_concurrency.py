"""Several processes on one library file: nothing lost, nothing corrupted, even when killed."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from hortus.library import Library

WRITER = Path(__file__).with_name("writer.py")


def _writer(url: str, label: str, count: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(WRITER), url, label, str(count), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def test_two_processes_create_and_write_the_same_new_file(tmp_path: Path) -> None:
    path, go = tmp_path / "shared.db", tmp_path / "go"
    procs = [_writer(str(path), label, 50, str(go)) for label in ("a", "b")]
    go.touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
    reported = {int(line) for out, _ in outputs for line in out.split() if line.isdigit()}
    assert len(reported) == 100
    with Library.open(path) as lib:
        searches = lib.searches()
        assert {s.id for s in searches} == reported
        assert sorted(s.stats["writer"] for s in searches) == ["a"] * 50 + ["b"] * 50
        assert len(lib.tasks()) == 7  # both writers recorded the same seven tasks once
        assert len(lib.solutions()) == 50
        assert [r.status for r in lib.runs()] == ["done", "done"]
        assert lib.summary()["routines"]["primitive"] == len(
            [r for r in lib.routines() if r.kind == "primitive"])
        names = [r.name for r in lib.routines()]
        assert len(names) == len(set(names))  # seeded once, not twice
    assert _integrity(path) == "ok"


def test_killed_writer_loses_nothing_it_committed(tmp_path: Path) -> None:
    path = tmp_path / "killed.db"
    proc = _writer(str(path), "doomed", 1_000_000)
    assert proc.stdout is not None
    reported: list[int] = []
    for line in proc.stdout:
        if line.strip().isdigit():
            reported.append(int(line))
            if len(reported) == 40:
                break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert proc.stderr is not None
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    with Library.open(path) as lib:
        present = {s.id for s in lib.searches()}
        assert set(reported) <= present
        assert [r.status for r in lib.runs()] == ["running"]
        run = lib.start_run("after", {})
        lib.finish_run(run, {})
    assert _integrity(path) == "ok"


MERGER = """
import sys
from hortus.lang.parse import parse
from hortus.library import Library
from hortus.search._base import Candidate, SearchResult
from hortus.tasks.task import Task

program = parse("(lambda (map (lambda (+ $0 1)) $0))")
with Library.open(sys.argv[1]) as lib:
    for k in range(1_000_000):
        tasks = [Task.from_examples([([k, i], [k + 1, i + 1])], name=f"t{k}-{i}")
                 for i in range(300)]
        results = [(t, SearchResult(t.name, [Candidate(program, -5.0, 0.01, 1)], 1, 0.01, None))
                   for t in tasks]
        print(lib.merge(tasks=tasks, results=results, run=("merge", {"k": k})), flush=True)
"""


def test_a_writer_killed_inside_a_large_transaction_leaves_all_of_it_or_nothing(
        tmp_path: Path) -> None:
    path = tmp_path / "merged.db"
    proc = subprocess.Popen([sys.executable, "-c", MERGER, str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    committed = [int(proc.stdout.readline())]  # the next merge is under way: kill it there
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    assert _integrity(path) == "ok"
    with Library.open(path) as lib:
        runs = lib.runs()
        assert set(committed) <= {r.id for r in runs}
        for run in runs:  # every merge that is there is there whole
            assert len(lib.searches(run.id)) == 300
        assert len(lib.tasks()) == 300 * len(runs)
