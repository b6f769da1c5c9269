"""Priors: what the search believes about a task before it starts, as a grammar for that task."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
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

    def grammars_for(self, tasks: Sequence[Task]) -> Grammar | list[Grammar]:
        """One grammar per task, in order (a prior may batch them), or one grammar for all
        when the prior does not look at the task."""
        return [self.grammar_for(t) for t in tasks]


class _Fixed(Prior):
    """One grammar, whatever the task."""

    grammar: Grammar

    def grammar_for(self, task: Task) -> Grammar:
        return self.grammar

    def grammars_for(self, tasks: Sequence[Task]) -> Grammar:
        return self.grammar


class UniformPrior(_Fixed):
    """Every routine of the library equally likely, whatever the task."""

    name: ClassVar[str] = "uniform"

    def __init__(self, grammar: Grammar) -> None:
        self.grammar = Grammar(tuple(replace(p, logweight=0.0) for p in grammar.productions))


class LibraryPrior(_Fixed):
    """The library's own weights (fitted to what it has solved), whatever the task."""

    name: ClassVar[str] = "library"

    def __init__(self, grammar: Grammar) -> None:
        self.grammar = grammar
