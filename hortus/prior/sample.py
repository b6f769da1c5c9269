"""Sampling programs from a compiled grammar: the raw material of dreams."""

from __future__ import annotations

import bisect
import math
import random
from itertools import accumulate

from hortus.lang.program import Apply, Index, Lambda, Program
from hortus.prior.cfg import CFG, NonTerminal, Rule

# (rules, cumulative weights): the choices at a nonterminal, all rules or leaves only
_Choices = tuple[list[Rule], list[float]]


class Sampler:
    """Draws programs from a compiled grammar; the choices of each nonterminal are cached."""

    def __init__(self, cfg: CFG) -> None:
        self.cfg = cfg
        self._choices: dict[tuple[int, bool], _Choices | None] = {}

    def sample(self, rng: random.Random, max_depth: int = 6) -> Program | None:
        """A program of the request type, or None if the draw got too deep.

        Below ``max_depth`` only rules without arguments may be drawn, so every draw ends.
        """
        body = self._draw(self.cfg.start, rng, max_depth)
        if body is None:
            return None
        for _ in self.cfg.inputs:
            body = Lambda(body)
        return body

    def _draw(self, nt: NonTerminal, rng: random.Random, depth: int) -> Program | None:
        choices = self._options(nt, leaves_only=depth <= 0)
        if choices is None:
            return None
        rules, cumulative = choices
        rule = rules[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        if rule.head is None:
            return Index(rule.index)
        node: Program = rule.head
        for sub, binders in zip(rule.args, rule.binders, strict=True):
            arg = self._draw(sub, rng, depth - 1)
            if arg is None:
                return None
            for _ in range(binders):
                arg = Lambda(arg)
            node = Apply(node, arg)
        return node

    def _options(self, nt: NonTerminal, leaves_only: bool) -> _Choices | None:
        key = (nt.id, leaves_only)
        if key not in self._choices:
            rules = [r for r in self.cfg.rules(nt) if not (leaves_only and r.args)]
            if rules:
                top = max(r.logp for r in rules)
                cumulative = list(accumulate(math.exp(r.logp - top) for r in rules))
                self._choices[key] = (rules, cumulative)
            else:
                self._choices[key] = None
        return self._choices[key]


def sample_program(cfg: CFG, rng: random.Random, max_depth: int = 6) -> Program | None:
    """One draw from ``cfg`` (see :class:`Sampler`; use one for many draws)."""
    return Sampler(cfg).sample(rng, max_depth)
