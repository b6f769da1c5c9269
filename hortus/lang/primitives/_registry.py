"""The registry of built-in primitives: one table per domain, gathered on first use."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

from hortus.lang.program import Primitive
from hortus.lang.types import INT, parse_type

DOMAINS = ("arithmetic", "logic", "lists", "loops", "sorting", "pairs", "tables", "sets",
           "graphs", "strings")


def prim(name: str, tp: str, impl: Any, doc: str = "", lazy: bool = False) -> Primitive:
    """Declare a primitive: ``prim("+", "int -> int -> int", add, "addition")``."""
    return Primitive(name, parse_type(tp), impl, doc, lazy)


_builtins: dict[str, Primitive] = {}
_literals: dict[int, Primitive] = {}
_INT_TEXT = re.compile(r"-?[0-9]+")


def builtins() -> dict[str, Primitive]:
    """Every built-in primitive by name, in domain order."""
    if not _builtins:
        table: dict[str, Primitive] = {}
        for domain in DOMAINS:
            module = importlib.import_module(f"hortus.lang.primitives.{domain}")
            for p in module.PRIMITIVES:
                if p.name in table:
                    raise ValueError(f"primitive {p.name!r} is declared twice")
                table[p.name] = p
        _builtins.update(table)
    return _builtins


def int_literal(n: int) -> Primitive:
    """The constant ``n`` (any integer literal in program text is one)."""
    p = _literals.get(n)
    if p is None:
        p = _literals[n] = Primitive(str(n), INT, n, f"the integer {n}")
    return p


def resolve_builtin(name: str) -> Primitive | None:
    found = builtins().get(name)
    if found is None and _INT_TEXT.fullmatch(name):
        try:
            return int_literal(int(name))
        except ValueError:  # more digits than Python converts
            return None
    return found


def lookup(name: str) -> Primitive:
    found = resolve_builtin(name)
    if found is None:
        raise KeyError(f"no built-in primitive named {name!r}")
    return found


# Named primitive sets. "dreamcoder-lists" is DreamCoder's list DSL (bootstrapTarget_extra): the
# 22 primitives under their DreamCoder names. "base" is what a new library starts with.
DREAMCODER_LISTS = (
    "map", "unfold", "range", "index", "fold", "length", "if", "+", "-", "empty", "cons", "car",
    "cdr", "empty?", "0", "1", "*", "mod", "gt?", "eq?", "is-prime", "is-square",
)


def _base() -> tuple[str, ...]:
    literals = tuple(str(i) for i in range(6))
    return tuple(n for n in builtins() if n not in ("true", "false")) + literals


PRIMITIVE_SETS: dict[str, Callable[[], tuple[str, ...]]] = {
    "dreamcoder-lists": lambda: DREAMCODER_LISTS,
    "base": _base,
}


def primitive_set(name: str) -> list[Primitive]:
    if name not in PRIMITIVE_SETS:
        raise KeyError(f"unknown primitive set {name!r}; known: {', '.join(PRIMITIVE_SETS)}")
    return [lookup(n) for n in PRIMITIVE_SETS[name]()]
