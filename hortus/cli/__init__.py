"""The ``hortus`` command line. Each command is a thin layer over the public Python API.

Exit codes: 0 success (every task solved); 1 some task unsolved; 2 bad input (task file,
program text, inputs, library); 3 the program failed at run time (``hortus run``); 130
interrupted.
"""

from __future__ import annotations

import sys

# Importing the command modules registers their commands, in the order help lists them.
from hortus.cli import search, learning, library, bench, digits
from hortus.cli._app import EXIT_INTERRUPTED, app, err

__all__ = ["app", "bench", "digits", "learning", "library", "main", "search"]


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(EXIT_INTERRUPTED)
