"""Hindley-Milner type inference for programs, with errors that name the clash and its position."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from hortus.lang.parse import Path, Span, excerpt, line_column, parse_with_spans
from hortus.lang.program import Apply, Hole, Index, Lambda, Primitive, Program, Routine, show, spine
from hortus.lang.types import (
    ARROW,
    Fresh,
    Subst,
    TCon,
    Type,
    UnificationError,
    arrow,
    canonical,
    resolve,
    show_types,
    unify,
)


class ProgramTypeError(TypeError):
    """An ill-typed program: says what clashes with what, and where."""

    def __init__(self, message: str, path: Path = (), text: str | None = None,
                 span: Span | None = None) -> None:
        self.path, self.span, self.reason = path, span, message
        if text is not None and span is not None:
            line, col = line_column(text, span[0])
            message = f"{message} at line {line}, column {col}: {excerpt(text, span[0])}"
        super().__init__(message)


def infer(program: Program, env: Sequence[Type] = (), request: Type | None = None) -> Type:
    """Most general type of ``program`` whose free variables ``$0, $1, ...`` have types ``env``.

    With ``request``, the program is also checked against that type.
    """
    # the environment's variables are renamed so that they cannot clash with fresh ones
    checker, t = _checked(program, env, request)
    return canonical(resolve(t, checker.s))


def hole_types(program: Program, request: Type | None = None) -> dict[str, Type]:
    """The type of each named hole of ``program`` (checked against ``request`` if given)."""
    checker, _ = _checked(program, (), request)
    return {name: canonical(resolve(h, checker.s)) for name, h in checker.holes.items()}


def _checked(program: Program, env: Sequence[Type], request: Type | None
             ) -> tuple[_Checker, Type]:
    """Infer ``program``'s type in ``env`` (renamed apart) and unify it with ``request``."""
    checker = _Checker()
    t = checker.go(program, checker.fresh.instantiate_together(env), ())
    if request is not None:
        try:
            unify(t, checker.fresh.instantiate(request), checker.s)
        except UnificationError:
            raise ProgramTypeError(f"program has type {canonical(resolve(t, checker.s))}, "
                                   f"but {request} was requested") from None
    return checker, t


def typecheck(program: Program, request: Type | None = None) -> Type:
    """:func:`infer`, where types nested deeper than Python's recursion limit lets inference
    follow are a :class:`ProgramTypeError` too.

    They can nest far deeper than the program: each car of a car unwraps one list.
    """
    try:
        return infer(program, request=request)
    except RecursionError:
        raise ProgramTypeError("the program's types nest too deeply to infer") from None


def typecheck_text(text: str, request: Type | None = None,
                   namespace: Mapping[str, Program] | Callable[[str], Program | None] | None = None,
                   ) -> tuple[Program, Type]:
    """Parse and type ``text``; a type error names the line and column of the offending term."""
    parsed = parse_with_spans(text, namespace)
    try:
        return parsed.program, typecheck(parsed.program, request=request)
    except ProgramTypeError as e:
        span = _closest_span(parsed.spans, e.path)
        raise ProgramTypeError(e.reason, e.path, text, span) from None


def _closest_span(spans: dict[Path, Span], path: Path) -> Span | None:
    while path not in spans and path:
        path = path[:-1]
    return spans.get(path)


_routine_types: dict[Routine, Type] = {}


def routine_type(r: Routine) -> Type:
    t = _routine_types.get(r)
    if t is None:
        t = infer(r.body)
        if len(_routine_types) > 50_000:
            _routine_types.clear()
        _routine_types[r] = t
    return t


class _Checker:
    def __init__(self) -> None:
        self.fresh = Fresh()
        self.s: Subst = {}
        self.holes: dict[str, Type] = {}  # a named hole is one module: one type everywhere

    def go(self, p: Program, env: list[Type], path: Path) -> Type:
        if isinstance(p, Apply):
            return self.apply(p, env, path)
        if isinstance(p, Index):
            if p.i >= len(env):
                raise ProgramTypeError(f"unbound variable ${p.i} (only {len(env)} enclosing "
                                       f"lambda(s))", path)
            return env[p.i]
        if isinstance(p, Lambda):
            a = self.fresh.var()
            return arrow(a, self.go(p.body, [a, *env], (*path, 0)))
        if isinstance(p, Primitive):
            return self.fresh.instantiate(p.tp)
        if isinstance(p, Routine):
            try:
                return self.fresh.instantiate(routine_type(p))
            except ProgramTypeError as e:  # point into the body, not at the routine
                raise ProgramTypeError(e.reason, (*path, 0, *e.path)) from None
        if isinstance(p, Hole):
            return self.hole(p, path)
        raise ProgramTypeError(f"not a program node: {p!r}", path)

    def hole(self, p: Hole, path: Path) -> Type:
        t = self.fresh.var() if p.tp is None else self.fresh.instantiate(p.tp)
        if p.name is None:
            return t
        first = self.holes.setdefault(p.name, t)
        try:
            unify(first, t, self.s)
        except UnificationError:
            shown = show_types(resolve(first, self.s), resolve(t, self.s))
            raise ProgramTypeError(f"hole ??{p.name} is used as {shown[1]} here but as "
                                   f"{shown[0]} elsewhere: one named hole is one module, of "
                                   f"one type", path) from None
        return t

    def apply(self, p: Apply, env: list[Type], path: Path) -> Type:
        tf = self.go(p.f, env, (*path, 0))
        tx = self.go(p.x, env, (*path, 1))
        tf = resolve(tf, self.s)
        result = self.fresh.var()
        if isinstance(tf, TCon) and tf.name != ARROW:
            head, args = spine(p)
            raise ProgramTypeError(f"{show(head)} takes {len(args) - 1} argument(s) but is given "
                                   f"{len(args)}: it returns {tf}, not a function", path)
        if not isinstance(tf, TCon):  # a type variable: bind it to a function type first
            fn = arrow(self.fresh.var(), result)
            unify(tf, fn, self.s)  # cannot fail: tf is an unbound variable, fn is all fresh
            tf = fn
        assert isinstance(tf, TCon)
        expected = tf.args[0]
        try:
            unify(expected, tx, self.s)
            unify(tf.args[1], result, self.s)
        except UnificationError as clash:
            head, args = spine(p)
            want = resolve(expected, self.s)
            got = resolve(tx, self.s)
            same = (clash.left, clash.right) in ((want, got), (got, want))
            names = show_types(want, got, clash.left, clash.right)
            detail = (" (that would be an infinite type)" if clash.infinite
                      else "" if same else f" ({names[2]} clashes with {names[3]})")
            raise ProgramTypeError(f"argument {len(args)} of {show(head)} should have type "
                                   f"{names[0]} but {show(p.x)} has type {names[1]}{detail}",
                                   (*path, 1)) from None
        return result
