"""What every command shares: the typer apps, the consoles, common options, error exits."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from hortus.library import Library
    from hortus.tasks.task import Task

EXIT_UNSOLVED, EXIT_BAD_INPUT, EXIT_RUNTIME, EXIT_INTERRUPTED = 1, 2, 3, 130

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="hortus grows models as programs: give it examples, get a program back.")
library_app = typer.Typer(no_args_is_help=True,
                          help="The library: what it holds; export it, or import one.")
bench_app = typer.Typer(no_args_is_help=True,
                        help="Benchmarks: print a table, write JSON under benchmarks/results/.")
app.add_typer(library_app, name="library")
app.add_typer(bench_app, name="bench")

out = Console()
err = Console(stderr=True)

LibraryOpt = Annotated[str | None, typer.Option(
    "--library", "-l", envvar="HORTUS_LIBRARY", show_default="sqlite:///hortus.db",
    help="Library URL (any SQLAlchemy URL) or SQLite file path.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]
ResultsOpt = Annotated[Path, typer.Option(help="Folder for the JSON results.")]


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def open_library(url: str | None) -> Library:
    from hortus.library import Library, LibraryError

    try:
        return Library.open(url)
    except LibraryError as e:
        fail(str(e))


def load_task_file(spec: str) -> list[Task]:
    """A task file (JSON, JSONL, DreamCoder), or a bundled set: ``bundled:lists`` or ``lists``."""
    from hortus.tasks import TaskError, bundled, load_tasks

    try:
        if spec.startswith("bundled:"):
            return bundled(spec.removeprefix("bundled:"))
        if not Path(spec).exists() and ":" not in spec and "/" not in spec and "." not in spec:
            return bundled(spec)
        return load_tasks(spec)
    except (TaskError, OSError, KeyError) as e:
        fail(str(e).strip("'\""))
