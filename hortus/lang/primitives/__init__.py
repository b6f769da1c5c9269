"""Built-in primitives, declared as data: one module per table, each with a ``PRIMITIVES`` list.

The core language's tables are every library's; the others belong to domains
(:mod:`hortus.domains`)."""

from hortus.lang.primitives._registry import (
    DREAMCODER_LISTS,
    PRIMITIVE_SETS,
    builtins,
    domain_set,
    int_literal,
    lookup,
    prim,
    primitive_set,
    resolve_builtin,
)

__all__ = [
    "DREAMCODER_LISTS",
    "PRIMITIVE_SETS",
    "builtins",
    "domain_set",
    "int_literal",
    "lookup",
    "prim",
    "primitive_set",
    "resolve_builtin",
]
