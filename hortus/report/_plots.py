"""The report's pictures as PNG bytes; matplotlib is imported here only, and only when drawing.

Figures are built with ``matplotlib.figure.Figure`` rather than pyplot, so drawing touches no
global state (no backend switch, no figure registry) in the caller's process.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from hortus.report._data import Iteration, RoutineInfo

MAX_NODES = 120  # routines drawn in the dependency graph; the most used are kept
LABEL = 22  # characters of a routine's name shown in the graph


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()


def learning_curves(rows: Sequence[Iteration]) -> bytes | None:
    """Tasks solved (train, test) and median time to solve, per iteration; None without data."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    its = [r.iteration for r in rows]
    solved = {"train (wake)": [r.train_solved for r in rows],
              "test": [r.test_solved for r in rows]}
    medians = {"train (wake)": [r.wake_median for r in rows],
               "test": [r.test_median for r in rows]}
    if all(v is None for r in rows
           for v in (r.train_solved, r.test_solved, r.wake_median, r.test_median)):
        return None
    fig = Figure(figsize=(10, 3.8))
    left, right = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    totals = {"train (wake)": _last([r.train_tasks for r in rows]),
              "test": _last([r.test_tasks for r in rows])}
    for label, ys in solved.items():
        pts = [(x, y) for x, y in zip(its, ys, strict=True) if y is not None]
        if pts:
            total = f" of {totals[label]}" if totals[label] is not None else ""
            left.plot(*zip(*pts, strict=True), marker="o", label=f"{label}{total}")
    left.set_title("tasks solved")
    left.set_xlabel("iteration")
    left.set_ylabel("tasks")
    left.set_ylim(bottom=0)
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    for label, secs in medians.items():
        found = [(x, y) for x, y in zip(its, secs, strict=True) if y is not None]
        if found:
            right.plot(*zip(*found, strict=True), marker="o", label=label)
    right.set_title("median time to solve")
    right.set_xlabel("iteration")
    right.set_ylabel("seconds")
    right.set_ylim(bottom=0)
    for ax in (left, right):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="best")
    fig.tight_layout()
    return _png(fig)


def _last(values: Sequence[int | None]) -> int | None:
    return next((v for v in reversed(values) if v is not None), None)


def dependency_graph(routines: Sequence[RoutineInfo]) -> bytes | None:
    """Routines in layers (those using no routine on the left), an arrow from user to used."""
    from matplotlib.figure import Figure

    if not routines:
        return None
    kept = {r.name: r for r in sorted(routines, key=lambda r: -r.uses)[:MAX_NODES]}
    layers: dict[int, list[str]] = {}
    for r in sorted(kept.values(), key=lambda r: (r.layer, r.name)):
        layers.setdefault(r.layer, []).append(r.name)
    pos: dict[str, tuple[float, float]] = {}
    for layer in sorted(layers):
        names = layers[layer]
        if layer > 0:  # order each layer by where its routines' parts sit: fewer crossings
            def centre(name: str) -> float:
                ys = [pos[d][1] for d in kept[name].deps if d in pos]
                return sum(ys) / len(ys) if ys else 0.0
            names.sort(key=centre)
        for k, name in enumerate(names):
            pos[name] = (float(layer), (len(names) - 1) / 2 - k)
    tallest = max(len(v) for v in layers.values())
    fig = Figure(figsize=(min(3 + 2.6 * len(layers), 16), min(1.5 + 0.42 * tallest, 40)))
    ax = fig.add_subplot()
    boxes = {}
    for name, (x, y) in pos.items():
        label = name if len(name) <= LABEL else name[:LABEL - 1] + "…"
        boxes[name] = ax.text(x, y, f"{label} ({kept[name].uses})", ha="center", va="center",
                              fontsize=8, parse_math=False, zorder=3,
                              bbox={"boxstyle": "round", "fc": "#eef3fb", "ec": "#4a6fa5"})
    for r in kept.values():
        for d in r.deps:
            if d in pos:  # clipped at both boxes, so the head shows where the box begins
                ax.annotate("", xy=pos[d], xytext=pos[r.name], zorder=2,
                            arrowprops={"arrowstyle": "-|>", "color": "0.45", "lw": 0.8,
                                        "patchA": boxes[r.name].get_bbox_patch(),
                                        "patchB": boxes[d].get_bbox_patch(),
                                        "shrinkA": 1, "shrinkB": 1})
    ax.set_xlim(-0.7, max(layers) + 0.7)
    ax.set_ylim(-tallest / 2 - 0.2, tallest / 2 + 0.2)
    ax.set_xticks(sorted(layers))
    ax.set_xlabel("layer (0: built from primitives only); arrows point to the routines used")
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    shown = "" if len(kept) == len(routines) else f" ({len(kept)} most used shown)"
    ax.set_title(f"which routines are built from which{shown}")
    fig.tight_layout()
    return _png(fig)
