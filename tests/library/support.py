"""Helpers shared by the library tests: a task and search results for it."""

from __future__ import annotations

from hortus.lang.parse import parse
from hortus.search._base import Candidate, SearchResult
from hortus.tasks.task import Task

INC_ALL = "(lambda (map (lambda (+ $0 1)) $0))"


def inc_task(name: str = "inc") -> Task:
    return Task.from_examples([([1, 2], [2, 3])], name=name)


def solved(task: Task, k: int = 1) -> SearchResult:
    cands = [Candidate(parse(INC_ALL), -5.0 - i, 0.1 * (i + 1), 42 + i) for i in range(k)]
    return SearchResult(task.name, cands, tried=100, time=0.5, cut=None, stats={"levels": 3})


def unsolved(task: Task) -> SearchResult:
    return SearchResult(task.name, [], tried=1000, time=1.0, cut="time", stats={})
