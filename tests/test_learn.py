"""The lifelong loop: it learns, it records every phase, and a killed run resumes exactly."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from hortus.learn import LearnConfig, Learner
from hortus.library import Library
from hortus.tasks import bundled

NAMES = ["add-k with k=1", "add-k with k=2", "add-k with k=3", "add-k with k=4",
         "append-k with k=1", "append-k with k=2", "append-k with k=3", "len", "sum",
         "reverse", "take-k with k=2", "take-k with k=3"]

# Searches bounded by programs tried (not time) are deterministic, so runs can be compared.
CONFIG = LearnConfig(iterations=2, timeout=120, max_programs=20_000, test_split=0.25, seed=3,
                     prior="library", jobs=1, new_routines=3)


def tasks() -> list[Any]:
    by_name = {t.name: t for t in bundled("lists")}
    return [by_name[n] for n in NAMES]


TIMES = ("seconds", "search_seconds", "times", "median_time")  # depend on the machine's load


def snapshot(lib: Library) -> dict[str, Any]:
    grammar = lib.grammar()
    return {
        "routines": [(r.name, r.body, round(r.weight, 9)) for r in lib.routines()],
        "bigram": sorted((k, sorted((c, round(w, 9)) for c, w in v.items()))
                         for k, v in grammar.bigram.items()),
        "phases": [(p.iteration, p.phase, {k: v for k, v in p.stats.items() if k not in TIMES})
                   for p in lib.phases()],
        "solutions": sorted((s.task, s.program) for s in lib.solutions()),
    }


def test_learning_adds_routines_and_records_each_phase(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.db") as lib:
        learner = Learner.start(lib, tasks(), CONFIG)
        rows = learner.run()
        assert [r.iteration for r in rows] == [0, 1]
        assert rows[-1].library_size >= 1
        assert len(learner.train) == 9 and len(learner.test) == 3
        assert 7 <= rows[0].train_solved <= rows[1].train_solved
        assert rows[0].test_solved is not None and rows[1].test_solved is not None
        assert rows[1].test_solved >= rows[0].test_solved
        kinds = [(p.iteration, p.phase) for p in lib.phases(learner.run_id)]
        assert kinds == [(0, "wake"), (0, "abstraction"), (0, "test"),
                         (1, "wake"), (1, "abstraction"), (1, "test")]
        invented = [r for r in lib.routines() if r.kind == "invented"]
        assert invented and all(r.provenance["run"] == learner.run_id for r in invented)
        assert all(r.provenance["uid"] and r.provenance["tasks"] for r in invented)
        # the refit weights make the solved programs more probable than the uniform grammar did
        (run,) = lib.runs()
        assert run.status == "done" and run.stats is not None


def test_the_recognition_prior_is_trained_stored_and_used(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from hortus.prior.recognition import RecognitionModel
    from hortus.solving import MODEL_BLOB

    config = replace(CONFIG, iterations=1, prior="recognition", dreams=40)
    with Library.open(tmp_path / "lib.db") as lib:
        learner = Learner.start(lib, tasks(), config)
        (row,) = learner.run()
        assert row.test_solved is not None
        kinds = [p.phase for p in lib.phases(learner.run_id)]
        assert kinds == ["wake", "abstraction", "dreams", "test"]
        stats = lib.phases(learner.run_id)[2].stats
        assert stats["dreams"] > 0 and stats["solved_examples"] >= 7
        assert stats["mix"] in (0.0, 0.25, 0.5, 0.75, 1.0)
        blob = lib.get_blob(MODEL_BLOB)
        assert blob is not None and blob.meta["run"] == learner.run_id
        model = RecognitionModel.from_bytes(blob.data)
        assert model.mix_ == stats["mix"]
        assert type(learner.prior()).__name__ == "RecognitionPrior"


class Crash(Exception):
    pass


class CrashAt:
    """Raises when a given phase of a given iteration has advanced ``after`` times."""

    def __init__(self, iteration: int, phase: str, after: int) -> None:
        self.iteration, self.phase, self.after, self.seen = iteration, phase, after, 0

    def phase_started(self, iteration: int, phase: str, total: int) -> None:
        if (iteration, phase, self.after) == (self.iteration, self.phase, 0):
            raise Crash

    def advanced(self, iteration: int, phase: str, detail: str) -> None:
        if (iteration, phase) == (self.iteration, self.phase):
            self.seen += 1
            if self.seen == self.after:
                raise Crash

    def phase_done(self, iteration: int, phase: str, stats: dict[str, Any]) -> None:
        pass

    def iteration_done(self, row: Any) -> None:
        pass


@pytest.mark.parametrize(("iteration", "phase", "after"), [
    (1, "wake", 4),  # killed in the middle of a wake: 3 searches recorded, then resumed
    (1, "test", 0),  # killed between phases
])
def test_resumed_run_ends_like_an_uninterrupted_one(tmp_path: Path, iteration: int, phase: str,
                                                    after: int) -> None:
    with Library.open(tmp_path / "a.db") as a:
        Learner.start(a, tasks(), CONFIG).run()
        expected = snapshot(a)
    with Library.open(tmp_path / "b.db") as b:
        learner = Learner.start(b, tasks(), CONFIG, CrashAt(iteration, phase, after))
        with pytest.raises(Crash):
            learner.run()
        assert b.runs()[0].status == "failed"
        Learner.resume(b).run()
        assert b.runs()[0].status == "done"
        assert snapshot(b) == expected


def test_resume_without_a_run_is_a_clear_error(tmp_path: Path) -> None:
    from hortus.library import LibraryError

    with Library.open(tmp_path / "lib.db") as lib, pytest.raises(LibraryError, match="no learn"):
        Learner.resume(lib)


def test_config_checks() -> None:
    with pytest.raises(ValueError, match="prior"):
        replace(CONFIG, prior="oracle")



def test_a_routine_found_again_by_a_later_run_is_kept_once(tmp_path: Path) -> None:
    """A later run's searches may build a routine's body from primitives again, and its
    abstraction then finds that routine anew: the run goes on, using the library's copy."""
    from hortus.lang.parse import parse
    from hortus.search import SearchResult
    from hortus.search._base import Candidate

    found = {f"add-k with k={k}": f"(lambda (map (lambda (+ $0 {k})) $0))" for k in (1, 2, 3)}
    solved = [t for t in tasks() if t.name in found]
    runs = []
    with Library.open(tmp_path / "lib.db") as lib:
        for _ in range(2):
            learner = Learner.start(lib, solved, replace(CONFIG, iterations=1, test_split=0.0))
            for t in solved:  # the same primitive-only solutions in both runs
                lib.add_result(learner.run_id, t, SearchResult(
                    t.name, [Candidate(parse(found[t.name]), -10.0, 0.1, 1)], 1, 0.1, None))
            runs.append(learner._abstraction(0))
        first = {r["body"] for r in runs[0]["new_routines"]}
        assert first and not runs[1]["new_routines"]  # found again, not added again
        assert runs[1]["found_again"]
        bodies = [r.body for r in lib.routines() if r.kind == "invented"]
        assert len(bodies) == len(set(bodies)) == len(first)
        assert runs[1]["corpus"] == runs[0]["corpus"]  # rewritten with the library's routine
