"""Booleans and the conditional."""

from __future__ import annotations

from typing import Any

from hortus.lang.primitives._registry import prim


def _if(c: bool, a: Any, b: Any) -> Any:
    return a if c else b


PRIMITIVES = [
    prim("true", "bool", True, "true"),
    prim("false", "bool", False, "false"),
    prim("not", "bool -> bool", lambda a: not a, "negation"),
    prim("and", "bool -> bool -> bool", lambda a, b: a and b, "conjunction"),
    prim("or", "bool -> bool -> bool", lambda a, b: a or b, "disjunction"),
    # Lazy: the interpreter evaluates only the branch taken.
    prim("if", "bool -> t0 -> t0 -> t0", _if, "(if c a b): a when c holds, else b", lazy=True),
]
