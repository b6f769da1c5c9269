"""Rows to records: the store never lets an ORM row escape its session."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hortus.library.codec import loads_dict
from hortus.library.models import (
    BlobRow,
    PhaseRow,
    RoutineRow,
    RunRow,
    SearchRow,
    SolutionRow,
    TaskRow,
)
from hortus.library.records import (
    BlobRecord,
    PhaseRecord,
    RoutineRecord,
    RunRecord,
    SearchRecord,
    SolutionRecord,
    TaskRecord,
)


def utc(stamp: datetime) -> datetime:
    """Stored times carry no zone; they are UTC."""
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp


def number(value: Any, what: str) -> float:
    """A stored number; anything else (a damaged file) is a :class:`ValueError` naming it."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"the {what} is {value!r:.60}, not a number")
    return float(value)


def integer(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"the {what} is {value!r:.60}, not an integer")
    return value


def text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"the {what} is {value!r:.60}, not text")
    return value


def _texts(row: Any, what: str, *fields: str, null: tuple[str, ...] = ()) -> None:
    """Refuse a row whose text columns hold something else (a byte flipped by a disk)."""
    for f in fields:
        value = getattr(row, f)
        if not (value is None and f in null):
            text(value, f"{f} of {what}")


def routine(row: RoutineRow) -> RoutineRecord:
    what = f"routine {row.id}"
    _texts(row, what, "name", "kind", "type", "body", null=("body",))
    return RoutineRecord(row.id, row.name, row.kind, row.type, row.body,
                         number(row.weight, f"weight of routine {row.name!r}"),
                         loads_dict(row.provenance), utc(row.created_at))


def task(row: TaskRow) -> TaskRecord:
    _texts(row, f"task {row.id}", "name", "request", "digest")
    examples = json.loads(row.examples)
    if not isinstance(examples, list):
        raise ValueError(f"the examples of task {row.id} are not a list")
    return TaskRecord(row.id, row.name, row.request, tuple(examples), row.digest,
                      utc(row.created_at))


def run(row: RunRow) -> RunRecord:
    _texts(row, f"run {row.id}", "command", "status")
    return RunRecord(row.id, row.command, loads_dict(row.config), row.status,
                     utc(row.started_at), utc(row.finished_at) if row.finished_at else None,
                     loads_dict(row.stats) if row.stats is not None else None)


def search(row: SearchRow, task_name: str) -> SearchRecord:
    what = f"search {row.id}"
    _texts(row, what, "cut", null=("cut",))
    return SearchRecord(row.id, row.run_id, row.task_id, text(task_name, f"task of {what}"),
                        bool(row.solved), integer(row.tried, f"count of programs tried in {what}"),
                        number(row.time, f"time of {what}"), row.cut,
                        loads_dict(row.stats), utc(row.created_at))


def solution(row: SolutionRow, run_id: int, task_name: str) -> SolutionRecord:
    what = f"solution {row.id}"
    return SolutionRecord(row.id, row.search_id, run_id, row.task_id,
                          text(task_name, f"task of {what}"),
                          integer(row.rank, f"rank of {what}"),
                          text(row.program, f"program of {what}"),
                          number(row.logprior, f"log prior of {what}"),
                          number(row.time, f"time of {what}"),
                          integer(row.tried, f"count of programs tried of {what}"))


def phase(row: PhaseRow) -> PhaseRecord:
    what = f"phase {row.id}"
    _texts(row, what, "phase")
    return PhaseRecord(row.id, row.run_id, integer(row.iteration, f"iteration of {what}"),
                       row.phase, loads_dict(row.stats), utc(row.created_at))


def blob(row: BlobRow) -> BlobRecord:
    _texts(row, f"blob {row.id}", "name", "kind")
    if not isinstance(row.data, bytes):
        raise ValueError(f"the data of blob {row.name!r} are not bytes")
    return BlobRecord(row.id, row.name, row.kind, row.data, loads_dict(row.meta),
                      utc(row.created_at))
