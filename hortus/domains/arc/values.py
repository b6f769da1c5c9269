"""ARC's values: grids of colours, colours, and objects cut out of grids.

- ``grid``: an immutable :class:`Grid` of colours 0-9, 1 to 30 cells a side (ARC's own
  limits, for inputs and for every grid a program makes); a list of rows of ints outside.
- ``color``: an int 0-9 inside and out (0 is black, the usual background).
- ``object``: an :class:`Obj`, cells of a grid with their colours and where they sit: its
  bounding box's top-left corner and a patch, ``EMPTY`` where the object has no cell;
  ``{"row", "col", "grid"}`` outside, ``null`` for the empty cells of ``grid``.

Grids and objects hash their shape and bytes once, so equivalence pruning keeps them in sets
like ints. This module imports numpy: the domain's codecs and primitive table import it only
when a grid is first read or made, so a session without grids never loads numpy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hortus.lang.runtime import EvalError

MAX_SIDE = 30  # ARC's largest grid; a program making a larger one fails
COLORS = 10
EMPTY = 255  # a patch cell the object does not have


class Grid:
    """An immutable 2-D array of colours (uint8), compared and hashed by content."""

    __slots__ = ("_hash", "_key", "cells")

    def __init__(self, cells: np.ndarray[Any, Any]) -> None:
        if cells.ndim != 2 or not (1 <= cells.shape[0] <= MAX_SIDE
                                   and 1 <= cells.shape[1] <= MAX_SIDE):
            raise EvalError(f"a grid must have 1 to {MAX_SIDE} rows and columns, not "
                            f"{'x'.join(map(str, cells.shape))}")
        if cells.dtype != np.uint8 or cells.flags.writeable:
            cells = np.array(cells, dtype=np.uint8)
            cells.setflags(write=False)
        self.cells = cells
        self._hash: int | None = None
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        """The shape and the cells' bytes: what equality compares."""
        if self._key is None:
            h, w = self.cells.shape
            self._key = bytes((h, w)) + self.cells.tobytes()
        return self._key

    @property
    def shape(self) -> tuple[int, int]:
        h, w = self.cells.shape
        return int(h), int(w)

    @property
    def size(self) -> int:
        return int(self.cells.size)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self.key)
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, Grid) and hash(self) == hash(other)
                                 and self.key == other.key)

    def __repr__(self) -> str:
        return "Grid(" + "|".join("".join(map(str, row)) for row in self.cells.tolist()) + ")"

    def tolist(self) -> list[list[int]]:
        rows: list[list[int]] = self.cells.tolist()
        return rows


class Obj:
    """Some cells of a grid: the top-left corner of their bounding box and the patch of
    colours there (``EMPTY`` where the object has no cell). Never empty."""

    __slots__ = ("_hash", "col", "patch", "row")

    def __init__(self, row: int, col: int, patch: np.ndarray[Any, Any]) -> None:
        patch = np.array(patch, dtype=np.uint8)
        patch.setflags(write=False)
        self.row, self.col, self.patch = int(row), int(col), patch
        self._hash: int | None = None

    @property
    def mask(self) -> np.ndarray[Any, Any]:
        cells: np.ndarray[Any, Any] = self.patch != EMPTY
        return cells

    @property
    def size(self) -> int:
        return int(self.mask.sum())

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((self.row, self.col, self.patch.shape, self.patch.tobytes()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Obj) and (self.row, self.col) == (other.row, other.col)
                and self.patch.shape == other.patch.shape
                and bool(np.array_equal(self.patch, other.patch)))

    def __repr__(self) -> str:
        return f"Obj({self.row}, {self.col}, {self.patch.shape[0]}x{self.patch.shape[1]})"

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "col": self.col,
                "grid": [[None if c == EMPTY else c for c in r] for r in self.patch.tolist()]}


def grid_of(v: Any, what: str = "a grid") -> Grid:
    """The :class:`Grid` of plain ``v`` (rows of ints 0-9); ValueError saying what is wrong."""
    if isinstance(v, Grid):
        return v
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if not isinstance(v, list | tuple) or not v:
        raise ValueError(f"{what} must be a non-empty list of rows")
    if len(v) > MAX_SIDE:
        raise ValueError(f"{what} has {len(v)} rows; at most {MAX_SIDE}")
    width = None
    for k, row in enumerate(v):
        if not isinstance(row, list | tuple) or not row:
            raise ValueError(f"row {k} of {what} must be a non-empty list of colours")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise ValueError(f"{what} is ragged: row 0 has {width} cells, row {k} has "
                             f"{len(row)}")
        if len(row) > MAX_SIDE:
            raise ValueError(f"row {k} of {what} has {len(row)} cells; at most {MAX_SIDE}")
        for j, c in enumerate(row):
            if isinstance(c, bool) or not isinstance(c, int) or not 0 <= c < COLORS:
                raise ValueError(f"cell ({k}, {j}) of {what} is {c!r}, not a colour 0-9")
    return Grid(np.array(v, dtype=np.uint8))


def object_of(v: Any) -> Obj:
    """The :class:`Obj` of plain ``{"row", "col", "grid"}`` (``null`` cells are not the
    object's); ValueError saying what is wrong."""
    if isinstance(v, Obj):
        return v
    if not isinstance(v, dict) or set(v) != {"row", "col", "grid"}:
        raise ValueError('an object must be {"row": int, "col": int, "grid": rows}')
    row, col, cells = v["row"], v["col"], v["grid"]
    for what, n in (("row", row), ("col", col)):
        if isinstance(n, bool) or not isinstance(n, int) or not -MAX_SIDE <= n <= MAX_SIDE:
            raise ValueError(f"an object's {what} must be an int within ±{MAX_SIDE}")
    if not isinstance(cells, list) or not all(isinstance(r, list) for r in cells):
        raise ValueError("an object's grid must be a list of rows")
    patch = grid_of([[0 if c is None else c for c in r] for r in cells], "an object's grid")
    out = np.array(patch.cells)
    out[np.array([[c is None for c in r] for r in cells], dtype=bool)] = EMPTY
    if not (out != EMPTY).any():
        raise ValueError("an object must have at least one cell")
    return Obj(row, col, out)
