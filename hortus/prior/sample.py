"""Sampling programs from a compiled grammar: the raw material of dreams."""

from __future__ import annotations

import math
import random

from hortus.lang.program import Apply, Index, Lambda, Program
from hortus.prior.cfg import CFG, NonTerminal, Rule


def sample_program(cfg: CFG, rng: random.Random, max_depth: int = 6) -> Program | None:
    """A program of the request type drawn from the grammar, or None if a draw got too deep.

    Below ``max_depth`` only rules without arguments may be drawn, so every draw ends.
    """
    body = _draw(cfg, cfg.start, rng, max_depth)
    if body is None:
        return None
    for _ in cfg.inputs:
        body = Lambda(body)
    return body


def _draw(cfg: CFG, nt: NonTerminal, rng: random.Random, depth: int) -> Program | None:
    rules = [r for r in cfg.rules(nt) if depth > 0 or not r.args]
    if not rules:
        return None
    rule = _pick(rules, rng)
    if rule.head is None:
        return Index(rule.index)
    node: Program = rule.head
    for sub, binders in zip(rule.args, rule.binders, strict=True):
        arg = _draw(cfg, sub, rng, depth - 1)
        if arg is None:
            return None
        for _ in range(binders):
            arg = Lambda(arg)
        node = Apply(node, arg)
    return node


def _pick(rules: list[Rule], rng: random.Random) -> Rule:
    top = max(r.logp for r in rules)
    weights = [math.exp(r.logp - top) for r in rules]
    return rng.choices(rules, weights)[0]
