"""Executors: where independent searches run (local processes by default)."""

from hortus.executors._base import Executor
from hortus.executors.local import LocalExecutor, available_cores, free_cores

__all__ = ["Executor", "LocalExecutor", "available_cores", "free_cores"]
