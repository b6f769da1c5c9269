"""Solve tasks: search each one against a library's grammar, in parallel, and record the results."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from hortus.executors import Executor, LocalExecutor
from hortus.lang.primitives import primitive_set
from hortus.prior import LibraryPrior, Prior, UniformPrior
from hortus.prior.grammar import Grammar
from hortus.search import SEARCHERS, SearchBudget, Searcher, SearchResult
from hortus.search.enumerative import EnumerativeSearcher
from hortus.tasks.task import Task

if TYPE_CHECKING:
    from hortus.library import Library


# The compose searcher is opt-in (searcher="compose"): on ARC it solved fewer tasks (measured).
DEFAULT_SEARCHER = EnumerativeSearcher.name


def base_grammar() -> Grammar:
    """The grammar of a new library: the base primitives, all equally likely."""
    return Grammar.uniform(primitive_set("base"))


MODEL_BLOB = "recognition"  # the library blob holding the recognition model


def _recognition(grammar: Grammar, library: Library | None) -> Prior:
    blob = library.get_blob(MODEL_BLOB) if library is not None else None
    if blob is None:
        raise ValueError("the library has no recognition model yet: `hortus learn` trains one")
    try:
        from hortus.prior.recognition import RecognitionModel, RecognitionPrior
    except ImportError as e:
        raise ValueError(f"the recognition prior needs PyTorch ({e}): "
                         f"pip install 'hortus[learn]'") from None
    return RecognitionPrior(RecognitionModel.from_bytes(blob.data), grammar)


# Every prior by name: how it is made from a library's grammar (and the library, for a model).
PRIORS: dict[str, Callable[[Grammar, Library | None], Prior]] = {
    UniformPrior.name: lambda grammar, library: UniformPrior(grammar),
    LibraryPrior.name: lambda grammar, library: LibraryPrior(grammar),
    "recognition": _recognition,
}


def load_prior(name: str, library: Library | None) -> Prior:
    """The prior ``name`` over ``library``'s grammar (the base grammar without a library)."""
    make = PRIORS.get(name)
    if make is None:
        raise ValueError(f"unknown prior {name!r}; known: {', '.join(PRIORS)}")
    return make(library.grammar() if library is not None else base_grammar(), library)


def solve(task: Task, library: Library | str | None = None, timeout: float = 10.0, top_k: int = 1,
          searcher: str = DEFAULT_SEARCHER, record: bool = True, prior: str = "library",
          options: dict[str, Any] | None = None) -> SearchResult:
    """Search for programs that fit ``task``'s examples.

    ``library`` is a :class:`~hortus.library.Library`, a URL to open one, or None for the base
    grammar without storage. With a library and ``record``, the result is stored in it.
    ``options`` configure the searcher (see :func:`solve_many`).
    """
    return solve_many([task], library, timeout=timeout, top_k=top_k, jobs=1, searcher=searcher,
                      record=record, prior=prior, options=options)[0]


def solve_many(tasks: Sequence[Task], library: Library | str | None = None, *,
               timeout: float = 10.0, top_k: int = 1, jobs: int | None = None,
               searcher: str = DEFAULT_SEARCHER, record: bool = True,
               executor: Executor | None = None, budget: SearchBudget | None = None,
               grammar: Grammar | None = None, options: dict[str, Any] | None = None,
               grammars: Sequence[Grammar] | None = None, prior: str | None = None,
               on_result: Callable[[int, SearchResult], None] | None = None,
               ) -> list[SearchResult]:
    """Solve every task, ``jobs`` at a time (default: all cores); results in task order.

    ``on_result(index, result)`` is called as each search finishes (for progress bars).
    ``prior`` names how the library's grammar becomes each task's grammar (``uniform``,
    ``library``, the default, or ``recognition``); ``grammar`` overrides it with one grammar,
    ``grammars`` with one per task. ``options`` configure the searcher (for the enumerative
    one, fields of :class:`~hortus.search.EnumeratorConfig`, and ``cfg``, a dict of fields of
    :class:`~hortus.prior.cfg.CFGConfig`: ``{"cfg": {"grow_types": 2}}``; the compose
    searcher, opt-in, takes those and its own, :class:`~hortus.search.ComposeConfig`: it is
    the enumerative searcher for output types that do not grade distances).
    """
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not (
            0 < timeout < math.inf):
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    for what, n in (("top_k", top_k), ("jobs", 1 if jobs is None else jobs)):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"{what} must be an integer of at least 1, not {n!r}")
    for t in tasks:
        if not isinstance(t, Task) or not isinstance(t.name, str) or not t.name:
            raise ValueError(f"tasks must be Task objects with a non-empty str name, not "
                             f"{type(t).__name__} {getattr(t, 'name', '')!r}")
    if grammars is not None and len(grammars) != len(tasks):
        raise ValueError(f"{len(grammars)} grammars for {len(tasks)} tasks")
    if searcher not in SEARCHERS:
        raise ValueError(f"unknown searcher {searcher!r}; known: {', '.join(SEARCHERS)}")
    SEARCHERS[searcher].from_options(options or {})  # bad options fail here, not in a worker
    lib, owned = _open(library)
    try:
        if grammar is None and grammars is None:
            chosen = load_prior(prior or "library", lib).grammars_for(tasks)
            if isinstance(chosen, Grammar):
                grammar = chosen
            else:
                grammars = chosen
        if grammar is None:
            grammar = lib.grammar() if lib is not None else base_grammar()
        grammars = _tailored(tasks, grammar, grammars)
        budget = budget or SearchBudget(timeout=timeout, top_k=top_k)
        executor = executor or LocalExecutor(jobs)
        run_id = None
        if lib is not None and record:
            run_id = lib.start_run("solve", {"timeout": budget.timeout, "top_k": budget.top_k,
                                             "searcher": searcher, "jobs": executor.workers,
                                             "tasks": len(tasks)})
        results: list[SearchResult | None] = [None] * len(tasks)
        jobs_ = [(task, budget, None if grammars is None else json.dumps(grammars[k].to_json()))
                 for k, task in enumerate(tasks)]
        started = time.perf_counter()
        try:
            for i, result in executor.map_unordered(
                    _search_job, jobs_, setup=_setup_worker,
                    setup_args=(json.dumps(grammar.to_json()), searcher,
                                json.dumps(options or {}))):
                results[i] = result
                if lib is not None and run_id is not None:
                    lib.add_result(run_id, tasks[i], result)
                if on_result is not None:
                    on_result(i, result)
        except BaseException:
            if lib is not None and run_id is not None:
                lib.finish_run(run_id, _run_stats(results, started), status="failed")
            raise
        if lib is not None and run_id is not None:
            lib.finish_run(run_id, _run_stats(results, started))
        return [r for r in results if r is not None]
    finally:
        if owned and lib is not None:
            lib.close()


def _tailored(tasks: Sequence[Task], grammar: Grammar, grammars: Sequence[Grammar] | None
              ) -> Sequence[Grammar] | None:
    """Each task's grammar as its domains shape it (``domains.tailor``), or ``grammars`` as
    they were when no domain changes any."""
    from hortus.domains import tailor

    given = list(grammars) if grammars is not None else [grammar] * len(tasks)
    shaped = [tailor(g, t) for g, t in zip(given, tasks, strict=True)]
    changed = any(a is not b for a, b in zip(shaped, given, strict=True))
    return shaped if changed else grammars


def _open(library: Library | str | None) -> tuple[Library | None, bool]:
    if library is None:
        return None, False
    if isinstance(library, str):
        from hortus.library import Library

        return Library.open(library), True
    return library, False


def _run_stats(results: Sequence[SearchResult | None], started: float) -> dict[str, Any]:
    done = [r for r in results if r is not None]
    return {"tasks": len(results), "searched": len(done), "solved": sum(r.solved for r in done),
            "wall_time": time.perf_counter() - started}


# ------------------------------------------------------------ worker side

_worker: dict[str, Any] = {}


def _setup_worker(grammar_json: str, searcher: str, options_json: str = "{}") -> None:
    """Runs once in each worker: rebuild the grammar (sent as JSON text) and the searcher."""
    _worker["grammar"] = Grammar.from_json(json.loads(grammar_json))
    _worker["searcher"] = SEARCHERS[searcher].from_options(json.loads(options_json))


def _search_job(job: tuple[Task, SearchBudget, str | None]) -> SearchResult:
    task, budget, grammar_json = job
    searcher: Searcher = _worker["searcher"]
    start = time.perf_counter()
    try:
        grammar = (_worker["grammar"] if grammar_json is None
                   else Grammar.from_json(json.loads(grammar_json), known=_worker["grammar"]))
        result = searcher.search(task, grammar, budget)
    except Exception as e:  # a failing search is a result for that task, not a crashed run
        result = SearchResult(task.name, [], 0, time.perf_counter() - start, "error",
                              {"error": f"{type(e).__name__}: {e}"})
    result.stats["worker_peak_mb"] = peak_memory_mb()
    return result


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10
