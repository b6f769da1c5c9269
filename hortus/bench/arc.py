"""``hortus bench arc``: ARC-AGI-1 tasks searched for programs, scored as ARC scores them.

Each task's train pairs are searched (the test pairs never are); the best programs' distinct
predictions on the test inputs are its two attempts, and a task counts as solved only when
every test output is one of them (:mod:`hortus.eval.predict`). A program that fits
the train pairs but misses a test output is counted apart: it fit, and was wrong. The grammar
is a library's (``--library``) or a new library's with the ``arc`` domain, uniform.

Writes ``arc-<split>-<timeout>s.json`` (per task: id, solved, program, seconds, attempts)
and an HTML gallery beside it, every task drawn with its predictions beside the truth.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from hortus.bench._arc_gallery import write_gallery
from hortus.bench._report import write
from hortus.bench.lists import search_all
from hortus.domains.arc.data import load_split
from hortus.eval.predict import ATTEMPTS, TOP_K, of_result, pairs_to_predict, solved
from hortus.prior.grammar import Grammar
from hortus.search import SearchResult
from hortus.tasks.task import Task

if TYPE_CHECKING:
    from hortus.library import Library


def arc_grammar(library: str | None) -> Grammar:
    """The library's grammar (it must hold the arc domain), or a new arc library's."""
    from hortus.library import Library

    if library is None:
        with Library.create("sqlite://", ("arc",)) as fresh:
            return fresh.grammar()
    with open_arc(library) as lib:
        return lib.grammar()


def open_arc(url: str) -> Library:
    """The library at ``url``, which must have been created with the arc domain."""
    from hortus.library import Library

    lib = Library.open(url)
    domains = lib.meta().get("domains", "")
    if "arc" not in str(domains).split(","):
        lib.close()
        raise ValueError(f"library {url} was not created with the arc domain "
                         f"(it has {domains or 'the default domains'}); create one with "
                         f"`hortus library init --domain arc`")
    return lib


def run_arc(split: str, timeout: float, jobs: int | None, library: str | None,
            limit: int | None, results_dir: Path, console: Console | None,
            progress: Console | None = None, names: list[str] | None = None,
            options: dict[str, Any] | None = None, base: bool = True) -> dict[str, Any]:
    """Search the split's tasks (the first ``limit``, or those ``names``) and report. With a
    ``library``, its grammar and recognition model guide the search, and (``base``) the same
    tasks are searched again with the base library, for the gain of what it learned."""
    from hortus.solving import MODEL_BLOB

    tasks = load_split(split, None if names else limit)
    if names:
        missing = sorted(set(names) - {t.name for t in tasks})
        if missing:
            raise ValueError(f"ARC-AGI-1 {split} has no task {', '.join(missing)}")
        tasks = [t for t in tasks if t.name in names]
    options = options or {}
    prior = "uniform"
    start = time.perf_counter()
    if library is None:
        results = search_all(tasks, arc_grammar(None), timeout, jobs, options, f"ARC {split}",
                             progress, top_k=TOP_K)
    else:
        with open_arc(library) as lib:
            prior = "recognition" if lib.get_blob(MODEL_BLOB) is not None else "library"
            results = search_all(tasks, None, timeout, jobs, options,
                                 f"ARC {split}, learned library", progress, top_k=TOP_K,
                                 library=lib, prior=prior)
    rows = [_row(t, r) for t, r in zip(tasks, results, strict=True)]
    summary = {"split": split, "timeout": timeout, "jobs": jobs, "library": library,
               "prior": prior, "attempts": ATTEMPTS,
               **_summary(rows, time.perf_counter() - start)}
    if library is not None and base:
        start = time.perf_counter()
        base_results = search_all(tasks, arc_grammar(None), timeout, jobs, options,
                                  f"ARC {split}, base library", progress, top_k=TOP_K)
        base_rows = [_row(t, r) for t, r in zip(tasks, base_results, strict=True)]
        summary["base"] = _summary(base_rows, time.perf_counter() - start)
        for row, other in zip(rows, base_rows, strict=True):
            row["base"] = {k: other[k] for k in ("solved", "program", "seconds")}
    report = {**summary, "tasks": rows, "task_count": len(rows)}
    file = f"arc-{split}-{timeout:g}s" + ("" if library is None else "-library") + (
        "" if not names and limit is None else f"-first{len(rows)}" if not names
        else "-selected")
    path = write(results_dir, file, report)
    examples = {t.name: ([(ex.inputs[0], ex.output) for ex in t.examples], pairs_to_predict(t))
                for t in tasks}
    gallery = write_gallery(results_dir / f"{file}.html",
                            f"ARC-AGI-1 {split}: {summary['solved']}/{len(rows)} solved",
                            f"{timeout:g} s per task, {ATTEMPTS} attempts per test input; "
                            f"grammar: {library or 'the arc domain, uniform'}", rows, examples)
    if console is not None:
        show(summary, console)
        console.print(f"written to {path} and {gallery}", markup=False, highlight=False)
    return report


def _summary(rows: list[dict[str, Any]], wall: float) -> dict[str, Any]:
    return {
        "tasks": len(rows), "solved": sum(r["solved"] for r in rows),
        "fit_train": sum(r["program"] is not None for r in rows),
        "fit_but_wrong": sum(r["program"] is not None and not r["solved"] for r in rows),
        "solved_by_guess": sum(r["program"] is None and r["solved"] for r in rows),
        "wall_time": wall,
        "seconds": _distribution([r["seconds"] for r in rows]),
        "seconds_solved": _distribution([r["seconds"] for r in rows if r["solved"]]),
    }


def _row(task: Task, result: SearchResult) -> dict[str, Any]:
    tries = of_result(task, result)
    return {"id": task.name, "solved": solved(task, tries),
            "program": str(result.best.program) if result.best else None,
            "guess": str(result.guess.program) if result.guess else None,
            "guess_distance": result.stats.get("guess_distance"),
            "seconds": result.best.time if result.best else result.time,
            "search_seconds": result.time, "tried": result.tried, "cut": result.cut,
            "attempts": [{"program": a.program, "outputs": list(a.outputs)} for a in tries]}


def _distribution(xs: list[float]) -> dict[str, float | None]:
    if not xs:
        return {"median": None, "p90": None, "max": None}
    ordered = sorted(xs)
    return {"median": statistics.median(ordered),
            "p90": ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))],
            "max": ordered[-1]}


def show(summary: dict[str, Any], console: Console) -> None:
    table = Table(title=f"ARC-AGI-1 {summary['split']}, {summary['timeout']:g} s per task, "
                        f"{summary['attempts']} attempts")
    for col in ("library", "tasks", "solved", "of them by a best guess",
                "fit train, wrong on test", "median s", "p90 s", "wall time (s)"):
        table.add_column(col, justify="right")
    own = "base" if summary["library"] is None else f"learned ({summary['prior']} prior)"
    named = [(own, summary)]
    if "base" in summary:
        named.append(("base", summary["base"]))
    for name, row in named:
        s = row["seconds"]
        table.add_row(name, str(row["tasks"]), str(row["solved"]), str(row["solved_by_guess"]),
                      str(row["fit_but_wrong"]),
                      "-" if s["median"] is None else f"{s['median']:.1f}",
                      "-" if s["p90"] is None else f"{s['p90']:.1f}", f"{row['wall_time']:.0f}")
    console.print(table, markup=False, highlight=False)
