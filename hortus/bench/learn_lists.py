"""``hortus bench learn-lists``: does learning make the next tasks cheaper? With ablations.

The 217 DreamCoder list tasks are split 50/50 (seeded) into training and test tasks. Each
system learns on the training tasks for some iterations in a fresh library, and after every
iteration searches the test tasks with what it learned; a search sees 10 examples of a task,
and its program must also be right on the other 5. Systems: the full one (abstraction and the
recognition model), without recognition (abstraction and refit weights), without abstraction
(recognition and refit weights), and without learning (the base library's uniform grammar).

Then *transfer*: each system's final library searches hortus's own list suite, a family of
tasks no system ever trained on (6 examples seen, 6 held out), so the gain of a learned
library over the base one is measured where learning cannot have seen the answers.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from hortus.bench._plot import solved_curve
from hortus.bench._report import write
from hortus.eval.judge import right_on
from hortus.learn import LearnConfig, Learner
from hortus.library import Library
from hortus.prior import Grammar, Prior
from hortus.solving import solve_many
from hortus.tasks import bundled

SYSTEMS: dict[str, dict[str, Any]] = {
    "full": {"prior": "recognition", "abstraction": True},
    "no-recognition": {"prior": "library", "abstraction": True},
    "no-abstraction": {"prior": "recognition", "abstraction": False},
    "no-learning": {"prior": "uniform", "abstraction": False},
}


def run_learn_lists(iterations: int, timeout: float, seed: int, jobs: int | None,
                    systems: list[str], results_dir: Path, dreams: int,
                    console: Console | None, limit: int | None = None,
                    transfer: bool = True) -> dict[str, Any]:
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        raise ValueError(f"unknown system(s) {unknown}; known: {', '.join(SYSTEMS)}")
    tasks = bundled("lists")[:limit]
    report: dict[str, Any] = {"iterations": iterations, "timeout": timeout, "seed": seed,
                              "tasks": len(tasks), "systems": {}}
    for name in systems:
        if console is not None:
            console.print(f"[bold]{name}[/]")
        report["systems"][name] = _run_system(name, tasks, iterations, timeout, seed, jobs,
                                              dreams, _Lines(name, console),
                                              transfer, limit)
    report["speedup"] = _speedup(report["systems"])
    name = (f"learn-lists-{timeout:g}s-{iterations}it" + ("" if seed == 0 else f"-seed{seed}")
            + ("" if limit is None else f"-{limit}"))
    path = write(results_dir, name, report)
    series = {name: r["test_times"] for name, r in report["systems"].items()}
    picture = solved_curve(series, report["systems"][systems[0]]["test_tasks"], timeout,
                           results_dir / f"{name}.png",
                           "Test tasks solved after learning")
    if console is not None:
        show(report, console)
        console.print(f"written to {path}" + (f" and {picture}" if picture else ""),
                      markup=False, highlight=False)
    return report


class _Lines:
    """One line per finished phase, so a long benchmark shows where it is."""

    def __init__(self, system: str, console: Console | None) -> None:
        self.system, self.console = system, console

    def phase_started(self, iteration: int, phase: str, total: int) -> None:
        pass

    def advanced(self, iteration: int, phase: str, detail: str) -> None:
        pass

    def phase_done(self, iteration: int, phase: str, stats: dict[str, Any]) -> None:
        if self.console is None:
            return
        solved = f": solved {stats['solved']}/{stats['tasks']}" if "solved" in stats else ""
        seconds = stats.get("seconds") or 0.0
        self.console.print(f"  {self.system} iteration {iteration} {phase}{solved} "
                           f"({seconds:.0f} s)")

    def iteration_done(self, row: Any) -> None:
        pass


def _speedup(systems: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """Median time to solve, with and without learning, on the test tasks both solved."""
    if "no-learning" not in systems:
        return None
    base = systems["no-learning"]["test_found"]
    out: dict[str, Any] = {}
    for name, r in systems.items():
        if name == "no-learning":
            continue
        common = sorted(set(base) & set(r["test_found"]))
        if not common:
            continue
        before = statistics.median(base[t] for t in common)
        after = statistics.median(r["test_found"][t] for t in common)
        out[name] = {"tasks": len(common), "median_before": before, "median_after": after,
                     "ratio": before / after if after > 0 else None}
    return out


def _run_system(name: str, tasks: list[Any], iterations: int, timeout: float, seed: int,
                jobs: int | None, dreams: int, events: Any, transfer: bool,
                limit: int | None) -> dict[str, Any]:
    settings = SYSTEMS[name]
    learning = name != "no-learning"
    # Without learning there is nothing to iterate: one test pass with the base library.
    config = LearnConfig(iterations=iterations if learning else 1, timeout=timeout,
                         test_split=0.5, seed=seed, seen_examples=10, jobs=jobs,
                         dreams=dreams, **settings)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, Library.open(Path(tmp) / "lib.db") as lib:
        learner = Learner.start(lib, tasks, config, events, source="lists")
        if not learning:
            learner.train = []  # the wake phase then searches nothing, and nothing is learned
        rows = learner.run()
        phases = [{"iteration": p.iteration, "phase": p.phase,
                   "seconds": p.stats.get("seconds")} for p in lib.phases(learner.run_id)]
        tests = [p for p in lib.phases(learner.run_id) if p.phase == "test"]
        last_test = tests[-1].stats
        found = {s.task: float(s.stats.get("found", s.time))
                 for s in lib.searches(learner.run_id)
                 if s.solved and s.stats.get("phase") == "test"
                 and s.stats.get("iteration") == tests[-1].iteration}
        moved = _transfer(learner.prior(), timeout, jobs, limit) if transfer else None
    wall = time.perf_counter() - start
    times = last_test.get("times", [])
    return {
        "config": asdict(config), "table": [asdict(r) for r in rows], "phases": phases,
        "test_tasks": last_test["tasks"], "test_solved": last_test["solved"],
        "test_right": last_test["right"], "test_times": times, "test_found": found,
        "median_time": statistics.median(times) if times else None, "wall_time": wall,
        "per_iteration": _per_iteration(phases), "transfer": moved,
    }


def _transfer(prior: Prior, timeout: float, jobs: int | None, limit: int | None
              ) -> dict[str, Any]:
    """Search hortus's list suite (never trained on) with ``prior``; judge on held-out examples."""
    from hortus.bench.lists import SUITES

    suite = SUITES["hortus"]
    splits = [t.split(suite.seen) for t in bundled(suite.tasks)[:limit]]
    seen = [s for s, _ in splits]
    chosen = prior.grammars_for(seen)
    if isinstance(chosen, Grammar):
        results = solve_many(seen, None, timeout=timeout, jobs=jobs, grammar=chosen,
                             record=False)
    else:
        results = solve_many(seen, None, timeout=timeout, jobs=jobs, grammars=chosen,
                             record=False)
    right = [right_on(r.best.program if r.best else None, held)
             for r, (_, held) in zip(results, splits, strict=True)]
    return {"suite": suite.name, "tasks": len(results),
            "solved": sum(r.solved for r in results), "right": sum(right),
            "flagged": sum(r.ambiguous or r.fragile for r in results),
            "times": sorted(r.best.time for r in results if r.best)}


def _per_iteration(phases: list[dict[str, Any]]) -> list[dict[str, float]]:
    by: dict[int, dict[str, float]] = {}
    for p in phases:
        by.setdefault(p["iteration"], {})[p["phase"]] = p["seconds"] or 0.0
    return [{"iteration": i, **by[i], "total": sum(by[i].values())} for i in sorted(by)]


def show(report: dict[str, Any], console: Console) -> None:
    table = Table(title=f"Held-out list tasks after {report['iterations']} iteration(s), "
                        f"{report['timeout']:g} s per task")
    for col in ("system", "test solved", "right on held-out examples", "median time (s)",
                "wall time (s)"):
        table.add_column(col, justify="right")
    for name, r in report["systems"].items():
        med = r["median_time"]
        table.add_row(name, f"{r['test_solved']}/{r['test_tasks']}",
                      f"{r['test_right']}/{r['test_tasks']}",
                      "-" if med is None else f"{med:.3f}", f"{r['wall_time']:.0f}")
    console.print(table)
    moved = {name: r["transfer"] for name, r in report["systems"].items() if r.get("transfer")}
    if moved:
        tt = Table(title="Transfer: hortus list tasks, never trained on (6 examples seen of 12)")
        for col in ("system", "solved", "right on held-out examples",
                    "flagged (ambiguous or fragile)"):
            tt.add_column(col, justify="right")
        for name, t in moved.items():
            tt.add_row(name, f"{t['solved']}/{t['tasks']}", f"{t['right']}/{t['tasks']}",
                       str(t["flagged"]))
        console.print(tt)
    for name, s in (report.get("speedup") or {}).items():
        ratio = "-" if s["ratio"] is None else f"{s['ratio']:.1f}x"
        console.print(f"{name}: median time to solve the {s['tasks']} test tasks the base "
                      f"library also solves: {s['median_before']:.4f} s -> "
                      f"{s['median_after']:.4f} s ({ratio})")
    for name, r in report["systems"].items():
        if len(r["per_iteration"]) < 2 and name == "no-learning":
            continue
        it = Table(title=f"{name}: per iteration")
        for col in ("iteration", "train solved", "test solved", "test right", "routines",
                    "wake (s)", "abstraction (s)", "dreams (s)", "test (s)"):
            it.add_column(col, justify="right")
        for row, secs in zip(r["table"], r["per_iteration"], strict=False):
            it.add_row(str(row["iteration"]), f"{row['train_solved']}/{row['train_tasks']}",
                       str(row["test_solved"]), str(row["test_right"]),
                       str(row["library_size"]),
                       *(f"{secs.get(k, 0.0):.1f}" for k in ("wake", "abstraction", "dreams",
                                                            "test")))
        console.print(it)
