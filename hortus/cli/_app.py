"""What every command shares: the typer apps, the consoles, common options, error exits."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

if TYPE_CHECKING:
    from hortus.library import Library
    from hortus.tasks.task import Task

EXIT_UNSOLVED, EXIT_BAD_INPUT, EXIT_RUNTIME, EXIT_INTERRUPTED = 1, 2, 3, 130


class _Commands(TyperGroup):
    """The command group: a library that fails to read or write, at whatever point of a
    command, ends it with its message and exit code 2, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        from hortus.library.errors import LibraryError

        try:
            return super().invoke(ctx)
        except LibraryError as e:
            fail(str(e))


app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  cls=_Commands,
                  help="hortus grows models as programs: give it examples, get a program back.")
library_app = typer.Typer(no_args_is_help=True,
                          help="The library: what it holds; export it, or import one.")
bench_app = typer.Typer(no_args_is_help=True,
                        help="Benchmarks: print a table, write JSON under benchmarks/results/.")
app.add_typer(library_app, name="library")
app.add_typer(bench_app, name="bench")
digits_app = typer.Typer(no_args_is_help=True,
                         help="Handwritten-digit tasks (the digits domain) as task files.")
app.add_typer(digits_app, name="digits")

out = Console()
err = Console(stderr=True)

LibraryOpt = Annotated[str | None, typer.Option(
    "--library", "-l", envvar="HORTUS_LIBRARY", show_default="sqlite:///hortus.db",
    help="Library URL (any SQLAlchemy URL) or SQLite file path.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]
ResultsOpt = Annotated[Path, typer.Option(help="Folder for the JSON results.")]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", metavar="KEY=VALUE",
    help="A searcher option, VALUE as JSON, e.g. explore=5, leave_one_out=false, "
         "ranking=prior (repeatable; the fields of EnumeratorConfig).")]


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``message`` (user text: never read as markup) as an error and exit with ``code``."""
    err.print(Text.assemble(("error:", "bold red"), " ", plain(message)), soft_wrap=True)
    raise typer.Exit(code)


def reason(e: BaseException) -> str:
    """The message of an exception; a KeyError's ``str`` would quote it."""
    return str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)


def plain(text: str) -> Text:
    """``text`` as it is, for tables and messages: no markup, lone surrogates shown escaped."""
    return Text(text.encode("utf-8", "backslashreplace").decode("utf-8"))


def positive_seconds(value: float | None) -> float | None:
    """Option callback: a number of seconds must be finite and above zero."""
    if value is not None and not (0 < value < math.inf):
        raise typer.BadParameter(f"{value:g} is not a positive number of seconds")
    return value


def searcher_options(sets: list[str] | None, **given: Any) -> dict[str, Any]:
    """``given`` options, then each ``--set KEY=VALUE``; the searcher checks them."""
    options = dict(given)
    for item in sets or []:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            fail(f"--set {item}: expected KEY=VALUE")
        try:
            value = json.loads(text)
        except ValueError:
            value = text  # a bare word: ranking=prior
        except RecursionError:
            fail(f"--set {key}: the value is nested too deeply")
        earlier = options.get(key)
        if isinstance(earlier, dict) and isinstance(value, dict):
            value = {**earlier, **value}  # cfg={"grow_size": 5} keeps --grow-types
        options[key] = value
    return options


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
        if ":" not in spec and "/" not in spec and "." not in spec and not _exists(spec):
            return bundled(spec)
        return load_tasks(spec)
    except TaskError as e:
        fail(str(e))


def _exists(path: str) -> bool:
    try:
        return Path(path).exists()
    except (OSError, ValueError):  # a name too long, a NUL byte
        return False
