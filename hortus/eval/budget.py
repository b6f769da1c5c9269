"""Budgets: how far one evaluation of a program may go before it is stopped."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from hortus.lang.runtime import METER, BudgetExceeded, EvalError

__all__ = ["Budget", "BudgetExceeded", "EvalError"]


@dataclass(frozen=True)
class Budget:
    """Limits of one evaluation; exceeding any stops it with :class:`BudgetExceeded`."""

    steps: int = 1_000_000  # loop iterations, closure calls and list elements built or output
    time: float = 5.0  # wall-clock seconds
    max_int: int = 2**62  # largest integer magnitude
    max_len: int = 100_000  # longest list, string, set or table
    max_depth: int = 256  # deepest program nesting (Python's recursion limit bounds it)

    def start(self) -> None:
        """Arm the meter for one evaluation."""
        m = METER
        m.arm(self.steps)
        m.deadline = time.perf_counter() + self.time
        m.max_int = self.max_int
        m.max_len = self.max_len

    @contextmanager
    def active(self) -> Iterator[None]:
        """Arm the meter, and restore the enclosing evaluation's limits afterwards."""
        m = METER
        saved = (m.steps, m.check_at, m.deadline, m.max_int, m.max_len)
        self.start()
        try:
            yield
        finally:
            m.steps, m.check_at, m.deadline, m.max_int, m.max_len = saved


# Budget of one candidate evaluated during search: tight, since most candidates are wrong.
SEARCH_BUDGET = Budget(steps=1_000, time=0.2, max_len=10_000)
