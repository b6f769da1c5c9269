"""Fitting grammar weights to a corpus of programs (DreamCoder's closed-form update).

Every node of a program is a *choice*: in its context (parent routine, argument index), one
production was picked among those whose type fits the slot. Over a corpus, a production's
weight is ``log(uses + a) - log(possible + a)``: how often it was picked over how often it
could have been. Bigram weights are the same counts per context, shrunk towards the unigram
rate. Invented routines pay a penalty for their size that fades as they are used: a routine
that no longer pays for itself sinks.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from hortus.lang.program import Index, Lambda, Program, Routine, spine
from hortus.lang.types import Type
from hortus.prior.cfg import CFG, CFGConfig, NonTerminal, Rule, strip_lambdas
from hortus.prior.grammar import VARIABLE, Grammar, key_of

Context = tuple[str, int] | None  # (parent key, argument index); None at the root


@dataclass(frozen=True)
class Choice:
    """One node of a derivation: which production, among which options, in which context."""

    context: Context
    chosen: str  # a production key, or VARIABLE
    options: tuple[str, ...]  # every key that fits this slot (chosen included)


def rule_key(rule: Rule) -> str:
    return VARIABLE if rule.head is None else key_of(rule.head)


class Deriver:
    """Finds the most probable derivation of programs in a grammar's compiled forms."""

    def __init__(self, grammar: Grammar, config: CFGConfig | None = None) -> None:
        self.grammar, self.config = grammar, config or CFGConfig()
        self._cfgs: dict[Type, CFG] = {}
        self._options: dict[tuple[int, int], tuple[str, ...]] = {}

    def cfg(self, request: Type) -> CFG:
        found = self._cfgs.get(request)
        if found is None:
            found = self._cfgs[request] = CFG(self.grammar, request, self.config)
        return found

    def derivation(self, request: Type, program: Program) -> list[Choice] | None:
        """The choices of ``program``'s most probable derivation, or None if it has none."""
        cfg = self.cfg(request)
        body = program
        for _ in cfg.inputs:
            if not isinstance(body, Lambda):
                return None
            body = body.body
        found = self._walk(cfg, body, cfg.start, None)
        return None if found is None else found[1]

    def _walk(self, cfg: CFG, p: Program, nt: NonTerminal, context: Context
              ) -> tuple[float, list[Choice]] | None:
        head, args = spine(p)
        best: tuple[float, list[Choice]] | None = None
        for rule in cfg.rules(nt):
            if rule.head is None:
                if args or not isinstance(head, Index) or head.i != rule.index:
                    continue
            elif rule.head != head or len(rule.args) != len(args):
                continue
            choice = Choice(context, rule_key(rule), self._keys(cfg, nt))
            total, choices = rule.logp, [choice]
            for k, (arg, sub, binders) in enumerate(zip(args, rule.args, rule.binders,
                                                       strict=True)):
                body = strip_lambdas(arg, binders)
                found = None if body is None else self._walk(cfg, body, sub, (choice.chosen, k))
                if found is None:
                    total = -math.inf
                    break
                total += found[0]
                choices.extend(found[1])
            if total > -math.inf and (best is None or total > best[0]):
                best = (total, choices)
        return best

    def _keys(self, cfg: CFG, nt: NonTerminal) -> tuple[str, ...]:
        key = (id(cfg), nt.id)
        found = self._options.get(key)
        if found is None:
            found = self._options[key] = tuple(dict.fromkeys(rule_key(r) for r in cfg.rules(nt)))
        return found


@dataclass
class Counts:
    """Uses and opportunities of every production, overall and per context."""

    uses: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    possible: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    ctx_uses: dict[tuple[str, int], dict[str, float]] = field(default_factory=dict)
    ctx_possible: dict[tuple[str, int], dict[str, float]] = field(default_factory=dict)
    programs: int = 0
    underivable: int = 0

    def add(self, choices: Sequence[Choice], weight: float = 1.0) -> None:
        self.programs += 1
        for c in choices:
            self.uses[c.chosen] += weight
            for k in c.options:
                self.possible[k] += weight
            if c.context is not None:
                cu = self.ctx_uses.setdefault(c.context, defaultdict(float))
                cp = self.ctx_possible.setdefault(c.context, defaultdict(float))
                cu[c.chosen] += weight
                for k in c.options:
                    cp[k] += weight


def count(grammar: Grammar, corpus: Sequence[tuple[Type, Program]],
          config: CFGConfig | None = None) -> Counts:
    """Counts over ``(request type, program)`` pairs; underivable programs are skipped."""
    deriver = Deriver(grammar, config)
    counts = Counts()
    for request, program in corpus:
        choices = deriver.derivation(request, program)
        if choices is None:
            counts.underivable += 1
        else:
            counts.add(choices)
    return counts


def fit(grammar: Grammar, corpus: Sequence[tuple[Type, Program]], *, pseudocount: float = 1.0,
        bigram: bool = True, min_context: float = 3.0, max_contexts: int | None = 0,
        size_penalty: float = 0.5, config: CFGConfig | None = None) -> Grammar:
    """``grammar`` with weights refit on ``corpus``; its productions are unchanged.

    Only the ``max_contexts`` contexts with the most evidence get bigram tables: each table
    splits the compiled grammar's nonterminals by context, which slows enumeration, so a table
    must earn its place.
    """
    counts = count(grammar, corpus, config)
    a = pseudocount

    def rate(uses: float, possible: float) -> float:
        return math.log(uses + a) - math.log(possible + a)

    seen = [rate(counts.uses.get(p.key, 0.0), counts.possible[p.key])
            for p in grammar.productions if counts.possible.get(p.key, 0.0) > 0]
    # a production that never fit any slot has no evidence: it gets the average rate
    neutral = sum(seen) / len(seen) if seen else 0.0
    productions = []
    for prod in grammar.productions:
        if counts.possible.get(prod.key, 0.0) > 0:
            w = rate(counts.uses.get(prod.key, 0.0), counts.possible[prod.key])
        else:
            w = neutral
        if isinstance(prod.program, Routine):
            used = counts.uses.get(prod.key, 0.0)
            w -= size_penalty * prod.program.body.size() / (1.0 + used)
        productions.append(replace(prod, logweight=w))
    log_variable = rate(counts.uses.get(VARIABLE, 0.0), counts.possible.get(VARIABLE, 0.0))
    unigram = {p.key: p.logweight for p in productions}
    unigram[VARIABLE] = log_variable
    table: dict[tuple[str, int], dict[str, float]] = {}
    if bigram:
        evidence = {ctx: sum(uses.values()) for ctx, uses in counts.ctx_uses.items()}
        ranked = sorted(evidence, key=lambda c: (-evidence[c], c))[:max_contexts]
        for ctx in ranked:
            possible = counts.ctx_possible[ctx]
            if evidence[ctx] < min_context:
                continue  # too little evidence: the unigram weights serve this context
            uses = counts.ctx_uses[ctx]
            # shrink towards the unigram rate: a pseudo-observation at that rate
            table[ctx] = {k: math.log(uses.get(k, 0.0) + a * math.exp(unigram.get(k, 0.0)))
                          - math.log(n + a) for k, n in possible.items()}
    return Grammar(tuple(productions), log_variable, table)
