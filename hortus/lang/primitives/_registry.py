"""The registry of built-in primitives: the core language's tables and every domain's,
gathered on first use (:mod:`hortus.domains`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hortus.lang.program import Primitive
from hortus.lang.types import INT, parse_type


def prim(name: str, tp: str, impl: Any, doc: str = "", lazy: bool = False) -> Primitive:
    """Declare a primitive: ``prim("+", "int -> int -> int", add, "addition")``."""
    return Primitive(name, parse_type(tp), impl, doc, lazy)


_builtins: dict[str, Primitive] = {}
_literals: dict[int, Primitive] = {}
_INT_TEXT = re.compile(r"-?[0-9]+")
# a float literal has a point or an exponent: 2.5, -0.125, 1e-05 (fitted constants print so)
_FLOAT_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+(?:e[-+]?[0-9]+)?|e[-+]?[0-9]+)")
_floats: dict[str, Primitive] = {}


def builtins() -> dict[str, Primitive]:
    """Every built-in primitive by name: the core language's, then every domain's."""
    if not _builtins:
        from hortus.domains import primitives  # domains plug into the language

        _builtins.update((p.name, p) for p in primitives())
    return _builtins


def int_literal(n: int) -> Primitive:
    """The constant ``n`` (any integer literal in program text is one)."""
    p = _literals.get(n)
    if p is None:
        p = _literals[n] = Primitive(str(n), INT, n, f"the integer {n}")
    return p


def float_literal(x: float) -> Primitive:
    """The float constant ``x``, named by its shortest text that reads back as a float."""
    import math

    if not math.isfinite(x):
        raise ValueError(f"a float literal must be finite, not {x!r}")
    text = repr(float(x))
    if "." not in text and "e" not in text:
        text += ".0"
    return _float_named(text)


def _float_named(text: str) -> Primitive:
    p = _floats.get(text)
    if p is None:
        from hortus.lang.types import parse_type

        p = _floats[text] = Primitive(text, parse_type("float"), float(text),
                                      f"the float {text}")
    return p


def resolve_builtin(name: str) -> Primitive | None:
    found = builtins().get(name)
    if found is None and _INT_TEXT.fullmatch(name):
        try:
            return int_literal(int(name))
        except ValueError:  # more digits than Python converts
            return None
    if found is None and _FLOAT_TEXT.fullmatch(name):
        import math

        value = float(name)
        if not math.isfinite(value) or repr(value) not in (name, name.replace("e", ".0e")):
            return None  # only the canonical text, so that parse(str(p)) == p
        return _float_named(name)
    return found


def lookup(name: str) -> Primitive:
    found = resolve_builtin(name)
    if found is None:
        raise KeyError(f"no built-in primitive named {name!r}")
    return found


# Named primitive sets. "dreamcoder-lists" is DreamCoder's list DSL (bootstrapTarget_extra): the
# 22 primitives under their DreamCoder names. "base" is what a new library starts with when
# it names no domains: the core and the default domains' primitives, and the literals 0-5.
DREAMCODER_LISTS = (
    "map", "unfold", "range", "index", "fold", "length", "if", "+", "-", "empty", "cons", "car",
    "cdr", "empty?", "0", "1", "*", "mod", "gt?", "eq?", "is-prime", "is-square",
)


def _base() -> tuple[str, ...]:
    from hortus.domains import default_names

    return domain_set(default_names())


def domain_set(domains: tuple[str, ...]) -> tuple[str, ...]:
    """The primitives a library of ``domains`` starts with (core and theirs, literals 0-5)."""
    from hortus.domains import primitives

    literals = tuple(str(i) for i in range(6))
    return tuple(p.name for p in primitives(domains, deduced=False)
                 if p.name not in ("true", "false")) \
        + literals


PRIMITIVE_SETS: dict[str, Callable[[], tuple[str, ...]]] = {
    "dreamcoder-lists": lambda: DREAMCODER_LISTS,
    "base": _base,
}


def primitive_set(name: str) -> list[Primitive]:
    if name not in PRIMITIVE_SETS:
        raise KeyError(f"unknown primitive set {name!r}; known: {', '.join(PRIMITIVE_SETS)}")
    return [lookup(n) for n in PRIMITIVE_SETS[name]()]
