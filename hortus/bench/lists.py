"""``hortus bench lists``: the 217 DreamCoder list tasks, searched from a fixed grammar.

The search sees the first ``train`` examples of each task (10 of 15); the program it returns is
then run on the others. A task counts as *solved* when a program fits the examples it saw, and
as *right* when that program is also right on every held-out example.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from hortus.bench._plot import solved_curve
from hortus.bench._report import write
from hortus.eval.budget import Budget
from hortus.eval.interpreter import run as run_program
from hortus.lang.primitives import primitive_set
from hortus.lang.runtime import EvalError
from hortus.prior.grammar import Grammar
from hortus.search import SearchResult
from hortus.solving import solve_many
from hortus.tasks import bundled
from hortus.tasks.task import Task

CURVE = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 60.0)


@dataclass
class Row:
    task: str
    solved: bool  # a program fits the examples the search saw
    right: bool  # ... and is right on every held-out example
    program: str | None
    time: float  # seconds the search ran
    found: float | None  # seconds until the returned program was found
    tried: int
    cut: str | None
    peak_mb: float  # peak memory of the worker process so far


def held_out_right(result: SearchResult, held: Task) -> bool:
    best = result.best
    if best is None:
        return False
    budget = Budget(steps=1_000_000, time=5.0)
    for ex in held.examples:
        try:
            if run_program(best.program, list(ex.inputs), budget=budget) != ex.output:
                return False
        except (EvalError, TypeError):
            return False
    return True


def run_lists(timeout: float, jobs: int | None, grammar: str, train: int, limit: int | None,
              results_dir: Path, console: Console | None, progress: Console | None = None,
              names: list[str] | None = None, lambda_equivalence: bool = True,
              ) -> dict[str, Any]:
    tasks = bundled("lists")
    if names:
        known = {t.name: t for t in tasks}
        missing = [n for n in names if n not in known]
        if missing:
            raise ValueError(f"no list task named {', '.join(map(repr, missing))}")
        tasks = [known[n] for n in names]
    tasks = tasks[:limit]
    splits = [t.split(train) for t in tasks]
    g = Grammar.uniform(primitive_set(grammar))
    start = time.perf_counter()
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=progress, transient=True,
                  disable=progress is None or not progress.is_terminal) as bar:
        job = bar.add_task("searching", total=len(tasks))
        results = solve_many([s[0] for s in splits], None, grammar=g, timeout=timeout, jobs=jobs,
                             options={"lambda_equivalence": lambda_equivalence},
                             on_result=lambda i, r: bar.update(job, advance=1))
    wall = time.perf_counter() - start
    rows = [Row(r.task, r.solved, held_out_right(r, held),
                str(r.best.program) if r.best else None, r.time,
                r.best.time if r.best else None, r.tried, r.cut,
                float(r.stats.get("worker_peak_mb", 0.0)))
            for (_, held), r in zip(splits, results, strict=True)]
    solved_times = sorted(row.found for row in rows if row.found is not None)
    summary = {
        "tasks": len(rows), "timeout": timeout, "grammar": grammar, "train_examples": train,
        "lambda_equivalence": lambda_equivalence,
        "solved": sum(row.solved for row in rows),
        "right_on_held_out": sum(row.right for row in rows),
        "median_time_to_solve": statistics.median(solved_times) if solved_times else None,
        "programs_tried": sum(row.tried for row in rows),
        "wall_time": wall, "jobs": jobs,
        "worker_peak_mb": max((row.peak_mb for row in rows), default=0.0),
        "solved_within": {f"{t:g}": sum(x <= t for x in solved_times)
                          for t in (*(c for c in CURVE if c < timeout), timeout)},
    }
    report = {"summary": summary, "tasks": [asdict(row) for row in rows]}
    name = f"lists-{grammar}-{timeout:g}s" + ("" if lambda_equivalence
                                              else "-no-lambda-equivalence")
    name = name if not names else f"{name}-selected"
    path = write(results_dir, name, report)
    picture = solved_curve({"solved": solved_times}, len(rows), timeout,
                           results_dir / f"{name}.png",
                           f"DreamCoder list tasks, {grammar} grammar")
    if console is not None:
        show(summary, rows, console)
        console.print(f"written to {path}" + (f" and {picture}" if picture else ""))
    return report


def show(summary: dict[str, Any], rows: list[Row], console: Console) -> None:
    table = Table(title=f"DreamCoder list tasks, {summary['grammar']} grammar, "
                        f"{summary['timeout']:g} s per task"
                        + ("" if summary["lambda_equivalence"] else ", no lambda equivalence"))
    for col in ("tasks", "solved", "right on held-out", "median time to solve (s)",
                "programs tried", "wall time (s)", "peak MB / worker"):
        table.add_column(col, justify="right")
    med = summary["median_time_to_solve"]
    table.add_row(str(summary["tasks"]), str(summary["solved"]),
                  str(summary["right_on_held_out"]), "-" if med is None else f"{med:.2f}",
                  f"{summary['programs_tried']:,}", f"{summary['wall_time']:.0f}",
                  f"{summary['worker_peak_mb']:.0f}")
    console.print(table)
    curve = Table(title="Time to find the program")
    curve.add_column("within (s)", justify="right")
    curve.add_column("tasks solved", justify="right")
    for t, n in summary["solved_within"].items():
        curve.add_row(t, str(n))
    console.print(curve)
    wrong = [r.task for r in rows if r.solved and not r.right]
    if wrong:
        console.print(f"fit the seen examples but wrong on held-out ({len(wrong)}): "
                      + ", ".join(wrong))
