"""The held-out judge: is a program right on examples its search never saw?

A program run exactly must give every output. A program with neural holes is a hypothesis with
an accuracy, judged by :func:`hortus.train.solving.judge_hybrid` (torch lives there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hortus.eval.budget import Budget
from hortus.eval.interpreter import run
from hortus.lang.runtime import EvalError

if TYPE_CHECKING:
    from hortus.lang.program import Program
    from hortus.tasks.task import Task

JUDGE_BUDGET = Budget(steps=1_000_000, time=5.0)  # per example: generous, a program is not a search


def right_on(program: Program | None, held: Task | None) -> bool:
    """Does ``program`` give every output of ``held``'s examples? (None: nothing to judge.)"""
    if program is None:
        return False
    if held is None:
        return True
    try:
        return all(run(program, list(ex.inputs), JUDGE_BUDGET) == ex.output
                   for ex in held.examples)
    except (EvalError, TypeError):
        return False
