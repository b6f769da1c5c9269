"""The grammar compiled for a request type."""

from __future__ import annotations

import math

import pytest

from hortus.lang.parse import parse
from hortus.lang.primitives import primitive_set
from hortus.lang.types import parse_type
from hortus.prior.cfg import CFG
from hortus.prior.grammar import Grammar


@pytest.fixture(scope="module")
def cfg() -> CFG:
    return CFG(Grammar.uniform(primitive_set("base")), parse_type("list(int) -> list(int)"))


def test_universe_holds_the_request_types_and_small_base_types(cfg: CFG) -> None:
    assert {str(t) for t in cfg.universe} == {"int", "bool", "list(int)", "list(bool)"}


def test_rule_probabilities_of_every_nonterminal_sum_to_one(cfg: CFG) -> None:
    for nt in cfg.reachable():
        rules = cfg.rules(nt)
        if rules:
            assert math.fsum(math.exp(r.logp) for r in rules) == pytest.approx(1.0)


def test_bigram_weights_change_the_distribution() -> None:
    prims = primitive_set("dreamcoder-lists")
    plain = Grammar.uniform(prims)
    # under map's function argument, strongly prefer +
    tilted = Grammar(plain.productions, bigram={("map", 0): {"+": 5.0}})
    p = parse("(lambda (map (lambda (+ $0 1)) $0))")
    request = parse_type("list(int) -> list(int)")
    assert CFG(tilted, request).logprob(p) > CFG(plain, request).logprob(p) + 2.0


def test_logprob_is_minus_infinity_for_what_the_grammar_cannot_make(cfg: CFG) -> None:
    assert cfg.logprob(parse("(lambda (concat (repeat 4 $0)))")) == -math.inf  # list(list(int))
    assert cfg.logprob(parse("(lambda $0)")) > -5


def test_partition_is_a_probability(cfg: CFG) -> None:
    z = cfg.partition()
    assert all(0.0 <= v <= 1.0 + 1e-9 for v in z.values())
    assert z[cfg.start.id] > 0


def test_polymorphic_request_is_refused() -> None:
    with pytest.raises(ValueError, match="ground"):
        CFG(Grammar.uniform(primitive_set("base")), parse_type("list(t0) -> list(t0)"))
