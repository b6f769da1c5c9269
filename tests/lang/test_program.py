"""Program nodes: equality and hashing, printing, traversal, de Bruijn shifting, pickling."""

from __future__ import annotations

import pickle

import pytest

from hortus.lang import parse
from hortus.lang.primitives import int_literal, lookup
from hortus.lang.program import (
    Apply,
    Hole,
    Index,
    Lambda,
    Primitive,
    Program,
    Routine,
    apply,
    show,
    spine,
)
from hortus.lang.types import INT, arrow, parse_type, tlist

PLUS, MAP, CAR = lookup("+"), lookup("map"), lookup("car")
INCREMENT = Lambda(apply(PLUS, Index(0), int_literal(1)))  # (lambda (+ $0 1))


def test_structurally_equal_programs_are_equal_and_hash_alike() -> None:
    one = Lambda(apply(MAP, INCREMENT, Index(0)))
    two = Lambda(apply(MAP, Lambda(apply(PLUS, Index(0), int_literal(1))), Index(0)))
    assert one == two and hash(one) == hash(two)
    assert len({one, two}) == 1
    assert one != Lambda(apply(MAP, INCREMENT, Index(1)))
    assert Index(0) != Index(1) and Index(0) != int_literal(0)
    assert Lambda(Index(0)) != Index(0)


def test_primitives_are_equal_by_name() -> None:
    assert lookup("car") == Primitive("car", parse_type("list(t0) -> t0"), None)
    assert int_literal(3) is int_literal(3)
    assert int_literal(-3) == lookup("-3") and int_literal(-3).impl == -3
    assert lookup("+").arity == 2 and lookup("empty").arity == 0


def test_routines_compare_by_body_not_name() -> None:
    assert Routine(INCREMENT, "inc") == Routine(INCREMENT) == Routine(INCREMENT, "other")
    assert hash(Routine(INCREMENT, "inc")) == hash(Routine(INCREMENT))
    assert Routine(INCREMENT) != INCREMENT
    assert Routine(INCREMENT) != Routine(Lambda(Index(0)))


def test_holes_compare_by_type_and_name() -> None:
    assert Hole(INT, "w") == Hole(INT, "w") and hash(Hole(INT, "w")) == hash(Hole(INT, "w"))
    assert Hole(INT, "w") != Hole(INT, "v")
    assert Hole(INT) != Hole(tlist(INT)) and Hole(INT) != Hole()
    assert Hole(None, "") == Hole()  # an empty name is no name: it prints as "??"


@pytest.mark.parametrize(("program", "text"), [
    (Lambda(apply(MAP, INCREMENT, Index(0))), "(lambda (map (lambda (+ $0 1)) $0))"),
    (apply(Lambda(Index(0)), int_literal(-4)), "((lambda $0) -4)"),
    (apply(Index(0), Index(1), Index(2)), "($0 $1 $2)"),
    (apply(PLUS, apply(PLUS, int_literal(1), int_literal(2)), int_literal(3)), "(+ (+ 1 2) 3)"),
    (Routine(INCREMENT, "inc"), "#(lambda (+ $0 1))"),
    (Routine(CAR), "#car"),
    (Hole(), "??"),
    (Hole(INT), "??[int]"),
    (Hole(arrow(INT, INT), "f"), "??f[int -> int]"),
    (Hole(None, "w.1"), "??w.1"),
])
def test_show_prints_dreamcoder_s_expressions(program: Program, text: str) -> None:
    assert show(program) == str(program) == text
    assert repr(program) == f"parse({text!r})"


def test_show_prints_routine_names_on_request() -> None:
    p = Lambda(apply(MAP, Routine(INCREMENT, "inc"), Index(0)))
    assert show(p, names=True) == "(lambda (map inc $0))"
    assert show(p) == "(lambda (map #(lambda (+ $0 1)) $0))"
    assert show(Routine(INCREMENT), names=True) == "#(lambda (+ $0 1))"  # no name: the body


def test_repr_evaluates_back_to_the_program() -> None:
    p = parse("(lambda (fold $0 0 (lambda (lambda (+ $1 $0)))))")
    assert eval(repr(p), {"parse": parse}) == p


def test_apply_and_spine_are_inverse() -> None:
    args: list[Program] = [INCREMENT, Index(0)]
    p = apply(MAP, *args)
    assert p == Apply(Apply(MAP, INCREMENT), Index(0))
    assert spine(p) == (MAP, args)
    assert spine(MAP) == (MAP, [])
    assert apply(MAP) is MAP


def test_size_depth_and_walk() -> None:
    p = parse("(lambda (map (lambda (+ $0 1)) $0))")
    assert p.size() == 5  # map, +, $0, 1, $0
    assert p.depth() == 7
    assert [str(n) for n in p.walk()][:3] == [str(p), "(map (lambda (+ $0 1)) $0)",
                                              "(map (lambda (+ $0 1)))"]
    assert sum(1 for n in p.walk() if isinstance(n, Lambda)) == 2


def test_walk_does_not_enter_routine_bodies() -> None:
    p = parse("(lambda (#(lambda (+ $0 1)) $0))")
    nodes = list(p.walk())
    assert not any(n == PLUS for n in nodes)
    assert p.size() == 2  # the routine and $0


def test_free_indices() -> None:
    assert parse("(lambda (+ $0 1))").free_indices() == set()
    assert Lambda(apply(PLUS, Index(0), Index(1))).free_indices() == {0}
    assert apply(PLUS, Index(2), Lambda(Index(3))).free_indices() == {2}
    assert Index(0).free_indices(depth=1) == set()


def test_shift_moves_only_free_indices() -> None:
    p = Lambda(apply(PLUS, Index(0), Index(1)))  # (lambda (+ $0 $1)): $1 is free
    assert str(p.shift(2)) == "(lambda (+ $0 $3))"
    assert p.shift(2).shift(-2) == p
    assert str(apply(PLUS, Index(0), Index(1)).shift(1, cutoff=1)) == "(+ $0 $2)"
    assert INCREMENT.shift(5) == INCREMENT
    with pytest.raises(ValueError, match="negative index"):
        p.shift(-2)  # $1 would become $-1


def test_type_property_infers_the_most_general_type() -> None:
    assert str(parse("(lambda (map (lambda (+ $0 1)) $0))").type) == "list(int) -> list(int)"
    assert str(parse("(lambda $0)").type) == "t0 -> t0"


def test_call_runs_the_program() -> None:
    assert parse("(lambda (sort $0))")([3, 1, 2]) == [1, 2, 3]
    assert parse("(lambda (lambda (- $1 $0)))")(10, 3) == 7
    assert parse("(+ 2 3)")() == 5


def test_programs_pickle_by_primitive_name() -> None:
    p = parse("(lambda (map #(lambda (+ $0 -1)) (cons ??h[int] $0)))")
    q = pickle.loads(pickle.dumps(p))
    assert q == p and str(q) == str(p)
    assert pickle.loads(pickle.dumps(lookup("sort"))) is lookup("sort")
    r = pickle.loads(pickle.dumps(parse("(lambda (map #(lambda (+ $0 -1)) $0))")))
    assert r([1, 2]) == [0, 1]


def test_a_program_pickled_in_another_process_equals_the_same_program_here() -> None:
    # String hashes differ between processes (PYTHONHASHSEED): a search worker's program must
    # still equal, and hash like, the same program built in the parent.
    import os
    import subprocess
    import sys

    text = "(lambda (#(lambda (lambda (map (lambda (+ $0 $1)) $1))) $0 ??h[int]))"
    code = ("import pickle, sys; from hortus.lang import parse; "
            f"sys.stdout.buffer.write(pickle.dumps(parse({text!r})))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    data = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          env=env).stdout
    there, here = pickle.loads(data), parse(text)
    assert there == here and hash(there) == hash(here) and {there: 1}[here] == 1
