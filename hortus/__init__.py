"""hortus: grow models as programs.

The public API, imported lazily so that ``import hortus`` stays fast::

    import hortus
    p = hortus.parse("(lambda (sort $0))")
    p([3, 1, 2])                                    # [1, 2, 3]
    task = hortus.Task.from_examples([([1, 2], [2, 3]), ([5], [6])])
    result = hortus.solve(task, timeout=5)          # result.best.program
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any


def _version() -> str:
    """The installed package's version (one source: pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hortus")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


_EXPORTS = {
    "parse": "hortus.lang.parse",
    "parse_type": "hortus.lang.types",
    "typecheck_text": "hortus.lang.infer",
    "infer": "hortus.lang.infer",
    "Program": "hortus.lang.program",
    "Task": "hortus.tasks.task",
    "load_tasks": "hortus.tasks.loaders",
    "refine": "hortus.tasks.task",
    "Question": "hortus.search.ambiguity",
    "solve": "hortus.solving",
    "solve_many": "hortus.solving",
    "Library": "hortus.library",
    "Grammar": "hortus.prior.grammar",
    "SearchBudget": "hortus.search._base",
    "SearchResult": "hortus.search._base",
    "Budget": "hortus.eval.budget",
    "EvalError": "hortus.lang.runtime",
    "BudgetExceeded": "hortus.lang.runtime",
}

__all__ = [
    "Budget",
    "BudgetExceeded",
    "EvalError",
    "Grammar",
    "Library",
    "Program",
    "Question",
    "SearchBudget",
    "SearchResult",
    "Task",
    "infer",
    "load_tasks",
    "parse",
    "parse_type",
    "refine",
    "solve",
    "solve_many",
    "typecheck_text",
]

if TYPE_CHECKING:
    __version__: str
    from hortus.eval.budget import Budget
    from hortus.lang.infer import infer, typecheck_text
    from hortus.lang.parse import parse
    from hortus.lang.program import Program
    from hortus.lang.runtime import BudgetExceeded, EvalError
    from hortus.lang.types import parse_type
    from hortus.library import Library
    from hortus.prior.grammar import Grammar
    from hortus.search._base import SearchBudget, SearchResult
    from hortus.search.ambiguity import Question
    from hortus.solving import solve, solve_many
    from hortus.tasks.loaders import load_tasks
    from hortus.tasks.task import Task, refine


def __getattr__(name: str) -> Any:
    if name == "__version__":  # read on demand: package metadata is slow to find
        globals()[name] = _version()
        return globals()[name]
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'hortus' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
