"""What every benchmark records beside its figures: the command, the machine, the code version."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _commit() -> str | None:
    """The code's version: the commit, marked ``-dirty`` when files differ from it."""
    try:
        def git(*args: str) -> str:
            return subprocess.run(["git", *args], capture_output=True, text=True, timeout=5,
                                  check=False).stdout.strip()

        commit = git("rev-parse", "--short", "HEAD") or None
        if commit and git("status", "--porcelain", "--untracked-files=no"):
            commit += "-dirty"
        return commit
    except (OSError, subprocess.SubprocessError):
        return None


# Taken when a benchmark starts (this module is imported then), not when it writes: a long
# run must not be credited to commits made while it ran.
_COMMIT = _commit()


def environment() -> dict[str, Any]:
    commit = _COMMIT
    return {
        "command": " ".join(["hortus", *sys.argv[1:]]),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "commit": commit,
    }


def write(results_dir: Path, name: str, report: dict[str, Any]) -> Path:
    """Write ``report`` (plus the environment) to ``results_dir/name.json``."""
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"environment": environment(), **report}, indent=1) + "\n")
    tmp.replace(path)  # atomic: a killed benchmark never leaves half a file
    return path
