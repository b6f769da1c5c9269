"""Routines and the grammar: seeded primitives, invented routines, weights saved and loaded."""

from __future__ import annotations

import sqlite3
from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest

from hortus.lang.infer import infer
from hortus.lang.parse import parse
from hortus.lang.primitives import primitive_set
from hortus.lang.program import Routine
from hortus.library import Library, LibraryError
from hortus.prior.grammar import VARIABLE, Grammar, key_of

from .support import INC_ALL


def test_new_library_holds_the_base_primitives(lib: Library) -> None:
    base = primitive_set("base")
    routines = lib.routines()
    assert [r.name for r in routines] == [p.name for p in base]
    assert all(r.kind == "primitive" and r.body is None and r.weight == 0.0 for r in routines)
    assert {r.name: r.type for r in routines} == {p.name: str(p.tp) for p in base}
    with pytest.raises(FrozenInstanceError):
        routines[0].weight = 1.0  # type: ignore[misc]


def test_grammar_of_a_new_library_is_uniform_over_base(lib: Library) -> None:
    g = lib.grammar()
    assert g == Grammar.uniform(primitive_set("base"))
    assert g.log_variable == 0.0
    assert dict(g.bigram) == {}


def test_add_routine_and_use_it_in_the_grammar(lib: Library) -> None:
    inc_all = Routine(parse(INC_ALL), "inc-all")
    rec = lib.add_routine(inc_all, "inc-all", weight=-1.5, provenance={"from": "test"})
    assert (rec.name, rec.kind, rec.body, rec.weight) == ("inc-all", "invented", INC_ALL, -1.5)
    assert rec.type == "list(int) -> list(int)"
    assert rec.provenance == {"from": "test"}
    prod = lib.grammar().by_key()[key_of(inc_all)]
    assert prod.program == inc_all
    assert isinstance(prod.program, Routine) and prod.program.name == "inc-all"
    assert prod.tp == infer(inc_all)
    assert prod.logweight == -1.5
    # a routine that uses another routine is stored self-contained
    twice = Routine(parse(f"(lambda (#{INC_ALL} (#{INC_ALL} $0)))"))
    lib.add_routine(twice, "inc-all-twice")
    found = lib.grammar().by_key()[key_of(twice)].program
    assert found == twice
    assert found([1]) == [3]


def test_routine_names_and_bodies_are_unique(lib: Library) -> None:
    body = Routine(parse(INC_ALL))
    lib.add_routine(body, "inc-all")
    with pytest.raises(LibraryError, match="already has a routine named 'inc-all'"):
        lib.add_routine(Routine(parse("(lambda (map (lambda (+ $0 2)) $0))")), "inc-all")
    with pytest.raises(LibraryError, match="already has this routine, named 'inc-all'"):
        lib.add_routine(body, "other-name")
    with pytest.raises(LibraryError, match="built-in primitive"):
        lib.add_routine(Routine(parse("(lambda (map (lambda (+ $0 2)) $0))")), "map")
    with pytest.raises(LibraryError, match="built-in primitive"):
        lib.add_routine(Routine(parse("(lambda (map (lambda (+ $0 2)) $0))")), "17")
    for bad in ("two words", "$0", "(x)", "#x", ""):
        with pytest.raises(LibraryError, match="cannot name a routine"):
            lib.add_routine(Routine(parse("(lambda (map (lambda (+ $0 2)) $0))")), bad)
    with pytest.raises(LibraryError, match="does not type-check"):
        lib.add_routine(Routine(parse("(lambda (+ $0 (cons 1 empty)))")), "ill-typed")
    assert [r.name for r in lib.routines() if r.kind == "invented"] == ["inc-all"]


def test_save_grammar_round_trip(lib_path: Path) -> None:
    inc_all = Routine(parse(INC_ALL), "inc-all")
    with Library.open(lib_path) as lib:
        lib.add_routine(inc_all, "inc-all")
        g = lib.grammar()
        weights = {p.key: -0.25 * k for k, p in enumerate(g.productions)}
        bigram = {("map", 0): {"+": -1.0, VARIABLE: -3.0},
                  (key_of(inc_all), 0): {key_of(inc_all): -7.5}}
        new = Grammar(tuple(replace(p, logweight=weights[p.key]) for p in g.productions),
                      log_variable=-2.5, bigram=bigram)
        lib.save_grammar(new)
    with Library.open(lib_path) as lib:
        loaded = lib.grammar()
        assert loaded == new
        assert loaded.weights(("map", 0))["+"] == -1.0
        assert loaded.weights(None)[VARIABLE] == -2.5
        assert {r.name: r.weight for r in lib.routines()}["inc-all"] == weights[key_of(inc_all)]
        # saving again replaces the bigram table rather than adding to it
        lib.save_grammar(replace(new, bigram={("map", 1): {"cons": 0.5}}))
        assert dict(lib.grammar().bigram) == {("map", 1): {"cons": 0.5}}


def test_save_grammar_refuses_unknown_routines_and_changes_nothing(lib: Library) -> None:
    before = lib.grammar()
    stranger = Routine(parse(INC_ALL), "stranger")
    g = Grammar.uniform([*primitive_set("base"), stranger])
    g = replace(g, productions=tuple(replace(p, logweight=-1.0) for p in g.productions),
                log_variable=-4.0)
    with pytest.raises(LibraryError, match="add it with add_routine"):
        lib.save_grammar(g)
    with pytest.raises(LibraryError, match="primitive '99'"):
        lib.save_grammar(Grammar.uniform([parse("99")]))
    assert lib.grammar() == before


def test_unknown_primitive_in_the_library(lib_path: Path) -> None:
    Library.open(lib_path).close()
    with sqlite3.connect(lib_path) as conn:
        conn.execute("INSERT INTO routines (name, kind, type, body, weight, provenance, "
                     "created_at) VALUES ('frobnicate', 'primitive', 'int', NULL, 0.0, '{}', "
                     "'2024-01-01 00:00:00')")
    with Library.open(lib_path) as lib, pytest.raises(LibraryError, match="'frobnicate'"):
        lib.grammar()


@pytest.mark.parametrize("weight", [1e308, -101.0, float("inf"), float("nan")])
def test_weights_that_mean_nothing_are_refused_and_change_nothing(lib: Library,
                                                                  weight: float) -> None:
    before = (lib.routines(), lib.grammar())
    with pytest.raises(LibraryError, match="finite number between -100 and 100"):
        lib.add_routine(Routine(parse(INC_ALL)), "inc-all", weight)
    g = before[1]
    for changed in (replace(g, log_variable=weight),
                    replace(g, bigram={("map", 1): {"cons": weight}}),
                    replace(g, productions=tuple(p.weighted(weight) if p.key == "map" else p
                                                 for p in g.productions))):
        with pytest.raises(LibraryError, match="weight"):
            lib.save_grammar(changed)
    assert (lib.routines(), lib.grammar()) == before


def test_weights_stored_out_of_range_are_read_and_clamped_when_used(lib_path: Path) -> None:
    Library.open(lib_path).close()
    with sqlite3.connect(lib_path) as conn:  # as an older hortus, or another writer, left it
        conn.execute("UPDATE routines SET weight = 1e308 WHERE name = 'map'")
        conn.execute("UPDATE meta SET value = 'inf' WHERE key = 'log_variable'")
    with Library.open(lib_path) as lib:
        g = lib.grammar()
        assert g.weights(None)["map"] == 100.0 and g.weights(None)[VARIABLE] == 100.0
    with sqlite3.connect(lib_path) as conn:
        conn.execute("UPDATE routines SET weight = 'heavy' WHERE name = 'map'")
    with Library.open(lib_path) as lib, pytest.raises(
            LibraryError, match=r"the weight of routine 'map' is 'heavy', not a number\): it "
                                r"is damaged"):
        lib.grammar()
