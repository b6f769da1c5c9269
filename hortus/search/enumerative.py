"""The enumerative strategy: type-directed best-first enumeration with equivalence pruning.

The library's grammar is compiled for the task's type (:mod:`hortus.prior.cfg`); programs come
out by cost level, cheapest first (:mod:`._enumerator`), each evaluated on the examples from its
parts' cached values, with equivalent parts pruned (:mod:`._equivalence`). The search stops
when ``top_k`` programs fit (after finishing a few more levels, so that rounding to cost levels
does not reorder close programs), or when a budget runs out; it says which.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from hortus.eval.budget import Budget
from hortus.lang.runtime import METER
from hortus.lang.types import Type
from hortus.prior.cfg import CFG, CFGConfig
from hortus.prior.grammar import Grammar
from hortus.search._base import Candidate, SearchBudget, Searcher, SearchResult
from hortus.search._enumerator import Prog, Stop, term_logp
from hortus.search._equivalence import ValueEnumerator
from hortus.tasks.task import Task


@dataclass(frozen=True)
class EnumeratorConfig:
    quantum: float = 0.5  # nats per cost level; smaller is closer to exact order, slower
    slack: int = 2  # levels searched past the one where top_k fits were found (rounding ties)
    lambda_equivalence: bool = True  # prune lambda bodies that agree on probe environments
    cfg: CFGConfig = field(default_factory=CFGConfig)


class EnumerativeSearcher(Searcher):
    """Type-directed best-first enumeration with observational-equivalence pruning."""

    name: ClassVar[str] = "enumerative"

    def __init__(self, config: EnumeratorConfig | None = None) -> None:
        self.config = config or EnumeratorConfig()
        self._cfgs: dict[tuple[int, Type], tuple[Grammar, CFG]] = {}

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> EnumerativeSearcher:
        known = {f.name for f in fields(EnumeratorConfig)} - {"cfg"}
        unknown = set(options) - known
        if unknown:
            raise ValueError(f"unknown options {sorted(unknown)}; known: {sorted(known)}")
        return cls(EnumeratorConfig(**options))

    def compiled(self, grammar: Grammar, request: Type) -> CFG:
        """The grammar compiled for ``request``, reused across tasks of the same type."""
        key = (id(grammar), request)
        found = self._cfgs.get(key)
        if found is None or found[0] is not grammar:
            if len(self._cfgs) > 64:
                self._cfgs.clear()
            found = self._cfgs[key] = (grammar, CFG(grammar, request, self.config.cfg))
        return found[1]

    def search(self, task: Task, grammar: Grammar, budget: SearchBudget) -> SearchResult:
        start = time.perf_counter()
        deadline = start + budget.timeout
        cfg = self.compiled(grammar, task.request)
        envs, target = task.internal
        en = ValueEnumerator(cfg, envs, target, self.config.quantum, deadline, budget.max_terms,
                             budget.eval_steps, self.config.lambda_equivalence,
                             budget.max_memory_mb)
        found: list[Candidate] = []

        def record(prog: Prog) -> None:
            found.append(Candidate(en.to_program(prog), term_logp(prog),
                                   time.perf_counter() - start, en.tried))

        en.on_solution = record
        cut: str | None = None
        level, stop_at = 0, None
        eval_budget = Budget(steps=budget.eval_steps, time=budget.timeout + 1.0,
                             max_len=budget.max_len)
        with eval_budget.active():
            METER.deadline = deadline + 1.0  # a candidate never runs past the search's end
            try:
                while True:
                    level += 1
                    en.pool(cfg.start, level)
                    if stop_at is None and len(found) >= budget.top_k:
                        stop_at = level + self.config.slack
                    if stop_at is not None and level >= stop_at:
                        break
                    if budget.max_programs is not None and en.tried >= budget.max_programs:
                        cut = "programs"
                        break
                    if time.perf_counter() > deadline:
                        cut = "time"
                        break
            except Stop as stop:
                cut = stop.reason
        found.sort(key=lambda cand: -cand.logprior)
        return SearchResult(
            task=task.name,
            solutions=found[: budget.top_k],
            tried=en.tried,
            time=time.perf_counter() - start,
            cut=cut if len(found) < budget.top_k else None,
            stats={"terms": en.terms, "pruned": en.pruned, "level": level,
                   "nonterminals": len(en.pools)},
        )
