"""Rows to records: the store never lets an ORM row escape its session."""

from __future__ import annotations

import json
from datetime import UTC, datetime

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


def routine(row: RoutineRow) -> RoutineRecord:
    return RoutineRecord(row.id, row.name, row.kind, row.type, row.body, row.weight,
                         loads_dict(row.provenance), utc(row.created_at))


def task(row: TaskRow) -> TaskRecord:
    examples = json.loads(row.examples)
    return TaskRecord(row.id, row.name, row.request, tuple(examples), row.digest,
                      utc(row.created_at))


def run(row: RunRow) -> RunRecord:
    return RunRecord(row.id, row.command, loads_dict(row.config), row.status,
                     utc(row.started_at), utc(row.finished_at) if row.finished_at else None,
                     loads_dict(row.stats) if row.stats is not None else None)


def search(row: SearchRow, task_name: str) -> SearchRecord:
    return SearchRecord(row.id, row.run_id, row.task_id, task_name, bool(row.solved), row.tried,
                        row.time, row.cut, loads_dict(row.stats), utc(row.created_at))


def solution(row: SolutionRow, run_id: int, task_name: str) -> SolutionRecord:
    return SolutionRecord(row.id, row.search_id, run_id, row.task_id, task_name, row.rank,
                          row.program, row.logprior, row.time, row.tried)


def phase(row: PhaseRow) -> PhaseRecord:
    return PhaseRecord(row.id, row.run_id, row.iteration, row.phase, loads_dict(row.stats),
                       utc(row.created_at))


def blob(row: BlobRow) -> BlobRecord:
    return BlobRecord(row.id, row.name, row.kind, bytes(row.data), loads_dict(row.meta),
                      utc(row.created_at))
