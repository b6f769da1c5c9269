"""Searcher options arrive as plain JSON (what worker processes receive)."""

from __future__ import annotations

import pytest

from hortus.lang.types import parse_type
from hortus.search import EnumerativeSearcher


def test_grammar_options_reach_the_compiled_grammar() -> None:
    s = EnumerativeSearcher.from_options(
        {"ranking": "mass", "cfg": {"grow_types": 2, "extra_types": ["pair(int, int)"]}})
    assert s.config.ranking == "mass"
    assert s.config.cfg.grow_types == 2
    assert s.config.cfg.extra_types == (parse_type("pair(int, int)"),)


@pytest.mark.parametrize(("options", "message"), [
    ({"nope": 1}, "unknown options"),
    ({"cfg": {"nope": 1}}, "unknown grammar options"),
    ({"ranking": "votes"}, "unknown ranking"),
])
def test_unknown_options_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EnumerativeSearcher.from_options(options)


@pytest.mark.parametrize(("options", "message"), [
    ({"explore": "far"}, "explore: 'far' is not a number"),
    ({"explore": float("nan")}, "explore: nan is not a number"),
    ({"samples": -1}, "samples: -1 is not a whole number"),
    ({"samples": 2.5}, "samples: 2.5 is not a whole number"),
    ({"leave_one_out": 1}, "leave_one_out: 1 is not a flag"),
    ({"quantum": True}, "quantum: True is not a number"),
    ({"ranking": 3}, "ranking: 3 is not a str"),
    ({"cfg": []}, "cfg: [] is not a table"),
    ({"cfg": {"grow_types": "many"}}, "grow_types: 'many' is not a whole number"),
    ({"cfg": {"extra_types": [1]}}, "extra_types: [1] is not a list of type texts"),
])
def test_options_of_the_wrong_kind_are_refused(options: dict[str, object],
                                               message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        EnumerativeSearcher.from_options(options)


def test_leave_one_out_can_be_turned_off() -> None:
    from hortus.lang.primitives import primitive_set
    from hortus.prior.grammar import Grammar
    from hortus.search import SearchBudget
    from hortus.tasks.task import Task

    task = Task.from_examples([([2], 2), ([2, 5], 7)], name="thin")
    g = Grammar.uniform(primitive_set("base"))
    on = EnumerativeSearcher.from_options({}).search(task, g, SearchBudget(timeout=5))
    off = EnumerativeSearcher.from_options({"leave_one_out": False}).search(
        task, g, SearchBudget(timeout=5))
    assert on.fragile and not off.fragile
    assert on.best and off.best and on.best.program == off.best.program
