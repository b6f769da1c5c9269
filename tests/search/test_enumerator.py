"""The bare enumerator: order, uniqueness, types and probabilities of what it produces."""

from __future__ import annotations

import math

import pytest

from hortus.lang.infer import infer
from hortus.lang.primitives import primitive_set
from hortus.lang.types import parse_type
from hortus.prior.cfg import CFG
from hortus.prior.grammar import Grammar
from hortus.search._enumerator import Enumerator, term_logp


@pytest.fixture(scope="module")
def cfg() -> CFG:
    return CFG(Grammar.uniform(primitive_set("dreamcoder-lists")), parse_type("list(int) -> int"))


def first_levels(cfg: CFG, levels: int) -> list[tuple[object, int]]:
    en = Enumerator(cfg)
    return [(prog, c) for c in range(1, levels + 1) for prog in en.pool(cfg.start, c)]


def test_programs_come_out_by_nondecreasing_cost_and_are_distinct(cfg: CFG) -> None:
    en = Enumerator(cfg)
    out = [(prog, c) for c in range(1, 32) for prog in en.pool(cfg.start, c)]
    assert len(out) > 5_000
    costs = [c for _, c in out]
    assert costs == sorted(costs)
    # distinct derivations; the same text twice only from a polymorphic constant at a type
    # the text does not show, e.g. (length empty) with empty : list(int) or list(bool)
    assert len({id(p) for p, _ in out}) == len(out)
    texts: dict[str, int] = {}
    for prog, _ in out:
        text = str(en.to_program(prog))
        texts[text] = texts.get(text, 0) + 1
    assert all("empty" in text for text, n in texts.items() if n > 1)


def test_every_program_has_the_requested_type(cfg: CFG) -> None:
    en = Enumerator(cfg)
    request = parse_type("list(int) -> int")
    for c in range(1, 19):
        for prog in en.pool(cfg.start, c):
            assert infer(en.to_program(prog), request=request) is not None


def test_level_order_follows_exact_probability_up_to_rounding(cfg: CFG) -> None:
    en = Enumerator(cfg, quantum=0.5)
    for c in range(1, 19):
        for prog in en.pool(cfg.start, c):
            lp = term_logp(prog)
            size = en.to_program(prog).size()
            # each rule's cost is rounded by at most half a quantum
            assert abs(-lp / 0.5 - c) <= 0.5 * (size + 2) + 1e-9


def test_logprob_of_enumerated_programs_agrees_with_the_grammar(cfg: CFG) -> None:
    en = Enumerator(cfg)
    for c in range(1, 16):
        for prog in en.pool(cfg.start, c):
            program = en.to_program(prog)
            # the grammar sums over derivations, so it is at least this derivation's probability
            assert cfg.logprob(program) >= term_logp(prog) - 1e-9


def test_mass_of_each_level_is_the_sum_of_its_programs(cfg: CFG) -> None:
    en = Enumerator(cfg)
    for c in range(1, 16):
        total = sum(math.exp(term_logp(prog)) for prog in en.pool(cfg.start, c))
        assert en.mass[cfg.start.id][c] == pytest.approx(total, rel=1e-9, abs=1e-15)


def test_covered_mass_approaches_the_finite_mass(cfg: CFG) -> None:
    en = Enumerator(cfg)
    covered = 0.0
    for c in range(1, 30):
        en.pool(cfg.start, c)
        covered += en.mass[cfg.start.id][c]
    z = cfg.partition()[cfg.start.id]
    assert 0 < covered <= z + 1e-9
    assert covered > 0.5 * z
