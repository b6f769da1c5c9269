"""Built-in primitives, declared as data: one module per domain, each with a ``PRIMITIVES`` list."""

from hortus.lang.primitives._registry import (
    DOMAINS,
    DREAMCODER_LISTS,
    PRIMITIVE_SETS,
    builtins,
    int_literal,
    lookup,
    prim,
    primitive_set,
    resolve_builtin,
)

__all__ = [
    "DOMAINS",
    "DREAMCODER_LISTS",
    "PRIMITIVE_SETS",
    "builtins",
    "int_literal",
    "lookup",
    "prim",
    "primitive_set",
    "resolve_builtin",
]
