"""Lifelong learning from the command line: ``learn`` with progress and tables."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from hortus.cli._app import (
    LibraryOpt,
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

# ------------------------------------------------------------ learn


@app.command()
def learn(
    tasks: Annotated[str | None, typer.Argument(help="Task file or bundled set, e.g. 'lists' "
                                                     "(not needed with --resume).")] = None,
    library: LibraryOpt = None,
    iterations: Annotated[int, typer.Option(help="Wake/abstraction/dreams cycles.")] = 3,
    timeout: Annotated[float, typer.Option(help="Seconds of search per task.",
                                           callback=positive_seconds)] = 10.0,
    batch: Annotated[int | None, typer.Option(help="Training tasks searched per iteration "
                                                   "(default: all).", min=1)] = None,
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
    jobs: Annotated[int | None, typer.Option(help="Parallel searches (default: all cores).",
                                             min=1)] = None,
    hybrid: Annotated[list[str] | None, typer.Option(
        "--hybrid", metavar="KEY=VALUE",
        help="An option of the hybrid searcher, for tasks that read images or tensors or "
             "return floats, VALUE as JSON, e.g. candidates=2 (repeatable; the fields of "
             "HybridConfig).")] = None,
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
                                     max_programs=max_programs, dreams=dreams, jobs=jobs,
                                     hybrid=searcher_options(hybrid))
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
        elif phase == "abstraction" and stats.get("stitch_failures"):
            err.print(plain(f"iteration {iteration} abstraction: Stitch failed "
                            f"({stats['stitch_failures'][-1]}); kept {stats.get('kept', 0)} "
                            f"routine(s) from fewer iterations{took}"))
        elif phase == "dreams" and isinstance(stats.get("mix"), int | float):
            # how much the model's predictions count against the library's weights, as chosen
            # on held-out solved tasks (0: the library's weights did better)
            err.print(f"iteration {iteration} dreams: recognition model trained, weight "
                      f"{stats['mix']:g} against the library's grammar{took}")
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
                new.add_row(plain(r["name"]), plain(r["type"]), plain(r["body"]),
                            str(r.get("uses", "")))
            out.print(new)
