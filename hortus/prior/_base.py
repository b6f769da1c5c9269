"""Priors: what the search believes about a task before it starts, as a grammar for that task."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from hortus.prior.grammar import Grammar

if TYPE_CHECKING:
    from hortus.tasks.task import Task


class Prior(ABC):
    """Maps a task to the grammar its search should use."""

    name: ClassVar[str]

    @abstractmethod
    def grammar_for(self, task: Task) -> Grammar:
        """The grammar to search with for ``task``."""


class UniformPrior(Prior):
    """Every routine of the library equally likely, whatever the task."""

    name: ClassVar[str] = "uniform"

    def __init__(self, grammar: Grammar) -> None:
        self.grammar = Grammar(tuple(replace(p, logweight=0.0) for p in grammar.productions))

    def grammar_for(self, task: Task) -> Grammar:
        return self.grammar


class LibraryPrior(Prior):
    """The library's own weights (fitted to what it has solved), whatever the task."""

    name: ClassVar[str] = "library"

    def __init__(self, grammar: Grammar) -> None:
        self.grammar = grammar

    def grammar_for(self, task: Task) -> Grammar:
        return self.grammar
