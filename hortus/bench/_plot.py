"""Plots of benchmark results (matplotlib is optional: without it, no picture is drawn)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path


def solved_curve(series: Mapping[str, Sequence[float]], total: int, timeout: float, path: Path,
                 title: str) -> Path | None:
    """Tasks solved against time, one line per series; None when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(6, 4), dpi=120)
    for label, times in series.items():
        xs = sorted(max(t, 1e-3) for t in times)
        ax.step([1e-3, *xs, timeout], [0, *range(1, len(xs) + 1), len(xs)], where="post",
                label=f"{label} ({len(xs)})")
    ax.set_xscale("log")
    ax.set_xlim(1e-3, timeout)
    ax.set_ylim(0, total)
    ax.set_xlabel("seconds of search")
    ax.set_ylabel(f"tasks solved (of {total})")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
