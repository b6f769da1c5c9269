"""A task's own grammar: the colour constants its grids never show are left out.

ARC tasks use two to four colours; a program naming a colour none of the task's grids holds
(train inputs and outputs, test inputs) is almost never the answer, and each of the ten
colour constants multiplies the programs with colour arguments (``recolor`` takes two). The
colours a program computes (``main-color``, ``object-color``) stay.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from hortus.domains.arc.primitives import COLOR_NAMES
from hortus.eval.predict import pairs_to_predict
from hortus.lang.program import Primitive

if TYPE_CHECKING:
    from hortus.prior.grammar import Grammar
    from hortus.tasks.task import Task


def palette(task: Task) -> set[int]:
    """Every colour in the task's grids: train inputs and outputs, test inputs."""
    grids: list[Any] = [g for ex in task.examples for g in (*ex.inputs, ex.output)]
    grids += [x for x, _ in pairs_to_predict(task)]
    return {c for g in grids if isinstance(g, list) for row in g for c in row}


def for_task(grammar: Grammar, task: Task) -> Grammar:
    """``grammar`` without the colour constants absent from ``task``'s grids."""
    absent = {name for k, name in enumerate(COLOR_NAMES) if k not in palette(task)}
    if not absent:
        return grammar
    kept = tuple(p for p in grammar.productions
                 if not (isinstance(p.program, Primitive) and p.program.name in absent))
    bigram = {ctx: {k: w for k, w in table.items() if k not in absent}
              for ctx, table in grammar.bigram.items() if ctx[0] not in absent}
    return replace(grammar, productions=kept, bigram=bigram)
