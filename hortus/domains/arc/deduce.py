"""Last steps deduced from a task's examples rather than searched for.

A program whose outputs are the examples' outputs up to a consistent renaming of colours is
closed by that colour map, written as recolourings (and swaps, for colours that trade places)
so that the program stays a program of the language, readable and runnable on new grids.
One whose outputs become the examples' cell by cell, by a rule on each cell's colour and
features (:mod:`.rules`), is closed by that rule, written as ``when-cell`` steps.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hortus.domains.arc.primitives import COLOR_NAMES
from hortus.lang.parse import parse
from hortus.lang.program import Program


def color_map(values: tuple[Any, ...], targets: tuple[Any, ...]) -> Program | None:
    """``(lambda ...)`` recolouring each of ``values`` (grids) into its target, when one
    colour map does it for all, changes some colour, and leaves the background alone; else
    None."""
    for v, y in zip(values, targets, strict=True):
        if v.shape != y.shape:
            return None
    counts = np.zeros(100, dtype=np.int64)
    for v, y in zip(values, targets, strict=True):
        counts += np.bincount((v.cells.astype(np.int16) * 10 + y.cells).ravel(), minlength=100)
    seen = counts.reshape(10, 10) > 0
    if (seen.sum(axis=1) > 1).any() or seen[0, 1:].any() or seen[1:, 0].any():
        return None  # a colour going two ways, or the background changing (measured: such
        # maps fit the examples of tasks they do not solve)
    changed = {int(a): int(seen[a].argmax()) for a in np.nonzero(seen.any(axis=1))[0]
               if not seen[a, a]}
    return recolorings(changed) if changed else None


def recolorings(changed: dict[int, int]) -> Program:
    """The program applying the colour map ``changed`` (source -> target, sources changed):
    a colour is recoloured once nothing still to move would land on it twice; colours left
    in cycles trade places two at a time."""
    steps: list[tuple[str, int, int]] = []  # applied first to last
    pending = dict(changed)
    while pending:
        free = [a for a, b in pending.items() if b not in pending]
        if free:
            a = free[0]
            steps.append(("recolor", a, pending.pop(a)))
            continue
        a = next(iter(pending))  # only cycles left: swap a with its target b; the cells
        b = pending.pop(a)  # now coloured a are b's, and still have to go where b's go
        steps.append(("swap-colors", a, b))
        to = pending.pop(b)
        if to != a:
            pending[a] = to
    text = "$0"
    for op, a, b in steps:
        text = f"({op} {COLOR_NAMES[a]} {COLOR_NAMES[b]} {text})"
    return parse(f"(lambda {text})")


def cell_rule(values: tuple[Any, ...], targets: tuple[Any, ...]) -> Program | None:
    """``(lambda ...)`` recolouring the cells of each of ``values`` (grids) by a per-cell rule
    (:func:`hortus.domains.arc.cells.deduce`) into its target, one ``when-cell`` per changed
    key, every key read from the value as it was; else None."""
    from hortus.domains.arc.cells import deduce
    from hortus.domains.arc.rules import FEATURES

    found = deduce(values, targets)
    if found is None:
        return None
    f, g, table = found
    text = "$0"
    for (c, a, b), d in sorted(table.items(), reverse=True):
        text = (f"(when-cell {FEATURES[f]} {a} {FEATURES[g]} {b} {COLOR_NAMES[c]} "
                f"{COLOR_NAMES[d]} $0 {text})")
    return parse(f"(lambda {text})")


# the symmetries a block of a tiling may be, cheapest first (numpy, as ops.py computes them)
_SYMMETRIES: tuple[tuple[str, Any], ...] = (
    ("", lambda a: a), ("flip-h", lambda a: a[:, ::-1]), ("flip-v", lambda a: a[::-1]),
    ("rot180", lambda a: a[::-1, ::-1]), ("rot90", lambda a: np.rot90(a, -1)),
    ("rot270", lambda a: np.rot90(a, 1)), ("transpose", lambda a: a.T),
    ("flip-anti", lambda a: np.rot90(a, 2).T), ("blank", np.zeros_like),
)


def tiling(values: tuple[Any, ...], targets: tuple[Any, ...]) -> Program | None:
    """``(lambda ...)`` laying out copies of each of ``values`` (grids), each block turned or
    mirrored the same way for every example (or blank), into its target: an ``n x m`` block
    grid of ``vconcat``/``hconcat``; else None."""
    h, w = values[0].shape
    rows, cols = targets[0].shape
    if rows % h or cols % w or (rows, cols) == (h, w):
        return None
    n, m = rows // h, cols // w
    for v, y in zip(values, targets, strict=True):
        if y.shape != (n * v.shape[0], m * v.shape[1]):
            return None
    blocks: list[list[str]] = []
    for i in range(n):
        row = []
        for j in range(m):
            name = _block(values, targets, i, j)
            if name is None:
                return None
            row.append(f"({name} $0)" if name else "$0")
        blocks.append(row)
    text = _joined("vconcat", [_joined("hconcat", row) for row in blocks])
    return parse(f"(lambda {text})")


def _block(values: tuple[Any, ...], targets: tuple[Any, ...], i: int, j: int) -> str | None:
    """The symmetry that block ``(i, j)`` of every target is of its value ("" the identity)."""
    for name, turn in _SYMMETRIES:
        for v, y in zip(values, targets, strict=True):
            h, w = v.shape
            want = y.cells[i * h:(i + 1) * h, j * w:(j + 1) * w]
            got = turn(v.cells)
            if got.shape != want.shape or not np.array_equal(got, want):
                break
        else:
            return name
    return None


def _joined(op: str, parts: list[str]) -> str:
    """``(op a (op b c))`` of ``parts``; the one part alone."""
    text = parts[-1]
    for part in reversed(parts[:-1]):
        text = f"({op} {part} {text})"
    return text
