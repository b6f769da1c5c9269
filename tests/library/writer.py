"""Run by the concurrency tests as a separate process: writes results, printing each id committed.

Usage: ``python writer.py URL LABEL COUNT [GO_FILE]``; with GO_FILE it waits for that file to
appear before opening the library, so that several writers start together.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from hortus.lang.parse import parse
from hortus.library import Library
from hortus.search._base import Candidate, SearchResult
from hortus.tasks.task import Task


def main(argv: list[str]) -> None:
    url, label, count = argv[0], argv[1], int(argv[2])
    if len(argv) > 3:
        go = Path(argv[3])
        deadline = time.monotonic() + 60
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.005)
    program = parse("(lambda (map (lambda (+ $0 1)) $0))")
    with Library.open(url) as lib:
        run = lib.start_run(label, {"count": count})
        print(f"run {run}", flush=True)
        for i in range(count):
            task = Task.from_examples([([i % 7], [i % 7 + 1])], name=f"t{i % 7}")
            cands = [Candidate(program, -5.0, 0.01, i)] if i % 2 == 0 else []
            result = SearchResult(task.name, cands, tried=i, time=0.01, cut=None,
                                  stats={"writer": label, "i": i})
            print(lib.add_result(run, task, result), flush=True)
        lib.finish_run(run, {"written": count})


if __name__ == "__main__":
    main(sys.argv[1:])
