"""Best-first enumeration by dynamic programming over cost levels, with observational equivalence.

Every rule of the compiled grammar (:mod:`hortus.prior.cfg`) costs ``-log p`` in units of a
``quantum`` (at least one unit). The *pool* of a nonterminal at cost ``c`` holds all its terms of
exactly that cost; it is built once from the pools of the rule's arguments at lower costs (every
way of splitting the remaining cost among them) and kept for reuse. Complete programs therefore
come out level by level in decreasing probability (up to the quantum), each one built in
constant time from sub-terms already built: nothing is enumerated twice.

This module is the bare enumerator (used by ``hortus bench enumerate``); :mod:`._equivalence`
adds evaluation on examples and pruning.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from itertools import product
from typing import Any

from hortus.lang.program import Apply, Index, Lambda, Program
from hortus.prior.cfg import CFG, NonTerminal, Rule

Prog = tuple[Any, ...]  # (rule, child, child, ...): a term in the enumerator's compact form


def resident_mb() -> float:
    """Current resident memory of this process in MiB (peak resident where /proc is absent)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE_MB
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


try:
    import os

    _PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20
except (ValueError, OSError, AttributeError):
    _PAGE_MB = 4096 / 2**20


class Stop(Exception):
    """Raised inside pool construction when a budget runs out."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


class Enumerator:
    """Enumerates the programs of a compiled grammar in increasing cost levels."""

    def __init__(self, cfg: CFG, quantum: float = 0.5, deadline: float = math.inf,
                 max_terms: int = 4_000_000, max_memory_mb: float = math.inf) -> None:
        self.cfg, self.quantum = cfg, quantum
        self.deadline, self.max_terms, self.max_memory_mb = deadline, max_terms, max_memory_mb
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
            raise Stop("memory")
        self._checks += 1
        if self._checks & 15 == 0:
            if time.perf_counter() > self.deadline:
                raise Stop("time")
            if self._checks & 8191 == 0 and resident_mb() > self.max_memory_mb:
                raise Stop("memory")

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


