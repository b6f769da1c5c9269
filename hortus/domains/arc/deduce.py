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
