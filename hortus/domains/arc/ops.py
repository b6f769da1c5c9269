"""What ARC's primitives do, on numpy arrays (imported with the first grid a program touches).

Every operation charges the step meter for the cells it reads or writes, so a budget covers a
grid program's work like a list program's; every grid it makes is checked against ARC's
limits (1-30 cells a side) by :class:`Grid`, and fails with an ``EvalError`` beyond them.
Colour 0 is the background: "non-zero" cells are the picture.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np

from hortus.domains.arc.values import EMPTY, MAX_SIDE, Grid, Obj
from hortus.lang.runtime import EvalError, charge

Array = np.ndarray[Any, Any]


def _made(cells: Array) -> Grid:
    charge(int(cells.size))
    return Grid(cells)


def _cells(g: Grid) -> Array:
    charge(g.size)
    return g.cells


# ---------------------------------------------------------------- the eight symmetries


def rot90(g: Grid) -> Grid:
    return _made(np.rot90(_cells(g), -1))  # clockwise


def rot180(g: Grid) -> Grid:
    return _made(np.rot90(_cells(g), 2))


def rot270(g: Grid) -> Grid:
    return _made(np.rot90(_cells(g), 1))


def flip_h(g: Grid) -> Grid:
    return _made(_cells(g)[:, ::-1])


def flip_v(g: Grid) -> Grid:
    return _made(_cells(g)[::-1, :])


def transpose(g: Grid) -> Grid:
    return _made(_cells(g).T)


def flip_anti(g: Grid) -> Grid:
    return _made(np.rot90(_cells(g), 2).T)


# ---------------------------------------------------------------- size and content


def height(g: Grid) -> int:
    return g.shape[0]


def width(g: Grid) -> int:
    return g.shape[1]


def _box(mask: Array) -> tuple[slice, slice]:
    rows, cols = np.nonzero(mask)
    if rows.size == 0:
        raise EvalError("the grid has no cell that is not background")
    return slice(int(rows.min()), int(rows.max()) + 1), slice(int(cols.min()), int(cols.max()) + 1)


def crop(g: Grid) -> Grid:
    """The bounding box of the non-background cells."""
    cells = _cells(g)
    return _made(cells[_box(cells != 0)])


def _halves(n: int) -> tuple[slice, slice]:
    if n < 2:
        raise EvalError("a grid of one row or column has no halves")
    k = n // 2
    return slice(0, k), slice(n - k, n)  # an odd middle line belongs to neither


def left_half(g: Grid) -> Grid:
    return _made(_cells(g)[:, _halves(g.shape[1])[0]])


def right_half(g: Grid) -> Grid:
    return _made(_cells(g)[:, _halves(g.shape[1])[1]])


def top_half(g: Grid) -> Grid:
    return _made(_cells(g)[_halves(g.shape[0])[0], :])


def bottom_half(g: Grid) -> Grid:
    return _made(_cells(g)[_halves(g.shape[0])[1], :])


# ---------------------------------------------------------------- colours


def _counts(cells: Array) -> Array:
    return np.bincount(cells.ravel(), minlength=10)


def colors(g: Grid) -> tuple[int, ...]:
    """The non-background colours, most frequent first (ties: the smaller colour)."""
    counts = _counts(_cells(g))
    return tuple(sorted((c for c in range(1, 10) if counts[c]), key=lambda c: (-counts[c], c)))


def main_color(g: Grid) -> int:
    found = colors(g)
    if not found:
        raise EvalError("the grid has no colour but the background")
    return found[0]


def rare_color(g: Grid) -> int:
    found = colors(g)
    if not found:
        raise EvalError("the grid has no colour but the background")
    return found[-1]


def count_color(c: int, g: Grid) -> int:
    return int(_counts(_cells(g))[c])


def recolor(a: int, b: int, g: Grid) -> Grid:
    cells = np.array(_cells(g))
    cells[cells == a] = b
    return _made(cells)


def paint_all(c: int, g: Grid) -> Grid:
    cells = np.array(_cells(g))
    cells[cells != 0] = c
    return _made(cells)


def keep(c: int, g: Grid) -> Grid:
    cells = _cells(g)
    return _made(np.where(cells == c, cells, 0))


def erase(c: int, g: Grid) -> Grid:
    cells = _cells(g)
    return _made(np.where(cells == c, 0, cells))


def blank(g: Grid) -> Grid:
    return _made(np.zeros_like(g.cells))


def fill_grid(c: int, g: Grid) -> Grid:
    return _made(np.full_like(g.cells, c))


def canvas(h: int, w: int, c: int) -> Grid:
    if not (1 <= h <= MAX_SIDE and 1 <= w <= MAX_SIDE):
        raise EvalError(f"a canvas must be 1 to {MAX_SIDE} cells a side, not {h}x{w}")
    return _made(np.full((h, w), c, dtype=np.uint8))


# ---------------------------------------------------------------- combining grids


def _same_shape(a: Grid, b: Grid) -> tuple[Array, Array]:
    if a.shape != b.shape:
        raise EvalError(f"grids of shapes {a.shape} and {b.shape} do not overlay")
    return _cells(a), _cells(b)


def overlay(a: Grid, b: Grid) -> Grid:
    """``a``'s non-background cells over ``b``."""
    x, y = _same_shape(a, b)
    return _made(np.where(x != 0, x, y))


def _logic(op: Callable[[Array, Array], Array]) -> Callable[[int, Grid, Grid], Grid]:
    def cells(c: int, a: Grid, b: Grid) -> Grid:
        x, y = _same_shape(a, b)
        return _made(np.where(op(x != 0, y != 0), c, 0).astype(np.uint8))
    return cells


cells_and = _logic(np.logical_and)
cells_or = _logic(np.logical_or)
cells_xor = _logic(np.logical_xor)
cells_nor = _logic(lambda x, y: ~(x | y))


def hconcat(a: Grid, b: Grid) -> Grid:
    if a.shape[0] != b.shape[0]:
        raise EvalError(f"grids of {a.shape[0]} and {b.shape[0]} rows do not join side by side")
    return _made(np.hstack([_cells(a), _cells(b)]))


def vconcat(a: Grid, b: Grid) -> Grid:
    if a.shape[1] != b.shape[1]:
        raise EvalError(f"grids of {a.shape[1]} and {b.shape[1]} columns do not stack")
    return _made(np.vstack([_cells(a), _cells(b)]))


def tile(n: int, m: int, g: Grid) -> Grid:
    h, w = g.shape
    if not (n >= 1 and m >= 1 and n * h <= MAX_SIDE and m * w <= MAX_SIDE):
        raise EvalError(f"tiling a {h}x{w} grid {n}x{m} times is not a grid of at most "
                        f"{MAX_SIDE} a side")
    return _made(np.tile(_cells(g), (n, m)))


def upscale(k: int, g: Grid) -> Grid:
    h, w = g.shape
    if not (k >= 1 and k * h <= MAX_SIDE and k * w <= MAX_SIDE):
        raise EvalError(f"scaling a {h}x{w} grid by {k} is not a grid of at most {MAX_SIDE} a side")
    return _made(np.kron(_cells(g), np.ones((k, k), dtype=np.uint8)))


def downscale(k: int, g: Grid) -> Grid:
    h, w = g.shape
    if k < 1 or h % k or w % k:
        raise EvalError(f"a {h}x{w} grid does not shrink by {k}")
    return _made(_cells(g)[::k, ::k])


def split_lines(g: Grid) -> tuple[Grid, ...]:
    """The parts between full separator lines (rows or columns of one non-background
    colour), in reading order; the grid itself when it has none."""
    cells = _cells(g)
    rows = [r for r in range(cells.shape[0])
            if cells[r, 0] != 0 and (cells[r] == cells[r, 0]).all()]
    cols = [c for c in range(cells.shape[1])
            if cells[0, c] != 0 and (cells[:, c] == cells[0, c]).all()]
    parts = []
    for r0, r1 in _spans(rows, cells.shape[0]):
        for c0, c1 in _spans(cols, cells.shape[1]):
            parts.append(_made(cells[r0:r1, c0:c1]))
    if not parts:
        raise EvalError("the separator lines leave no part")
    return tuple(parts)


def _spans(cuts: list[int], n: int) -> list[tuple[int, int]]:
    bounds = [-1, *cuts, n]
    return [(a + 1, b) for a, b in pairwise(bounds) if b > a + 1]


# ---------------------------------------------------------------- moving cells


def _fall(cells: Array) -> Array:
    """Every column's non-background cells sink to its bottom, in order."""
    out = np.zeros_like(cells)
    for c in range(cells.shape[1]):
        column = cells[:, c][cells[:, c] != 0]
        if column.size:
            out[-column.size:, c] = column
    return out


def fall_down(g: Grid) -> Grid:
    return _made(_fall(_cells(g)))


def fall_up(g: Grid) -> Grid:
    return _made(_fall(_cells(g)[::-1])[::-1])


def fall_right(g: Grid) -> Grid:
    return _made(_fall(_cells(g).T).T)


def fall_left(g: Grid) -> Grid:
    return _made(_fall(_cells(g).T[::-1])[::-1].T)


# ---------------------------------------------------------------- regions


@lru_cache(maxsize=4096)
def _enclosed(g: Grid) -> Array:
    """Background cells that cannot reach the border, 4-connected (per grid, any colour)."""
    from scipy import ndimage

    cells = g.cells
    inside: Array = ndimage.binary_fill_holes(cells != 0) & (cells == 0)
    return inside


@lru_cache(maxsize=4096)
def _around(g: Grid) -> Array:
    """Background cells next to (8 around) a non-background one."""
    from scipy import ndimage

    cells = g.cells
    near: Array = ndimage.binary_dilation(cells != 0, structure=_EIGHT) & (cells == 0)
    return near


def fill_enclosed(c: int, g: Grid) -> Grid:
    """Background cells that cannot reach the border (4-connected) take colour ``c``."""
    cells = _cells(g)
    charge(int(cells.size))
    return _made(np.where(_enclosed(g), c, cells).astype(np.uint8))


def halo(c: int, g: Grid) -> Grid:
    """Background cells next to (8 around) a non-background one take colour ``c``."""
    cells = _cells(g)
    charge(int(cells.size))
    return _made(np.where(_around(g), c, cells).astype(np.uint8))


def symmetrize_h(g: Grid) -> Grid:
    """Background cells take the colour of their mirror image left-right."""
    cells = _cells(g)
    return _made(np.where(cells != 0, cells, cells[:, ::-1]))


def symmetrize_v(g: Grid) -> Grid:
    cells = _cells(g)
    return _made(np.where(cells != 0, cells, cells[::-1, :]))


# ---------------------------------------------------------------- objects

_FOUR = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)
_EIGHT = np.ones((3, 3), dtype=bool)


@lru_cache(maxsize=4096)
def _components(g: Grid, diagonal: bool, by_color: bool) -> tuple[Obj, ...]:
    from scipy import ndimage

    cells = g.cells
    structure = _EIGHT if diagonal else _FOUR
    masks = [cells == c for c in range(1, 10)] if by_color else [cells != 0]
    found = []
    for mask in masks:
        if not mask.any():
            continue
        labels, n = ndimage.label(mask, structure=structure)
        for box, k in zip(ndimage.find_objects(labels), range(1, n + 1), strict=True):
            if box is None:
                continue
            patch = np.where(labels[box] == k, cells[box], EMPTY).astype(np.uint8)
            found.append(Obj(box[0].start, box[1].start, patch))
    found.sort(key=lambda o: (o.row, o.col))
    return tuple(found)


def _objects(diagonal: bool, by_color: bool) -> Callable[[Grid], tuple[Obj, ...]]:
    def cut(g: Grid) -> tuple[Obj, ...]:
        charge(2 * g.size)
        return _components(g, diagonal, by_color)
    return cut


objects = _objects(diagonal=False, by_color=True)
objects8 = _objects(diagonal=True, by_color=True)
shapes = _objects(diagonal=True, by_color=False)


def _pick(objs: tuple[Obj, ...], key: Callable[[Obj], Any], what: str) -> Obj:
    if not objs:
        raise EvalError(f"the {what} of no objects")
    charge(len(objs))
    return min(objs, key=key)


def largest(objs: tuple[Obj, ...]) -> Obj:
    return _pick(objs, lambda o: -o.size, "largest")


def smallest(objs: tuple[Obj, ...]) -> Obj:
    return _pick(objs, lambda o: o.size, "smallest")


def odd_color(objs: tuple[Obj, ...]) -> Obj:
    """The one object whose colour no other object has."""
    seen = Counter(object_color(o) for o in objs)
    unique = [o for o in objs if seen[object_color(o)] == 1]
    if len(unique) != 1:
        raise EvalError(f"{len(unique)} objects have a colour of their own, not one")
    return unique[0]


def odd_shape(objs: tuple[Obj, ...]) -> Obj:
    """The one object whose shape (cells, colours ignored) no other object has."""
    keys = [(o.patch.shape, o.mask.tobytes()) for o in objs]
    seen = Counter(keys)
    unique = [o for o, k in zip(objs, keys, strict=True) if seen[k] == 1]
    charge(sum(o.patch.size for o in objs))
    if len(unique) != 1:
        raise EvalError(f"{len(unique)} objects have a shape of their own, not one")
    return unique[0]


def object_size(o: Obj) -> int:
    return o.size


def object_color(o: Obj) -> int:
    counts = np.bincount(o.patch[o.mask], minlength=10)
    return int(counts.argmax())


def object_row(o: Obj) -> int:
    return o.row


def object_col(o: Obj) -> int:
    return o.col


def object_grid(o: Obj) -> Grid:
    """The object's bounding box as a grid, background where it has no cell."""
    return _made(np.where(o.mask, o.patch, 0).astype(np.uint8))


def recolor_object(c: int, o: Obj) -> Obj:
    charge(o.patch.size)
    return Obj(o.row, o.col, np.where(o.mask, c, EMPTY))


def move(dr: int, dc: int, o: Obj) -> Obj:
    if not (-MAX_SIDE <= o.row + dr <= MAX_SIDE and -MAX_SIDE <= o.col + dc <= MAX_SIDE):
        raise EvalError("the object moves too far off the grid")
    return Obj(o.row + dr, o.col + dc, o.patch)


def _clip(o: Obj, shape: tuple[int, int]) -> tuple[tuple[slice, slice], Array] | None:
    """The part of the grid the object covers, and the object's part there."""
    h, w = shape
    r0, c0 = max(o.row, 0), max(o.col, 0)
    r1, c1 = min(o.row + o.patch.shape[0], h), min(o.col + o.patch.shape[1], w)
    if r0 >= r1 or c0 >= c1:
        return None
    part = o.patch[r0 - o.row:r1 - o.row, c0 - o.col:c1 - o.col]
    return (slice(r0, r1), slice(c0, c1)), part


def paint(o: Obj, g: Grid) -> Grid:
    """``g`` with the object drawn on it where it sits (what falls outside is lost)."""
    cells = np.array(_cells(g))
    clipped = _clip(o, g.shape)
    if clipped is not None:
        box, part = clipped
        cells[box] = np.where(part != EMPTY, part, cells[box])
    return _made(cells)


def paint_all_objects(objs: tuple[Obj, ...], g: Grid) -> Grid:
    cells = np.array(_cells(g))
    for o in objs:
        charge(o.patch.size)
        clipped = _clip(o, g.shape)
        if clipped is not None:
            box, part = clipped
            cells[box] = np.where(part != EMPTY, part, cells[box])
    return _made(cells)


def erase_object(o: Obj, g: Grid) -> Grid:
    cells = np.array(_cells(g))
    clipped = _clip(o, g.shape)
    if clipped is not None:
        box, part = clipped
        cells[box] = np.where(part != EMPTY, 0, cells[box])
    return _made(cells)
