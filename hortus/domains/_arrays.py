"""Arrays as values: immutable, hashable, compared by content (numpy, imported with them).

Equivalence pruning keeps values in sets and compares vectors of them, so an array inside a
program must hash and compare like an int: :class:`Array` wraps a read-only float64 numpy
array, hashes its shape and bytes (once, when first asked) and is equal to another with the
same shape and elements.
"""

from __future__ import annotations

from typing import Any

import numpy as np

MAX_ELEMENTS = 1_000_000  # elements of one array given as input: a 1000x1000 image


class Array:
    """An immutable n-dimensional array of finite floats."""

    __slots__ = ("_hash", "data")

    def __init__(self, data: np.ndarray[Any, Any]) -> None:
        data = np.array(data, dtype=np.float64)  # a copy: nobody else holds it
        data.setflags(write=False)
        self.data = data
        self._hash: int | None = None

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.data.shape)

    @property
    def size(self) -> int:
        return int(self.data.size)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((self.data.shape, self.data.tobytes()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Array) and self.data.shape == other.data.shape
                and bool(np.array_equal(self.data, other.data)))

    def __repr__(self) -> str:
        return f"Array(shape={self.shape})"

    def tolist(self) -> Any:
        return self.data.tolist()


def read(v: Any, what: str) -> Array:
    """An :class:`Array` of plain ``v`` (nested lists of numbers, or a numpy array); raises
    ValueError saying why when it is ragged, not numeric, not finite or too big."""
    if isinstance(v, Array):
        return v
    if isinstance(v, np.ndarray):
        if v.dtype.kind not in "biuf":
            raise ValueError(f"{what} of dtype {v.dtype} (numbers are needed)")
        data = v
    else:
        _check_nested(v, what)
        try:
            data = np.array(v, dtype=np.float64)
        except (ValueError, TypeError, OverflowError):
            raise ValueError(f"{what} that is ragged or holds something not a number") from None
    if data.size > MAX_ELEMENTS:
        raise ValueError(f"{what} of {data.size:,} elements (at most {MAX_ELEMENTS:,})")
    if not np.isfinite(data).all():
        raise ValueError(f"{what} holding a value that is not a finite number")
    return Array(data)


def _check_nested(v: Any, what: str) -> None:
    """Refuse booleans and text before numpy reads them as numbers, and huge inputs early."""
    stack, seen = [v], 0
    while stack:
        x = stack.pop()
        seen += 1
        if seen > 2 * MAX_ELEMENTS:
            raise ValueError(f"{what} of more than {MAX_ELEMENTS:,} elements")
        if isinstance(x, list | tuple):
            stack.extend(x)
        elif isinstance(x, bool) or not isinstance(x, int | float):
            raise ValueError(f"{what} holding {type(x).__name__} values (numbers are needed)")
