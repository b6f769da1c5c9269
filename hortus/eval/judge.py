"""The held-out judge: is a program right on examples its search never saw?

Outputs are compared exactly, except floats: a float task's program is fitted (its constants
by gradient or CMA-ES), so its outputs count as the examples' when their mean squared error
is at most :data:`FLOAT_TOLERANCE`, the same bar the search used to call it solved. A program
with neural holes is a hypothesis with an accuracy, judged by
:func:`hortus.train.solving.judge_hybrid` (torch lives there).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hortus.eval.budget import Budget
from hortus.eval.interpreter import run
from hortus.lang.runtime import EvalError

if TYPE_CHECKING:
    from hortus.lang.program import Program
    from hortus.tasks.task import Task

JUDGE_BUDGET = Budget(steps=1_000_000, time=5.0)  # per example: generous, a program is not a search
FLOAT_TOLERANCE = 1e-6  # mean squared error of float outputs that still counts as a fit


def fits(got: Sequence[Any], wanted: Sequence[Any]) -> bool:
    """Are ``got`` the outputs ``wanted``? Exactly, but floats within :data:`FLOAT_TOLERANCE`."""
    squared, floats = 0.0, 0
    for g, w in zip(got, wanted, strict=True):
        if isinstance(w, float) and isinstance(g, int | float) and not isinstance(g, bool):
            d = float(g) - w
            squared, floats = squared + d * d, floats + 1
        elif g != w:
            return False
    return not floats or (math.isfinite(squared) and squared / floats <= FLOAT_TOLERANCE)


def right_on(program: Program | None, held: Task | None) -> bool:
    """Does ``program`` give every output of ``held``'s examples? (None: nothing to judge.)"""
    if program is None:
        return False
    if held is None:
        return True
    try:
        got = [run(program, list(ex.inputs), JUDGE_BUDGET) for ex in held.examples]
    except (EvalError, TypeError):
        return False
    return fits(got, [ex.output for ex in held.examples])
