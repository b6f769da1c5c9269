"""Commands that search and run programs: ``solve``, ``run``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from hortus.cli._app import (
    EXIT_RUNTIME,
    EXIT_UNSOLVED,
    JsonOpt,
    LibraryOpt,
    SetOpt,
    app,
    err,
    fail,
    load_task_file,
    open_library,
    out,
    plain,
    positive_seconds,
    searcher_options,
)

if TYPE_CHECKING:
    from hortus.library import Library
    from hortus.search import SearchResult
    from hortus.tasks.task import Task


# ------------------------------------------------------------ solve


@app.command()
def solve(
    tasks: Annotated[str, typer.Argument(help="Task file (.json, .jsonl, DreamCoder format) or "
                                              "a bundled set, e.g. 'lists'.")],
    library: LibraryOpt = None,
    timeout: Annotated[float, typer.Option(help="Seconds of search per task.",
                                           callback=positive_seconds)] = 10.0,
    jobs: Annotated[int | None, typer.Option(help="Parallel searches (default: all cores).")
                    ] = None,
    top: Annotated[int, typer.Option(help="Programs to return per task.")] = 1,
    prior: Annotated[str, typer.Option(
        help="uniform, library (its fitted weights) or recognition (its trained model).")
    ] = "library",
    grow_types: Annotated[int, typer.Option(
        "--grow-types", help="Types programs may use inside beyond the task's own: the N the "
                             "routines need most, e.g. list(list(int)) (0: none).")] = 1,
    extra_type: Annotated[list[str] | None, typer.Option(
        "--extra-type", help="A type programs may use inside, e.g. 'pair(int, int)' "
                             "(repeatable).")] = None,
    ask: Annotated[bool, typer.Option(
        "--ask", help="When programs that fit disagree, ask for the right output on the input "
                      "that settles it, add it as an example and search again, until no "
                      "question is left.")] = False,
    predictions: Annotated[Path, typer.Option(
        help="Where to write the predicted outputs of tasks that carry test inputs (ARC "
             "tasks): JSON, two attempts per test input.")] = Path("predictions.json"),
    settings: SetOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Search for a program for every task, record the results in the library, show a table."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from hortus.solving import solve_many

    if timeout <= 0 or top < 1 or (jobs is not None and jobs < 1):
        fail("--timeout must be positive, --top and --jobs at least 1")
    if grow_types < 0:
        fail("--grow-types must be 0 or more")
    options = searcher_options(settings, cfg={"grow_types": grow_types,
                                              "extra_types": extra_type or []})
    task_list = load_task_file(tasks)
    lib = open_library(library)
    tested = [t for t in task_list if t.metadata.get("test")]
    if tested:
        from hortus.eval.predict import TOP_K

        top = max(top, TOP_K)
    solved = 0
    with lib:
        _check_domains(task_list, lib)
        with Progress("[progress.description]{task.description}", BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                      transient=True, disable=not err.is_terminal) as progress:
            bar = progress.add_task("solving", total=len(task_list))

            def on_result(i: int, result: SearchResult) -> None:
                nonlocal solved
                solved += result.solved
                progress.update(bar, advance=1, description=f"solved {solved}")
                if json_out and not ask:
                    print(json.dumps(result.to_json()), flush=True)

            hybrid = _hybrid_indices(task_list)
            plain_tasks = [t for k, t in enumerate(task_list) if k not in hybrid]
            found: dict[int, SearchResult] = {}
            try:
                for k in sorted(hybrid):
                    found[k] = _solve_hybrid(task_list[k], lib, timeout, settings)
                    on_result(k, found[k])
                order = [k for k in range(len(task_list)) if k not in hybrid]
                if plain_tasks:
                    for k, r in zip(order, solve_many(
                            plain_tasks, lib, timeout=timeout, top_k=top, jobs=jobs,
                            prior=prior, on_result=lambda i, r: on_result(order[i], r),
                            options=options), strict=True):
                        found[k] = r
            except ValueError as e:
                fail(str(e))
            results = [found[k] for k in range(len(task_list))]
        if ask:
            def again(t: Task) -> SearchResult:
                return solve_many([t], lib, timeout=timeout, top_k=top, jobs=1, prior=prior,
                                  options=options)[0]

            results = [settle(task, r, again) for task, r in zip(task_list, results, strict=True)]
            solved = sum(r.solved for r in results)
            if json_out:
                for r in results:
                    print(json.dumps(r.to_json()), flush=True)
    if tested:
        _write_predictions(predictions, task_list, results, quiet=json_out)
    if not json_out:
        show_results(results)
    raise typer.Exit(0 if solved == len(task_list) else EXIT_UNSOLVED)


def _check_domains(tasks: list[Task], lib: Library) -> None:
    """Fail clearly when a task's types belong to a domain the library was not made with
    (its grammar would not have their primitives)."""
    from hortus.domains import default_names, needed_by, parse_names
    from hortus.library.engine import display

    have = set(parse_names(lib.meta().get("domains") or ",".join(default_names())))
    for task in tasks:
        missing = sorted(needed_by(task.request) - have)
        if missing:
            fail(f"task {task.name!r} has type {task.request}, whose values belong to the "
                 f"{', '.join(missing)} domain; library {display(lib.url)} was not created "
                 f"with it: create one with `hortus library init --library URL --domain "
                 f"{','.join(missing)}`")


def _write_predictions(path: Path, tasks: list[Task], results: list[SearchResult],
                       quiet: bool) -> None:
    """Each tested task's attempts on its test inputs, as ARC's submission JSON."""
    from hortus.eval.predict import of_result, submission

    data = {t.name: submission(t, of_result(t, r))
            for t, r in zip(tasks, results, strict=True) if t.metadata.get("test")}
    try:
        path.write_text(json.dumps(data) + "\n")
    except OSError as e:
        fail(f"cannot write the predictions to {path}: {e.strerror or e}")
    if not quiet:
        err.print(plain(f"predictions for {len(data)} task(s) written to {path}"))


MAX_INPUT_FILE = 64 * 2**20


def _file_or_text(text: str) -> str:
    """The JSON text of an input: itself, or the file it names when it is not JSON."""
    try:
        json.loads(text)
        return text
    except (ValueError, RecursionError):
        pass
    path = Path(text)
    try:
        named = path.is_file()
    except (OSError, ValueError):  # a name too long, a NUL: not a file, so bad JSON
        named = False
    if not named:
        return text
    try:
        with path.open("rb") as f:
            data = f.read(MAX_INPUT_FILE + 1)
        if len(data) > MAX_INPUT_FILE:
            fail(f"input file {text} is larger than {MAX_INPUT_FILE >> 20} MiB")
        return data.decode("utf-8-sig")
    except OSError as e:
        fail(f"cannot read the input file {text}: {e.strerror or e}")
    except UnicodeDecodeError:
        fail(f"input file {text} is not UTF-8 text")
    return text


def _hybrid_indices(tasks: list[Task]) -> set[int]:
    """The tasks for hortus.train's hybrid searcher (``solving.is_hybrid``)."""
    from hortus.train.solving import is_hybrid

    return {k for k, t in enumerate(tasks) if is_hybrid(t)}


def _solve_hybrid(task: Task, lib: Library, timeout: float, settings: list[str] | None
                  ) -> SearchResult:
    try:
        from hortus.train.solving import solve_hybrid
    except ImportError as e:
        fail(f"task {task.name!r} reads images or tensors, which needs PyTorch ({e}): "
             f"pip install 'hortus[learn]'")
    from hortus.train import HoleTypeError, TrainError
    from hortus.train.modules import ModuleError

    options = searcher_options(settings) if settings else {}
    try:
        return solve_hybrid(task, lib, timeout, options)
    except (TrainError, HoleTypeError, ModuleError) as e:
        fail(f"task {task.name!r}: {e}")
    except TypeError as e:
        fail(f"task {task.name!r}: {e}")


def _library_modules(lib: Library) -> dict[str, Any]:
    """The library's trained modules (its neural routines), or a clear error."""
    try:
        from hortus.train.modules import ModuleError, load_modules
    except ImportError as e:
        fail(f"the library holds neural routines, which need PyTorch to run ({e}): "
             f"pip install 'hortus[learn]'")
    try:
        return load_modules(lib)
    except ModuleError as e:
        fail(str(e))


def settle(task: Task, result: SearchResult, search: Callable[[Task], SearchResult]
           ) -> SearchResult:
    """Ask for the right output on the task's question, add it, search again; repeat."""
    from hortus.eval.values import check_plain, loads

    while result.question is not None:
        show_question(result)
        try:
            text = err.input(plain("right output (JSON; empty to stop asking): ")).strip()
        except EOFError:
            break
        if not text:
            break
        try:
            answer = loads(text)
            check_plain(answer)
            task = task.refine(result.question.input, answer)
        except (ValueError, RecursionError) as e:  # bad JSON, a bad value, or one of bad type
            message = e.msg if isinstance(e, json.JSONDecodeError) else str(e)
            if isinstance(e, RecursionError):
                message = "nested too deeply"
            err.print(Text.assemble(("not taken: ", "bold red"), plain(message)))
            continue
        result = search(task)
        err.print(plain(f"{task.name}: {len(task.examples)} examples, best program "
                        f"{result.best.program if result.best else '(none found)'}"))
    return result


def show_results(results: list[SearchResult]) -> None:
    table = Table(title="Programs found", show_lines=False)
    table.add_column("task", overflow="fold")
    table.add_column("best program(s)", overflow="fold")
    table.add_column("time (s)", justify="right")
    table.add_column("programs tried", justify="right")
    for r in results:
        if r.solutions:
            program = plain("\n".join(str(c.program) for c in r.solutions))
            report = getattr(r.trained, "report", None)
            if report is not None:
                program.append(f" (trained: {report.accuracy:.1%} right on "
                               f"{report.held_aside} held-aside examples)", style="cyan")
            flags = [f for f, on in (("ambiguous", r.ambiguous), ("fragile", r.fragile)) if on]
            if flags:
                program.append(f" ({', '.join(flags)})", style="yellow")
        else:
            program = Text(f"not found ({r.cut or 'exhausted'})", style="dim")
        table.add_row(plain(r.task), program, f"{r.time:.2f}", f"{r.tried:,}")
    out.print(table)
    for r in results:
        if r.question is not None:
            show_question(r, out)
        if r.fragile:
            show_fragile(r, out)
    solved = sum(r.solved for r in results)
    total = sum(r.time for r in results)
    flagged = [f"{n} {what}" for what, n in (
        ("ambiguous", sum(r.ambiguous for r in results)),
        ("fragile", sum(r.fragile for r in results))) if n]
    out.print(f"solved {solved}/{len(results)} tasks"
              + (f" ({', '.join(flagged)})" if flagged else "")
              + f"; {total:.1f} s of search in all")


def show_fragile(r: SearchResult, console: Console = err) -> None:
    """Which examples the program hinges on: more examples like them would settle it."""
    hinges = ", ".join(f"{x.example + 1}" for x in r.leave_one_out)
    x = r.leave_one_out[0]
    console.print(plain(f"{r.task}: fragile. The program hinges on example(s) {hinges}: "
                        f"without example {x.example + 1} the search would have returned "
                        f"{x.program}, which is wrong on it. More examples would settle it."),
                  soft_wrap=True)


def show_question(r: SearchResult, console: Console = err) -> None:
    """What the programs that fit answer on the input that tells them apart."""
    q = r.question
    assert q is not None
    shown = ", ".join(json.dumps(x) for x in q.input)
    console.print(plain(f"{r.task}: ambiguous. Programs that fit the examples disagree on "
                        f"input {shown}:"), soft_wrap=True)
    table = Table(box=None, show_header=True, padding=(0, 2))
    table.add_column("output")
    table.add_column("probability", justify="right")
    table.add_column("programs", overflow="fold")
    for a in q.answers:
        output = Text("fails", style="dim") if a.failed else plain(json.dumps(a.output))
        table.add_row(output, f"{a.probability:.0%}", plain("\n".join(map(str, a.programs))))
    console.print(table)


# ------------------------------------------------------------ run


@app.command()
def run(
    program: Annotated[str, typer.Argument(help="Program text, e.g. '(lambda (sort $0))'.")],
    inputs: Annotated[list[str] | None, typer.Argument(help="Inputs as JSON, e.g. '[3, 1, 2]'.")
                      ] = None,
    library: LibraryOpt = None,
    timeout: Annotated[float, typer.Option(help="Wall-clock seconds allowed.",
                                           callback=positive_seconds)] = 5.0,
    steps: Annotated[int, typer.Option(help="Loop iterations allowed.", min=1)] = 1_000_000,
) -> None:
    """Apply a program to inputs and print the output as JSON.

    Routine names resolve in the library when ``--library`` is given.
    """
    from hortus.eval.budget import Budget
    from hortus.eval.interpreter import run_json
    from hortus.eval.values import ValueTypeError, check_plain, loads, show_value
    from hortus.lang import ProgramSyntaxError, ProgramTypeError, typecheck_text
    from hortus.lang.runtime import EvalError

    namespace = None
    modules: dict[str, Any] = {}
    if library is not None:
        with open_library(library) as lib:
            namespace = lib.grammar().namespace()
            if any(r.kind == "neural" for r in lib.routines()):
                modules = _library_modules(lib)
    try:
        parsed, _ = typecheck_text(program, namespace=namespace)
        if modules:
            from hortus.lang.infer import typecheck
            from hortus.train.solving import typed_holes

            parsed = typed_holes(parsed, {n: m.tp for n, m in modules.items()})
            typecheck(parsed)
    except (ProgramSyntaxError, ProgramTypeError) as e:
        fail(str(e))
    values = []
    for k, text in enumerate(inputs or []):
        try:
            value = loads(_file_or_text(text))
            check_plain(value)
        except json.JSONDecodeError as e:
            fail(f"input {k + 1} is not valid JSON ({e.msg} at column {e.colno}): "
                 f"{show_value(text, 80)}")
        except RecursionError:
            fail(f"input {k + 1}: values nested too deeply")
        except ValueTypeError as e:
            fail(f"input {k + 1}: {e}")
        values.append(value)
    try:
        # the output is written under the budget: its size is paid for in steps
        if modules:
            from hortus.eval.interpreter import filling
            from hortus.train import TrainedProgram
            from hortus.train.trainer import holes_of_text

            used = {n: modules[n] for n in holes_of_text(parsed) if n in modules}
            with filling(TrainedProgram(parsed, used, parsed.type).fillers()):
                result = run_json(parsed, values, budget=Budget(steps=steps, time=timeout))
        else:
            result = run_json(parsed, values, budget=Budget(steps=steps, time=timeout))
    except EvalError as e:
        fail(str(e), EXIT_RUNTIME)
    except TypeError as e:
        fail(str(e))
    print(result)

