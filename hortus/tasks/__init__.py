"""Tasks (a name, a request type and examples) and the files they are loaded from."""

from __future__ import annotations

from hortus.tasks.loaders import TaskFormatError, bundled, load_tasks, parse_tasks, save_tasks
from hortus.tasks.task import Example, Task, TaskError

__all__ = ["Example", "Task", "TaskError", "TaskFormatError", "bundled", "load_tasks",
           "parse_tasks", "save_tasks"]
