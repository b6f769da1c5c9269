"""``hortus bench lists``: list-processing suites searched from a fixed grammar, judged honestly.

Two suites: DreamCoder's 217 list tasks (the search sees 10 examples of 15) and hortus's own
(edge cases: empty lists, singletons, ties; it sees 6 of 12). The program a search returns is
then run on the examples it did not see. A task counts as *solved* when a program fits the
examples it saw, as *right* when that program is also right on every held-out example, and
as *flagged* when the search warned: the task is ambiguous (programs that fit disagree on
inputs like the examples') or the program is fragile (without one of the examples, the search
would have returned a program wrong on it). The same searches also tell which way of ranking
the fits (prior alone, posterior with a penalty for failing on sampled inputs, or posterior
mass of a behaviour) picks programs that are right on held-out examples most often.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from hortus.bench._plot import solved_curve
from hortus.bench._report import write
from hortus.eval.judge import right_on
from hortus.lang.parse import parse
from hortus.lang.primitives import primitive_set
from hortus.prior.cfg import CFGConfig
from hortus.prior.grammar import Grammar
from hortus.search import SearchResult
from hortus.search.ambiguity import RANKINGS
from hortus.solving import solve_many
from hortus.tasks import bundled
from hortus.tasks.task import Task

if TYPE_CHECKING:
    from hortus.library import Library

CURVE = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 60.0)


@dataclass(frozen=True)
class Suite:
    name: str
    tasks: str  # bundled task set
    seen: int  # examples the search sees; the rest are held out
    title: str


SUITES = {s.name: s for s in (
    Suite("dreamcoder", "lists", 10, "DreamCoder list tasks"),
    Suite("hortus", "hortus-lists", 6, "hortus list tasks (edge cases)"),
)}


@dataclass
class Row:
    task: str
    suite: str
    solved: bool  # a program fits the examples the search saw
    right: bool  # ... and is right on every held-out example
    ambiguous: bool  # the search flagged other fits that behave differently
    program: str | None
    time: float  # seconds the search ran
    found: float | None  # seconds until the returned program was found
    tried: int
    cut: str | None
    peak_mb: float  # peak memory of the worker process so far
    right_by: dict[str, bool] = field(default_factory=dict)  # right, under each ranking
    fragile: bool = False  # the program hinges on one example (leave-one-out)

    @property
    def flagged(self) -> bool:
        """Did the search warn the user not to trust the program as it stands?"""
        return self.ambiguous or self.fragile


def held_out_right(result: SearchResult, held: Task) -> bool:
    """Is the program ``result`` returns right on every example of ``held``?"""
    return right_on(result.best.program if result.best else None, held)


def run_lists(timeout: float, jobs: int | None, grammar: str, train: int | None,
              limit: int | None, results_dir: Path, console: Console | None,
              progress: Console | None = None, names: list[str] | None = None,
              lambda_equivalence: bool = True, suites: list[str] | None = None,
              options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Search every chosen suite; ``options`` configure the searcher (see ``solve_many``)."""
    options = {"lambda_equivalence": lambda_equivalence, **(options or {})}
    chosen = suites or list(SUITES)
    unknown = [s for s in chosen if s not in SUITES]
    if unknown:
        raise ValueError(f"unknown suite {', '.join(map(repr, unknown))}; known: "
                         f"{', '.join(SUITES)}")
    picked = {name: _tasks(SUITES[name], limit, names) for name in chosen}
    if names:
        known = {t.name for ts in picked.values() for t in ts}
        missing = [n for n in names if n not in known]
        if missing:
            raise ValueError(f"no list task named {', '.join(map(repr, missing))}")
        picked = {k: v for k, v in picked.items() if v}
    g = Grammar.uniform(primitive_set(grammar))
    summaries: dict[str, Any] = {}
    rows: list[Row] = []
    times: dict[str, list[float]] = {}
    total = 0
    for name, tasks in picked.items():
        suite = SUITES[name]
        seen = train if train is not None else suite.seen
        splits = [t.split(seen) for t in tasks]
        start = time.perf_counter()
        results = search_all([s[0] for s in splits], g, timeout, jobs, options,
                          f"searching {name}", progress)
        wall = time.perf_counter() - start
        suite_rows = [_row(name, r, held) for (_, held), r in zip(splits, results, strict=True)]
        rows += suite_rows
        solved_times = sorted(row.found for row in suite_rows if row.found is not None)
        times[suite.title] = solved_times
        total += len(suite_rows)
        summaries[name] = _summary(suite_rows, solved_times, wall, timeout, grammar, seen,
                                   lambda_equivalence, jobs)
    report = {"suites": summaries, "options": options,
              "tasks": [asdict(row) for row in rows]}
    file = f"lists-{grammar}-{timeout:g}s" + ("" if lambda_equivalence
                                              else "-no-lambda-equivalence")
    grow = options.get("cfg", {}).get("grow_types", CFGConfig.grow_types)
    if grow != CFGConfig.grow_types:
        file += f"-grow{grow}"
    for key, value in sorted(options.items()):
        if key not in ("lambda_equivalence", "cfg"):
            file += f"-{key}-{value}".lower()
    if set(picked) != set(SUITES):
        file += "-" + "-".join(picked)
    file = file if not names else f"{file}-selected"
    path = write(results_dir, file, report)
    picture = solved_curve(times, total, timeout, results_dir / f"{file}.png",
                           f"list tasks, {grammar} grammar")
    if console is not None:
        show(summaries, rows, console)
        console.print(f"written to {path}" + (f" and {picture}" if picture else ""),
                      markup=False, highlight=False)
    return report


def search_all(tasks: list[Task], g: Grammar | None, timeout: float, jobs: int | None,
               options: dict[str, Any], label: str, progress: Console | None,
               top_k: int = 1, library: Library | None = None, prior: str | None = None
               ) -> list[SearchResult]:
    """Search every task with ``g`` (or ``library``'s ``prior`` when ``g`` is None) behind a
    progress bar (on ``progress``, a terminal); nothing is recorded."""
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=progress,
                  transient=True, disable=progress is None or not progress.is_terminal) as bar:
        job = bar.add_task(label, total=len(tasks))
        return solve_many(tasks, library, grammar=g, timeout=timeout, jobs=jobs, top_k=top_k,
                          options=options, prior=prior, record=False,
                          on_result=lambda i, r: bar.update(job, advance=1))


def _tasks(suite: Suite, limit: int | None, names: list[str] | None) -> list[Task]:
    tasks = bundled(suite.tasks)
    if names:
        tasks = [t for t in tasks if t.name in names]
    return tasks[:limit]


def _row(suite: str, r: SearchResult, held: Task) -> Row:
    best_by = r.stats.get("best_by", {})
    right = held_out_right(r, held)
    right_by = {k: right_on(parse(text), held) for k, text in best_by.items()}
    return Row(r.task, suite, r.solved, right, r.ambiguous,
               str(r.best.program) if r.best else None, r.time,
               r.best.time if r.best else None, r.tried, r.cut,
               float(r.stats.get("worker_peak_mb", 0.0)), right_by, r.fragile)


def _summary(rows: list[Row], solved_times: list[float], wall: float, timeout: float,
             grammar: str, seen: int, lambda_equivalence: bool, jobs: int | None
             ) -> dict[str, Any]:
    solved = [r for r in rows if r.solved]
    wrong = [r for r in solved if not r.right]
    unflagged = [r for r in solved if not r.flagged]
    return {
        "tasks": len(rows), "timeout": timeout, "grammar": grammar, "train_examples": seen,
        "lambda_equivalence": lambda_equivalence,
        "solved": len(solved),
        "right_on_held_out": sum(r.right for r in rows),
        "wrong_on_held_out": len(wrong),
        "flagged_ambiguous": sum(r.ambiguous for r in solved),
        "flagged_fragile": sum(r.fragile for r in solved),
        "flagged": sum(r.flagged for r in solved),
        "right_flagged": sum(r.flagged and r.right for r in solved),
        "wrong_flagged_ambiguous": sum(r.ambiguous for r in wrong),
        "wrong_flagged": sum(r.flagged for r in wrong),
        "unflagged": len(unflagged),
        "unflagged_right": sum(r.right for r in unflagged),
        # Every ranking judged on the same searches: how many tasks its choice gets right.
        "right_by_ranking": {k: sum(r.right_by.get(k, r.right) for r in solved)
                             for k in RANKINGS},
        "median_time_to_solve": statistics.median(solved_times) if solved_times else None,
        "programs_tried": sum(row.tried for row in rows),
        "wall_time": wall, "jobs": jobs,
        "worker_peak_mb": max((row.peak_mb for row in rows), default=0.0),
        "solved_within": {f"{t:g}": sum(x <= t for x in solved_times)
                          for t in (*(c for c in CURVE if c < timeout), timeout)},
    }


def _flags(r: Row) -> str:
    flags = [name for name, on in (("ambiguous", r.ambiguous), ("fragile", r.fragile)) if on]
    return f" ({', '.join(flags)})" if flags else ""


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole}" + (f" ({100 * part / whole:.0f}%)" if whole else "")


def show(summaries: dict[str, Any], rows: list[Row], console: Console) -> None:
    first = next(iter(summaries.values()))
    table = Table(title=f"List tasks, {first['grammar']} grammar, {first['timeout']:g} s per task"
                        + ("" if first["lambda_equivalence"] else ", no lambda equivalence"))
    for col in ("suite", "tasks", "solved", "right on held-out", "wrong on held-out",
                "wrong flagged (ambiguous)", "right flagged", "unflagged right",
                "median time to solve (s)",
                "wall time (s)", "peak MB / worker"):
        table.add_column(col, justify="right")
    for name, s in summaries.items():
        med = s["median_time_to_solve"]
        table.add_row(name, str(s["tasks"]), str(s["solved"]), str(s["right_on_held_out"]),
                      str(s["wrong_on_held_out"]),
                      _share(s["wrong_flagged"], s["wrong_on_held_out"])
                      + f" ({s['wrong_flagged_ambiguous']})",
                      _share(s["right_flagged"], s["right_on_held_out"]),
                      _share(s["unflagged_right"], s["unflagged"]),
                      "-" if med is None else f"{med:.2f}", f"{s['wall_time']:.0f}",
                      f"{s['worker_peak_mb']:.0f}")
    console.print(table)
    ranking = Table(title="Right on held-out, by how fits are ranked (same searches)")
    ranking.add_column("suite")
    for k in RANKINGS:
        ranking.add_column(k, justify="right")
    for name, s in summaries.items():
        ranking.add_row(name, *(str(s["right_by_ranking"][k]) for k in RANKINGS))
    console.print(ranking)
    curve = Table(title="Time to find the program")
    curve.add_column("within (s)", justify="right")
    for name in summaries:
        curve.add_column(f"{name} solved", justify="right")
    for t in first["solved_within"]:
        curve.add_row(t, *(str(s["solved_within"].get(t, "-")) for s in summaries.values()))
    console.print(curve)
    for name in summaries:
        wrong = [f"{escape(r.task)}{_flags(r)}" for r in rows
                 if r.suite == name and r.solved and not r.right]
        if wrong:
            console.print(f"{name}: fit the seen examples but wrong on held-out ({len(wrong)}): "
                          + ", ".join(wrong))
