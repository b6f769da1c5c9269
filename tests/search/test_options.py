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
