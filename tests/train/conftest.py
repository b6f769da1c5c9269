"""Synthetic "digits": noisy copies of one random prototype vector per class.

They stand in for images where a test needs a network that learns in a second: each class is
a cluster, so a small MLP separates them, but only if training finds which cluster is which.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("torch")

DIM = 12


class Glyphs:
    def __init__(self, classes: int = 10, seed: int = 0, noise: float = 0.35) -> None:
        from hortus.domains._arrays import Array

        self.rng = random.Random(seed)
        gen = np.random.default_rng(seed)
        protos = gen.normal(size=(classes, DIM))
        self.classes = classes
        self.items: list[tuple[Any, int]] = []
        for i in range(60 * classes):
            d = i % classes
            self.items.append((Array(protos[d] + noise * gen.normal(size=DIM)), d))

    def draw(self) -> tuple[Any, int]:
        return self.rng.choice(self.items)


@pytest.fixture
def glyphs() -> Glyphs:
    return Glyphs()
