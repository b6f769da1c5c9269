"""What the library hands out: frozen records, detached from any database session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hortus.tasks.task import Task


@dataclass(frozen=True)
class RoutineRecord:
    """A routine of the library: a built-in primitive (no body) or an invented routine."""

    id: int
    name: str
    kind: str  # "primitive" | "invented" | "neural"
    type: str
    body: str | None
    weight: float
    provenance: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class TaskRecord:
    """A stored task; its examples are kept as JSON data until :meth:`task` rebuilds it."""

    id: int
    name: str
    request: str
    examples: tuple[dict[str, Any], ...]
    digest: str
    created_at: datetime

    def task(self) -> Task:
        """The task itself, checked again by ``Task.build``; a damaged one raises
        :class:`~hortus.library.errors.LibraryError`."""
        from hortus.lang.types import parse_type
        from hortus.library.codec import decode_examples
        from hortus.library.engine import DAMAGE
        from hortus.library.errors import LibraryError

        try:
            request = parse_type(self.request)
            return Task.build(self.name, decode_examples(self.examples, request), request)
        except DAMAGE as e:
            raise LibraryError(f"task {self.name!r} (id {self.id}) of the library is damaged: "
                               f"{e}") from None


@dataclass(frozen=True)
class PhaseRecord:
    """A completed phase of one iteration of a learning run."""

    id: int
    run_id: int
    iteration: int
    phase: str
    stats: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class RunRecord:
    """One invocation of a command that searched or learned."""

    id: int
    command: str
    config: dict[str, Any]
    status: str  # "running" | "done" | "failed"
    started_at: datetime
    finished_at: datetime | None
    stats: dict[str, Any] | None


@dataclass(frozen=True)
class SearchRecord:
    """One search for one task in one run, solved or not."""

    id: int
    run_id: int
    task_id: int
    task: str  # the task's name
    solved: bool
    tried: int
    time: float
    cut: str | None
    stats: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class SolutionRecord:
    """A program a search found for a task; rank 1 is the most probable."""

    id: int
    search_id: int
    run_id: int
    task_id: int
    task: str  # the task's name
    rank: int
    program: str
    logprior: float
    time: float
    tried: int


@dataclass(frozen=True)
class BlobRecord:
    """Opaque bytes kept with the library, such as model weights."""

    id: int
    name: str
    kind: str
    data: bytes
    meta: dict[str, Any]
    created_at: datetime
