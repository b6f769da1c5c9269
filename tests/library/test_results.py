"""Tasks, runs, searches and solutions; blobs."""

from __future__ import annotations

from pathlib import Path

import pytest

from hortus.library import Library, LibraryError
from hortus.search._base import SearchResult
from hortus.tasks.task import Task

from .support import INC_ALL, inc_task, solved, unsolved


def test_add_task_is_idempotent_and_rebuilds(lib: Library) -> None:
    task = inc_task()
    first = lib.add_task(task)
    assert lib.add_task(inc_task()) == first
    other = lib.add_task(Task.from_examples([([1, 2], [2, 3]), ([5], [6])], name="inc"))
    assert other != first
    records = lib.tasks()
    assert [r.id for r in records] == [first, other]
    assert records[0].request == "list(int) -> list(int)"
    assert len(records[0].digest) == 64
    assert records[0].task() == task


def test_tasks_with_pairs_sets_dicts_and_several_inputs(lib: Library) -> None:
    tasks = [
        Task.from_examples([((1, "a"), ("a", 1))], name="swap"),
        Task.from_examples([({1, 2}, 2), (set(), 0)], name="size"),
        Task.from_examples([({"a": 1, "b": 2}, [1, 2])], name="values"),
        Task.from_examples([((1, 2), 3), ((5, 6), 11)], name="add"),
        Task.from_examples([([], True)], name="empty"),
    ]
    for t in tasks:
        lib.add_task(t)
    rebuilt = [r.task() for r in lib.tasks()]
    assert rebuilt == tasks
    assert [t.request for t in rebuilt] == [t.request for t in tasks]
    assert [lib.add_task(t) for t in rebuilt] == [r.id for r in lib.tasks()]


def test_results_are_recorded(lib: Library) -> None:
    task = inc_task()
    run = lib.start_run("solve", {"timeout": 1.0})
    sid = lib.add_result(run, task, solved(task, k=2))
    lost = inc_task("lost")
    unsolved_id = lib.add_result(run, lost, unsolved(lost))
    lib.finish_run(run, {"solved": 1})

    sols = lib.solutions()
    assert [(s.task, s.rank, s.program, s.logprior, s.time, s.tried, s.run_id, s.search_id)
            for s in sols] == [("inc", 1, INC_ALL, -5.0, 0.1, 42, run, sid),
                               ("inc", 2, INC_ALL, -6.0, 0.2, 43, run, sid)]
    assert lib.solutions("inc") == sols
    assert lib.solutions("lost") == []

    searches = {s.id: s for s in lib.searches(run)}
    assert set(searches) == {sid, unsolved_id}
    assert searches[sid].solved and searches[sid].stats == {"levels": 3}
    miss = searches[unsolved_id]
    assert (miss.task, miss.solved, miss.tried, miss.time, miss.cut) == ("lost", False, 1000,
                                                                         1.0, "time")
    assert lib.searches(run + 1) == []

    (rec,) = lib.runs()
    assert (rec.command, rec.status, rec.config, rec.stats) == ("solve", "done",
                                                               {"timeout": 1.0}, {"solved": 1})
    assert rec.finished_at is not None and rec.finished_at >= rec.started_at
    assert lib.summary() == {"domains": "lists,collections,text",
                             "routines": {"primitive": len(lib.routines())}, "tasks": 2,
                             "solved_tasks": 1, "runs": 1, "searches": 2, "solutions": 2}


def test_most_recent_solutions_come_first(lib: Library) -> None:
    task = inc_task()
    run = lib.start_run("solve", {})
    first = lib.add_result(run, task, solved(task))
    second = lib.add_result(run, task, solved(task, k=2))
    assert [(s.search_id, s.rank) for s in lib.solutions()] == [(second, 1), (second, 2),
                                                               (first, 1)]
    assert lib.summary()["tasks"] == 1


def test_bad_runs_are_refused_and_nothing_is_half_written(lib: Library) -> None:
    task = inc_task()
    with pytest.raises(LibraryError, match="no run 7"):
        lib.add_result(7, task, solved(task))
    with pytest.raises(LibraryError, match="no run 7"):
        lib.finish_run(7, {})
    run = lib.start_run("solve", {})
    with pytest.raises(LibraryError, match="status"):
        lib.finish_run(run, {}, status="maybe")
    assert lib.tasks() == [] and lib.searches() == []


def test_stats_that_json_cannot_hold_are_kept_as_text(lib: Library) -> None:
    task = inc_task()
    run = lib.start_run("solve", {"path": Path("/x")})
    result = SearchResult(task.name, [], 1, 0.1, None, stats={"where": Path("/y")})
    lib.add_result(run, task, result)
    assert lib.runs()[0].config == {"path": "/x"}
    assert lib.searches()[0].stats == {"where": "/y"}


def test_blobs(lib_path: Path) -> None:
    with Library.open(lib_path) as lib:
        assert lib.get_blob("weights") is None
        rec = lib.put_blob("weights", b"\x00\x01" * 1000, "safetensors", {"step": 1})
        assert rec.data == b"\x00\x01" * 1000
        lib.put_blob("weights", b"new", "safetensors", {"step": 2})
    with Library.open(lib_path) as lib:
        blob = lib.get_blob("weights")
        assert blob is not None
        assert (blob.data, blob.kind, blob.meta) == (b"new", "safetensors", {"step": 2})


def test_complete_phase_stores_everything_or_nothing(tmp_path: Path) -> None:
    from hortus.lang.parse import parse
    from hortus.lang.program import Routine
    from hortus.library import LibraryError, NewRoutine

    with Library.open(tmp_path / "lib.db") as lib:
        run = lib.start_run("learn", {"iterations": 1})
        inc = NewRoutine(Routine(parse("(lambda (map (lambda (+ $0 1)) $0))")), "inc-all",
                         -1.0, {"tasks": ["a"]})
        grammar = lib.grammar()
        lib.complete_phase(run, 0, "abstraction", {"new": 1}, routines=[inc],
                           blobs=[("model", b"\x00\x01", "safetensors", {"v": 1})])
        assert [r.name for r in lib.routines() if r.kind == "invented"] == ["inc-all"]
        (phase,) = lib.phases(run)
        assert (phase.iteration, phase.phase, phase.stats) == (0, "abstraction", {"new": 1})
        blob = lib.get_blob("model")
        assert blob is not None and blob.data == b"\x00\x01"
        # the same phase twice is refused, and a failing phase leaves nothing behind
        with pytest.raises(LibraryError, match="already completed"):
            lib.complete_phase(run, 0, "abstraction", {})
        dup = NewRoutine(Routine(parse("(lambda (map (lambda (+ $0 2)) $0))")), "inc-all")
        with pytest.raises(LibraryError, match="already has a routine named"):
            lib.complete_phase(run, 1, "abstraction", {}, routines=[dup], grammar=grammar)
        assert len(lib.phases(run)) == 1
        assert len(lib.routines()) == len(grammar.productions) + 1
