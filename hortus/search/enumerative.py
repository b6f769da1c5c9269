"""Best-first enumeration by dynamic programming over cost levels, with observational equivalence.

Every rule of the compiled grammar (:mod:`hortus.prior.cfg`) costs ``-log p`` in units of a
``quantum`` (at least one unit). The *pool* of a nonterminal at cost ``c`` holds all its terms of
exactly that cost; it is built once from the pools of the rule's arguments at lower costs (every
way of splitting the remaining cost among them) and kept for reuse. Complete programs therefore
come out level by level in decreasing probability (up to the quantum), each one built in
constant time from sub-terms already built: nothing is enumerated twice.

With examples, each term whose only free variables are the task's inputs carries its value on
every example, computed from its children's values with one call of its head per example. Two
such terms with the same values are interchangeable in any context, so only the first (most
probable) is kept: this is *observational equivalence*, and it prunes most of the space. A
complete program fits when its values equal the expected outputs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import product
from typing import Any, ClassVar

from hortus.eval.budget import Budget
from hortus.eval.interpreter import _call, _if
from hortus.eval.vector import (
    ERR,
    fast_vector_fn,
    head_impl,
    lambda_closure,
    lambda_values,
    vector_fn,
)
from hortus.lang.program import Apply, Index, Lambda, Primitive, Program
from hortus.lang.runtime import METER
from hortus.prior.cfg import CFG, CFGConfig, NonTerminal, Rule
from hortus.prior.grammar import Grammar
from hortus.search._base import Candidate, SearchBudget, Searcher, SearchResult
from hortus.tasks.task import Task

Prog = tuple[Any, ...]  # (rule, child, child, ...): a term in the enumerator's compact form


class _Stop(Exception):
    """Raised inside pool construction when a budget runs out."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


@dataclass(frozen=True)
class EnumeratorConfig:
    quantum: float = 0.5  # nats per cost unit; smaller is closer to exact order, slower
    slack: int = 2  # levels searched past the one where top_k fits were found (rounding ties)
    cfg: CFGConfig = field(default_factory=CFGConfig)


class Enumerator:
    """Enumerates the programs of a compiled grammar in increasing cost levels.

    Without examples it yields every program (``Prog`` tuples). With examples it keeps one term
    per distinct value vector in input scope and reports the programs whose values match.
    """

    def __init__(self, cfg: CFG, quantum: float = 0.5, deadline: float = math.inf,
                 max_terms: int = 4_000_000) -> None:
        self.cfg, self.quantum = cfg, quantum
        self.deadline, self.max_terms = deadline, max_terms
        self.pools: dict[int, list[list[Any]]] = {}
        self.mass: dict[int, list[float]] = {}  # probability mass of each (nonterminal, level)
        self.terms = 0
        self._checks = 0
        self._rules: dict[int, list[Rule]] = {}

    # ------------------------------------------------------------ budgets

    def tick(self, n: int = 1) -> None:
        """Account for ``n`` new terms; raise :class:`_Stop` past a budget."""
        self.terms += n
        if self.terms > self.max_terms:
            raise _Stop("memory")
        self._checks += 1
        if self._checks & 15 == 0 and time.perf_counter() > self.deadline:
            raise _Stop("time")

    def rules(self, nt: NonTerminal) -> list[Rule]:
        found = self._rules.get(nt.id)
        if found is None:
            found = self.cfg.rules(nt)
            for r in found:
                r.cost = max(1, round(-r.logp / self.quantum))
            self._rules[nt.id] = found
        return found

    # ------------------------------------------------------------ pools

    def pool(self, nt: NonTerminal, c: int) -> list[Any]:
        """All kept terms of ``nt`` at cost level ``c`` (built on first request)."""
        levels = self.pools.get(nt.id)
        if levels is None:
            levels = self.pools[nt.id] = [[]]  # nothing costs 0
            self.mass[nt.id] = [0.0]
        while len(levels) <= c:
            bucket, mass = self.fill(nt, len(levels))
            levels.append(bucket)
            self.mass[nt.id].append(mass)
        return levels[c]

    def fill(self, nt: NonTerminal, c: int) -> tuple[list[Any], float]:
        out: list[Any] = []
        mass = 0.0
        for rule in self.rules(nt):
            rem = c - rule.cost
            n = len(rule.args)
            if rem < n or (n == 0 and rem):
                continue
            for pools, m in self.splits(rule.args, rem):
                self.combine(nt, rule, pools, out)
                mass += math.exp(rule.logp) * m
        return out, mass

    def splits(self, args: tuple[NonTerminal, ...], rem: int
               ) -> Iterator[tuple[list[list[Any]], float]]:
        """Non-empty pools of the arguments for every split of cost ``rem``, and their mass."""
        n = len(args)
        if n == 0:
            yield [], 1.0
            return
        if n == 1:
            p = self.pool(args[0], rem)
            if p:
                yield [p], self.mass[args[0].id][rem]
            return
        first = args[0]
        for c0 in range(1, rem - n + 2):
            p0 = self.pool(first, c0)
            if not p0:
                continue
            m0 = self.mass[first.id][c0]
            for rest, m in self.splits(args[1:], rem - c0):
                yield [p0, *rest], m0 * m

    def combine(self, nt: NonTerminal, rule: Rule, pools: list[list[Any]], out: list[Any]) -> None:
        """Append to ``out`` the terms ``rule`` builds from one choice of argument pools."""
        n = len(pools)
        if n == 0:
            out.append((rule,))
            self.tick()
        elif n == 1:
            out.extend([(rule, x) for x in pools[0]])
            self.tick(len(pools[0]))
        elif n == 2:
            p0, p1 = pools
            for x in p0:
                out.extend([(rule, x, y) for y in p1])
                self.tick(len(p1))
        else:
            for xs in product(*pools[:-1]):
                out.extend([(rule, *xs, y) for y in pools[-1]])
                self.tick(len(pools[-1]))

    # ------------------------------------------------------------ output

    def programs(self) -> Iterator[tuple[Prog, int]]:
        """Every program of the start nonterminal with its cost level, cheapest levels first."""
        c = 1
        while True:
            for prog in self.pool(self.cfg.start, c):
                yield prog, c
            c += 1

    def to_program(self, prog: Prog) -> Program:
        """The :class:`Program` of a compact term, with lambdas for the request's inputs."""
        p = term_program(prog)
        for _ in self.cfg.inputs:
            p = Lambda(p)
        return p


def term_program(prog: Prog) -> Program:
    rule: Rule = prog[0]
    if rule.head is None:
        return Index(rule.index)
    node: Program = rule.head
    for child, binders in zip(prog[1:], rule.binders, strict=True):
        arg = term_program(child)
        for _ in range(binders):
            arg = Lambda(arg)
        node = Apply(node, arg)
    return node


def term_logp(prog: Prog) -> float:
    rule: Rule = prog[0]
    return rule.logp + sum(term_logp(child) for child in prog[1:])


class ValueEnumerator(Enumerator):
    """An :class:`Enumerator` that evaluates terms on examples and prunes equivalent ones.

    Terms in input scope are ``(prog, values, ok)``; ``ok`` says no example failed. Terms under
    a lambda are ``[prog, closure, functions-per-example or None]``.
    """

    def __init__(self, cfg: CFG, envs: list[tuple[Any, ...]], target: tuple[Any, ...],
                 quantum: float = 0.5, deadline: float = math.inf, max_terms: int = 4_000_000,
                 steps: int = 20_000) -> None:
        super().__init__(cfg, quantum, deadline, max_terms)
        self.envs, self.target, self.steps = envs, target, steps
        self.n_inputs = len(cfg.inputs)
        self.seen: dict[int, set[Any]] = {}
        self.tried = 0  # complete programs (start nonterminal) evaluated
        self.pruned = 0  # input-scope terms dropped as equivalent to a cheaper one
        self.solutions: list[Prog] = []
        self.on_solution: Callable[[Prog], None] | None = None
        self._vec: dict[int, tuple[Callable[..., Any], Callable[..., Any]]] = {}
        self._mk: dict[int, Callable[..., Any]] = {}

    def combine(self, nt: NonTerminal, rule: Rule, pools: list[list[Any]], out: list[Any]) -> None:
        if nt.scope(self.n_inputs) == 0:
            self._combine_values(nt, rule, pools, out)
        else:
            self._combine_closures(rule, pools, out)

    # -- input scope: value vectors, observational equivalence

    def _combine_values(self, nt: NonTerminal, rule: Rule, pools: list[list[Any]],
                        out: list[Any]) -> None:
        seen = self.seen.get(nt.id)
        if seen is None:
            seen = self.seen[nt.id] = set()
        is_start = nt is self.cfg.start
        target = self.target
        if not pools:
            vals = self._leaf_values(rule)
            self._keep(nt, (rule,), vals, seen, is_start, target, out)
            return
        slow, fast = self._vectors(rule)
        binders = rule.binders
        envs = self.envs
        for combo in product(*pools):
            args = []
            ok = True
            for child, b in zip(combo, binders, strict=True):
                if b:
                    fns = child[2]
                    if fns is None:
                        fns = child[2] = lambda_values(child[1], b, envs)
                    args.append(fns)
                else:
                    args.append(child[1])
                    ok = ok and child[2]
            vals = fast(*args) if ok else slow(*args)
            prog = (rule, *(child[0] for child in combo))
            self._keep(nt, prog, vals, seen, is_start, target, out)

    def _keep(self, nt: NonTerminal, prog: Prog, vals: tuple[Any, ...], seen: set[Any],
              is_start: bool, target: tuple[Any, ...], out: list[Any]) -> None:
        if is_start:
            self.tried += 1
            if vals == target:
                self.solutions.append(prog)
                if self.on_solution is not None:
                    self.on_solution(prog)
        if vals in seen:
            self.pruned += 1
            self.tick(0)
            return
        seen.add(vals)
        out.append((prog, vals, ERR not in vals))
        self.tick()

    def _leaf_values(self, rule: Rule) -> tuple[Any, ...]:
        if rule.head is None:
            return tuple(env[rule.index] for env in self.envs)
        assert isinstance(rule.head, Primitive)
        return (rule.head.impl,) * len(self.envs)

    def _vectors(self, rule: Rule) -> tuple[Callable[..., Any], Callable[..., Any]]:
        found = self._vec.get(id(rule))
        if found is None:
            assert rule.head is not None
            found = self._vec[id(rule)] = (vector_fn(rule.head, self.steps),
                                           fast_vector_fn(rule.head, self.steps))
        return found

    # -- under a lambda: closures

    def _combine_closures(self, rule: Rule, pools: list[list[Any]], out: list[Any]) -> None:
        if not pools:
            out.append([(rule,), self._leaf_closure(rule), None])
            self.tick()
            return
        make = self._maker(rule)
        binders = rule.binders
        for combo in product(*pools):
            closures = [lambda_closure(child[1], b) if b else child[1]
                        for child, b in zip(combo, binders, strict=True)]
            out.append([(rule, *(child[0] for child in combo)), make(closures), None])
            self.tick()

    def _leaf_closure(self, rule: Rule) -> Callable[..., Any]:
        if rule.head is None:
            i = rule.index
            return lambda env: env[i]
        assert isinstance(rule.head, Primitive)
        v = rule.head.impl
        return lambda env: v

    def _maker(self, rule: Rule) -> Callable[[list[Any]], Any]:
        found = self._mk.get(id(rule))
        if found is None:
            assert rule.head is not None
            impl, lazy = head_impl(rule.head)
            if lazy:
                def found(cs: list[Any]) -> Any:
                    return _if(cs[0], cs[1], cs[2])
            else:
                def found(cs: list[Any], impl: Callable[..., Any] = impl) -> Any:
                    return _call(impl, cs)
            self._mk[id(rule)] = found
        return found


class EnumerativeSearcher(Searcher):
    """Type-directed best-first enumeration with observational-equivalence pruning."""

    name: ClassVar[str] = "enumerative"

    def __init__(self, config: EnumeratorConfig | None = None) -> None:
        self.config = config or EnumeratorConfig()

    def search(self, task: Task, grammar: Grammar, budget: SearchBudget) -> SearchResult:
        start = time.perf_counter()
        deadline = start + budget.timeout
        cfg = CFG(grammar, task.request, self.config.cfg)
        envs, target = task.internal
        en = ValueEnumerator(cfg, envs, target, self.config.quantum, deadline, budget.max_terms,
                             budget.eval_steps)
        found: list[Candidate] = []

        def record(prog: Prog) -> None:
            found.append(Candidate(en.to_program(prog), term_logp(prog),
                                   time.perf_counter() - start, en.tried))

        en.on_solution = record
        cut: str | None = None
        level = 0
        stop_at: int | None = None
        eval_budget = Budget(steps=budget.eval_steps, time=budget.timeout + 1.0,
                             max_len=budget.max_len)
        with eval_budget.active():
            METER.deadline = deadline + 1.0  # candidates stop at the search's deadline too
            try:
                level = 1
                while True:
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
                    level += 1
            except _Stop as stop:
                cut = stop.reason
        found.sort(key=lambda cand: -cand.logprior)
        return SearchResult(
            task=task.name,
            solutions=found[: budget.top_k],
            tried=en.tried,
            time=time.perf_counter() - start,
            cut=cut,
            stats={"terms": en.terms, "pruned": en.pruned, "level": level,
                   "nonterminals": len(en.pools)},
        )
