"""Term rewriting: substitution, beta reduction, inlining of routines, mapping holes.

Used to check that a program rewritten with new routines means what the original meant:
inlining the routines and reducing must give back the original term exactly.
"""

from __future__ import annotations

from collections.abc import Callable

from hortus.lang.program import Apply, Hole, Index, Lambda, Program, Routine


def substitute(body: Program, value: Program, depth: int = 0) -> Program:
    """``body`` with ``$depth`` replaced by ``value`` and the indices above it lowered by one."""
    if isinstance(body, Index):
        if body.i == depth:
            return value.shift(depth)
        if body.i > depth:
            return Index(body.i - 1)
        return body
    if isinstance(body, Apply):
        return Apply(substitute(body.f, value, depth), substitute(body.x, value, depth))
    if isinstance(body, Lambda):
        return Lambda(substitute(body.body, value, depth + 1))
    return body


def then(after: Program, step: Program, n: int, inputs_too: bool = True) -> Program:
    """``step``, a closed program of ``n`` inputs, followed by ``after``, as one program of
    those inputs. ``after`` takes ``step``'s inputs and then its output,
    ``(lambda^n+1 b)``, or with ``inputs_too`` false its output alone, ``(lambda b)``;
    either way the result is ``(lambda^n b[$0 := s])`` where ``s`` is ``step``'s body."""
    body, inner = _strip(after, n + 1 if inputs_too else 1), _strip(step, n)
    program = substitute(body, inner, 0)
    for _ in range(n):
        program = Lambda(program)
    return program


def _strip(p: Program, n: int) -> Program:
    for _ in range(n):
        if not isinstance(p, Lambda):
            raise ValueError(f"{p} does not take {n} input(s)")
        p = p.body
    return p


def beta_normal(p: Program, fuel: int = 10_000) -> Program:
    """Reduce every redex ``((lambda b) x)`` (normal order), within ``fuel`` steps."""
    steps = [fuel]

    def go(q: Program) -> Program:
        if isinstance(q, Apply):
            f = go(q.f)
            if isinstance(f, Lambda):
                steps[0] -= 1
                if steps[0] < 0:
                    raise ValueError("beta reduction did not finish within its fuel")
                return go(substitute(f.body, q.x))
            return Apply(f, go(q.x))
        if isinstance(q, Lambda):
            return Lambda(go(q.body))
        return q

    return go(p)


def inline_routines(p: Program) -> Program:
    """Replace every routine by its body (recursively) and reduce: primitives only remain."""

    def go(q: Program) -> Program:
        if isinstance(q, Routine):
            return go(q.body)
        if isinstance(q, Apply):
            return Apply(go(q.f), go(q.x))
        if isinstance(q, Lambda):
            return Lambda(go(q.body))
        return q

    return beta_normal(go(p))


def map_holes(p: Program, f: Callable[[Hole], Program]) -> Program:
    """``p`` with each hole ``h`` replaced by ``f(h)`` (renamed, typed, filled by a value)."""
    if isinstance(p, Hole):
        return f(p)
    if isinstance(p, Apply):
        return Apply(map_holes(p.f, f), map_holes(p.x, f))
    if isinstance(p, Lambda):
        return Lambda(map_holes(p.body, f))
    return p
