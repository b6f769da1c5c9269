"""``hortus bench digits``: hybrid programs on handwritten digits, structure searched.

1. **The supervised ceiling**: the network a hole gets (the template for ``image -> int``),
   trained on the labelled training pool for the same time a task gets (the best weights on
   held-aside labelled images kept); its digit accuracy ``p`` on the test pool.
2. **Each task** (:data:`hortus.domains.digits.FAMILIES`) from its outputs only: the hybrid
   searcher finds the program and trains its hole. Reported per task: the accuracy on test
   examples (images from the test pool), the ceiling ``p^n`` its examples imply (n digits read
   per example), the hole's own digit accuracy on the test pool, the program, the seconds.
   ``sum`` is trained on lists of 2-5 and tested at 6-8 and at 15 too.
3. **Lifelong**: the first task's trained module goes into a library (SQLite, a temporary
   file) and every later task is searched again with it, against its from-scratch run: the
   seconds and the training examples seen until the held-aside accuracy reached the target
   (the ceiling on the validation pool, less 2 points), and the accuracy.

Training stops early at the target; the test pool is used for nothing but the figures.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from hortus.bench._report import write
from hortus.domains import digits as dg
from hortus.lang.parse import parse
from hortus.lang.types import parse_type
from hortus.search import SearchBudget
from hortus.tasks.task import Example, Task
from hortus.train.trainer import task_examples

DEFAULT_TASKS = ("add2", "sum", "count-3", "max", "less-than", "sort", "product", "mod",
                 "add-mod-3", "add-sub")
FIRST = "add2"  # the lifelong run starts from this task's module
MARGIN = 0.02  # "within 2 points of the ceiling"


def _task(name: str, pairs: Sequence[tuple[tuple[Any, ...], Any]], request: str) -> Task:
    return Task.build(name, [Example(tuple(xs), y) for xs, y in pairs], parse_type(request))


def ceiling_network(pools: dg.Pools, seconds: float) -> tuple[Any, float, float, float]:
    """The supervised network: (trained program, test accuracy, validation accuracy, s)."""
    from hortus.train import TrainConfig, train

    h, w = pools.shape
    request = parse_type(f"image({h}, {w}) -> int")
    program = parse("(lambda (??digit $0))")
    start = time.perf_counter()
    fit = train(program, request, [((x,), y) for x, y in pools.train],
                TrainConfig(seconds=seconds, steps=100_000))
    elapsed = time.perf_counter() - start
    return (fit, fit.accuracy([((x,), y) for x, y in pools.test]),
            fit.accuracy([((x,), y) for x, y in pools.validation]), elapsed)


def digit_accuracy(trained: Any, pools: dg.Pools) -> float | None:
    """How often the trained hole reading one image names its digit, on the test pool."""
    if trained is None or not trained.modules:
        return None
    name = sorted(trained.modules)[0]
    images = [x for x, _ in pools.test]
    trained.prepare(name, images)
    predict = trained.fillers()[name]
    return float(sum(predict(x) == y for x, y in pools.test) / len(pools.test))


def run_digits(source: str = "mnist", tasks: Sequence[str] | None = None,
               timeout: float = 120.0, train_examples: int = 3000, test_examples: int = 1000,
               lifelong: bool = True, seed: int = 0, results_dir: Path | None = None,
               console: Console | None = None,
               progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    from hortus.lang.primitives._registry import domain_set, lookup
    from hortus.prior.grammar import Grammar
    from hortus.train import TrainConfig
    from hortus.train.search import HybridConfig, HybridSearcher

    say = progress or (lambda _: None)
    names = list(tasks or DEFAULT_TASKS)
    for n in names:
        if n not in dg.FAMILIES:
            raise ValueError(f"unknown digits task {n!r}; known: {', '.join(dg.FAMILIES)}")
    pools = dg.pools(source)
    say(f"ceiling: a supervised network on {len(pools.train)} labelled images")
    _, p, p_val, ceiling_seconds = ceiling_network(pools, timeout)
    say(f"ceiling: digit accuracy {p:.3f} on the test pool ({ceiling_seconds:.0f} s)")
    grammar = Grammar.uniform([lookup(n) for n in domain_set(("lists", "digits"))])

    def attempt(name: str, modules: dict[str, Any] | None, seed_: int) -> dict[str, Any]:
        fam = dg.FAMILIES[name]
        request = dg.request(fam, pools)
        train_set = dg.examples(fam, pools, "train", train_examples, seed_)
        task = _task(name, train_set, request)
        tests = {"test": dg.examples(fam, pools, "test", test_examples, seed_ + 1)}
        if name == "sum":
            tests["test 6-8"] = dg.examples(fam, pools, "test", test_examples, seed_ + 2, (6, 8))
            tests["test 15"] = dg.examples(fam, pools, "test", test_examples, seed_ + 3,
                                           (15, 15))
        need = sum(fam.digits(xs) for xs, _ in train_set) / len(train_set)
        target = p_val ** need - MARGIN
        searcher = HybridSearcher(HybridConfig(seed=seed_),
                                  TrainConfig(target=target, seed=seed_), modules)
        start = time.perf_counter()
        result = searcher.search(task, grammar, SearchBudget(timeout=timeout))
        seconds = time.perf_counter() - start
        trained = result.trained
        row: dict[str, Any] = {
            "name": name, "program": str(result.best.program) if result.best else None,
            "seconds": round(seconds, 2),
            "reached": round(result.stats["reached"], 2) if "reached" in result.stats else None,
            "reached_examples": (result.stats.get("train") or {}).get("reached_examples"),
            "candidates": result.stats.get("ranked", [])}
        for label, pairs in tests.items():
            test_task = _task(name, pairs, request)
            acc = trained.accuracy(task_examples(test_task)) if trained is not None and \
                result.best else 0.0
            ceiling = sum(p ** fam.digits(xs) for xs, _ in pairs) / len(pairs)
            key = "" if label == "test" else f" ({label[5:]})"
            row[f"accuracy{key}"] = round(acc, 4)
            row[f"ceiling{key}"] = round(ceiling, 4)
        row["digit_accuracy"] = digit_accuracy(trained if result.best else None, pools)
        row["_trained"] = trained
        return row

    rows = []
    for k, name in enumerate(names):
        say(f"task {k + 1}/{len(names)}: {name} from scratch")
        rows.append(attempt(name, None, seed))
        say(f"  {rows[-1]['program']}: accuracy {rows[-1]['accuracy']:.3f} "
            f"(ceiling {rows[-1]['ceiling']:.3f}), {rows[-1]['seconds']:.0f} s")
    report: dict[str, Any] = {"source": source, "digit_accuracy": round(p, 4),
                              "digit_accuracy_validation": round(p_val, 4),
                              "ceiling_seconds": round(ceiling_seconds, 1),
                              "timeout": timeout, "train_examples": train_examples,
                              "test_examples": test_examples}
    if lifelong and FIRST in names and len(names) > 1:
        report["lifelong"] = _lifelong(rows, names, attempt, say)
    for r in rows:
        r.pop("_trained", None)
    report["tasks"] = rows
    if results_dir is not None:
        stem = "digits" if source == "mnist" else f"digits-{source}"
        report["plot"] = _plot(report, results_dir / f"{stem}.png")
        write(results_dir, stem, report)
    if console is not None:
        _print(report, console)
    return report


def _lifelong(rows: list[dict[str, Any]], names: list[str],
              attempt: Callable[[str, dict[str, Any] | None, int], dict[str, Any]],
              say: Callable[[str], None]) -> dict[str, Any]:
    """Store the first task's module in a library, reuse it for the others."""
    from hortus.library import Library
    from hortus.train.modules import load_modules, save_module

    first = next(r for r in rows if r["name"] == FIRST)
    trained = first["_trained"]
    if trained is None or not first["program"]:
        return {"error": f"{FIRST} was not solved: nothing to reuse"}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'digits.db'}"
        lib = Library.create(url, ("lists", "digits"))
        module = trained.modules[sorted(trained.modules)[0]]
        save_module(lib, "digit", module, {"task": FIRST, "accuracy": first["accuracy"],
                                           "digit_accuracy": first["digit_accuracy"]})
        modules = load_modules(lib)
        lib.close()
    out = []
    for name in names:
        if name == FIRST:
            continue
        say(f"lifelong: {name} with the library's digit module")
        scratch = next(r for r in rows if r["name"] == name)
        again = attempt(name, modules, 0)
        out.append({"name": name, "program": again["program"],
                    "accuracy": again["accuracy"], "ceiling": again["ceiling"],
                    "seconds": again["seconds"], "reached": again["reached"],
                    "reached_examples": again["reached_examples"],
                    "scratch_accuracy": scratch["accuracy"],
                    "scratch_seconds": scratch["seconds"], "scratch_reached": scratch["reached"],
                    "scratch_reached_examples": scratch["reached_examples"]})
    pairs = [(t["reached"], t["scratch_reached"]) for t in out
             if t["reached"] is not None and t["scratch_reached"] is not None]
    return {"from": FIRST, "tasks": out,
            "time_ratio": (round(sum(a for a, _ in pairs) / sum(b for _, b in pairs), 3)
                           if pairs and sum(b for _, b in pairs) > 0 else None),
            "reached_both": len(pairs)}


def _plot(report: dict[str, Any], path: Path) -> str | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    rows = report["tasks"]
    fig, ax = plt.subplots(figsize=(8, 4), dpi=120)
    xs = range(len(rows))
    ax.bar([x - 0.2 for x in xs], [r["accuracy"] for r in rows], 0.4, label="found program")
    ax.bar([x + 0.2 for x in xs], [r["ceiling"] for r in rows], 0.4, label="ceiling p^n")
    ax.set_xticks(list(xs), [r["name"] for r in rows], rotation=30, ha="right")
    ax.set_ylim(0, 1)
    ax.set_ylabel("test accuracy")
    ax.set_title(f"digits ({report['source']}): p = {report['digit_accuracy']:.3f}")
    ax.legend(loc="lower left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return str(path)


def _print(report: dict[str, Any], console: Console) -> None:
    table = Table(title=f"digits ({report['source']}): supervised digit accuracy p = "
                        f"{report['digit_accuracy']:.3f}")
    for col in ("task", "accuracy", "ceiling", "gap", "digit acc.", "program", "s"):
        table.add_column(col, justify="left" if col in ("task", "program") else "right")
    for r in report["tasks"]:
        extra = [(k, k.replace("accuracy", "ceiling")) for k in r
                 if k.startswith("accuracy (")]
        for acc_key, ceil_key in [("accuracy", "ceiling"), *extra]:
            label = r["name"] + acc_key[8:]
            gap = (r[acc_key] - r[ceil_key]) * 100
            digit = r["digit_accuracy"]
            table.add_row(label, f"{r[acc_key]:.3f}", f"{r[ceil_key]:.3f}", f"{gap:+.1f}",
                          "-" if digit is None else f"{digit:.3f}",
                          (r["program"] or "-") if acc_key == "accuracy" else "",
                          f"{r['seconds']:.0f}" if acc_key == "accuracy" else "")
    console.print(table)
    life = report.get("lifelong")
    if life and "tasks" in life:
        t2 = Table(title=f"lifelong: later tasks with {life['from']}'s module in the library")
        for col in ("task", "acc. (library)", "acc. (scratch)", "s to target (library)",
                    "s to target (scratch)", "examples (library)", "examples (scratch)"):
            t2.add_column(col, justify="left" if col == "task" else "right")

        def show(v: Any) -> str:
            return "-" if v is None else (f"{v:.3f}" if isinstance(v, float) and v < 1.5
                                          else str(round(v, 1)))

        for t in life["tasks"]:
            t2.add_row(t["name"], show(t["accuracy"]), show(t["scratch_accuracy"]),
                       show(t["reached"]), show(t["scratch_reached"]),
                       show(t["reached_examples"]), show(t["scratch_reached_examples"]))
        console.print(t2)
        if life.get("time_ratio") is not None:
            console.print(f"time to target, library / scratch: {life['time_ratio']:.2f} "
                          f"(over the {life['reached_both']} tasks both reached)")


__all__ = ["DEFAULT_TASKS", "run_digits"]
