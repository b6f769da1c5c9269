"""Hash tables: immutable dictionaries."""

from __future__ import annotations

import pytest

from hortus.lang import parse
from hortus.lang.runtime import EvalError, HDict


def test_tables() -> None:
    d = {1: "one", 2: "two"}
    assert parse("(lambda (lookup 2 $0))")(d) == "two"
    assert parse("(lambda (lambda (lookup-or $0 9 $1)))")(d, "none") == "none"
    assert parse("(lambda (lambda (lookup-or $0 1 $1)))")(d, "none") == "one"
    assert parse("(lambda (has-key? 1 $0))")(d) is True
    assert parse("(lambda (has-key? 3 $0))")(d) is False
    assert parse("(lambda (keys $0))")(d) == [1, 2]
    assert parse("(lambda (values $0))")(d) == ["one", "two"]
    assert parse("(lambda (items $0))")(d) == [(1, "one"), (2, "two")]
    assert parse("(lambda (counts $0))")([1, 2, 2, 3, 2]) == {1: 1, 2: 3, 3: 1}
    assert parse("(lambda (group-by (lambda (mod $0 2)) $0))")([1, 2, 3, 4]) \
        == {1: [1, 3], 0: [2, 4]}
    assert parse("(lambda (dict-from-pairs (zip $0 $0)))")([1, 2]) == {1: 1, 2: 2}
    assert parse("dict-empty")() == {}


def test_insert_returns_a_new_table() -> None:
    p = parse("(lambda (pair (insert 3 4 $0) $0))")
    new, old = p({1: 2})
    assert new == {1: 2, 3: 4} and old == {1: 2}
    assert parse("(lambda (insert 1 5 $0))")({1: 2}) == {1: 5}


def test_dict_from_pairs_later_pairs_win() -> None:
    assert parse("(lambda (dict-from-pairs $0))")([(1, 2), (1, 3)]) == {1: 3}


def test_lookup_of_a_missing_key_is_an_error() -> None:
    with pytest.raises(EvalError, match="key 9 not in the table"):
        parse("(lambda (lookup 9 $0))")({1: 2})


def test_tables_are_hashable_values_inside() -> None:
    # tables can be set elements and table keys, since they are immutable
    p = parse("(lambda (set-size (set-from-list (map counts $0))))")
    assert p([[1, 2], [2, 1], [3]]) == 2
    assert isinstance(parse("dict-empty").impl, HDict)  # type: ignore[attr-defined]
