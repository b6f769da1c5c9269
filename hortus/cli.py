"""The ``hortus`` command line. Each command is a thin layer over the public Python API.

Exit codes: 0 success (every task solved); 1 some task unsolved; 2 bad input (task file,
program text, inputs, library); 3 the program failed at run time (``hortus run``); 130
interrupted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from hortus.library import Library
    from hortus.search import SearchResult
    from hortus.tasks.task import Task

EXIT_UNSOLVED, EXIT_BAD_INPUT, EXIT_RUNTIME, EXIT_INTERRUPTED = 1, 2, 3, 130

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="hortus grows models as programs: give it examples, get a program back.")
library_app = typer.Typer(no_args_is_help=True, help="Inspect the library (routines, solutions).")
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


# ------------------------------------------------------------ solve


@app.command()
def solve(
    tasks: Annotated[str, typer.Argument(help="Task file (.json, .jsonl, DreamCoder format) or "
                                              "a bundled set, e.g. 'lists'.")],
    library: LibraryOpt = None,
    timeout: Annotated[float, typer.Option(help="Seconds of search per task.")] = 10.0,
    jobs: Annotated[int | None, typer.Option(help="Parallel searches (default: all cores).")
                    ] = None,
    top: Annotated[int, typer.Option(help="Programs to return per task.")] = 1,
    json_out: JsonOpt = False,
) -> None:
    """Search for a program for every task, record the results in the library, show a table."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from hortus.solving import solve_many

    if timeout <= 0 or top < 1 or (jobs is not None and jobs < 1):
        fail("--timeout must be positive, --top and --jobs at least 1")
    task_list = load_task_file(tasks)
    lib = open_library(library)
    solved = 0
    with lib, Progress("[progress.description]{task.description}", BarColumn(),
                       MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                       transient=True, disable=not err.is_terminal) as progress:
        bar = progress.add_task("solving", total=len(task_list))

        def on_result(i: int, result: SearchResult) -> None:
            nonlocal solved
            solved += result.solved
            progress.update(bar, advance=1, description=f"solved {solved}")
            if json_out:
                print(json.dumps(result_json(result)), flush=True)

        results = solve_many(task_list, lib, timeout=timeout, top_k=top, jobs=jobs,
                             on_result=on_result)
    if not json_out:
        show_results(results)
    raise typer.Exit(0 if solved == len(task_list) else EXIT_UNSOLVED)


def result_json(r: SearchResult) -> dict[str, Any]:
    best = r.best
    return {"name": r.task, "solved": r.solved, "program": str(best.program) if best else None,
            "time": round(r.time, 4), "tried": r.tried, "cut": r.cut,
            "logprior": best.logprior if best else None,
            "programs": [str(c.program) for c in r.solutions]}


def show_results(results: list[SearchResult]) -> None:
    table = Table(title="Programs found", show_lines=False)
    table.add_column("task", overflow="fold")
    table.add_column("best program(s)", overflow="fold")
    table.add_column("time (s)", justify="right")
    table.add_column("programs tried", justify="right")
    for r in results:
        if r.solutions:
            program = "\n".join(str(c.program) for c in r.solutions)
        else:
            program = f"[dim]not found ({r.cut or 'exhausted'})[/]"
        table.add_row(r.task, program, f"{r.time:.2f}", f"{r.tried:,}")
    out.print(table)
    solved = sum(r.solved for r in results)
    total = sum(r.time for r in results)
    out.print(f"solved {solved}/{len(results)} tasks; {total:.1f} s of search in all")


# ------------------------------------------------------------ run


@app.command()
def run(
    program: Annotated[str, typer.Argument(help="Program text, e.g. '(lambda (sort $0))'.")],
    inputs: Annotated[list[str] | None, typer.Argument(help="Inputs as JSON, e.g. '[3, 1, 2]'.")
                      ] = None,
    library: LibraryOpt = None,
    timeout: Annotated[float, typer.Option(help="Wall-clock seconds allowed.")] = 5.0,
    steps: Annotated[int, typer.Option(help="Loop iterations allowed.")] = 1_000_000,
) -> None:
    """Apply a program to inputs and print the output as JSON.

    Routine names resolve in the library when ``--library`` is given.
    """
    from hortus.eval.budget import Budget
    from hortus.eval.interpreter import run as run_program
    from hortus.lang import ProgramSyntaxError, ProgramTypeError, typecheck_text
    from hortus.lang.program import Routine
    from hortus.lang.runtime import EvalError

    namespace = None
    if library is not None:
        with open_library(library) as lib:
            namespace = {p.program.name: p.program for p in lib.grammar().productions
                         if isinstance(p.program, Routine) and p.program.name}
    try:
        parsed, _ = typecheck_text(program, namespace=namespace)
    except (ProgramSyntaxError, ProgramTypeError) as e:
        fail(str(e))
    values = []
    for k, text in enumerate(inputs or []):
        try:
            values.append(json.loads(text))
        except json.JSONDecodeError as e:
            fail(f"input {k + 1} is not valid JSON ({e.msg} at column {e.colno}): {text!r}")
    try:
        result = run_program(parsed, values, budget=Budget(steps=steps, time=timeout))
    except EvalError as e:
        fail(str(e), EXIT_RUNTIME)
    except TypeError as e:
        fail(str(e))
    print(json.dumps(_jsonable(result)))


def _jsonable(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, set | frozenset):
        return sorted((_jsonable(x) for x in v), key=repr)
    if isinstance(v, dict):
        if all(isinstance(k, str) for k in v):
            return {k: _jsonable(x) for k, x in v.items()}
        return [[_jsonable(k), _jsonable(x)] for k, x in v.items()]
    from hortus.lang.runtime import Graph

    if isinstance(v, Graph):
        return [list(e) for e in v.edges()]
    return v


# ------------------------------------------------------------ library


@library_app.command("show")
def library_show(library: LibraryOpt = None, json_out: JsonOpt = False) -> None:
    """Summary of the library: what it holds and where."""
    with open_library(library) as lib:
        summary = {"url": lib.url, **lib.summary()}
    if json_out:
        print(json.dumps(summary))
        return
    table = Table(title="Library", show_header=False)
    for k, v in summary.items():
        table.add_row(k, str(v))
    out.print(table)


@library_app.command("routines")
def library_routines(
    library: LibraryOpt = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind (primitive, invented).")
                    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """The routines the search builds programs from, with their types and weights."""
    with open_library(library) as lib:
        rows = [r for r in lib.routines() if kind is None or r.kind == kind]
    if json_out:
        for r in rows:
            print(json.dumps({"name": r.name, "kind": r.kind, "type": r.type, "weight": r.weight,
                              "body": r.body}))
        return
    table = Table(title=f"{len(rows)} routines")
    for col in ("name", "kind", "type", "weight", "body"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r.name, r.kind, r.type, f"{r.weight:.2f}", r.body or "")
    out.print(table)


@library_app.command("solutions")
def library_solutions(
    library: LibraryOpt = None,
    task: Annotated[str | None, typer.Option(help="Only this task.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Programs found for tasks, most recent first."""
    with open_library(library) as lib:
        rows = lib.solutions(task)
    if json_out:
        for s in rows:
            print(json.dumps({"task": s.task, "program": s.program, "logprior": s.logprior,
                              "time": s.time, "tried": s.tried, "run": s.run_id}))
        return
    table = Table(title=f"{len(rows)} solutions")
    for col in ("task", "program", "log prior", "time (s)", "tried", "run"):
        table.add_column(col, overflow="fold")
    for s in rows:
        table.add_row(s.task, s.program, f"{s.logprior:.2f}", f"{s.time:.2f}", f"{s.tried:,}",
                      str(s.run_id))
    out.print(table)


# ------------------------------------------------------------ benchmarks


ResultsOpt = Annotated[Path, typer.Option(help="Folder for the JSON results.")]


@bench_app.command("enumerate")
def bench_enumerate(
    grammar: Annotated[str, typer.Option(help="Primitive set.")] = "dreamcoder-lists",
    request: Annotated[str, typer.Option(help="Type of the programs.")] = "list(int) -> list(int)",
    seconds: Annotated[str, typer.Option(help="Comma-separated durations.")] = "1,10",
    results: ResultsOpt = Path("benchmarks/results"),
    json_out: JsonOpt = False,
) -> None:
    """Programs per second of the enumerator and the probability mass it covers."""
    from hortus.bench.enumerate import run_enumerate

    durations = [float(s) for s in seconds.split(",")]
    report = run_enumerate(grammar, request, durations, results, console=None if json_out else out)
    if json_out:
        print(json.dumps(report))


@bench_app.command("lists")
def bench_lists(
    timeout: Annotated[float, typer.Option(help="Seconds of search per task.")] = 10.0,
    jobs: Annotated[int | None, typer.Option(help="Parallel searches (default: all cores).")
                    ] = None,
    grammar: Annotated[str, typer.Option(help="Primitive set.")] = "base",
    train: Annotated[int, typer.Option(help="Examples the search sees; the rest are held out.")
                     ] = 10,
    limit: Annotated[int | None, typer.Option(help="Only the first N tasks.")] = None,
    task: Annotated[list[str] | None, typer.Option(help="Only this task (repeatable).")] = None,
    lambda_equivalence: Annotated[bool, typer.Option(
        help="Prune lambda bodies equal on probe environments.")] = True,
    results: ResultsOpt = Path("benchmarks/results"),
    json_out: JsonOpt = False,
) -> None:
    """The 217 DreamCoder list tasks: solved, right on held-out examples, time to solve."""
    from hortus.bench.lists import run_lists

    try:
        report = run_lists(timeout=timeout, jobs=jobs, grammar=grammar, train=train,
                           limit=limit, results_dir=results,
                           console=None if json_out else out, progress=err, names=task,
                           lambda_equivalence=lambda_equivalence)
    except (ValueError, KeyError) as e:
        fail(str(e))
    if json_out:
        print(json.dumps(report["summary"]))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
