"""Derivations, counts and the closed-form refit of grammar weights; sampling programs."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pytest

from hortus.lang.infer import infer
from hortus.lang.parse import parse
from hortus.lang.primitives import lookup, primitive_set
from hortus.lang.program import Apply, Index, Lambda, Program, Routine
from hortus.lang.types import Type, match, parse_type
from hortus.prior.cfg import CFG
from hortus.prior.fit import Choice, Deriver, count, fit
from hortus.prior.grammar import VARIABLE, Grammar, Production, key_of
from hortus.prior.sample import sample_program

LISTS = parse_type("list(int) -> list(int)")


@pytest.fixture(scope="module")
def grammar() -> Grammar:
    return Grammar.uniform(primitive_set("dreamcoder-lists"))


def corpus(*texts: str) -> list[tuple[Type, Program]]:
    return [(LISTS, parse(t)) for t in texts]


def test_derivation_lists_every_node_with_its_context(grammar: Grammar) -> None:
    choices = Deriver(grammar).derivation(LISTS, parse("(lambda (map (lambda (+ $0 1)) $0))"))
    assert choices is not None
    assert [(c.context, c.chosen) for c in choices] == [
        (None, "map"), (("map", 0), "+"), (("+", 0), VARIABLE), (("+", 1), "1"),
        (("map", 1), VARIABLE)]
    root = choices[0]
    assert isinstance(root, Choice)
    assert {"map", "cons", "cdr", VARIABLE} <= set(root.options)
    assert "gt?" not in root.options and "length" not in root.options  # wrong return type
    assert all(c.chosen in c.options for c in choices)


def test_underivable_programs_have_no_derivation(grammar: Grammar) -> None:
    deriver = Deriver(grammar)
    assert deriver.derivation(LISTS, parse("(lambda (length $0))")) is None  # returns an int
    assert deriver.derivation(LISTS, parse("(cdr empty)")) is None  # not a function
    counts = count(grammar, corpus("(lambda (cdr $0))", "(lambda (length $0))"))
    assert (counts.programs, counts.underivable) == (1, 1)


def test_counts_add_uses_and_opportunities(grammar: Grammar) -> None:
    counts = count(grammar, corpus("(lambda (cdr $0))", "(lambda (cdr (cdr $0)))"))
    assert counts.uses["cdr"] == 3
    assert counts.uses[VARIABLE] == 2
    assert counts.possible["cdr"] == 5  # every node could have been cdr
    assert counts.ctx_uses[("cdr", 0)] == {"cdr": 1, VARIABLE: 2}


def test_fitted_grammar_makes_the_corpus_more_likely(grammar: Grammar) -> None:
    data = corpus("(lambda (map (lambda (+ $0 1)) $0))", "(lambda (map (lambda (+ $0 $0)) $0))",
                  "(lambda (cdr (map (lambda (+ 1 $0)) $0)))", "(lambda (cons 1 $0))")
    fitted = fit(grammar, data)

    def likelihood(g: Grammar) -> float:
        return sum(CFG(g, request).logprob(p) for request, p in data)

    assert likelihood(fitted) > likelihood(grammar) + 3.0
    weights = fitted.weights(None)
    assert weights["map"] > weights["unfold"]  # used beats never used


def test_unused_invented_routines_sink_below_used_ones() -> None:
    used = Routine(parse("(lambda (map (lambda (+ $0 1)) $0))"), "incr-all")
    unused = Routine(parse("(lambda (map (lambda (* $0 $0)) $0))"), "square-all")
    g = Grammar.uniform([*primitive_set("dreamcoder-lists"), used, unused])
    data = [(LISTS, Lambda(Apply(used, Index(0)))),
            (LISTS, Lambda(Apply(used, Apply(used, Index(0))))),
            (LISTS, Lambda(Apply(used, Apply(lookup("cdr"), Index(0)))))]
    fitted = fit(g, data).by_key()
    assert fitted[key_of(used)].logweight > fitted[key_of(unused)].logweight + 1.0
    assert fitted[key_of(unused)].logweight < fitted["unfold"].logweight  # pays for its size


def test_bigram_contexts_appear_only_with_enough_evidence(grammar: Grammar) -> None:
    data = corpus(*["(lambda (map (lambda (+ $0 1)) $0))"] * 4, "(lambda (cdr $0))")
    fitted = fit(grammar, data, min_context=3.0, max_contexts=None)
    assert ("map", 0) in fitted.bigram and ("+", 1) in fitted.bigram
    assert ("cdr", 0) not in fitted.bigram  # one observation only
    table = fitted.bigram[("map", 0)]
    assert table["+"] > table["*"]  # under map, + was always the choice
    assert fit(grammar, data, bigram=False).bigram == {}
    # tables are opt-in (they slow enumeration), and the most evident contexts come first
    assert fit(grammar, data).bigram == {}
    (only,) = fit(grammar, data, max_contexts=1).bigram
    assert only != ("cdr", 0)  # a context seen 4 times wins over one seen once
    assert only in fitted.bigram


def test_sampled_programs_are_well_typed_and_deterministic(grammar: Grammar) -> None:
    cfg = CFG(grammar, LISTS)
    draws = [sample_program(cfg, random.Random(7), max_depth=4) for _ in range(2)]
    assert draws[0] == draws[1]
    rng = random.Random(0)
    programs = [p for p in (sample_program(cfg, rng, max_depth=4) for _ in range(200)) if p]
    assert len(programs) > 20
    for p in programs:
        assert cfg.logprob(p) > -math.inf
        assert match(infer(p), LISTS) is not None


def test_depth_zero_draws_only_leaves(grammar: Grammar) -> None:
    cfg = CFG(grammar, parse_type("list(int) -> int"))
    rng = random.Random(1)
    for _ in range(20):
        p = sample_program(cfg, rng, max_depth=0)
        assert p is not None and isinstance(p, Lambda) and p.body.size() == 1


def test_grammar_json_round_trip_reuses_known_productions() -> None:
    routine = Routine(parse("(lambda (map (lambda (+ $0 1)) $0))"), "incr-all")
    known = Grammar((*Grammar.uniform(primitive_set("dreamcoder-lists")).productions,
                     Production(routine, routine.type)))
    heavier = Grammar(tuple(replace(p, logweight=1.5) for p in known.productions), -0.5,
                      {("map", 0): {"+": 2.0}})
    again = Grammar.from_json(heavier.to_json(), known=known)
    assert again == heavier
    assert again.productions[-1].program.name == "incr-all"  # type: ignore[union-attr]
    assert again.productions[-1].tp is known.productions[-1].tp  # not inferred again
    assert Grammar.from_json(heavier.to_json()) == heavier
