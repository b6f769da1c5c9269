"""The ``bench`` commands: each prints a table and writes JSON under a results folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hortus.cli._app import (
    JsonOpt,
    ResultsOpt,
    bench_app,
    err,
    fail,
    out,
)

if TYPE_CHECKING:
    pass


# ------------------------------------------------------------ benchmarks




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
