"""Pairs."""

from __future__ import annotations

from hortus.lang import parse


def pairs_to_predict() -> None:
    assert parse("(pair 1 true)")() == (1, True)
    assert parse("(fst (pair 1 true))")() == 1
    assert parse("(snd (pair 1 true))")() is True
    assert parse("(lambda (snd $0))")([1, [2, 3]]) == [2, 3]
    assert str(parse("(lambda (lambda (pair $1 $0)))").type) == "t0 -> t1 -> pair(t0, t1)"
