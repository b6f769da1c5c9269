"""Characters and strings (a ``char`` is a one-character ``str`` at run time)."""

from __future__ import annotations

from typing import Any

from hortus.lang.primitives._registry import prim
from hortus.lang.runtime import check_len


def _implode(cs: tuple[str, ...]) -> str:
    return "".join(cs)


def _upper(c: str) -> str:
    """``c`` in upper case, or ``c`` itself where that is not one character (``ß`` -> ``SS``)."""
    u = c.upper()
    return u if len(u) == 1 else c


def _lower(c: str) -> str:
    """``c`` in lower case, or ``c`` itself where that is not one character (``İ``)."""
    lo = c.lower()
    return lo if len(lo) == 1 else c


def _char_code(c: str) -> int:
    return ord(c)


def _code_char(n: int) -> Any:
    from hortus.lang.runtime import EvalError

    if not 0 <= n < 0x110000:
        raise EvalError(f"{n} is not a character code")
    return chr(n)


PRIMITIVES = [
    prim("chars", "str -> list(char)", tuple, "the characters of a string"),
    prim("implode", "list(char) -> str", _implode, "join characters into a string"),
    prim("str-append", "str -> str -> str", lambda a, b: check_len(a + b), "concatenate strings"),
    prim("char->int", "char -> int", _char_code, "the character's code point"),
    prim("int->char", "int -> char", _code_char, "the character with this code point"),
    prim("upper", "char -> char", _upper, "upper case (a character without a one-character "
                                          "upper case stays as it is)"),
    prim("lower", "char -> char", _lower, "lower case (likewise)"),
]
