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


# ------------------------------------------------------------ learn


@app.command()
def learn(
    tasks: Annotated[str | None, typer.Argument(help="Task file or bundled set, e.g. 'lists' "
                                                     "(not needed with --resume).")] = None,
    library: LibraryOpt = None,
    iterations: Annotated[int, typer.Option(help="Wake/abstraction/dreams cycles.")] = 3,
    timeout: Annotated[float, typer.Option(help="Seconds of search per task.")] = 10.0,
    batch: Annotated[int | None, typer.Option(help="Training tasks searched per iteration "
                                                   "(default: all).")] = None,
    test_split: Annotated[float, typer.Option(help="Fraction of tasks held out for testing.")
                          ] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed of every random choice.")] = 0,
    prior: Annotated[str, typer.Option(help="uniform, library or recognition.")
                     ] = "recognition",
    abstraction: Annotated[bool, typer.Option(help="Learn new routines.")] = True,
    seen_examples: Annotated[int | None, typer.Option(
        help="Examples a search sees; the others judge its program.")] = None,
    max_programs: Annotated[int | None, typer.Option(
        help="Programs tried per search at most (makes runs reproducible).")] = None,
    dreams: Annotated[int, typer.Option(help="Dreams per iteration (recognition prior).")
                      ] = 500,
    jobs: Annotated[int | None, typer.Option(help="Parallel searches (default: all cores).")
                    ] = None,
    resume: Annotated[bool, typer.Option(help="Go on with the latest unfinished run.")] = False,
    run_id: Annotated[int | None, typer.Option("--run", help="Run to resume.")] = None,
) -> None:
    """Lifelong learning: solve, abstract new routines, train the prior, and again."""
    from hortus.learn import LearnConfig, Learner
    from hortus.library import LibraryError

    lib = open_library(library)
    with lib, LearnProgress() as events:
        try:
            if resume or run_id is not None:
                learner = Learner.resume(lib, run_id, events)
                out.print(f"resuming learning run {learner.run_id}")
            else:
                if tasks is None:
                    fail("give a task file (or --resume)")
                config = LearnConfig(iterations=iterations, timeout=timeout, batch=batch,
                                     test_split=test_split, seed=seed, prior=prior,
                                     abstraction=abstraction, seen_examples=seen_examples,
                                     max_programs=max_programs, dreams=dreams, jobs=jobs)
                learner = Learner.start(lib, load_task_file(tasks), config, events, tasks)
                out.print(f"learning run {learner.run_id}: {len(learner.train)} training "
                          f"task(s), {len(learner.test)} test task(s)")
            learner.run()
        except (ValueError, LibraryError) as e:
            fail(str(e))


class LearnProgress:
    """Progress bars for the phases of a learning run, and its table after each iteration."""

    def __enter__(self) -> LearnProgress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self.progress = Progress("[progress.description]{task.description}", BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                                 transient=True, disable=not err.is_terminal)
        self.progress.__enter__()
        self.bar: Any = None
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def phase_started(self, iteration: int, phase: str, total: int) -> None:
        if self.bar is not None:
            self.progress.remove_task(self.bar)
        self.bar = self.progress.add_task(f"iteration {iteration}: {phase}", total=total)

    def advanced(self, iteration: int, phase: str, detail: str) -> None:
        if self.bar is not None:
            self.progress.update(self.bar, advance=1)

    def phase_done(self, iteration: int, phase: str, stats: dict[str, Any]) -> None:
        if self.bar is not None:
            self.progress.remove_task(self.bar)
            self.bar = None
        seconds = stats.get("seconds")
        took = f" in {seconds:.1f} s" if isinstance(seconds, int | float) else ""
        if phase in ("wake", "test"):
            err.print(f"iteration {iteration} {phase}: solved {stats['solved']}/"
                      f"{stats['tasks']}{took}")
        else:
            err.print(f"iteration {iteration} {phase} done{took}")

    def iteration_done(self, row: Any) -> None:
        table = Table(title=f"After iteration {row.iteration}")
        for col in ("train solved", "test solved", "test right", "routines learned"):
            table.add_column(col, justify="right")
        test = "-" if row.test_solved is None else f"{row.test_solved}/{row.test_tasks}"
        right = "-" if row.test_right is None else f"{row.test_right}/{row.test_tasks}"
        table.add_row(f"{row.train_solved}/{row.train_tasks}", test, right,
                      str(row.library_size))
        out.print(table)
        if row.new_routines:
            new = Table(title="New routines")
            for col in ("name", "type", "body", "uses"):
                new.add_column(col, overflow="fold")
            for r in row.new_routines:
                new.add_row(r["name"], r["type"], r["body"], str(r.get("uses", "")))
            out.print(new)


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


# ------------------------------------------------------------ report


@app.command("report")
def report(
    library: LibraryOpt = None,
    run_id: Annotated[int | None, typer.Option(
        "--run", help="Run to report (default: the latest learning run).")] = None,
    out_file: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")
                        ] = Path("report.html"),
) -> None:
    """Write one self-contained HTML page: learning curves, iterations, routines, solutions."""
    from hortus.library import LibraryError
    from hortus.report import write_report

    with open_library(library) as lib:
        try:
            path = write_report(lib, out_file, run_id=run_id)
        except LibraryError as e:
            fail(str(e))
        except OSError as e:
            fail(f"cannot write {out_file}: {e.strerror or e}")
    out.print(f"wrote {path}", highlight=False)


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


@library_app.command("export")
def library_export(
    file: Annotated[Path, typer.Argument(help="Library file to write (a zip).")],
    library: LibraryOpt = None,
    tasks: Annotated[bool, typer.Option("--tasks/--no-tasks",
                                        help="Include tasks and their best solutions.")] = True,
    json_out: JsonOpt = False,
) -> None:
    """Write the library's routines, weights, models (and tasks) to a portable zip file."""
    from hortus.library import LibraryError
    from hortus.library.portable import export_library

    with open_library(library) as lib:
        try:
            summary = export_library(lib, file, tasks=tasks)
        except LibraryError as e:
            fail(str(e))
    if json_out:
        print(json.dumps(summary.to_json()))
        return
    for note in summary.skipped:
        err.print(f"[yellow]left out:[/] {note}", highlight=False, soft_wrap=True)
    out.print(f"wrote {summary.path}: {summary.routines} routines, {len(summary.blobs)} "
              f"models, {summary.tasks} tasks ({summary.solutions} solved)", highlight=False)


@library_app.command("import")
def library_import(
    file: Annotated[Path, typer.Argument(help="Library file written by 'library export'.")],
    library: LibraryOpt = None,
    replace_weights: Annotated[bool, typer.Option(
        "--replace-weights", help="Take all weights, the bigram table and models of the same "
                                  "name from the file (default: new routines' weights only).")
    ] = False,
    rename: Annotated[bool, typer.Option(
        "--rename", help="Add a routine whose name is taken by another body as NAME-2.")
    ] = False,
    tasks: Annotated[bool, typer.Option("--tasks/--no-tasks",
                                        help="Import the file's tasks and solutions.")] = True,
    json_out: JsonOpt = False,
) -> None:
    """Merge a library file into the library: all of it, or nothing and an error (exit 2)."""
    from hortus.library import LibraryError
    from hortus.library.portable import import_library

    with open_library(library) as lib:
        try:
            summary = import_library(lib, file, replace_weights=replace_weights,
                                     rename=rename, tasks=tasks)
        except LibraryError as e:
            fail(str(e))
    if json_out:
        print(json.dumps(summary.to_json()))
        return
    table = Table(title=f"Imported {summary.path}", show_header=False)
    table.add_row("routines added", ", ".join(summary.added) or "-")
    table.add_row("already present", ", ".join(f"{a} (as {b})" for a, b in summary.skipped)
                  or "-")
    table.add_row("renamed", ", ".join(f"{a} -> {b}" for a, b in summary.renamed) or "-")
    table.add_row("weights", "all replaced" if summary.weights_replaced else
                  "new routines only")
    table.add_row("models", ", ".join([*summary.blobs_added,
                                       *(f"{b} (replaced)" for b in summary.blobs_replaced),
                                       *(f"{b} (kept the library's)" for b in
                                         summary.blobs_kept)]) or "-")
    table.add_row("tasks", f"{summary.tasks} new, {summary.solutions} solutions recorded")
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


@bench_app.command("learn-lists")
def bench_learn_lists(
    iterations: Annotated[int, typer.Option(help="Learning iterations.")] = 3,
    timeout: Annotated[float, typer.Option(help="Seconds of search per task.")] = 10.0,
    seed: Annotated[int, typer.Option(help="Seed of the split and of learning.")] = 0,
    jobs: Annotated[int | None, typer.Option(help="Parallel searches (default: all cores).")
                    ] = None,
    system: Annotated[list[str] | None, typer.Option(
        help="full, no-recognition, no-abstraction, no-learning (repeatable; default all).")
    ] = None,
    dreams: Annotated[int, typer.Option(help="Dreams per iteration.")] = 500,
    limit: Annotated[int | None, typer.Option(help="Only the first N tasks.")] = None,
    results: ResultsOpt = Path("benchmarks/results"),
    json_out: JsonOpt = False,
) -> None:
    """Lifelong learning on the DreamCoder list tasks, with ablations, on held-out tasks."""
    from hortus.bench.learn_lists import SYSTEMS, run_learn_lists

    try:
        report = run_learn_lists(iterations, timeout, seed, jobs, system or list(SYSTEMS),
                                 results, dreams, None if json_out else out, limit)
    except ValueError as e:
        fail(str(e))
    if json_out:
        print(json.dumps({k: {m: v for m, v in r.items() if m != "test_times"}
                          for k, r in report["systems"].items()}))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
