"""What a report shows, gathered from a library: iterations, routines and their uses, solutions.

Phase statistics are written by the learning loop and read here defensively: a missing or odd
field shows as a blank, it never stops the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hortus.library.errors import LibraryError

if TYPE_CHECKING:
    from hortus.lang.program import Program
    from hortus.library.records import PhaseRecord, RoutineRecord, RunRecord, SolutionRecord
    from hortus.library.store import Library

MAX_SOLUTIONS = 1_000  # rows of the solutions table; the rest are counted, not listed


@dataclass(frozen=True)
class Iteration:
    """One iteration of a learning run, from its phases' statistics."""

    iteration: int
    train_solved: int | None
    train_tasks: int | None
    new_solved: int | None
    solved_so_far: int | None  # train tasks solved by this run up to this iteration
    test_solved: int | None
    test_tasks: int | None
    test_right: int | None
    wake_median: float | None  # median seconds to solve a train task
    test_median: float | None
    library_size: int | None
    new_routines: tuple[str, ...]
    compression: float | None
    loss: float | None  # recognition training loss
    mix: float | None  # weight of the recognition model against the grammar (held-out choice)
    seconds: float | None  # all phases together


@dataclass(frozen=True)
class RoutineInfo:
    name: str
    type: str
    body: str  # routines it uses shown by name
    created: str  # iteration (and run, when not the reported run), or a blank
    uses: int  # latest best solutions (one per task) using it, inside other routines too
    deps: tuple[str, ...]  # routines its body uses directly
    layer: int  # 0: uses no routine; else 1 + the highest layer among those it uses
    weight: float


@dataclass(frozen=True)
class SolutionInfo:
    task: str
    program: str  # routines shown by name
    logprior: float
    time: float
    run_id: int


@dataclass(frozen=True)
class ReportData:
    url: str
    generated: datetime
    run: RunRecord | None
    note: str  # why there is no learning run to report, or ""
    summary: dict[str, Any]
    iterations: tuple[Iteration, ...]
    routines: tuple[RoutineInfo, ...]
    solutions: tuple[SolutionInfo, ...]
    solved_tasks: int  # tasks with a solution (may exceed len(solutions))


def gather(library: Library, run_id: int | None = None) -> ReportData:
    """Everything a report shows; ``run_id`` None means the library's latest learning run."""
    from hortus.library.engine import display

    runs = library.runs()
    note = ""
    if run_id is not None:
        run = next((r for r in runs if r.id == run_id), None)
        if run is None:
            raise LibraryError(f"library {display(library.url)} has no run {run_id}")
        if run.command != "learn":
            note = f"run {run.id} is a {run.command!r} run, not a learning run"
    else:
        run = next((r for r in reversed(runs) if r.command == "learn"), None)
        if run is None:
            note = "this library holds no learning run"
    phases = library.phases(run.id) if run is not None else []
    latest = _latest_best(library.solutions())
    routines = _routines(library.routines(), latest, run.id if run is not None else None)
    names = {r.body_key: r.info.name for r in routines}
    solutions = [SolutionInfo(s.task, _display(s.program, names), s.logprior, s.time, s.run_id)
                 for s in sorted(latest, key=lambda s: (s.task, s.task_id))[:MAX_SOLUTIONS]]
    return ReportData(display(library.url), datetime.now(UTC), run, note, library.summary(),
                      _iterations(phases, routines, run.id if run is not None else None),
                      tuple(sorted((r.info for r in routines),
                                   key=lambda r: (-r.uses, r.layer, r.name))),
                      tuple(solutions), len(latest))


def _latest_best(solutions: Sequence[SolutionRecord]) -> list[SolutionRecord]:
    """The rank-1 solution of each task's most recent solved search."""
    best: dict[int, SolutionRecord] = {}
    for s in solutions:  # most recent search first, by rank
        best.setdefault(s.task_id, s)
    return list(best.values())


# ---------------------------------------------------------------- routines


@dataclass(frozen=True)
class _Routine:
    body_key: str
    info: RoutineInfo
    origin: tuple[Any, Any]  # (run, iteration) from its provenance


def _routines(records: Sequence[RoutineRecord], latest: Sequence[SolutionRecord],
              run_id: int | None) -> list[_Routine]:
    invented = [r for r in records if r.kind == "invented" and r.body is not None]
    names = {r.body: r.name for r in invented if r.body is not None}
    closure = _Closure()
    uses: dict[str, int] = dict.fromkeys(names, 0)
    for s in latest:
        program = _parse(s.program)
        if program is not None:
            for key in closure.of(program):
                if key in uses:
                    uses[key] += 1
    deps = {r.name: tuple(sorted({names[k] for k in _direct(_parse(r.body)) if k in names}))
            for r in invented if r.body is not None}
    layers: dict[str, int] = {}

    def layer(name: str) -> int:
        if name not in layers:
            layers[name] = 1 + max((layer(d) for d in deps[name]), default=-1)
        return layers[name]

    return [_Routine(r.body, RoutineInfo(r.name, r.type, _display(r.body, names),
                                         _created(r.provenance, run_id), uses[r.body],
                                         deps[r.name], layer(r.name), r.weight),
                     (r.provenance.get("run"), r.provenance.get("iteration")))
            for r in invented if r.body is not None]


def _created(provenance: Mapping[str, Any], run_id: int | None) -> str:
    it, run = provenance.get("iteration"), provenance.get("run")
    where = f"imported from {provenance['imported_from']}" \
        if isinstance(provenance.get("imported_from"), str) else ""
    if isinstance(it, int) and not isinstance(it, bool):
        text = str(it) if run == run_id or not isinstance(run, int) else f"{it} (run {run})"
        return f"{text}, {where}" if where else text
    return where


def _parse(text: str | None) -> Program | None:
    from hortus.lang.parse import ProgramSyntaxError, parse

    if text is None:
        return None
    try:
        return parse(text)
    except ProgramSyntaxError:
        return None


def _direct(program: Program | None) -> set[str]:
    """Body texts of the routines ``program`` uses itself (not through other routines)."""
    from hortus.lang.program import Routine, show

    if program is None:
        return set()
    return {show(n.body) for n in program.walk() if isinstance(n, Routine)}


class _Closure:
    """Routines a program uses, through the routines it uses too; memoised per routine."""

    def __init__(self) -> None:
        self._memo: dict[Program, frozenset[str]] = {}

    def of(self, program: Program) -> frozenset[str]:
        from hortus.lang.program import Routine, show

        found: set[str] = set()
        for node in program.walk():
            if isinstance(node, Routine):
                inner = self._memo.get(node.body)
                if inner is None:
                    inner = self._memo[node.body] = frozenset({show(node.body),
                                                               *self.of(node.body)})
                found |= inner
        return frozenset(found)


def _display(text: str, names: Mapping[str, str]) -> str:
    """Program text with the library's routines shown by name instead of ``#(...)``."""
    from hortus.lang.program import show

    program = _parse(text)
    return text if program is None else show(_named(program, names), names=True)


def _named(p: Program, names: Mapping[str, str]) -> Program:
    from hortus.lang.program import Apply, Lambda, Routine, show

    if isinstance(p, Routine):
        return Routine(_named(p.body, names), names.get(show(p.body), p.name))
    if isinstance(p, Apply):
        return Apply(_named(p.f, names), _named(p.x, names))
    if isinstance(p, Lambda):
        return Lambda(_named(p.body, names))
    return p


# ---------------------------------------------------------------- iterations


def _iterations(phases: Sequence[PhaseRecord], routines: Sequence[_Routine],
                run_id: int | None) -> tuple[Iteration, ...]:
    by_iteration: dict[int, dict[str, Mapping[str, Any]]] = {}
    seconds: dict[int, float] = {}
    for p in phases:
        by_iteration.setdefault(p.iteration, {})[p.phase] = p.stats
        s = _num(p.stats, "seconds")
        if s is not None:
            seconds[p.iteration] = seconds.get(p.iteration, 0.0) + s
    rows = []
    for it in sorted(by_iteration):
        ph = by_iteration[it]
        wake, abst, dreams, test = (ph.get(k, {}) for k in ("wake", "abstraction", "dreams",
                                                            "test"))
        rows.append(Iteration(
            it, _int(wake, "solved"), _int(wake, "tasks"), _int(wake, "new_solved"),
            _int(wake, "solved_so_far"), _int(test, "solved"), _int(test, "tasks"),
            _int(test, "right"),
            _num(wake, "median_time"), _num(test, "median_time"), _int(abst, "library_size"),
            _new_routines(abst, it, routines, run_id), _num(abst, "compression_ratio"),
            _num(dreams, "loss"), _num(dreams, "mix"), seconds.get(it)))
    return tuple(rows)


def _new_routines(stats: Mapping[str, Any], iteration: int, routines: Sequence[_Routine],
                  run_id: int | None) -> tuple[str, ...]:
    items = stats.get("new_routines")
    if isinstance(items, list):
        return tuple(str(x["name"]) if isinstance(x, dict) and "name" in x else str(x)
                     for x in items)
    # no list in the statistics: the routines whose provenance names this run and iteration
    return tuple(r.info.name for r in routines if r.origin == (run_id, iteration))


def _num(stats: Mapping[str, Any], key: str) -> float | None:
    v = stats.get(key)
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _int(stats: Mapping[str, Any], key: str) -> int | None:
    v = stats.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) else None
