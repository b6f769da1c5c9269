"""What primitive implementations share at run time: errors, immutable values, and the meter.

The meter holds the limits of the evaluation in progress (steps, wall time, value size). Loop
primitives charge it for the iterations they are about to run, so a runaway program stops with a
:class:`BudgetExceeded` that names the budget. The evaluator sets the meter from a ``Budget``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any


class EvalError(Exception):
    """A program failed at run time (``car`` of an empty list, division by zero, ...)."""


class BudgetExceeded(EvalError):
    """A program ran past a budget: ``steps``, ``time``, ``int``, ``length`` or ``depth``."""

    def __init__(self, budget: str, detail: str) -> None:
        self.budget = budget
        super().__init__(f"{budget} budget exceeded: {detail}")


class Meter:
    __slots__ = ("check_at", "deadline", "max_int", "max_len", "steps")

    def __init__(self) -> None:
        self.steps = 10**7
        self.check_at = self.steps  # look at the clock again when steps fall below this
        self.deadline = float("inf")
        self.max_int = 2**62
        self.max_len = 100_000

    def arm(self, steps: int) -> None:
        self.steps = self.check_at = steps


METER = Meter()
CLOCK_EVERY = 2048  # steps between two looks at the clock


def charge(n: int) -> None:
    """Account for ``n`` steps about to run; stop when the step or time budget is spent."""
    m = METER
    m.steps -= n
    if m.steps < m.check_at:
        if m.steps < 0:
            raise BudgetExceeded("steps", "the program ran too many steps (loop iterations, "
                                          "function calls and values built)")
        m.check_at = max(m.steps - CLOCK_EVERY, 0)  # never below 0: running out must be seen
        if time.perf_counter() > m.deadline:
            raise BudgetExceeded("time", "the program ran out of wall-clock time")


def check_int(r: int) -> int:
    lim = METER.max_int
    if -lim <= r <= lim:
        return r
    raise BudgetExceeded("int", f"an integer exceeded {lim} in magnitude")


BIG_VALUE = 1024  # building a value at least this long looks at the clock


def check_time() -> None:
    """Stop when the time budget is spent (building large values can be slow without loops)."""
    if time.perf_counter() > METER.deadline:
        raise BudgetExceeded("time", "the program ran out of wall-clock time")


def check_len(xs: Any) -> Any:
    n = len(xs)
    if n > METER.max_len:
        raise BudgetExceeded("length", f"a value grew past {METER.max_len} elements")
    if n >= BIG_VALUE:
        check_time()
    return xs


def check_size(n: int) -> int:
    """Refuse, before building it, a value of ``n`` elements that would exceed the budget."""
    if n > METER.max_len:
        raise BudgetExceeded("length", f"a value of {n} elements exceeds {METER.max_len}")
    if n >= BIG_VALUE:
        check_time()
    return n


class HDict(dict[Any, Any]):
    """An immutable, hashable dictionary: the value of type ``dict(k, v)``."""

    __slots__ = ("_h",)

    _h: int

    def __hash__(self) -> int:  # type: ignore[override]
        try:
            return self._h
        except AttributeError:
            self._h = hash(frozenset(self.items()))
            return self._h

    def _frozen(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("hortus dictionaries are immutable")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _frozen
    __ior__ = _frozen

    def __reduce__(self) -> tuple[Any, ...]:
        # dict's own pickling fills the copy with __setitem__, which is frozen here
        return (hdict, (list(self.items()),))

    def __repr__(self) -> str:
        return f"HDict({dict.__repr__(self)})"


def hdict(items: Iterable[tuple[Any, Any]]) -> HDict:
    d = HDict()
    for k, v in items:
        dict.__setitem__(d, k, v)
    return d


class Graph:
    """An immutable undirected graph over int nodes: the value of type ``graph``."""

    __slots__ = ("_h", "adj")

    def __init__(self, adj: dict[int, tuple[int, ...]]) -> None:
        self.adj = adj  # node -> sorted neighbours
        self._h = hash(frozenset(adj.items()))

    @classmethod
    def from_edges(cls, edges: Iterable[tuple[int, int]]) -> Graph:
        nbrs: dict[int, set[int]] = {}
        for a, b in edges:
            nbrs.setdefault(a, set()).add(b)
            nbrs.setdefault(b, set()).add(a)
        return cls({n: tuple(sorted(s)) for n, s in sorted(nbrs.items())})

    def edges(self) -> list[tuple[int, int]]:
        return [(a, b) for a, ns in self.adj.items() for b in ns if a <= b]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Graph) and self.adj == other.adj

    def __hash__(self) -> int:
        return self._h

    def __repr__(self) -> str:
        return f"Graph.from_edges({self.edges()!r})"
