"""Executors run independent jobs (one search per task) and hand back results as they finish."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Executor(ABC):
    """Runs ``fn`` over items, in any order; ``setup`` runs once per worker before its jobs."""

    @abstractmethod
    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T],
                      setup: Callable[..., None] | None = None,
                      setup_args: tuple[Any, ...] = ()) -> Iterator[tuple[int, R]]:
        """Yield ``(index, fn(items[index]))`` as each job finishes."""

    @property
    @abstractmethod
    def workers(self) -> int:
        """How many jobs run at once."""
