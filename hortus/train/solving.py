"""Solving tasks whose inputs hold images or tensors: hybrid search, then the library.

``hortus solve`` and ``hortus learn`` send such tasks here. Each is searched by
:class:`HybridSearcher` with the library's trained modules on offer, in this process (torch
does not go to worker processes). When a library keeps the result, each new module that the
found program trains is stored as a neural routine named ``<task>-<hole>`` (``add2-n0``), and
the recorded program calls it by that name, so ``hortus run`` and later searches can use it.

A hybrid program is judged on held-out examples by :func:`judge_hybrid`: its holes are
networks, so it is a hypothesis with an accuracy, not an exact fit.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from hortus.eval.judge import right_on
from hortus.lang.program import Hole, Program
from hortus.lang.rewrite import map_holes
from hortus.search import SearchBudget, SearchResult
from hortus.tasks.task import Task
from hortus.train.search import HybridConfig, HybridSearcher, holes_for
from hortus.train.trainer import Example, TrainedProgram, holes_of_text, task_examples

if TYPE_CHECKING:
    from hortus.library import Library
    from hortus.prior.grammar import Grammar


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


def search_hybrid(task: Task, library: Library | None, timeout: float,
                  options: dict[str, Any] | None = None, grammar: Grammar | None = None,
                  keep: bool = True) -> SearchResult:
    """Search ``task`` with :class:`HybridSearcher`, the library's modules on offer, from
    ``grammar`` (default: the library's). With a library and ``keep``, each new module the
    found program trains is stored as a neural routine and the program calls it by that name
    (:func:`keep_modules`); nothing else is recorded, so a caller (``hortus solve``, a learning
    run) records the result under its own run."""
    from hortus.solving import base_grammar
    from hortus.train.modules import load_modules

    modules = load_modules(library) if library is not None else {}
    if grammar is None:
        grammar = library.grammar() if library is not None else base_grammar()
    searcher = HybridSearcher.from_options(options or {})
    searcher.modules = modules
    _warm_up()
    result = searcher.search(task, grammar, SearchBudget(timeout=timeout))
    if library is not None and keep:
        keep_modules(library, task, result, set(modules))
    return result


def _warm_up() -> None:
    """Make a first torch optimiser now: it imports torch's compiler, which takes seconds on
    a busy machine, and would otherwise eat the first short training run's share of the
    search's time (once, every run after it finds it imported)."""
    import torch

    torch.optim.Adam([torch.zeros(1, requires_grad=True)])


def keep_modules(library: Library, task: Task, result: SearchResult, known: set[str]) -> None:
    """Store each module of ``result.trained`` not in ``known`` (the library's, reused as they
    were) as the neural routine ``<task>-<hole>``, and rename the best program's holes to them,
    so that the recorded program runs from the library. ``result.trained`` keeps its own
    names (it is the program as trained)."""
    from hortus.train.modules import save_module

    trained = result.trained
    if result.best is None or trained is None:
        return
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", task.name).strip("-") or "task"
    taken = {r.name for r in library.routines()}
    renames = {}
    for name, module in trained.modules.items():
        if name in known:
            continue
        new = f"{stem}-{name}"
        k = 2
        while new in taken:
            new, k = f"{stem}-{name}-{k}", k + 1
        save_module(library, new, module, {
            "task": task.name, "examples": len(task.examples),
            "accuracy": trained.report.accuracy if trained.report else None,
            "program": str(result.best.program)})
        taken.add(new)
        renames[name] = new
    if renames:
        best = result.best
        result.solutions[0] = type(best)(rename_holes(best.program, renames), best.logprior,
                                         best.time, best.tried, best.failures)
        result.stats["modules"] = renames


def solve_hybrid(task: Task, library: Library | None, timeout: float,
                 options: dict[str, Any] | None = None, record: bool = True) -> SearchResult:
    """``hortus solve`` for one hybrid task: :func:`search_hybrid`, then (with a library and
    ``record``) the result recorded under a run of its own."""
    result = search_hybrid(task, library, timeout, options, keep=record)
    if library is None or not record:
        return result
    run_id = library.start_run("solve", {"timeout": timeout, "searcher": "hybrid", "tasks": 1})
    library.add_result(run_id, task, result)
    library.finish_run(run_id, {"tasks": 1, "searched": 1, "solved": int(result.solved),
                                "wall_time": result.time})
    return result


# ------------------------------------------------------------------ judging on held-out examples


def judge_hybrid(result: SearchResult, held: Task | None, library: Library | None,
                 options: dict[str, Any] | None = None) -> tuple[bool, float | None]:
    """Is ``result``'s program right on ``held``'s examples, and its accuracy there.

    A program with neural holes is right when its accuracy reaches the searcher's own bar for
    calling a task solved (``HybridConfig.min_accuracy``, from ``options``): on examples it
    never saw, it is held to what its search was held to on the examples set aside during
    training. A program without holes (fitted float constants) must be right on every held-out
    example, as :func:`hortus.eval.judge.right_on` wants (floats within its tolerance).
    Nothing to judge (``held`` None or empty) is right, with no accuracy, as for ``right_on``.
    """
    best = result.best
    if best is None:
        return False, None
    if held is None or not held.examples:
        return True, None
    trained = _trained(result, held, library)
    examples = task_examples(held)
    if trained is None:  # a hole no module fills: it cannot run
        return False, 0.0
    if trained.modules:
        accuracy = trained.accuracy(examples)
        return accuracy >= HybridConfig(**(options or {})).min_accuracy, accuracy
    return right_on(best.program, held), _share_close(trained, examples)


def _trained(result: SearchResult, held: Task, library: Library | None) -> TrainedProgram | None:
    """The best program with its holes filled: by the networks it was trained with, else by
    the library's modules of the same names (a result without ``trained``); None when a hole
    has no module."""
    if isinstance(result.trained, TrainedProgram):
        return result.trained
    assert result.best is not None
    program = result.best.program
    names = holes_of_text(program)
    if not names:
        return TrainedProgram(program, {}, held.request)
    from hortus.train.modules import load_modules

    modules = load_modules(library) if library is not None else {}
    if not names <= set(modules):
        return None
    return TrainedProgram(program, {n: modules[n] for n in names}, held.request)


def _share_close(trained: TrainedProgram, examples: list[Example]) -> float:
    """The share of ``examples`` whose output the program gives, floats within the tolerance."""
    import contextlib

    from hortus.eval.judge import fits
    from hortus.lang.runtime import EvalError
    from hortus.train.abduction import same

    right = 0
    for xs, y in examples:
        with contextlib.suppress(EvalError):
            out = trained.run(xs)
            right += fits([out], [y]) if isinstance(y, float) else same(out, y)
    return right / len(examples)
