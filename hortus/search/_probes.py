"""Probe environments: stand-in values for the variables of a lambda, taken from an example.

Terms under a lambda cannot be evaluated on the examples directly: their variables range over
values the enclosing program will supply (the elements of a list being mapped, an accumulator).
To compare two such terms anyway, both are run on the same probe environments: the example's
inputs, plus values of each variable's type found in that example (its lists' elements, its
inputs and outputs), then small defaults. Terms that agree on every probe are taken to be
equivalent; this is a heuristic (unlike equivalence on the examples themselves), so it can be
switched off.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import product
from typing import Any

from hortus.eval.codecs import codec_of
from hortus.lang.types import TCon, Type


def values_of_type(t: Type, roots: Sequence[tuple[Any, Type]]) -> Iterator[Any]:
    """Values of type ``t`` inside ``roots`` (pairs of value and type), outermost first."""
    stack = list(reversed(roots))
    while stack:
        v, vt = stack.pop()
        if vt == t:
            yield v
        elif isinstance(vt, TCon) and vt.name == "list" and isinstance(v, tuple):
            stack.extend((x, vt.args[0]) for x in reversed(v))


def _defaults(t: Type) -> tuple[Any, ...]:
    found = codec_of(t)
    return found.probes if found is not None else ()


def probe_envs(binders: Sequence[Type], inputs: Sequence[Type], outputs: Type,
               examples: Sequence[tuple[tuple[Any, ...], Any | None]], per_type: int = 4,
               per_example: int = 3) -> list[tuple[Any, ...]]:
    """Environments ``(*binder values, *example env)`` for every example.

    ``binders`` are the lambda variables' types, innermost first; ``examples`` pairs each
    example's environment (inputs reversed) with its output (None when it is not known).
    """
    out: list[tuple[Any, ...]] = []
    for env, output in examples:
        roots = [*zip(reversed(env), inputs, strict=True)]
        if output is not None:
            roots.append((output, outputs))
        choices = []
        for t in binders:
            seen: dict[Any, None] = {}
            for v in values_of_type(t, roots):
                seen.setdefault(v, None)
                if len(seen) >= per_type:
                    break
            for v in _defaults(t):
                if len(seen) >= per_type:
                    break
                seen.setdefault(v, None)
            choices.append(list(seen))
        if any(not c for c in choices):
            continue  # no value of some binder's type in sight: no probe from this example
        combos = list(product(*choices))
        if len(combos) > per_example:
            combos = [combos[i * len(combos) // per_example] for i in range(per_example)]
        out.extend((*combo, *env) for combo in combos)
    return out
