"""Fixtures for the library tests: a fresh library file, and the library opened on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hortus.library import Library


@pytest.fixture
def lib_path(tmp_path: Path) -> Path:
    return tmp_path / "lib.db"


@pytest.fixture
def lib(lib_path: Path) -> Iterator[Library]:
    with Library.open(str(lib_path)) as library:
        yield library
