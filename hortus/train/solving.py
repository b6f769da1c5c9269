"""Solving tasks whose inputs hold images or tensors: hybrid search, then the library.

``hortus solve`` sends such tasks here. Each is searched by :class:`HybridSearcher` with the
library's trained modules on offer, in this process (torch does not go to worker processes).
When a library records the result, each new module that the found program trains is stored as
a neural routine named ``<task>-<hole>`` (``add2-n0``), and the recorded program calls it by
that name, so ``hortus run`` and later searches can use it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from hortus.lang.program import Hole, Program
from hortus.lang.rewrite import map_holes
from hortus.search import SearchBudget, SearchResult
from hortus.tasks.task import Task
from hortus.train.search import HybridSearcher, holes_for

if TYPE_CHECKING:
    from hortus.library import Library


def is_hybrid(task: Task) -> bool:
    """Does the task read images or tensors (a program needs a neural hole), or return floats
    (it may need fitted constants)? Both are searched by the hybrid searcher."""
    from hortus.lang.types import TCon, returns

    return bool(holes_for(task.request)) or returns(task.request) == TCon("float")


def typed_holes(p: Program, types: dict[str, Any]) -> Program:
    """``p`` with each untyped hole named in ``types`` given that type."""
    return map_holes(p, lambda h: Hole(types[h.name], h.name)
                     if h.tp is None and h.name in types else h)


def rename_holes(p: Program, names: dict[str, str]) -> Program:
    return map_holes(p, lambda h: Hole(h.tp, names[h.name]) if h.name in names else h)


def solve_hybrid(task: Task, library: Library | None, timeout: float,
                 options: dict[str, Any] | None = None, record: bool = True) -> SearchResult:
    from hortus.solving import base_grammar
    from hortus.train.modules import load_modules, save_module

    modules = load_modules(library) if library is not None else {}
    grammar = library.grammar() if library is not None else base_grammar()
    searcher = HybridSearcher.from_options(options or {})
    searcher.modules = modules
    result = searcher.search(task, grammar, SearchBudget(timeout=timeout))
    if library is None or not record:
        return result
    trained = result.trained
    if result.best is not None and trained is not None:
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", task.name).strip("-") or "task"
        renames = {}
        for name, module in trained.modules.items():
            if name in modules:
                continue  # reused from the library as it was
            new = f"{stem}-{name}"
            k = 2
            while new in {r.name for r in library.routines()}:
                new, k = f"{stem}-{name}-{k}", k + 1
            save_module(library, new, module, {
                "task": task.name, "examples": len(task.examples),
                "accuracy": trained.report.accuracy if trained.report else None,
                "program": str(result.best.program)})
            renames[name] = new
        if renames:
            best = result.best
            result.solutions[0] = type(best)(rename_holes(best.program, renames), best.logprior,
                                             best.time, best.tried, best.failures)
            result.stats["modules"] = renames
    run_id = library.start_run("solve", {"timeout": timeout, "searcher": "hybrid", "tasks": 1})
    library.add_result(run_id, task, result)
    library.finish_run(run_id, {"tasks": 1, "searched": 1, "solved": int(result.solved),
                                "wall_time": result.time})
    return result
