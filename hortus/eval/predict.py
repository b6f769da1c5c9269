"""Predictions for a task's test inputs: attempts, scored as ARC scores them.

A task may carry test inputs beside its examples (``task.metadata["test"]``, a list of
``{"input", "output"}`` with the output None when unknown; ARC's task reader puts them
there). The attempts are the predictions of the search's best programs, in rank order,
skipping a program whose predictions repeat an earlier one's (or that fails on a test input):
two programs that fit the examples alike but answer differently are two real attempts. A task
counts as solved when every test output is one of its attempts' (ARC allows two).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hortus.eval.interpreter import run
from hortus.eval.judge import JUDGE_BUDGET
from hortus.lang.runtime import EvalError

if TYPE_CHECKING:
    from hortus.lang.program import Program
    from hortus.search import SearchResult
    from hortus.tasks.task import Task

ATTEMPTS = 2
TOP_K = 4  # fits to ask of a search for two attempts with distinct predictions


@dataclass(frozen=True)
class Attempt:
    program: str
    outputs: tuple[Any, ...]  # one predicted grid (rows) per test input


def pairs_to_predict(task: Task) -> list[tuple[Any, Any]]:
    """The task's test inputs and outputs (None where not given), as plain values."""
    return [(p["input"], p.get("output")) for p in task.metadata.get("test", [])]


def attempts(task: Task, programs: list[Program], n: int = ATTEMPTS) -> list[Attempt]:
    """Up to ``n`` attempts with distinct predictions, from ``programs`` in rank order."""
    found: list[Attempt] = []
    inputs = [x for x, _ in pairs_to_predict(task)]
    for program in programs:
        try:
            outputs = tuple(run(program, [x], JUDGE_BUDGET) for x in inputs)
        except (EvalError, TypeError):
            continue
        if all(a.outputs != outputs for a in found):
            found.append(Attempt(str(program), outputs))
        if len(found) == n:
            break
    return found


def of_result(task: Task, result: SearchResult, n: int = ATTEMPTS) -> list[Attempt]:
    """The attempts of the programs ``result`` found; of its best guesses when none fits (a
    search that ran out of time still answers)."""
    programs = [c.program for c in result.solutions or result.guesses]
    return attempts(task, programs, n)


def submission(task: Task, tries: list[Attempt]) -> list[dict[str, Any]]:
    """The attempts as ARC's submission format: per test input, ``{"attempt_1": grid, ...}``
    (an empty list when no program fits)."""
    return [{f"attempt_{j + 1}": a.outputs[k] for j, a in enumerate(tries)}
            for k in range(len(pairs_to_predict(task)))] if tries else []


def solved(task: Task, tries: list[Attempt]) -> bool:
    """Is every test output one of the attempts' predictions for it? (False when a test
    output is not known.)"""
    pairs = pairs_to_predict(task)
    if not tries or any(y is None for _, y in pairs):
        return False
    return all(any(a.outputs[k] == y for a in tries) for k, (_, y) in enumerate(pairs))
