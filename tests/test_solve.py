"""The public API: hortus.solve, hortus.solve_many, with and without a library."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import hortus
from hortus.library import Library
from hortus.tasks.task import Task


def test_quickstart_api() -> None:
    assert hortus.parse("(lambda (sort $0))")([3, 1, 2]) == [1, 2, 3]
    task = hortus.Task.from_examples([([1, 2], [2, 3]), ([5], [6]), ([], [])], name="inc")
    result = hortus.solve(task, timeout=10)
    assert result.solved and result.best is not None
    assert result.best.program([10, 20]) == [11, 21]


def test_solve_records_in_the_library(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lib.db'}"
    task = Task.from_examples([([3, 1, 2], [1, 2, 3]), ([2, 1], [1, 2])], name="sort")
    result = hortus.solve(task, library=url, timeout=10)
    assert result.solved
    with Library.open(url) as lib:
        (sol,) = lib.solutions("sort")
        assert sol.program == str(result.best.program) if result.best else False
        (run,) = lib.runs()
        assert run.status == "done" and run.stats["solved"] == 1


def test_solve_many_in_parallel_keeps_task_order(tmp_path: Path) -> None:
    tasks = [
        Task.from_examples([([1, 2, 3], 3), ([], 0)], name="length"),
        Task.from_examples([([1, 2, 3], [3, 2, 1]), ([4, 5], [5, 4])], name="reverse"),
        Task.from_examples([([1], 17), ([1], 23)], name="impossible"),
        Task.from_examples([([4, 5], 4), ([7], 7)], name="head"),
    ]
    seen: list[int] = []
    with Library.open(tmp_path / "lib.db") as lib:
        results = hortus.solve_many(tasks, lib, timeout=3, jobs=2,
                                    on_result=lambda i, r: seen.append(i))
        assert [r.task for r in results] == ["length", "reverse", "impossible", "head"]
        assert [r.solved for r in results] == [True, True, False, True]
        assert sorted(seen) == [0, 1, 2, 3]
        assert results[2].cut == "time"
        searches = lib.searches()
        assert len(searches) == 4 and sum(s.solved for s in searches) == 3


@pytest.mark.parametrize(("options", "message"), [
    ({"top_k": 0}, "top_k must be an integer of at least 1, not 0"),
    ({"jobs": 0}, "jobs must be an integer of at least 1, not 0"),
    ({"timeout": math.nan}, "timeout must be a positive number of seconds, not nan"),
    ({"timeout": 0}, "timeout must be a positive number of seconds, not 0"),
    ({"timeout": -1.0}, "timeout must be a positive number of seconds"),
    ({"timeout": math.inf}, "timeout must be a positive number of seconds"),
])
def test_solve_many_refuses_bad_arguments(options: dict[str, Any], message: str) -> None:
    task = Task.from_examples([(1, 2)], name="inc")
    with pytest.raises(ValueError, match=message):
        hortus.solve_many([task], **options)


def test_solve_refuses_a_task_without_a_string_name() -> None:
    good = Task.from_examples([(1, 2)], name="inc")
    with pytest.raises(ValueError, match="tasks must be Task objects with a non-empty str name"):
        hortus.solve(Task(5, good.request, good.examples))  # type: ignore[arg-type]
