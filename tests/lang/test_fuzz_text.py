"""Fuzzing program and type text: it parses, or fails with the documented error, never else."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hortus.lang import ProgramSyntaxError, ProgramTypeError, parse, typecheck_text
from hortus.lang.primitives import builtins
from hortus.lang.types import TypeSyntaxError, parse_type

EXAMPLES = int(os.environ.get("HORTUS_FUZZ_EXAMPLES", "400"))
fuzz = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_program_tokens = st.sampled_from([
    "(", "(", "(", ")", ")", ")", "lambda", "lam", "#", "$0", "$1", "$7", "$", "$x", "??",
    "??h[int]", "??[list(t0)]", "??[list(", "[", "]", "0", "-3", "42", "9" * 5000, "²", "٣",
    "--5", "[/]", "\ud800", "é", "\n", "\t", "'", '"', "{", ",",
    *sorted(builtins())[:60],
]) | st.text(max_size=3)
_type_tokens = st.sampled_from([
    "list", "set", "dict", "pair", "tuple3", "int", "bool", "char", "str", "graph", "tensor",
    "image", "float", "28", "0", "9" * 12, "colour",
    "(", "(", ")", ")", ",", "->", "-", "t", "t0", "a", "_", "Foo", "list-of-", "set-of-",
    "list-of-int", " ", "\n", "\ud800", "[", "→",
]) | st.text(max_size=2)


def _joined(tokens: st.SearchStrategy[str], most: int) -> st.SearchStrategy[str]:
    spaced = st.lists(tokens, max_size=most).map(" ".join)
    tight = st.lists(tokens, max_size=most).map("".join)
    nested = st.builds(lambda n, mid: "(" * n + mid + ")" * n, st.integers(0, 700), spaced)
    return spaced | tight | nested | st.text(max_size=60)


@settings(fuzz)
@given(text=_joined(_program_tokens, 30))
def test_program_text_parses_or_raises_a_syntax_or_type_error(text: str) -> None:
    try:
        program, _ = typecheck_text(text)
    except (ProgramSyntaxError, ProgramTypeError):
        return
    assert parse(str(program)) == program


@settings(fuzz)
@given(text=_joined(_type_tokens, 30) | st.builds(
    lambda n, word: f"{word}(" * n + "int" + ")" * n, st.integers(0, 600),
    st.sampled_from(["list", "set", "pair(int, ", ""])))
def test_type_text_parses_or_raises_a_type_syntax_error(text: str) -> None:
    try:
        t = parse_type(text)
    except TypeSyntaxError:
        return
    assert parse_type(str(t)) == t
