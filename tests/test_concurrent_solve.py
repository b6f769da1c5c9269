"""Two `hortus solve` processes writing to one library file at once lose nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hortus.library import Library


def _tasks(prefix: str, n: int) -> str:
    lines = []
    for k in range(n):
        examples = [{"i": [k, 1, 2], "o": [k + 1, 2, 3]}, {"i": [5], "o": [6]}]
        lines.append(json.dumps({"name": f"{prefix}-{k}", "examples": examples}))
    return "\n".join(lines)


def test_two_solve_processes_share_a_library(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    procs = []
    for prefix in ("a", "b"):
        path = tmp_path / f"{prefix}.jsonl"
        path.write_text(_tasks(prefix, 12))
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "hortus.cli", "solve", str(path), "--library", url,
             "--timeout", "2", "--jobs", "1", "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for p in procs:
        out, errors = p.communicate(timeout=120)
        assert p.returncode == 0, errors
        assert len(out.splitlines()) == 12
    with Library.open(url) as lib:
        names = {s.task for s in lib.searches()}
        assert names == {f"{p}-{k}" for p in "ab" for k in range(12)}
        assert len(lib.solutions()) == 24
        assert sorted(r.status for r in lib.runs()) == ["done", "done"]
