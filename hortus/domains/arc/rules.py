"""Per-cell rules: a cell's new colour read off its own colour and one or two of its features.

Many ARC tasks change cells by what surrounds them: background cells with two coloured
neighbours turn blue, enclosed cells fill, cells under a coloured cell take its colour. Such a
task is solved cell by cell: every cell of every training grid is an example, its key is its
colour and a few features (below), and the rule is the table from key to new colour. The
table is *deduced* from the examples (:func:`hortus.domains.arc.deduce.cell_rule`), never
searched for, so these primitives are not in a library's grammar (the domain declares them
``deduced``); they parse and run like any other, so a deduced program is a program:

    (when-cell neighbours4 2 anywhere 0 black blue $0 $0)

"in ``$0``, black cells with two non-background neighbours (4-connected) become blue". The
features (:data:`FEATURES`, computed in :mod:`.cells`) are small ints per cell:

- ``anywhere``: 0 everywhere (the second feature of a one-feature rule);
- ``neighbours4``, ``neighbours8``: how many of the 4 (8) neighbours are not background;
- ``colors4``, ``colors8``: the set of the neighbours' colours, as a bit mask (bit k: colour k);
- ``above``, ``below``, ``left``, ``right``, ``above-left``, ``above-right``, ``below-left``,
  ``below-right``: that neighbour's colour (10 past the border);
- ``ray-up``, ``ray-down``, ``ray-left``, ``ray-right``: the colour of the first
  non-background cell that way (10: none);
- ``row-has``, ``col-has``: 1 when the row (column) holds a non-background cell;
- ``row-mod2``, ``col-mod2``, ``row-mod3``, ``col-mod3``: the row (column) index modulo 2 (3);
- ``enclosed``: 1 for a background cell that cannot reach the border through background;
- ``blob-size``: the cells of the cell's 8-connected non-background object (0 for
  background; 20 for 20 or more);
- ``between``: the colour of the first non-background cells on both sides of it in its row,
  when they have one colour, else in its column (10: neither);
- ``row-count``, ``col-count``: the non-background cells of its row (column);
- ``opposite``: the colour of the cell half a turn away (mirrored through the centre);
- ``row-color``, ``col-color``: the colour of the non-background cells of its row (column)
  when they have one (10: none; 11: several).
"""

from __future__ import annotations

import importlib
from typing import Any

from hortus.lang.primitives import prim

FEATURES = ("anywhere", "neighbours4", "neighbours8", "colors4", "colors8", "above", "below",
            "left", "right", "above-left", "above-right", "below-left", "below-right",
            "ray-up", "ray-down", "ray-left", "ray-right", "row-has", "col-has", "row-mod2",
            "col-mod2", "row-mod3", "col-mod3", "enclosed", "blob-size", "between", "row-count",
            "col-count", "opposite", "row-color", "col-color")


def _when_cell(*args: Any) -> Any:
    return importlib.import_module("hortus.domains.arc.cells").when_cell(*args)


PRIMITIVES = [
    *(prim(name, "feature", k, f"the cell feature {name}") for k, name in enumerate(FEATURES)),
    prim("when-cell", "feature -> int -> feature -> int -> color -> color -> grid -> grid -> grid",
         _when_cell, "(when-cell f a g b c d src dst): the cells of dst where src has colour c, "
         "feature f equal to a and feature g to b take colour d"),
]
