"""The persistent library: routines and their weights, tasks, runs and every search's results."""

from __future__ import annotations

from hortus.library.engine import DEFAULT_URL, ENV_VAR
from hortus.library.errors import LibraryError
from hortus.library.records import (
    BlobRecord,
    PhaseRecord,
    RoutineRecord,
    RunRecord,
    SearchRecord,
    SolutionRecord,
    TaskRecord,
)
from hortus.library.store import Library, NewModule, NewRoutine

__all__ = [
    "DEFAULT_URL",
    "ENV_VAR",
    "BlobRecord",
    "Library",
    "LibraryError",
    "NewModule",
    "NewRoutine",
    "PhaseRecord",
    "RoutineRecord",
    "RunRecord",
    "SearchRecord",
    "SolutionRecord",
    "TaskRecord",
]
