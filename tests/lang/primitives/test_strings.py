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


@pytest.mark.parametrize(("program", "char", "result"), [
    ("upper", "ß", "ß"),  # upper case is "SS": two characters are not a char
    ("upper", "ŉ", "ŉ"),
    ("lower", "İ", "İ"),  # lower case is "i̇" (two code points)
    ("upper", "é", "É"),
    ("lower", "Σ", "σ"),
])
def test_case_mappings_of_a_char_are_one_char(program: str, char: str, result: str) -> None:
    assert parse(f"(lambda ({program} $0))")(char) == result


def test_upper_and_lower_never_change_a_chars_length() -> None:
    upper, lower = parse("(lambda (upper $0))"), parse("(lambda (lower $0))")
    for code in range(0x20, 0x3000):
        c = chr(code)
        if not 0xD800 <= code < 0xE000:
            assert len(upper(c)) == 1 and len(lower(c)) == 1
