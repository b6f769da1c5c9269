"""What every search strategy shares: its budget, the candidates it returns, its result."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from hortus.lang.program import Program, show

if TYPE_CHECKING:
    from hortus.prior.grammar import Grammar
    from hortus.search.ambiguity import Question
    from hortus.tasks.task import Task


@dataclass(frozen=True)
class SearchBudget:
    """How much one search may spend, and how much it should return."""

    timeout: float = 10.0  # wall-clock seconds for the whole search
    top_k: int = 1  # stop once this many programs fit (after finishing their cost level)
    max_programs: int | None = None  # stop after trying this many complete programs
    max_terms: int = 4_000_000  # sub-terms kept for reuse
    max_memory_mb: float = 1_800.0  # resident memory of the searching process
    eval_steps: int = 1_000  # loop iterations allowed per candidate and example
    max_len: int = 1_000  # longest list a candidate may build


@dataclass(frozen=True)
class Candidate:
    """A program that fits the task's examples."""

    program: Program
    logprior: float  # log probability under the grammar that searched for it
    time: float  # seconds from the start of the search until it was found
    tried: int  # complete programs tried until it was found
    failures: int | None = None  # sampled inputs of the task it raised on (None: not run)

    def to_json(self) -> dict[str, Any]:
        out = {"program": show(self.program), "logprior": self.logprior, "time": self.time,
               "tried": self.tried}
        if self.failures is not None:
            out["failures"] = self.failures
        return out


@dataclass(frozen=True)
class LeaveOneOut:
    """Without example ``example`` the search would have returned ``program``, which is
    wrong on it: the answer hinges on that example (leave-one-out cross-validation)."""

    example: int  # index into the task's examples
    program: Program
    logprior: float

    def to_json(self) -> dict[str, Any]:
        return {"example": self.example, "program": show(self.program),
                "logprior": self.logprior}


@dataclass
class SearchResult:
    """What a search found, what it cost, and whether a budget cut it short."""

    task: str
    solutions: list[Candidate]  # best (most probable) first
    tried: int  # complete programs tried
    time: float  # seconds spent
    cut: str | None  # None: it finished; else the budget that stopped it ("time", "memory", ...)
    stats: dict[str, Any] = field(default_factory=dict)
    alternatives: list[Candidate] = field(default_factory=list)  # fit, but behave differently
    question: Question | None = None  # an input the fits disagree on, and their answers
    leave_one_out: list[LeaveOneOut] = field(default_factory=list)  # examples it hinges on
    trained: Any = None  # the best program with its holes' trained networks (hortus.train)
    # no fit: the programs whose outputs came nearest the examples', nearest first (graded
    # output types only)
    guesses: list[Candidate] = field(default_factory=list)

    @property
    def solved(self) -> bool:
        return bool(self.solutions)

    @property
    def ambiguous(self) -> bool:
        """Do programs that fit the examples give different outputs on inputs like theirs?"""
        return self.question is not None

    @property
    def fragile(self) -> bool:
        """Would the search have returned a program wrong on an example, had it not seen it?"""
        return bool(self.leave_one_out)

    @property
    def guess(self) -> Candidate | None:
        """The best guess: the nearest program, when none fits."""
        return self.guesses[0] if self.guesses else None

    @property
    def best(self) -> Candidate | None:
        return self.solutions[0] if self.solutions else None

    def to_json(self) -> dict[str, Any]:
        """The result as plain JSON: what ``hortus solve --json`` prints, one line per task."""
        best = self.best
        return {"name": self.task, "solved": self.solved,
                "program": show(best.program) if best else None,
                "time": round(self.time, 4), "tried": self.tried, "cut": self.cut,
                "logprior": best.logprior if best else None,
                "programs": [show(c.program) for c in self.solutions],
                "ambiguous": self.ambiguous,
                "alternatives": [{"program": show(c.program), "logprior": c.logprior}
                                 for c in self.alternatives],
                "question": self.question.to_json() if self.question is not None else None,
                "fragile": self.fragile,
                "leave_one_out": [x.to_json() for x in self.leave_one_out],
                **({"guess": show(self.guess.program)} if self.guess is not None else {}),
                **({"trained": self.trained.report.to_json()}
                   if getattr(self.trained, "report", None) is not None else {})}


class Searcher(ABC):
    """A search strategy: proposes programs for a task in order of prior probability."""

    name: ClassVar[str]

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Searcher:
        """A searcher configured from plain JSON options (what worker processes receive)."""
        if options:
            raise ValueError(f"{cls.name} takes no options, got {sorted(options)}")
        return cls()

    @abstractmethod
    def search(self, task: Task, grammar: Grammar, budget: SearchBudget) -> SearchResult:
        """Search for programs of ``task.request`` that fit all of ``task``'s examples."""
