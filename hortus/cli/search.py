"""Commands that search and run programs: ``solve``, ``run``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from hortus.cli._app import (
    EXIT_RUNTIME,
    EXIT_UNSOLVED,
    JsonOpt,
    LibraryOpt,
    app,
    err,
    fail,
    load_task_file,
    open_library,
    out,
)

if TYPE_CHECKING:
    from hortus.search import SearchResult


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
    prior: Annotated[str, typer.Option(
        help="uniform, library (its fitted weights) or recognition (its trained model).")
    ] = "library",
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

        try:
            results = solve_many(task_list, lib, timeout=timeout, top_k=top, jobs=jobs,
                                 prior=prior, on_result=on_result)
        except ValueError as e:
            fail(str(e))
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
