"""The codecs of ARC's types (``grid``, ``color``, ``object``); numpy loads with the first grid."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from hortus.eval.codecs import Codec, bad
from hortus.lang.runtime import charge
from hortus.lang.types import TCon, Type

if TYPE_CHECKING:
    import random

    from hortus.eval.sampler import Seeds
    from hortus.lang.program import Program

GRID, COLOR, OBJECT = TCon("grid"), TCon("color"), TCon("object")
_VALUES = "hortus.domains.arc.values"
CELL_RULES = 40  # programs of a grid task whose outputs are offered per-cell rules


def _invalid(e: ValueError) -> Exception:
    from hortus.eval.values import ValueTypeError

    return ValueTypeError(str(e))


def _ours(v: Any, cls: str) -> bool:
    """Is ``v`` one of our values of class ``cls``? (Without importing numpy to ask.)"""
    values = sys.modules.get(_VALUES)
    return values is not None and isinstance(v, getattr(values, cls))


class GridCodec(Codec):
    """``grid``: rows of colours outside; a :class:`~.values.Grid` inside."""

    name = "grid"
    companions = ("color", "object")
    graded = True
    closes = True

    def close(self, values: tuple[Any, ...], targets: tuple[Any, ...], t: TCon, rank: int
              ) -> Program | None:
        """The colour map that turns every value into its target, as recolourings, or the
        tiling of turned copies that does; for the first :data:`CELL_RULES` programs, else
        the per-cell rule that does (milliseconds each)."""
        from hortus.domains.arc.deduce import cell_rule, color_map, tiling

        step = color_map(values, targets) or tiling(values, targets)
        if step is None and rank < CELL_RULES:
            step = cell_rule(values, targets)
        return step

    def distance(self, a: Any, b: Any, t: TCon) -> float:
        """The share of cells that differ; 1 when the shapes do."""
        if a.shape != b.shape:
            return 1.0
        return float((a.cells != b.cells).mean())

    def to_internal(self, v: Any, t: TCon) -> Any:
        from hortus.domains.arc.values import grid_of

        try:
            return grid_of(v)
        except ValueError as e:
            raise _invalid(e) from None

    def to_external(self, v: Any, t: TCon) -> Any:
        return v.tolist()

    def to_json(self, v: Any, t: TCon) -> Any:
        return v.tolist()

    def charge(self, v: Any, t: TCon) -> None:
        charge(v.size)

    def summary(self, v: Any, t: TCon) -> list[int] | None:
        from hortus.domains.arc.features import features

        return features(v)

    def claim(self, v: Any) -> Type | None:
        return GRID if _ours(v, "Grid") else None

    def sample(self, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        """One of the task's grids with a few cells changed (a 3x3 of noise without any)."""
        from hortus.domains.arc.values import COLORS, grid_of

        seen = seeds.seen(t)
        if not seen:
            return grid_of([[rng.randrange(COLORS) for _ in range(3)] for _ in range(3)])
        return self.mutate(rng.choice(seen), t, seeds, rng)

    def mutate(self, v: Any, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        """``v`` with one to three cells recoloured, in colours it holds."""
        from hortus.domains.arc.values import grid_of

        rows = v.tolist()
        palette = sorted({c for row in rows for c in row})
        for _ in range(rng.randint(1, 3)):
            rows[rng.randrange(len(rows))][rng.randrange(len(rows[0]))] = rng.choice(palette)
        return grid_of(rows)


class ColorCodec(Codec):
    """``color``: an int 0-9, the same inside and out."""

    name = "color"
    flat = True
    probes = (0, 1, 2)

    def to_internal(self, v: Any, t: TCon) -> Any:
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 10:
            raise bad("a colour 0-9", v)
        return v

    def sample(self, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        return rng.randrange(10)


class ObjectCodec(Codec):
    """``object``: ``{"row", "col", "grid"}`` outside (``null`` where it has no cell)."""

    name = "object"

    def to_internal(self, v: Any, t: TCon) -> Any:
        from hortus.domains.arc.values import object_of

        try:
            return object_of(v)
        except ValueError as e:
            raise _invalid(e) from None

    def to_external(self, v: Any, t: TCon) -> Any:
        return v.to_json()

    def to_json(self, v: Any, t: TCon) -> Any:
        return v.to_json()

    def charge(self, v: Any, t: TCon) -> None:
        charge(v.patch.size)

    def claim(self, v: Any) -> Type | None:
        return OBJECT if _ours(v, "Obj") else None


CODECS = (GridCodec(), ColorCodec(), ObjectCodec())
