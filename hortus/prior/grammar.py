"""The grammar: the library's routines with log weights, optionally conditioned on their parent.

As in DreamCoder, the probability of choosing routine ``r`` to fill a slot is ``exp(w[r])``
normalised over the routines whose type fits the slot; variables share one weight. A bigram
grammar conditions ``w`` on the context ``(parent routine, argument index)``; contexts without
their own table fall back to the unigram weights.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from hortus.lang.parse import parse
from hortus.lang.program import Primitive, Program, Routine, show
from hortus.lang.types import Type

VARIABLE = "$var"  # the key under which all variables share one weight
# Largest magnitude of a log weight: odds of e^100 (10^43) are past any that evidence gives,
# and weights beyond (1e308, infinities) only break arithmetic. Weights written to a library
# are checked against it; weights used are clamped to it, so a damaged library still searches.
MAX_WEIGHT = 100.0
Context = tuple[str, int] | None  # (parent key, argument index); None at the root


def key_of(p: Program) -> str:
    """Stable key of a production: a primitive's name, or a routine's body text."""
    if isinstance(p, Primitive):
        return p.name
    return show(p)


@dataclass(frozen=True)
class Production:
    program: Program  # a Primitive or a Routine
    tp: Type  # its type scheme
    logweight: float = 0.0

    @cached_property
    def key(self) -> str:  # a routine's key is its body's text: computed once
        return key_of(self.program)

    def weighted(self, logweight: float) -> Production:
        """This production with another weight (and its key, already computed)."""
        new = replace(self, logweight=logweight)
        if "key" in self.__dict__:
            new.__dict__["key"] = self.__dict__["key"]
        return new


@dataclass(frozen=True)
class Grammar:
    productions: tuple[Production, ...]
    log_variable: float = 0.0
    # context -> {production key or VARIABLE -> log weight}; absent contexts use unigram weights
    bigram: Mapping[tuple[str, int], Mapping[str, float]] = field(default_factory=dict)

    @classmethod
    def uniform(cls, programs: Iterable[Program]) -> Grammar:
        """Every routine and the variables equally likely."""
        prods = []
        seen = set()
        for p in programs:
            k = key_of(p)
            if k in seen:
                continue
            seen.add(k)
            prods.append(Production(p, _type_of(p), 0.0))
        return cls(tuple(prods))

    def context(self, parent: str, arg: int) -> Context:
        """The context used for weights: ``(parent, arg)`` when it has its own table, else None."""
        ctx = (parent, arg)
        return ctx if ctx in self.bigram else None

    def weights(self, ctx: Context) -> dict[str, float]:
        """Log weight of each production key (and VARIABLE) in a context."""
        table = {p.key: p.logweight for p in self.productions}
        table[VARIABLE] = self.log_variable
        if ctx is not None:
            table.update(self.bigram[ctx])
        return {k: clamp_weight(w) for k, w in table.items()}

    def by_key(self) -> dict[str, Production]:
        return {p.key: p for p in self.productions}

    def namespace(self) -> dict[str, Program]:
        """Each named routine by its name: what program text may call besides primitives."""
        return {p.program.name: p.program for p in self.productions
                if isinstance(p.program, Routine) and p.program.name}

    # ------------------------------------------------------------ serialisation (JSON, no pickle)

    def to_json(self) -> dict[str, Any]:
        return {
            "productions": [{"program": show(p.program), "name": _name(p.program),
                             "logweight": p.logweight} for p in self.productions],
            "log_variable": self.log_variable,
            "bigram": [{"parent": k[0], "arg": k[1], "weights": dict(v)}
                       for k, v in self.bigram.items()],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], known: Grammar | None = None) -> Grammar:
        """The grammar ``to_json`` wrote. Productions also in ``known`` (same text and name)
        are taken from it, with the new weight, instead of parsed and typed again."""
        reuse = {} if known is None else {(p.key, _name(p.program)): p for p in known.productions}
        prods = []
        for item in data["productions"]:
            same = reuse.get((item["program"], item.get("name")))
            if same is not None:
                prods.append(same.weighted(float(item["logweight"])))
                continue
            program = parse(item["program"])
            if isinstance(program, Routine) and item.get("name"):
                program = Routine(program.body, item["name"])
            prods.append(Production(program, _type_of(program), float(item["logweight"])))
        bigram = {(b["parent"], int(b["arg"])): {k: float(w) for k, w in b["weights"].items()}
                  for b in data.get("bigram", [])}
        return cls(tuple(prods), float(data.get("log_variable", 0.0)), bigram)

    def dumps(self) -> str:
        return json.dumps(self.to_json(), sort_keys=True)


def clamp_weight(w: float) -> float:
    """``w`` within +-:data:`MAX_WEIGHT`; NaN, which says nothing, as the least likely."""
    if math.isnan(w):
        return -MAX_WEIGHT
    return min(max(w, -MAX_WEIGHT), MAX_WEIGHT)


def check_weight(w: float, what: str) -> float:
    """``w`` as a float when it is a usable log weight, else :class:`ValueError` naming it."""
    if isinstance(w, bool) or not isinstance(w, int | float) or not -MAX_WEIGHT <= w <= \
            MAX_WEIGHT:  # NaN is not within the bounds either
        shown = "an integer that large" if isinstance(w, int) and abs(w) > 10**60 else \
            f"{w!r:.60}"
        raise ValueError(f"{what} is {shown}: a log weight must be a finite number between "
                         f"{-MAX_WEIGHT:g} and {MAX_WEIGHT:g}")
    return float(w)


def _name(p: Program) -> str | None:
    return p.name if isinstance(p, Routine | Primitive) else None


def _type_of(p: Program) -> Type:
    if isinstance(p, Primitive):
        return p.tp
    from hortus.lang.infer import infer

    return infer(p)
