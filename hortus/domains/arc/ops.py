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


def swap_colors(a: int, b: int, g: Grid) -> Grid:
    cells = _cells(g)
    return _made(np.where(cells == a, b, np.where(cells == b, a, cells)).astype(np.uint8))


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


def _shifted(mask: Array, dr: int, dc: int) -> Array:
    """``mask`` moved ``dr`` rows down and ``dc`` columns right, False where it comes in."""
    out = np.zeros_like(mask)
    h, w = mask.shape
    out[max(dr, 0):h + min(dr, 0), max(dc, 0):w + min(dc, 0)] = \
        mask[max(-dr, 0):h + min(-dr, 0), max(-dc, 0):w + min(-dc, 0)]
    return out


_SIDES = ((1, 0), (-1, 0), (0, 1), (0, -1))
_CORNERS = ((1, 1), (1, -1), (-1, 1), (-1, -1))


def _next_to(mask: Array, moves: tuple[tuple[int, int], ...]) -> Array:
    """Cells one of ``moves`` away from a cell of ``mask`` (a dilation, without scipy's
    overhead on grids this small)."""
    out = np.zeros_like(mask)
    for dr, dc in moves:
        out |= _shifted(mask, dr, dc)
    return out


@lru_cache(maxsize=4096)
def _enclosed(g: Grid) -> Array:
    """Background cells that cannot reach the border, 4-connected (per grid, any colour)."""
    from scipy import ndimage

    background = g.cells == 0
    labels, _ = ndimage.label(background)
    border = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    inside: Array = background & ~np.isin(labels, border)
    return inside


@lru_cache(maxsize=4096)
def _around(g: Grid) -> Array:
    """Background cells next to (8 around) a non-background one."""
    cells = g.cells
    near: Array = _next_to(cells != 0, _SIDES + _CORNERS) & (cells == 0)
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


def map_objects(f: Callable[[Grid], Any], g: Grid) -> Grid:
    """Each shape's bounding box (8-connected, any non-background colours), cut out as a grid,
    replaced by ``f`` of it; a result of another size is an error. Boxes are read from ``g``
    and written in reading order, so a later box overwrites where two overlap."""
    cells = _cells(g)
    shapes = _components(g, diagonal=True, by_color=False)  # in reading order
    boxes = [(slice(o.row, o.row + o.patch.shape[0]), slice(o.col, o.col + o.patch.shape[1]))
             for o in shapes]
    charge(len(boxes))
    out = np.array(cells)
    for box in boxes:
        part = Grid(cells[box])
        done = f(part)
        if not isinstance(done, Grid) or done.shape != part.shape:
            raise EvalError("map-objects: the function must keep each box's size")
        out[box] = done.cells
    return _made(out)


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


# ---------------------------------------------------------------- lines and rays


def _last_seen(cells: Array) -> Array:
    """Along every row, the colour of the nearest non-background cell at or left of each
    cell (background where there is none): a forward fill."""
    h, w = cells.shape
    where = np.where(cells != 0, np.arange(w), -1)
    np.maximum.accumulate(where, axis=1, out=where)
    found = cells.ravel()[np.maximum(where, 0) + np.arange(0, h * w, w)[:, None]]
    out: Array = np.where(where >= 0, found, 0).astype(np.uint8)
    return out


def _next_seen(cells: Array) -> Array:
    """... at or right of each cell."""
    return _last_seen(cells[:, ::-1])[:, ::-1]


def _between(cells: Array) -> Array:
    """Along every row, background cells between two cells of one colour take it."""
    left, right = _last_seen(cells), _next_seen(cells)
    return np.where((cells == 0) & (left == right), left, cells)


def connect(g: Grid) -> Grid:
    """Background cells between two cells of one colour, in a row or a column, take it
    (rows drawn over columns)."""
    cells = _cells(g)
    charge(2 * g.size)
    across, down = _between(cells), _between(cells.T).T
    return _made(np.where(across != 0, across, down))


def _spread(cells: Array) -> Array:
    """Along every row, background cells take the colour of the nearest cell to their left,
    or, with none there, to their right."""
    left = _last_seen(cells)
    return np.where(left != 0, left, _next_seen(cells))


def rays_h(g: Grid) -> Grid:
    """Every non-background cell's colour runs along its row, over the background (a row
    with several colours: each cell's run reaches the next cell)."""
    return _made(_spread(_cells(g)))


def rays_v(g: Grid) -> Grid:
    """... along its column."""
    return _made(_spread(_cells(g).T).T)


def extend_right(g: Grid) -> Grid:
    """Every non-background cell's colour runs right until a non-background cell or the
    border."""
    return _made(_last_seen(_cells(g)))


def extend_left(g: Grid) -> Grid:
    return _made(_next_seen(_cells(g)))


def extend_down(g: Grid) -> Grid:
    return _made(_last_seen(_cells(g).T).T)


def extend_up(g: Grid) -> Grid:
    return _made(_next_seen(_cells(g).T).T)


# ---------------------------------------------------------------- neighbourhoods


def _ring(moves: tuple[tuple[int, int], ...], c: int, g: Grid) -> Grid:
    cells = _cells(g)
    charge(int(cells.size))
    near = _next_to(cells != 0, moves) & (cells == 0)
    return _made(np.where(near, c, cells).astype(np.uint8))


def halo4(c: int, g: Grid) -> Grid:
    """Background cells beside (above, below, left, right of) a non-background one take the
    colour."""
    return _ring(_SIDES, c, g)


def halo_diagonal(c: int, g: Grid) -> Grid:
    """Background cells diagonal to a non-background one take the colour."""
    return _ring(_CORNERS, c, g)


# ---------------------------------------------------------------- patterns


def fractal(g: Grid) -> Grid:
    """Every non-background cell becomes a copy of the whole grid, every background cell a
    background block of its size."""
    h, w = g.shape
    if h * h > MAX_SIDE or w * w > MAX_SIDE:
        raise EvalError(f"a {h}x{w} grid made of copies of itself is larger than {MAX_SIDE} a side")
    cells = _cells(g)
    return _made(np.kron((cells != 0).astype(np.uint8), cells))


def _agrees(cells: Array, dr: int, dc: int) -> bool:
    """Do the grid's non-background cells agree with their copies ``dr`` rows down and
    ``dc`` columns right (``dc`` may be negative), where both are non-background?"""
    h, w = cells.shape
    if dc >= 0:
        x, y = cells[dr:, dc:], cells[:h - dr, :w - dc]
    else:
        x, y = cells[dr:, :w + dc], cells[:h - dr, -dc:]
    return bool(np.all((x == y) | (x == 0) | (y == 0)))


def _lattices(cells: Array) -> list[tuple[int, int, int]]:
    """Repeating tilings the grid's cells might follow, smallest first: a tile of ``p`` rows
    and ``q`` columns (``s`` = 0), or diagonal stripes (``q`` = 1, each column the one to its
    left shifted ``s`` rows up). Only translations its non-background cells agree with, and
    tiles that repeat at least twice along the rows or the columns."""
    h, w = cells.shape
    rows = [p for p in range(1, h // 2 + 1) if _agrees(cells, p, 0)] + [h]
    cols = [q for q in range(1, w // 2 + 1) if _agrees(cells, 0, q)] + [w]
    found = [(p, q, 0) for p in rows for q in cols if p * q < h * w]
    found += [(p, 1, s) for p in rows if p < h and w > 1 for s in range(1, p)
              if _agrees(cells, p - s, 1)]
    return sorted(found, key=lambda pqs: (pqs[0] * pqs[1], pqs))


@lru_cache(maxsize=4096)
def _period(g: Grid) -> Array | None:
    """The grid completed by its smallest repeating tiling (:func:`_lattices`) that all of
    its non-background cells agree with and that leaves no cell unknown; None if there is
    none."""
    cells = g.cells
    h, w = cells.shape
    known = cells != 0
    n_known = int(known.sum())
    rows, cols = np.indices((h, w))
    colour = cells[known]
    for p, q, s in _lattices(cells):
        if p * q > n_known:
            break
        classes = ((rows + (cols // q) * s) % p) * q + cols % q
        cls = classes[known]
        if np.bincount(cls, minlength=p * q).min() == 0:
            continue  # a cell of the tile is never seen
        first = np.zeros(p * q, dtype=np.uint8)
        first[cls] = colour
        if np.any(first[cls] != colour):
            continue
        done: Array = first[classes].astype(np.uint8)
        return done
    return None


def complete_period(g: Grid) -> Grid:
    """Background cells take the colour of the grid's repeating pattern: the smallest tiling
    (rows and columns) that every non-background cell agrees with."""
    charge(4 * g.size)
    if g.cells.all():
        raise EvalError("the grid has no background cell to complete")
    found = _period(g)
    if found is None:
        raise EvalError("no pattern repeats in the grid")
    return _made(found)


# ---------------------------------------------------------------- regions of a grid


def under(o: Obj, g: Grid) -> Grid:
    """The part of the grid under the object's bounding box."""
    clipped = _clip(o, g.shape)
    if clipped is None:
        raise EvalError("the object lies outside the grid")
    box, _ = clipped
    return _made(_cells(g)[box])


def trim(g: Grid) -> Grid:
    """The grid without its outermost rows and columns."""
    h, w = g.shape
    if h < 3 or w < 3:
        raise EvalError(f"a {h}x{w} grid has no inside")
    return _made(_cells(g)[1:-1, 1:-1])


def slide_to(a: Obj, b: Obj, g: Grid) -> Grid:
    """``a`` moved straight towards ``b`` (across the rows or the columns they share) until
    it touches it, drawn over the background it leaves."""
    rows_a, rows_b = (a.row, a.row + a.patch.shape[0]), (b.row, b.row + b.patch.shape[0])
    cols_a, cols_b = (a.col, a.col + a.patch.shape[1]), (b.col, b.col + b.patch.shape[1])
    share_rows = rows_a[0] < rows_b[1] and rows_b[0] < rows_a[1]
    share_cols = cols_a[0] < cols_b[1] and cols_b[0] < cols_a[1]
    if share_rows and share_cols:
        raise EvalError("the objects' boxes overlap: they already touch")
    if share_rows:  # side by side: move across
        dr, dc = 0, (cols_b[0] - cols_a[1] if cols_a[1] <= cols_b[0] else cols_b[1] - cols_a[0])
    elif share_cols:  # one above the other
        dr, dc = (rows_b[0] - rows_a[1] if rows_a[1] <= rows_b[0] else rows_b[1] - rows_a[0]), 0
    else:
        raise EvalError("the objects share no row or column: no straight way between them")
    return paint(move(dr, dc, a), erase_object(a, g))
