"""Abduction: the most probable latent values that give the observed output."""

from __future__ import annotations

import math
import random

from hortus.lang.parse import parse
from hortus.train import abduction


def ranked_from(table):
    def ranked(key, x):
        ps = table[x]
        order = sorted(range(len(ps)), key=lambda i: -ps[i])
        return [(i, math.log(ps[i])) for i in order]

    return ranked


def test_the_most_probable_consistent_assignment_is_found_first():
    program = parse("(lambda (lambda (+ (??d $1) (??d $0))))")
    table = {"a": [0.1, 0.6, 0.3], "b": [0.5, 0.2, 0.3]}
    # 3 = 1 + 2 (0.6 * 0.3) or 2 + 1 (0.3 * 0.2): the first is more probable
    found = abduction.abduce(program, ("a", "b"), 3, ["d"], ranked_from(table))
    assert found == {("d", "a"): ("a", 1), ("d", "b"): ("b", 2)}


def test_an_impossible_output_or_a_spent_budget_gives_none():
    program = parse("(lambda (lambda (+ (??d $1) (??d $0))))")
    table = {"a": [0.5, 0.5], "b": [0.5, 0.5]}
    assert abduction.abduce(program, ("a", "b"), 7, ["d"], ranked_from(table)) is None
    assert abduction.abduce(program, ("a", "b"), 2, ["d"], ranked_from(table), tries=2) is None


def test_the_same_input_is_one_latent_value():
    program = parse("(lambda (* (??d $0) (??d $0)))")
    table = {"a": [0.1, 0.2, 0.3, 0.4]}
    found = abduction.abduce(program, ("a",), 4, ["d"], ranked_from(table))
    assert found == {("d", "a"): ("a", 2)}
    assert abduction.consistent(program, ("a",), 9, ["d"], range(4), 200, random.Random(0))
    assert not abduction.consistent(program, ("a",), 5, ["d"], range(4), 200,
                                    random.Random(0))


def test_sort_by_latent_keys_is_abduced_by_running_the_real_program():
    program = parse("(lambda (sort-by (lambda (??d $0)) $0))")
    table = {"a": [0.2, 0.8], "b": [0.7, 0.3]}
    found = abduction.abduce(program, (("a", "b"),), ("b", "a"), ["d"], ranked_from(table))
    assert found == {("d", "a"): ("a", 1), ("d", "b"): ("b", 0)}
