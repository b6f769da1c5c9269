"""``hortus bench enumerate``: raw speed of the enumerator and the probability mass it covers.

The enumerator runs without examples for a fixed time and counts the complete programs of the
request type it produces, in its compact form. Polymorphic routines are instantiated over a type
universe, so one program text can come from two instantiations (``(length empty)`` with an empty
list of ints or of bools): the figure reported is *distinct* programs per second, counted after
the timed run, with raw derivations per second beside it. *Mass* is the sum of their prior
probabilities; since a grammar with many-argument routines puts part of its mass
on infinite derivations, the mass of all finite programs (the grammar's partition function) is
reported too, and coverage is mass over that.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from hortus.bench._report import write
from hortus.lang.primitives import primitive_set
from hortus.lang.types import parse_type
from hortus.prior.cfg import CFG, clear_shared
from hortus.prior.grammar import Grammar
from hortus.search._enumerator import Enumerator, Stop


def enumerate_for(cfg: CFG, seconds: float, quantum: float = 0.5) -> dict[str, Any]:
    """Enumerate for ``seconds``; count programs and the mass of complete cost levels."""
    start = time.perf_counter()
    en = Enumerator(cfg, quantum=quantum, deadline=start + seconds, max_terms=10**10)
    programs, mass, level = 0, 0.0, 0
    sample = None
    try:
        c = 1
        while True:
            for prog in en.pool(cfg.start, c):
                programs += 1
                sample = prog
            mass += en.mass[cfg.start.id][c]
            level = c
            c += 1
    except Stop:
        pass
    elapsed = time.perf_counter() - start
    distinct = count_distinct(en, cfg, level + 1)
    return {"seconds": seconds, "elapsed": elapsed, "derivations": programs,
            "derivations_per_second": programs / elapsed, "programs": distinct,
            "programs_per_second": distinct / elapsed, "mass": mass, "levels": level,
            "terms": en.terms, "last_program": str(en.to_program(sample)) if sample else None}


def count_distinct(en: Enumerator, cfg: CFG, levels: int) -> int:
    """Distinct program texts among the start symbol's first ``levels`` levels.

    Each sub-term gets an integer id for its text, so the cost is one small tuple per term.
    """
    ids: dict[tuple[Any, ...], int] = {}
    memo: dict[int, int] = {}

    def text_id(prog: tuple[Any, ...]) -> int:
        found = memo.get(id(prog))
        if found is None:
            rule = prog[0]
            head = ("$", rule.index) if rule.head is None else str(rule.head)
            key = (head, *(text_id(child) for child in prog[1:]))
            found = memo[id(prog)] = ids.setdefault(key, len(ids))
        return found

    tops = set()
    for bucket in en.pools.get(cfg.start.id, [])[:levels + 1]:
        for prog in bucket:
            tops.add(text_id(prog))
    return len(tops)


def materialize_rate(cfg: CFG, n: int = 200_000) -> float:
    """Programs per second when each one is also turned into a :class:`Program` object."""
    en = Enumerator(cfg, max_terms=10**10)
    start = time.perf_counter()
    done, c = 0, 1
    while done < n:
        for prog in en.pool(cfg.start, c):
            en.to_program(prog)
            done += 1
            if done >= n:
                break
        c += 1
    return done / (time.perf_counter() - start)


def run_enumerate(grammar: str, request: str, durations: list[float], results_dir: Path,
                  console: Console | None) -> dict[str, Any]:
    g = Grammar.uniform(primitive_set(grammar))
    tp = parse_type(request)
    finite = CFG(g, tp).partition()
    runs = []
    for seconds in durations:
        clear_shared()  # compiled from nothing: rule construction is part of the measured time
        cfg = CFG(g, tp)
        r = enumerate_for(cfg, seconds)
        z = finite[cfg.start.id]
        r["coverage"] = r["mass"] / z if z > 0 else math.nan
        runs.append(r)
    start_id = CFG(g, tp).start.id
    clear_shared()
    materialized = materialize_rate(CFG(g, tp))
    report: dict[str, Any] = {
        "grammar": grammar, "request": request, "primitives": len(g.productions),
        "finite_mass": finite[start_id],
        "runs": runs,
        "materialized_programs_per_second": materialized,
        "programs_per_second": max(r["programs_per_second"] for r in runs),
    }
    for r in runs:
        report[f"mass_{r['seconds']:g}s"] = r["mass"]
        report[f"coverage_{r['seconds']:g}s"] = r["coverage"]
    path = write(results_dir, "enumerate", report)
    if console is not None:
        table = Table(title=Text(f"Enumerator: {grammar} grammar, {request}"))
        for col in ("seconds", "programs", "programs/s", "derivations/s", "mass",
                    "coverage", "levels"):
            table.add_column(col, justify="right")
        for r in runs:
            table.add_row(f"{r['seconds']:g}", f"{r['programs']:,}",
                          f"{r['programs_per_second']:,.0f}",
                          f"{r['derivations_per_second']:,.0f}", f"{r['mass']:.4f}",
                          f"{r['coverage']:.2%}", str(r["levels"]))
        console.print(table)
        console.print(f"programs: distinct program texts; coverage: mass over the mass of all "
                      f"finite programs ({report['finite_mass']:.4f}); with a Program object "
                      f"built for each: {report['materialized_programs_per_second']:,.0f} "
                      f"programs/s")
        console.print(f"written to {path}", markup=False, highlight=False)
    return report
