"""Numbers and arrays for the geometric half: ``float``, ``tensor(d1, ..., dk)``, ``image(h, w)``.

- ``float``: a finite Python float inside and out; JSON numbers with a fraction are floats
  (an int where a float is due is taken as one). Float primitives fail rather than make an
  infinity or a NaN, so every float a program holds is finite.
- ``tensor(d1, ..., dk)`` (1 to 4 dimensions): an immutable :class:`~._arrays.Array` of
  floats of exactly that shape; nested JSON lists outside.
- ``image(h, w)`` greyscale, ``image(h, w, c)`` with ``c`` channels: the same, for pictures
  (pixel values as given, e.g. 0-255).

Dimensions are type-level numbers (``tensor(10)``): a shape that does not match is refused
when a value is read, and unification tells shapes apart. numpy is imported with the first
array, not with the domain.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from hortus.domains import Domain
from hortus.eval.codecs import Codec, bad, seen_or_between
from hortus.lang.primitives import prim
from hortus.lang.runtime import EvalError, charge
from hortus.lang.types import (
    Fresh,
    Subst,
    TCon,
    Type,
    UnificationError,
    dimension,
    dimension_of,
    resolve,
    unify,
)

if TYPE_CHECKING:
    import random

    from hortus.eval.sampler import Seeds

FLOAT = TCon("float")


class FloatCodec(Codec):
    name = "float"
    flat = True
    probes = (0.0, 1.0)

    def to_internal(self, v: Any, t: TCon) -> Any:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise bad("a number", v)
        try:
            x = float(v)
        except OverflowError:
            raise bad("a number within a float's range", v) from None
        if not math.isfinite(x):
            raise bad("a finite number", v)
        return x

    def claim(self, v: Any) -> Type | None:
        return FLOAT if isinstance(v, float) else None

    def sample(self, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        return float(seen_or_between(t, seeds, rng, (0.0, 1.0), rng.uniform))


class _ArrayCodec(Codec):
    """Arrays of a fixed shape, the shape in the type's arguments (dimensions)."""

    what = "an array"

    def shape(self, t: TCon) -> tuple[int | None, ...]:
        """The shape ``t`` asks for; None where a dimension is a type variable."""
        return tuple(dimension_of(a) for a in t.args)

    def unify(self, v: Any, t: TCon, s: Subst, fresh: Fresh) -> None:
        shape = self._read(v, t).shape
        if len(shape) != len(t.args):
            from hortus.eval.values import ValueTypeError

            raise ValueTypeError(f"expected {self.what} of {len(t.args)} dimension(s), got "
                                 f"one of shape {_shape_text(shape)}")
        try:
            for arg, n in zip(t.args, shape, strict=True):
                unify(arg, dimension(n), s)
        except UnificationError:
            from hortus.eval.values import ValueTypeError

            want = tuple(dimension_of(resolve(a, s)) for a in t.args)
            raise ValueTypeError(f"expected {self.what} of shape {_shape_text(want)}, got one "
                                 f"of shape {_shape_text(shape)}") from None

    def to_internal(self, v: Any, t: TCon) -> Any:
        array = self._read(v, t)
        want = self.shape(t)
        if len(array.shape) != len(want) or any(
                w is not None and w != n for w, n in zip(want, array.shape, strict=True)):
            from hortus.eval.values import ValueTypeError

            raise ValueTypeError(f"expected {self.what} of shape {_shape_text(want)}, got one "
                                 f"of shape {_shape_text(array.shape)}")
        return array

    def _read(self, v: Any, t: TCon) -> Any:
        from hortus.domains._arrays import read
        from hortus.eval.values import ValueTypeError

        try:
            return read(v, self.what)
        except ValueError as e:
            raise ValueTypeError(f"expected {self.what} for type {t}, got {e}") from None

    def to_external(self, v: Any, t: TCon) -> Any:
        return v.tolist()

    def to_json(self, v: Any, t: TCon) -> Any:
        return v.tolist()

    def charge(self, v: Any, t: TCon) -> None:
        charge(v.size)

    def claim(self, v: Any) -> Type | None:
        """An array (numpy's, or ours) given without a type is a tensor of its shape."""
        if self.name != "tensor":
            return None
        np, ours = sys.modules.get("numpy"), sys.modules.get("hortus.domains._arrays")
        if (np is not None and isinstance(v, np.ndarray)) or (
                ours is not None and isinstance(v, ours.Array)):
            return TCon(self.name, tuple(dimension(n) for n in v.shape))
        return None

    def parts(self, v: Any, t: TCon) -> Iterable[tuple[Any, Type]]:
        return ()

    def sample(self, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        """One the task holds with a little noise (a tenth of their spread), else noise."""
        import numpy as np

        from hortus.domains._arrays import Array

        gen = np.random.default_rng(rng.randrange(2**32))
        seen = seeds.seen(t)
        if seen:
            base = rng.choice(seen).data
            spread = float(np.std(np.stack([a.data for a in seen]))) or 1.0
            return Array(base + gen.normal(0.0, spread / 10, base.shape))
        shape = tuple(n if n is not None else 1 for n in self.shape(t))
        return Array(gen.normal(0.0, 1.0, shape))


class TensorCodec(_ArrayCodec):
    name = "tensor"
    arity = (1, 4)
    what = "a tensor"


class ImageCodec(_ArrayCodec):
    name = "image"
    arity = (2, 3)
    what = "an image"

    def sample(self, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        """One of the task's own images: noise added to a picture is not one."""
        seen = seeds.seen(t)
        return rng.choice(seen) if seen else super().sample(t, seeds, rng)


def _shape_text(shape: Iterable[int | None]) -> str:
    return "(" + ", ".join("?" if n is None else str(n) for n in shape) + ")"


# ---------------------------------------------------------------- float primitives


def _finite(x: float) -> float:
    # a fitted constant may be a torch scalar (hortus.train.constants): read its value
    item = getattr(x, "item", None)
    if not math.isfinite(item() if item is not None else x):
        raise EvalError("the result is not a finite number")
    return x


def _fdiv(a: float, b: float) -> float:
    if b == 0.0:
        raise EvalError("division by zero")
    return _finite(a / b)


def _round(x: float) -> int:
    from hortus.lang.runtime import check_int

    # a float hole's output while training is a torch scalar: its value rounds (no gradient)
    item = getattr(x, "item", None)
    return check_int(round(item() if item is not None else x))


PRIMITIVES = [
    prim("+.", "float -> float -> float", lambda a, b: _finite(a + b), "float addition"),
    prim("-.", "float -> float -> float", lambda a, b: _finite(a - b), "float subtraction"),
    prim("*.", "float -> float -> float", lambda a, b: _finite(a * b), "float multiplication"),
    prim("/.", "float -> float -> float", _fdiv, "float division (fails on zero)"),
    prim("gt.?", "float -> float -> bool", lambda a, b: a > b, "is the first float larger?"),
    prim("float", "int -> float", lambda n: _finite(float(n)), "the int as a float"),
    prim("round", "float -> int", _round, "the nearest int (halves to even)"),
]

DOMAIN = Domain(
    name="tensors",
    summary="floats, tensors and images: the values neural modules take and give",
    primitives=("hortus.domains.tensors",),
    codecs=(FloatCodec(), TensorCodec(), ImageCodec()),
    default=False,
)
