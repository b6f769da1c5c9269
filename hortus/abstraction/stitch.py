"""Abstraction with Stitch (the ``stitch_core`` package), adapted to hortus programs.

Programs go to Stitch without the lambdas that bind the task's inputs (the enumerator never
derives those, so a routine must not swallow them), with existing routines written by name and
``lambda`` as ``lam``. Curried bodies and metavariables are forbidden, so every abstraction is
used fully applied, as the enumerator builds terms. Each abstraction comes back as a routine
``(lambda ... body)``; each rewritten program is accepted only if inlining its routines gives
back the original program exactly.

A neural hole (``??add2-n0[tensor(12) -> int]``, a neural routine of the library) is a leaf,
as a primitive is: Stitch sees it as a symbol (``hortus_hole_0``; the hole's own text has
brackets and spaces), and the symbol is read back as the hole, so an abstraction may call a
neural routine in its body.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from hortus.abstraction._base import Abstraction, Compression, Compressor
from hortus.lang.infer import ProgramTypeError, infer
from hortus.lang.parse import ROUTINE_NAME, ProgramSyntaxError, parse
from hortus.lang.primitives import resolve_builtin
from hortus.lang.program import Apply, Hole, Index, Lambda, Primitive, Program, Routine, show
from hortus.lang.rewrite import inline_routines, map_holes
from hortus.lang.types import Type, arguments

PREFIX = "hortus_new_"  # Stitch's names for new abstractions, replaced by readable names
HOLE_PREFIX = "hortus_hole_"  # Stitch's symbols for neural holes
_ARGUMENT = re.compile(r"arg(\d+)")
_METAVAR = re.compile(r"#(\d+)")


class StitchCompressor(Compressor):
    """Stitch's top-down abstraction search, a few abstractions per call."""

    name = "stitch"

    def __init__(self, iterations: int = 5, max_arity: int = 3, threads: int = 1) -> None:
        self.iterations, self.max_arity, self.threads = iterations, max_arity, threads

    def compress(self, corpus: Sequence[tuple[Type, Program]], tasks: Sequence[str],
                 taken: set[str]) -> Compression:
        try:
            import stitch_core
        except ImportError as e:
            raise ValueError(f"abstraction needs the stitch_core package ({e}): "
                             f"pip install 'hortus[learn]'") from None
        start = time.perf_counter()
        bodies, arities = [], []
        for request, program in corpus:
            n = len(arguments(request))
            bodies.append(_strip(program, n))
            arities.append(n)
        known = _named_routines(bodies)
        bodies, holes = _hole_symbols(bodies)
        texts = [show(b, names=True).replace("(lambda ", "(lam ") for b in bodies]
        # Stitch's Rust backend can panic on an internal consistency check in a late
        # iteration (seen on real corpora): fewer iterations keep the earlier abstractions,
        # and with none left the corpus stays as it is; learning goes on either way.
        failures: list[str] = []
        result = None
        for iterations in range(self.iterations, 0, -1):
            try:
                result = stitch_core.compress(
                    texts, iterations=iterations, max_arity=self.max_arity, tasks=list(tasks),
                    threads=self.threads, silent=True, no_curried_metavars=True,
                    no_curried_bodies=True, abstraction_prefix=PREFIX)
                break
            except stitch_core.StitchException as e:
                failures.append(f"{iterations} iteration(s): {str(e).splitlines()[0]}")
        if result is None:
            return Compression([], [p for _, p in corpus], {
                "programs": len(corpus), "found": 0, "kept": 0, "rejected_rewrites": 0,
                "seconds": time.perf_counter() - start, "compression_ratio": None,
                "stitch_failures": failures})
        names = set(taken) | set(known) | {h.name for h in holes.values() if h.name}
        namespace: dict[str, Program] = {**known, **holes}
        abstractions: list[Abstraction] = []
        for found in result.abstractions:
            routine = _routine(found.body, found.arity, namespace)
            if routine is None:
                break  # later abstractions may build on this one: stop here
            try:
                tp = infer(routine.body)
            except ProgramTypeError:
                break
            name = readable_name(routine.body, names)
            names.add(name)
            routine = Routine(routine.body, name)
            namespace[found.name] = routine
            abstractions.append(Abstraction(routine, tp, uid(routine.body), 0, ()))
        kept = len(abstractions)
        rewritten_texts = result.rewritten
        if kept < len(result.abstractions):  # rewrite again with the abstractions we keep
            rewritten_texts = stitch_core.rewrite(texts, result.abstractions[:kept],
                                                  silent=True).rewritten
        rewritten, rejected = [], 0
        for (_, original), text, n in zip(corpus, rewritten_texts, arities, strict=True):
            candidate = _parse_rewritten(text, namespace, n)
            if candidate is None or inline_routines(candidate) != inline_routines(original):
                rejected += 1
                candidate = original
            rewritten.append(candidate)
        abstractions = _with_uses(abstractions, rewritten, tasks)
        stats: dict[str, Any] = {
            "programs": len(corpus), "found": len(result.abstractions), "kept": kept,
            "rejected_rewrites": rejected, "seconds": time.perf_counter() - start,
            "compression_ratio": result.json.get("compression_ratio"),
        }
        if failures:
            stats["stitch_failures"] = failures
        return Compression(abstractions, rewritten, stats)


def _strip(program: Program, n: int) -> Program:
    for _ in range(n):
        if not isinstance(program, Lambda):
            raise ValueError(f"program {program} does not take {n} input(s)")
        program = program.body
    return program


def _hole_symbols(programs: Sequence[Program]) -> tuple[list[Program], dict[str, Hole]]:
    """``programs`` with each hole a symbol for Stitch (a routine of that name around it,
    printed by name), and the hole of each symbol, to read Stitch's output back."""
    symbols: dict[Hole, str] = {}

    def symbol(h: Hole) -> Program:
        if h not in symbols:
            symbols[h] = f"{HOLE_PREFIX}{len(symbols)}"
        return Routine(h, symbols[h])

    wrapped = [map_holes(p, symbol) for p in programs]
    return wrapped, {name: h for h, name in symbols.items()}


def _named_routines(programs: Sequence[Program]) -> dict[str, Program]:
    """Routines the corpus uses, by name (they must have one: Stitch sees them as symbols)."""
    found: dict[str, Program] = {}
    for p in programs:
        for node in p.walk():
            if isinstance(node, Routine):
                if not node.name:
                    raise ValueError(f"routine {node} has no name; name it before compressing")
                found[node.name] = node
    return found


def _routine(body_text: str, arity: int, namespace: dict[str, Program]) -> Routine | None:
    """``(lambda ... body)`` from Stitch's body, whose ``#i`` is the abstraction's argument i."""
    text = _METAVAR.sub(lambda m: f"??arg{m.group(1)}", body_text)
    try:
        body = parse(text, namespace)
    except ProgramSyntaxError:
        return None
    body = _bind_arguments(body, arity, 0)
    for _ in range(arity):
        body = Lambda(body)
    if body.free_indices():
        return None  # an abstraction must be closed
    return Routine(body)


def _bind_arguments(p: Program, arity: int, depth: int) -> Program:
    """Replace the hole ``??argI`` by the variable bound to argument I (the first is outermost);
    the holes of neural routines are typed, and stay."""
    argument = _ARGUMENT.fullmatch(p.name) if isinstance(p, Hole) and p.name else None
    if isinstance(p, Hole) and p.tp is None and argument:
        return Index(depth + arity - 1 - int(argument.group(1)))
    if isinstance(p, Apply):
        return Apply(_bind_arguments(p.f, arity, depth), _bind_arguments(p.x, arity, depth))
    if isinstance(p, Lambda):
        return Lambda(_bind_arguments(p.body, arity, depth + 1))
    return p


def _parse_rewritten(text: str, namespace: dict[str, Program], n_inputs: int) -> Program | None:
    try:
        program = parse(text, namespace)
    except ProgramSyntaxError:
        return None
    for _ in range(n_inputs):
        program = Lambda(program)
    return program


def _with_uses(abstractions: list[Abstraction], rewritten: Sequence[Program],
               tasks: Sequence[str]) -> list[Abstraction]:
    uses: Counter[str] = Counter()
    users: dict[str, dict[str, None]] = {}
    for program, task in zip(rewritten, tasks, strict=True):
        for node in program.walk():
            if isinstance(node, Routine) and node.name:
                uses[node.name] += 1
                users.setdefault(node.name, {})[task] = None
    return [Abstraction(a.routine, a.type, a.uid, uses[a.routine.name or ""],
                        tuple(users.get(a.routine.name or "", {})))
            for a in abstractions]


def uid(body: Program) -> str:
    """A stable id for a routine: a hash of its body's self-contained text."""
    return hashlib.sha1(show(body).encode()).hexdigest()[:12]


def readable_name(body: Program, taken: set[str]) -> str:
    """A name from the first routines, neural routines and constants in the body, e.g.
    ``map-+``, ``take-5``, ``+-add2-n0``."""
    heads: dict[str, None] = {}
    for node in body.walk():
        name = node.name if isinstance(node, Primitive | Routine | Hole) else None
        if name:
            heads.setdefault(name, None)
        if len(heads) == 3:
            break
    base = "-".join(heads) or "routine"
    if not ROUTINE_NAME.fullmatch(base):
        base = "routine"
    name, k = base, 1
    while name in taken or resolve_builtin(name) is not None:
        k += 1
        name = f"{base}-{k}"
    return name
