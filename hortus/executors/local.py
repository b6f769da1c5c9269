"""Local execution: a process pool over the machine's cores, or inline for one job at a time."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

from hortus.executors._base import Executor

T = TypeVar("T")
R = TypeVar("R")


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def free_cores() -> int:
    """Cores no other process is using now: the available ones less the 1-minute load."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not on Unix
        return available_cores()
    return max(1, min(available_cores(), round(available_cores() - load)))


class LocalExecutor(Executor):
    """A pool of ``jobs`` worker processes (default: all cores); ``jobs=1`` runs inline."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = max(1, jobs if jobs is not None else available_cores())

    @property
    def workers(self) -> int:
        return self.jobs

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T],
                      setup: Callable[..., None] | None = None,
                      setup_args: tuple[Any, ...] = ()) -> Iterator[tuple[int, R]]:
        if self.jobs == 1 or len(items) <= 1:
            if setup is not None:
                setup(*setup_args)
            for i, item in enumerate(items):
                yield i, fn(item)
            return
        # 'spawn' keeps workers independent of the parent's state (open databases, threads).
        context = multiprocessing.get_context("spawn")
        workers = min(self.jobs, len(items))
        with ProcessPoolExecutor(workers, mp_context=context, initializer=setup,
                                 initargs=setup_args) as pool:
            # Submit a bounded window so results stream back while later jobs wait.
            pending: dict[Future[R], int] = {}
            queue = iter(enumerate(items))
            for i, item in queue:
                pending[pool.submit(fn, item)] = i
                if len(pending) >= 2 * workers:
                    break
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    i = pending.pop(fut)
                    yield i, fut.result()
                    for j, item in queue:
                        pending[pool.submit(fn, item)] = j
                        break
