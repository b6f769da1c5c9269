"""The registry of primitives, the named primitive sets, and DreamCoder compatibility."""

from __future__ import annotations

import importlib

import pytest

from hortus.lang import infer, parse
from hortus.lang.primitives import (
    DREAMCODER_LISTS,
    PRIMITIVE_SETS,
    builtins,
    int_literal,
    lookup,
    prim,
    primitive_set,
    resolve_builtin,
)
from hortus.lang.program import Primitive
from hortus.lang.types import INT, Subst, arguments, parse_type, resolve, unify


def test_every_table_of_the_core_and_the_domains_declares_its_primitives() -> None:
    from hortus.domains import CORE, domains

    modules = [*(f"hortus.lang.primitives.{m}" for m in CORE),
               *(m for d in domains().values() for m in (*d.primitives, *d.deduced))]
    table = builtins()
    for name in modules:
        module = importlib.import_module(name)
        assert module.PRIMITIVES, name
        for p in module.PRIMITIVES:
            assert table[p.name] is p
    assert len(table) == sum(len(importlib.import_module(m).PRIMITIVES) for m in modules)


def test_every_primitive_is_documented_and_consistent() -> None:
    for name, p in builtins().items():
        assert p.name == name
        assert p.doc, name
        assert p.arity == len(arguments(p.tp))
        assert parse(name) is p
        if p.arity == 0:
            assert not callable(p.impl), name


def test_prim_declares_a_primitive() -> None:
    p = prim("twice", "int -> int", lambda x: 2 * x, "double")
    assert isinstance(p, Primitive) and p.arity == 1 and str(p.tp) == "int -> int"
    assert p.doc == "double" and not p.lazy


def test_lookup_and_literals() -> None:
    assert lookup("map").name == "map"
    assert lookup("42") is int_literal(42)
    assert lookup("-7").impl == -7 and lookup("-7").tp == INT
    assert resolve_builtin("no-such-thing") is None
    with pytest.raises(KeyError, match="no built-in primitive named 'no-such-thing'"):
        lookup("no-such-thing")


def test_primitive_sets() -> None:
    dreamcoder = primitive_set("dreamcoder-lists")
    assert [p.name for p in dreamcoder] == list(DREAMCODER_LISTS)
    assert len(dreamcoder) == 22
    base = {p.name for p in primitive_set("base")}
    assert {"map", "fold", "0", "5", "sort", "bfs"} <= base
    assert not {"true", "false"} & base
    assert set(PRIMITIVE_SETS) >= {"dreamcoder-lists", "base"}
    with pytest.raises(KeyError, match="unknown primitive set 'nope'; known: "):
        primitive_set("nope")


# DreamCoder's bootstrapTarget_extra, as declared in dreamcoder/domains/list/listPrimitives.py
DREAMCODER_TYPES = {
    "map": "(t0 -> t1) -> list(t0) -> list(t1)",
    "unfold": "t0 -> (t0 -> bool) -> (t0 -> t1) -> (t0 -> t0) -> list(t1)",
    "range": "int -> list(int)",
    "index": "int -> list(t0) -> t0",
    "fold": "list(t0) -> t1 -> (t0 -> t1 -> t1) -> t1",
    "length": "list(t0) -> int",
    "if": "bool -> t0 -> t0 -> t0",
    "+": "int -> int -> int",
    "-": "int -> int -> int",
    "empty": "list(t0)",
    "cons": "t0 -> list(t0) -> list(t0)",
    "car": "list(t0) -> t0",
    "cdr": "list(t0) -> list(t0)",
    "empty?": "list(t0) -> bool",
    "0": "int",
    "1": "int",
    "*": "int -> int -> int",
    "mod": "int -> int -> int",
    "gt?": "int -> int -> bool",
    "eq?": "int -> int -> bool",
    "is-prime": "int -> bool",
    "is-square": "int -> bool",
}


def test_all_22_dreamcoder_primitives_exist_with_dreamcoders_types() -> None:
    assert set(DREAMCODER_LISTS) == set(DREAMCODER_TYPES)
    for name, text in DREAMCODER_TYPES.items():
        ours, theirs = lookup(name).tp, parse_type(text)
        if name == "eq?":
            # generalised to any type; DreamCoder's int -> int -> bool is an instance of it
            assert str(ours) == "t0 -> t0 -> bool"
            s: Subst = {}
            unify(ours, theirs, s)
            assert resolve(ours, s) == theirs
        else:
            assert ours == theirs, name


# Programs in DreamCoder's list domain (the style of its solutions), with inputs and outputs.
DREAMCODER_PROGRAMS = [
    ("(lambda (map (lambda (mod $0 2)) $0))", "list(int) -> list(int)",
     [([1, 2, 3, 4], [1, 0, 1, 0]), ([], [])]),
    ("(lambda (cdr (cons 1 $0)))", "list(int) -> list(int)", [([5, 6], [5, 6]), ([], [])]),
    ("(lambda (unfold $0 (lambda (empty? $0)) (lambda (car $0)) (lambda (cdr $0))))",
     "list(t0) -> list(t0)", [([3, 1, 2], [3, 1, 2]), ([], [])]),
    ("(lambda (fold $0 0 (lambda (lambda (+ $1 $0)))))", "list(int) -> int",
     [([1, 2, 3], 6), ([], 0)]),
    ("(lambda (fold $0 0 (lambda (lambda (+ 1 $0)))))", "list(t0) -> int",
     [([7, 7, 7], 3)]),
    ("(lambda (fold $0 empty (lambda (lambda (if (gt? $1 2) (cons $1 $0) $0)))))",
     "list(int) -> list(int)", [([1, 3, 2, 5], [3, 5])]),
    ("(lambda (fold $0 empty (lambda (lambda (if (is-prime $1) (cons $1 $0) $0)))))",
     "list(int) -> list(int)", [([4, 5, 6, 7, 9, 11], [5, 7, 11])]),
    ("(lambda (length (fold $0 empty (lambda (lambda (if (is-square $1) (cons $1 $0) $0))))))",
     "list(int) -> int", [([1, 2, 4, 8, 9], 3)]),
    ("(lambda (fold (cdr $0) (car $0) (lambda (lambda (if (gt? $1 $0) $1 $0)))))",
     "list(int) -> int", [([3, 9, 2], 9), ([4], 4)]),
    ("(lambda (index (- (length $0) 1) $0))", "list(t0) -> t0", [([4, 5, 6], 6)]),
    ("(lambda (map (lambda (index $0 $1)) (range (length $0))))", "list(t0) -> list(t0)",
     [([8, 9], [8, 9])]),
    ("(lambda (fold $0 empty (lambda (lambda (fold $0 (cons $1 empty) "
     "(lambda (lambda (cons $1 $0))))))))", "list(t0) -> list(t0)", [([1, 2, 3], [3, 2, 1])]),
    ("(lambda (map (lambda (if (eq? (mod $0 3) 0) 1 0)) $0))", "list(int) -> list(int)",
     [([3, 4, 6], [1, 0, 1])]),
    ("(lambda (unfold 0 (lambda (gt? $0 (- (length $1) 1))) (lambda (* 2 (index $0 $1))) "
     "(lambda (+ $0 1))))", "list(int) -> list(int)", [([1, 2, 3], [2, 4, 6])]),
    ("(lambda (lambda (map (lambda (+ $0 $1)) $1)))", "list(int) -> int -> list(int)",
     [(([1, 2], 10), [11, 12])]),
]


@pytest.mark.parametrize(("text", "tp", "examples"), DREAMCODER_PROGRAMS)
def test_dreamcoder_programs_parse_type_and_run(
        text: str, tp: str, examples: list[tuple[object, object]]) -> None:
    p = parse(text)
    assert str(p) == text
    assert str(infer(p)) == tp
    for given, expected in examples:
        inputs = given if isinstance(given, tuple) else (given,)
        assert p(*inputs) == expected


def test_dreamcoder_programs_use_only_dreamcoder_primitives() -> None:
    allowed = set(DREAMCODER_LISTS)
    for text, _, _ in DREAMCODER_PROGRAMS:
        used = {n.name for n in parse(text).walk() if isinstance(n, Primitive)}
        assert used <= allowed | {"2", "3"}, text
