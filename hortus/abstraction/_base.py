"""Abstraction: compress a corpus of programs into new routines (a pure function, no storage)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hortus.lang.program import Program, Routine
from hortus.lang.types import Type


@dataclass(frozen=True)
class Abstraction:
    """A new routine, how often the rewritten corpus uses it, and the tasks it came from."""

    routine: Routine  # named; its body may use earlier abstractions
    type: Type
    uid: str  # stable id: a hash of the body's text
    uses: int
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class Compression:
    abstractions: list[Abstraction]  # in the order found: later ones may use earlier ones
    rewritten: list[Program]  # the corpus rewritten with them, in input order
    stats: dict[str, Any] = field(default_factory=dict)


class Compressor(ABC):
    """Finds routines that shorten a corpus: programs in, routines and rewritten programs out."""

    name: str

    @abstractmethod
    def compress(self, corpus: Sequence[tuple[Type, Program]], tasks: Sequence[str],
                 taken: set[str]) -> Compression:
        """Compress ``(request type, program)`` pairs solving ``tasks`` (one name each).

        ``taken`` are names already used (routines of the library): new ones avoid them.
        """
