"""Learning across ARC tasks: the bundled splits, grid features for the recognition model, a
learning run whose library then searches ARC beside the base library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("numpy")
pytest.importorskip("scipy")

from hortus.domains.arc.features import CAP, features
from hortus.domains.arc.values import grid_of
from hortus.prior.features import MARKER, GenericFeatures
from hortus.tasks import bundled
from hortus.tasks.task import Example, Task

grids = st.integers(1, 12).flatmap(lambda h: st.integers(1, 12).flatmap(
    lambda w: st.lists(st.lists(st.integers(0, 9), min_size=w, max_size=w),
                       min_size=h, max_size=h)))


def test_the_splits_are_bundled_task_sets() -> None:
    training, evaluation = bundled("arc-training"), bundled("arc-evaluation")
    assert len(training) == len(evaluation) == 400
    assert not {t.name for t in training} & {t.name for t in evaluation}
    assert str(training[0].request) == "grid -> grid"


def test_a_grid_is_summarised_by_size_colours_objects_and_symmetry() -> None:
    g = grid_of([[0, 1, 0],
                 [0, 0, 0],
                 [2, 0, 2]])
    assert features(g) == [3, 3, 0, 3, 3, 1, 0, 6, 1, 2, 0, 0, 0, 0, 0, 0, 0]
    big = grid_of([[5] * 30] * 30)
    assert features(big)[:7] == [30, 30, 5, 1, 0, 1, 1] and features(big)[7 + 5] == CAP


@settings(max_examples=60, deadline=None)
@given(grids, grids)
def test_grid_tokens_stay_in_the_vocabulary_and_tell_tasks_apart(a: Any, b: Any) -> None:
    extractor = GenericFeatures()
    task = Task.build("t", [Example((a,), b), Example((b,), a)], "grid -> grid")
    seqs = extractor.tokens(task)
    assert len(seqs) == 2
    for seq in seqs:
        assert min(seq) > 0 and max(seq) < extractor.vocabulary_size
        assert len(seq) <= extractor.max_tokens
        assert MARKER["UNKNOWN"] not in seq  # a grid is read, not skipped
    if features(grid_of(a)) != features(grid_of(b)):
        assert seqs[0] != seqs[1]


# Tasks a short search solves, two of them sharing a shape (a grid beside its mirror image).
EASY = ["3c9b0459", "67a3c6ac", "68b16354", "a416b8f3", "c9e6f938", "8be77c9e"]


def test_a_library_learned_on_arc_searches_beside_the_base_library(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from hortus.bench.arc import run_arc
    from hortus.domains.arc.data import load_split
    from hortus.learn import LearnConfig, Learner
    from hortus.library import Library
    from hortus.solving import MODEL_BLOB

    tasks = [t for t in load_split("training") if t.name in EASY]
    url = f"sqlite:///{tmp_path / 'arc.db'}"
    config = LearnConfig(iterations=1, timeout=20, max_programs=3000, dreams=30, jobs=1,
                         new_routines=2)
    with Library.create(url, ("arc",)) as lib:
        (row,) = Learner.start(lib, tasks, config).run()
        assert row.train_solved >= 5
        assert lib.get_blob(MODEL_BLOB) is not None  # grid features trained a model
        weights = {p.key: p.logweight for p in lib.grammar().productions}
        assert weights["flip-h"] > weights["rays-v"]  # solutions used it, none the other
    report = run_arc("training", 10.0, 1, url, None, tmp_path, console=None,
                     names=["3c9b0459", "c9e6f938"])
    assert report["prior"] == "recognition" and report["library"] == url
    assert report["solved"] == 2 and report["base"]["solved"] == 2
    assert all(row["base"]["solved"] for row in report["tasks"])
    assert (tmp_path / "arc-training-10s-library-selected.json").exists()
