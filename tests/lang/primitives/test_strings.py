"""Characters and strings."""

from __future__ import annotations

import pytest

from hortus.lang import parse
from hortus.lang.runtime import EvalError


def test_strings() -> None:
    assert parse("(lambda (chars $0))")("abc") == ["a", "b", "c"]
    assert parse("(lambda (implode (reverse (chars $0))))")("abc") == "cba"
    assert parse("(lambda (implode (map upper (chars $0))))")("aBc") == "ABC"
    assert parse("(lambda (implode (map lower (chars $0))))")("aBc") == "abc"
    assert parse("(lambda (lambda (str-append $1 $0)))")("ab", "cd") == "abcd"
    assert parse("(lambda (char->int $0))")("a") == 97
    assert parse("(int->char 65)")() == "A"
    assert parse("(lambda (length (chars $0)))")("") == 0


def test_bad_character_code() -> None:
    with pytest.raises(EvalError, match="-1 is not a character code"):
        parse("(int->char -1)")()
    with pytest.raises(EvalError, match="is not a character code"):
        parse("(int->char 1114112)")()
