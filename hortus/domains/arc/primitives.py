"""ARC's primitive table: names, types and what each does (implemented in :mod:`.ops`).

The table loads with every library (parsing needs the names) but :mod:`.ops`, and numpy with
it, only when a program first calls one: each implementation is resolved on its first call.
Higher-order glue (``map``, ``filter``, ``fold``, ``sort-by`` over objects) is the core
language's.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from hortus.lang.primitives import prim

COLOR_NAMES = ("black", "blue", "red", "green", "yellow", "grey", "magenta", "orange", "azure",
               "maroon")


class _Deferred:
    """``ops.<name>``, imported when first called (then called straight away)."""

    __slots__ = ("fn", "name")

    def __init__(self, name: str) -> None:
        self.name, self.fn = name, None

    def __call__(self, *args: Any) -> Any:
        fn: Callable[..., Any] | None = self.fn
        if fn is None:
            fn = self.fn = getattr(importlib.import_module("hortus.domains.arc.ops"), self.name)
        return fn(*args)


def _op(name: str, tp: str, doc: str) -> Any:
    return prim(name, tp, _Deferred(name.replace("-", "_").rstrip("?")), doc)


GG = "grid -> grid"
CGG = "color -> grid -> grid"

PRIMITIVES = [
    *(prim(name, "color", k, f"the colour {k}") for k, name in enumerate(COLOR_NAMES)),
    # the eight symmetries of a grid
    _op("rot90", GG, "turned a quarter clockwise"),
    _op("rot180", GG, "turned half a turn"),
    _op("rot270", GG, "turned a quarter anticlockwise"),
    _op("flip-h", GG, "mirrored left-right"),
    _op("flip-v", GG, "mirrored top-bottom"),
    _op("transpose", GG, "mirrored along the main diagonal"),
    _op("flip-anti", GG, "mirrored along the other diagonal"),
    # size and parts
    _op("height", "grid -> int", "number of rows"),
    _op("width", "grid -> int", "number of columns"),
    _op("crop", GG, "the bounding box of the non-background cells"),
    _op("left-half", GG, "the left half (an odd middle column dropped)"),
    _op("right-half", GG, "the right half"),
    _op("top-half", GG, "the top half (an odd middle row dropped)"),
    _op("bottom-half", GG, "the bottom half"),
    _op("split-lines", "grid -> list(grid)",
        "the parts between full separator rows and columns, in reading order"),
    # colours
    _op("colors", "grid -> list(color)", "non-background colours, most frequent first"),
    _op("main-color", "grid -> color", "the most frequent non-background colour"),
    _op("rare-color", "grid -> color", "the least frequent non-background colour"),
    _op("count-color", "color -> grid -> int", "how many cells have the colour"),
    _op("recolor", "color -> color -> grid -> grid", "cells of the first colour take the second"),
    _op("swap-colors", "color -> color -> grid -> grid", "the two colours trade places"),
    _op("paint-all", CGG, "every non-background cell takes the colour"),
    _op("keep", CGG, "only the cells of the colour (the rest background)"),
    _op("erase", CGG, "the cells of the colour become background"),
    _op("blank", GG, "a grid of the same size, all background"),
    _op("fill-grid", CGG, "a grid of the same size, all the colour"),
    _op("canvas", "int -> int -> color -> grid", "a grid of h rows and w columns of one colour"),
    # combining grids
    _op("overlay", "grid -> grid -> grid", "the first's non-background cells over the second"),
    _op("cells-and", "color -> grid -> grid -> grid", "the colour where both are non-background"),
    _op("cells-or", "color -> grid -> grid -> grid", "the colour where either is"),
    _op("cells-xor", "color -> grid -> grid -> grid", "the colour where exactly one is"),
    _op("cells-nor", "color -> grid -> grid -> grid", "the colour where neither is"),
    _op("hconcat", "grid -> grid -> grid", "side by side"),
    _op("vconcat", "grid -> grid -> grid", "one above the other"),
    _op("tile", "int -> int -> grid -> grid", "repeated n times down and m times across"),
    _op("upscale", "int -> grid -> grid", "every cell becomes a k x k block"),
    _op("downscale", "int -> grid -> grid", "every k-th row and column"),
    # moving and filling cells
    _op("fall-down", GG, "non-background cells sink to the bottom of their column"),
    _op("fall-up", GG, "... rise to the top"),
    _op("fall-left", GG, "... slide to the left of their row"),
    _op("fall-right", GG, "... slide to the right"),
    _op("fill-enclosed", CGG, "enclosed background cells (not reaching the border) take the "
        "colour"),
    _op("halo", CGG, "background cells around non-background ones take the colour"),
    _op("symmetrize-h", GG, "background cells take their left-right mirror's colour"),
    _op("symmetrize-v", GG, "background cells take their top-bottom mirror's colour"),
    # lines and rays
    _op("connect", GG, "background cells between two cells of one colour in a row or column "
        "take it"),
    _op("rays-h", GG, "every cell's colour runs along its row (up to the next cell)"),
    _op("rays-v", GG, "every cell's colour runs along its column"),
    _op("extend-down", GG, "every cell's colour runs down until a cell or the border"),
    _op("extend-up", GG, "... up"),
    _op("extend-left", GG, "... left"),
    _op("extend-right", GG, "... right"),
    _op("halo4", CGG, "background cells beside (not diagonal to) a non-background one take "
        "the colour"),
    _op("halo-diagonal", CGG, "background cells diagonal to a non-background one take the "
        "colour"),
    # patterns and regions
    _op("fractal", GG, "every non-background cell becomes a copy of the grid"),
    _op("complete-period", GG, "background cells take the colour of the grid's repeating "
        "pattern"),
    _op("trim", GG, "without the outermost rows and columns"),
    # objects
    _op("objects", "grid -> list(object)", "one-colour 4-connected objects, reading order"),
    _op("objects8", "grid -> list(object)", "one-colour 8-connected objects"),
    _op("shapes", "grid -> list(object)", "8-connected objects of any non-background colours"),
    _op("largest", "list(object) -> object", "the object with the most cells"),
    _op("smallest", "list(object) -> object", "the object with the fewest cells"),
    _op("odd-color", "list(object) -> object", "the one object whose colour no other has"),
    _op("odd-shape", "list(object) -> object", "the one object whose shape no other has"),
    _op("object-size", "object -> int", "number of cells"),
    _op("object-color", "object -> color", "its most frequent colour"),
    _op("object-row", "object -> int", "the top row of its bounding box"),
    _op("object-col", "object -> int", "the left column of its bounding box"),
    _op("object-grid", "object -> grid", "its bounding box as a grid"),
    _op("recolor-object", "color -> object -> object", "every cell takes the colour"),
    _op("move", "int -> int -> object -> object", "moved down and right by the amounts"),
    _op("paint", "object -> grid -> grid", "the object drawn on the grid where it sits"),
    _op("paint-all-objects", "list(object) -> grid -> grid", "every object drawn on the grid"),
    _op("erase-object", "object -> grid -> grid", "the object's cells become background"),
    _op("under", "object -> grid -> grid", "the part of the grid under the object's box"),
    _op("slide-to", "object -> object -> grid -> grid",
        "the first object moved straight towards the second until they touch"),
    _op("map-objects", "(grid -> grid) -> grid -> grid",
        "each shape's bounding box replaced by the function of it (same size)"),
]
