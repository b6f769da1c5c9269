"""Summary, table and plot of ``hortus bench extrapolate``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from hortus.bench.extrapolate import Setup

MODELS = ("program", "mlp", "transformer")
LABELS = {"program": "program", "mlp": "MLP", "transformer": "transformer"}


def _mean(values: list[float | None]) -> float:
    """Mean accuracy, counting a length a model cannot take (None) as 0."""
    return sum(v or 0.0 for v in values) / len(values) if values else 0.0


def summarize(rows: list[dict[str, Any]], setup: Setup, search_wall: float) -> dict[str, Any]:
    """Mean accuracy per model and length (``in``: held-out lists of length <= 5), and settings."""
    keys = ["in", *(str(n) for n in setup.lengths)]
    solved = [r for r in rows if r["solved"]]
    nets = {m: [r["networks"][m] for r in rows] for m in MODELS[1:]}
    return {
        "functions": len(rows), "solved": len(solved), "lengths": list(setup.lengths),
        "examples": setup.examples, "timeout": setup.timeout, "test_count": setup.test_count,
        "long_count": setup.long_count, "train_seconds": setup.train_seconds,
        "train_size": setup.train_size, "seed": setup.seed, "search_wall_time": search_wall,
        "mean_accuracy": {m: {k: _mean([r["accuracy"][m][k] for r in rows]) for k in keys}
                          for m in MODELS},
        "program_mean_accuracy_solved": {k: _mean([r["accuracy"]["program"][k] for r in solved])
                                         for k in keys},
        "solved_exact_at_every_length": sum(
            all(r["accuracy"]["program"][k] == 1.0 for k in keys) for r in solved),
        "networks": {m: {"train_seconds": sum(n["train_seconds"] for n in v),
                         "mean_train_accuracy": _mean([n["train_accuracy"] for n in v]),
                         "mean_steps": _mean([n["steps"] for n in v]),
                         "parameters": v[0]["parameters"] if v else 0,
                         "threads": v[0]["threads"] if v else 0}
                     for m, v in nets.items()},
    }


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}"


def _heading(key: str) -> str:
    return "≤5 held out" if key == "in" else f"n = {int(key):,}"


def show(summary: dict[str, Any], rows: list[dict[str, Any]], console: Console) -> None:
    """The table: per function the program and, per length, program · MLP · transformer (%)."""
    from rich.table import Table
    from rich.text import Text

    keys = ["in", *(str(n) for n in summary["lengths"])]
    table = Table(title=f"Exact match (%) at each test length: program · MLP · transformer "
                        f"({summary['examples']} examples of length ≤ 5 for the search, "
                        f"{summary['train_size']:,} for the networks)")
    table.add_column("function")
    table.add_column("program found")
    for k in keys:
        table.add_column(_heading(k), justify="right")
    for r in rows:
        table.add_row(r["function"], Text(r["program"] or "not found"),
                      *(" · ".join(_pct(r["accuracy"][m][k]) for m in MODELS) for k in keys))
    mean = summary["mean_accuracy"]
    table.add_section()
    table.add_row("mean", f"{summary['solved']} of {summary['functions']} found",
                  *(" · ".join(_pct(mean[m][k]) for m in MODELS) for k in keys))
    console.print(table)
    nets = Table(title="Networks (per function)")
    for col in ("function", "MLP s", "MLP steps", "MLP train %", "transformer s",
                "transformer steps", "transformer train %"):
        nets.add_column(col, justify="left" if col == "function" else "right")
    for r in rows:
        cells: list[str] = []
        for n in (r["networks"][m] for m in MODELS[1:]):
            cells += [f"{n['train_seconds']:.1f}", f"{n['steps']:,}", _pct(n["train_accuracy"])]
        nets.add_row(r["function"], *cells)
    console.print(nets)
    console.print("– : the MLP reads a fixed width of 5 positions and cannot take longer lists "
                  "(counted 0 in the mean). The transformer is tested on "
                  f"{summary['long_count']} lists per length over 1,000, the program on "
                  f"{summary['test_count']}.")


def plot(summary: dict[str, Any], path: Path) -> Path | None:
    """Mean exact match against test length, one line per model; None without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    keys = ["in", *(str(n) for n in summary["lengths"])]
    xs = [5 if k == "in" else int(k) for k in keys]
    fig, ax = plt.subplots(figsize=(6.5, 4.2), dpi=120)
    mean = summary["mean_accuracy"]
    styles = {"program": ("tab:green", "o"), "mlp": ("tab:red", "s"),
              "transformer": ("tab:blue", "^")}
    for m in MODELS:
        colour, marker = styles[m]
        label = LABELS[m] + {"program": " (a function not found: 0)",
                             "mlp": " (cannot take lists longer than 5: 0)"}.get(m, "")
        ax.plot(xs, [100 * mean[m][k] for k in keys], marker=marker, color=colour, label=label)
    solved = summary["program_mean_accuracy_solved"]
    ax.plot(xs, [100 * solved[k] for k in keys], linestyle="--", color="tab:green", alpha=0.6,
            label=f"program, the {summary['solved']} functions found")
    ax.set_xscale("log")
    ax.set_xticks(xs, ["≤5\n(held out)", *(f"{x:,}" for x in xs[1:])])
    ax.minorticks_off()
    ax.set_ylim(-3, 103)
    ax.set_xlabel("test list length (trained on lengths ≤ 5)")
    ax.set_ylabel("exact match (%), mean over functions")
    ax.set_title(f"{summary['functions']} list functions: program vs networks")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="center left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
