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
    # and the one type the base routines need most beyond them (see the growth test below)
    assert {str(t) for t in cfg.universe} == {"int", "bool", "list(int)", "list(bool)",
                                              "list(list(int))"}


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
    # needs list(list(list(int))), beyond the universe even grown
    assert cfg.logprob(parse("(lambda (concat (concat (repeat 2 (repeat 2 $0)))))")) == -math.inf
    assert cfg.logprob(parse("(lambda (concat (repeat 4 $0)))")) > -math.inf  # list(list(int))
    assert cfg.logprob(parse("(lambda $0)")) > -5


def test_partition_is_a_probability(cfg: CFG) -> None:
    z = cfg.partition()
    assert all(0.0 <= v <= 1.0 + 1e-9 for v in z.values())
    assert z[cfg.start.id] > 0


def test_polymorphic_request_is_refused() -> None:
    with pytest.raises(ValueError, match="ground"):
        CFG(Grammar.uniform(primitive_set("base")), parse_type("list(t0) -> list(t0)"))


def test_grammars_that_differ_only_in_weights_share_structure_not_probabilities() -> None:
    from dataclasses import replace

    from hortus.prior.cfg import clear_shared

    plain = Grammar.uniform(primitive_set("dreamcoder-lists"))
    tilted = Grammar(tuple(replace(p, logweight=3.0 if p.key == "+" else 0.0)
                           for p in plain.productions))
    request = parse_type("list(int) -> list(int)")
    p = parse("(lambda (map (lambda (+ $0 1)) $0))")
    a, b = CFG(plain, request), CFG(tilted, request)
    assert a.start is b.start  # one set of nonterminals
    assert b.logprob(p) != a.logprob(p)

    def best_plus(c: CFG) -> float:
        return max(r.logp for nt in c.reachable() for r in c.rules(nt)
                   if getattr(r.head, "name", None) == "+")

    assert best_plus(b) > best_plus(a) + 1.5
    for nt in b.reachable():
        assert math.fsum(math.exp(r.logp) for r in b.rules(nt)) == pytest.approx(1.0)
    # the same probabilities as a grammar compiled from nothing
    shared = [b.logprob(q) for q in (p, parse("(lambda (cdr $0))"), parse("(lambda $0)"))]
    clear_shared()
    fresh = CFG(tilted, request)
    assert fresh.start is not b.start
    assert [fresh.logprob(q) for q in (p, parse("(lambda (cdr $0))"),
                                       parse("(lambda $0)"))] == pytest.approx(shared)
    # a table of its own for a context is a different structure
    table = CFG(Grammar(plain.productions, bigram={("map", 0): {"+": 5.0}}), request)
    assert table.start is not fresh.start


def test_a_routine_keeps_its_own_name_when_another_library_has_the_same_body() -> None:
    from hortus.lang.program import Routine, show
    from hortus.prior.grammar import Production

    body = parse("(lambda (map (lambda (+ $0 1)) $0))")
    request = parse_type("list(int) -> list(int)")
    names = []
    for name in ("incr-all", "add-one"):
        routine = Routine(body, name)
        g = Grammar((*Grammar.uniform(primitive_set("dreamcoder-lists")).productions,
                     Production(routine, routine.type)))
        heads = [r.head for nt in CFG(g, request).reachable()
                 for r in CFG(g, request).rules(nt) if isinstance(r.head, Routine)]
        names.append({show(h, names=True) for h in heads})
    assert names == [{"incr-all"}, {"add-one"}]


def test_the_universe_grows_with_what_routines_need() -> None:
    """``dup`` needs list(list(int)) (map to pairs of copies, then concat): reachable by
    default, and not when growing is switched off."""
    from hortus.prior.cfg import CFGConfig

    g = Grammar.uniform(primitive_set("base"))
    request = parse_type("list(int) -> list(int)")
    dup = parse("(lambda (concat (map (lambda (repeat 2 $0)) $0)))")
    grown = CFG(g, request)
    assert parse_type("list(list(int))") in grown.universe
    assert grown.logprob(dup) > float("-inf")
    fixed = CFG(g, request, CFGConfig(grow_types=0))
    assert parse_type("list(list(int))") not in fixed.universe
    assert fixed.logprob(dup) == float("-inf")
    wide = CFG(g, request, CFGConfig(grow_types=3))
    assert grown.universe < wide.universe and len(wide.universe - fixed.universe) == 3
    small = CFG(g, request, CFGConfig(grow_types=3, grow_size=3))
    assert all(len(str(t)) < 20 for t in small.universe - fixed.universe)


@pytest.mark.parametrize("weight", [1e308, -1e308, math.inf, -math.inf, math.nan])
def test_weights_out_of_range_are_clamped_where_they_are_used(weight: float) -> None:
    from hortus.prior.grammar import MAX_WEIGHT, check_weight

    base = Grammar.uniform(primitive_set("base"))
    g = Grammar(tuple(p.weighted(weight) if p.key == "cons" else p for p in base.productions),
                log_variable=weight)
    used = g.weights(None)
    assert used["cons"] == used["$var"] == (-MAX_WEIGHT if math.isnan(weight) or weight < 0
                                            else MAX_WEIGHT)
    cfg = CFG(g, parse_type("list(int) -> list(int)"))
    for nt in cfg.reachable():
        rules = cfg.rules(nt)
        assert all(math.isfinite(r.logp) for r in rules)
        if rules:
            assert math.fsum(math.exp(r.logp) for r in rules) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="finite number between -100 and 100"):
        check_weight(weight, "w")
    assert check_weight(-100, "w") == -100.0 and check_weight(2.5, "w") == 2.5
