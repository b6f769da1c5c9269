"""What the recognition model reads of a grid: a few small ints, the same for every grid.

A grid of up to 900 cells would crowd an example's token budget out, and its cells one by one
say little the model could use. Its summary says what an ARC solver looks at first: the size,
which colour fills it, how many colours and objects it holds, its mirror symmetries, and how
many cells of each colour (capped, so every number stays a token of its own). An example's
tokens are its input's summary then its output's, so that the model can compare them (same
size, colours gone or added, objects merged).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import ndimage

CAP = 64  # counts above this read as CAP: the generic features give each int up to 64 a token
_EIGHT = np.ones((3, 3), dtype=bool)


def features(grid: Any) -> list[int]:
    """``[height, width, background, colours, objects, mirror_lr, mirror_ud, count_0 ...
    count_9]`` of a :class:`~.values.Grid`; the background is its most common colour, the
    objects are its 8-connected parts of other colours, and counts are capped at :data:`CAP`."""
    cells = grid.cells
    h, w = cells.shape
    counts = np.bincount(cells.ravel(), minlength=10)
    background = int(counts.argmax())
    _, objects = ndimage.label(cells != background, structure=_EIGHT)
    return [int(h), int(w), background, int((counts > 0).sum()), min(int(objects), CAP),
            int(bool((cells == cells[:, ::-1]).all())), int(bool((cells == cells[::-1]).all())),
            *(min(int(c), CAP) for c in counts)]
