"""``hortus bench extrapolate``: programs learned from short lists, run on very long ones.

Each list function is searched from at most 10 examples of length at most 5 (values 0-9), and
the program found is run on random lists of length 10 to 10,000; exact-match accuracy against a
Python reference. Beside it, an MLP and a small transformer trained on 10,000 examples of the
same short-list distribution for a fixed number of CPU seconds each (``_networks.py``).
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hortus.eval.budget import Budget
from hortus.eval.interpreter import run as run_program
from hortus.lang.program import Program
from hortus.lang.runtime import EvalError
from hortus.tasks.task import Task

if TYPE_CHECKING:
    from rich.console import Console

    from hortus.search import SearchResult

MAX_LEN = 5  # longest list in training
SCHEDULE = (0, 1, 2, 3, 4, 5, 5, 4, 3, 5)  # lengths of the examples the search sees
IN_DISTRIBUTION = 500  # held-out lists of length <= 5, for every model


def _runs(xs: list[int]) -> list[int]:
    out: list[int] = []
    for i, x in enumerate(xs):
        if i and xs[i - 1] == x:
            out[-1] += 1
        else:
            out.append(1)
    return out


def _prefix(xs: list[int], before: bool) -> list[int]:
    out, total = [], 0
    for x in xs:
        out.append(total + (0 if before else x))
        total += x
    return out


@dataclass(frozen=True)
class Function:
    """A list function: its name, request type, reference implementation and shortest input."""

    name: str
    request: str
    reference: Callable[[list[int]], Any]
    about: str
    min_len: int = 0


LIST = "list(int) -> list(int)"
FUNCTIONS: tuple[Function, ...] = (
    Function("sort", LIST, sorted, "ascending order"),
    Function("sort-desc", LIST, lambda xs: sorted(xs, reverse=True), "descending order"),
    Function("reverse", LIST, lambda xs: xs[::-1], "the list backwards"),
    Function("dedupe", LIST, lambda xs: list(dict.fromkeys(xs)), "first occurrences, in order"),
    Function("prefix-sums", LIST, lambda xs: _prefix(xs, False), "running totals"),
    Function("prefix-sums-before", LIST, lambda xs: _prefix(xs, True),
             "sum of the elements before each (exclusive scan)"),
    Function("run-lengths", LIST, _runs, "lengths of the runs of equal elements"),
    Function("max", "list(int) -> int", max, "largest element", min_len=1),
    Function("sum", "list(int) -> int", sum, "sum of the elements"),
    Function("count-3", "list(int) -> int", lambda xs: xs.count(3), "how many elements are 3"),
    Function("count-distinct", "list(int) -> int", lambda xs: len(set(xs)),
             "how many different values"),
    Function("rotate-1", LIST, lambda xs: xs[1:] + xs[:1], "first element moved to the end"),
    Function("rotate-2", LIST, lambda xs: xs[2:] + xs[:2], "first two elements moved to the end"),
    Function("double", LIST, lambda xs: [2 * x for x in xs], "every element times two"),
    Function("evens", LIST, lambda xs: [x for x in xs if x % 2 == 0], "the even elements"),
    Function("mirror", LIST, lambda xs: xs + xs[::-1], "the list, then the list backwards"),
    Function("interleave-zeros", LIST, lambda xs: [y for x in xs for y in (x, 0)],
             "a 0 after every element"),
)


def select(names: Sequence[str] | None) -> list[Function]:
    """The functions named (all of them when none is)."""
    if not names:
        return list(FUNCTIONS)
    known = {f.name: f for f in FUNCTIONS}
    missing = [n for n in names if n not in known]
    if missing:
        raise ValueError(f"no function named {', '.join(map(repr, missing))}; known: "
                         f"{', '.join(known)}")
    return [known[n] for n in dict.fromkeys(names)]


def training_inputs(fn: Function, count: int, rng: random.Random) -> list[list[int]]:
    """Inputs of the examples the search sees: lengths 0-5 (see ``SCHEDULE``).

    Every other list draws from 0-3 (ties and repeats, for sort, dedupe, counts); the others
    walk through shuffles of 0-9, so that ten examples show every value.
    """
    stream: list[int] = []
    out = []
    for k in range(count):
        n = max(SCHEDULE[k % len(SCHEDULE)], fn.min_len)
        if k % 2:
            out.append([rng.randint(0, 3) for _ in range(n)])
            continue
        while len(stream) < n:
            stream += rng.sample(range(10), 10)
        out.append(stream[:n])
        del stream[:n]
    return out


def sample_input(rng: random.Random, min_len: int = 0) -> list[int]:
    """A list of the training distribution: length 0-5, values 0-9 (or 0-3, half the time)."""
    top = 9 if rng.random() < 0.5 else 3
    return [rng.randint(0, top) for _ in range(rng.randint(min_len, MAX_LEN))]


def test_inputs(n: int, count: int, rng: random.Random) -> list[list[int]]:
    """``count`` lists of length ``n``, values 0-9."""
    return [[rng.randrange(10) for _ in range(n)] for _ in range(count)]


def make_task(fn: Function, count: int, seed: int) -> Task:
    """The task the search sees: ``count`` examples of the function on short lists."""
    rng = random.Random(f"{seed}:{fn.name}:examples")
    pairs = [(xs, fn.reference(list(xs))) for xs in training_inputs(fn, count, rng)]
    return Task.from_examples(pairs, name=fn.name, request=fn.request)


def program_accuracy(program: Program | None, fn: Function, inputs: Sequence[list[int]],
                     budget: Budget) -> float:
    """Fraction of ``inputs`` on which ``program`` gives exactly the reference's output."""
    if program is None or not inputs:
        return 0.0
    right = 0
    for xs in inputs:
        with contextlib.suppress(EvalError, TypeError, RecursionError):
            right += run_program(program, [xs], budget=budget) == fn.reference(list(xs))
    return right / len(inputs)


@dataclass
class Setup:
    """The benchmark's settings (every option of the command)."""

    timeout: float = 30.0
    examples: int = 10
    test_count: int = 20
    long_count: int = 5  # lists per length over 1,000 for the transformer (attention: O(n^2))
    lengths: tuple[int, ...] = (10, 100, 1000, 10000)
    train_seconds: float = 10.0
    train_size: int = 10_000
    seed: int = 0
    jobs: int | None = None


def run_extrapolate(setup: Setup, functions: Sequence[Function], results_dir: Path,
                    console: Console | None, progress: Console | None = None
                    ) -> dict[str, Any]:
    """Search, run programs long, train and test the networks; print and write the report."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from hortus.bench._extrapolate_report import plot, show, summarize
    from hortus.bench._report import write
    from hortus.solving import solve_many

    if not 1 <= setup.examples <= len(SCHEDULE):
        raise ValueError(f"--examples must be 1 to {len(SCHEDULE)}, got {setup.examples}")
    tasks = [make_task(fn, setup.examples, setup.seed) for fn in functions]
    rows: list[dict[str, Any]] = []
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=progress, transient=True,
                  disable=progress is None or not progress.is_terminal) as bar:
        job = bar.add_task("searching", total=len(tasks))
        start = time.perf_counter()
        results = solve_many(tasks, None, timeout=setup.timeout, jobs=setup.jobs, record=False,
                             on_result=lambda i, r: bar.update(job, advance=1))
        search_wall = time.perf_counter() - start
        job = bar.add_task("running programs and networks", total=len(functions))
        for fn, task, result in zip(functions, tasks, results, strict=True):
            rows.append(_evaluate(fn, task, result, setup))
            bar.update(job, advance=1)
    summary = summarize(rows, setup, search_wall)
    report = {"summary": summary, "functions": rows}
    name = "extrapolate" if len(functions) == len(FUNCTIONS) else "extrapolate-selected"
    path = write(results_dir, name, report)
    picture = plot(summary, results_dir / f"{name}.png")
    if console is not None:
        show(summary, rows, console)
        console.print(f"written to {path}" + (f" and {picture}" if picture else ""))
    return report


def _evaluate(fn: Function, task: Task, result: SearchResult, setup: Setup) -> dict[str, Any]:
    """One function's row: the program and both networks, in distribution and at each length."""
    from hortus.bench._networks import train_and_test

    best = result.best.program if result.best else None
    rng = random.Random(f"{setup.seed}:{fn.name}:networks")
    train = [sample_input(rng, fn.min_len) for _ in range(setup.train_size)]
    seen = {tuple(x) for x in train} | {tuple(ex.inputs[0]) for ex in task.examples}
    held: list[list[int]] = []
    for _ in range(100 * IN_DISTRIBUTION):  # bounded: a huge training set may leave few
        xs = sample_input(rng, fn.min_len)
        if tuple(xs) not in seen:
            held.append(xs)
            if len(held) == IN_DISTRIBUTION:
                break
    tests = {n: test_inputs(n, setup.test_count, random.Random(f"{setup.seed}:{fn.name}:{n}"))
             for n in setup.lengths}
    budget = Budget(steps=10**10, time=300.0, max_len=max(100_000, 4 * max(setup.lengths)))
    accuracy: dict[str, float | None] = {"in": program_accuracy(best, fn, held, budget)}
    seconds: dict[str, float] = {}
    for n, lists in tests.items():
        start = time.perf_counter()
        accuracy[str(n)] = program_accuracy(best, fn, lists, budget)
        seconds[str(n)] = time.perf_counter() - start
    networks = train_and_test(fn.reference, train, held, tests, setup.train_seconds,
                              setup.long_count, setup.seed)
    return {
        "function": fn.name, "about": fn.about, "request": fn.request,
        "examples": [{"input": ex.inputs[0], "output": ex.output} for ex in task.examples],
        "solved": result.solved, "program": str(best) if best is not None else None,
        "search_time": result.time, "found_after": result.best.time if result.best else None,
        "tried": result.tried, "cut": result.cut,
        "tested": {str(n): len(lists) for n, lists in tests.items()},
        "accuracy": {"program": accuracy, **{k: v["accuracy"] for k, v in networks.items()}},
        "program_seconds": seconds,
        "networks": {k: {m: x for m, x in v.items() if m != "accuracy"}
                     for k, v in networks.items()},
    }
