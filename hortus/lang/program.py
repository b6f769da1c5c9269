"""Programs: immutable, hashable terms of a typed lambda calculus with de Bruijn indices.

A program is one of :class:`Primitive`, :class:`Routine` (an invented routine with a body),
:class:`Apply`, :class:`Lambda`, :class:`Index` (a de Bruijn variable ``$i``) or :class:`Hole`.
Its text form is the s-expression used by DreamCoder and Stitch, ``(lambda (map (lambda (+ $0 1))
$0))``, and ``parse(str(p)) == p`` holds for every program.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from hortus.lang.types import Type, arguments, show_type

if TYPE_CHECKING:
    from hortus.eval.budget import Budget


class Program:
    """Base class of program nodes."""

    __slots__ = ("_hash",)
    _hash: int

    def __str__(self) -> str:
        return show(self)

    def __repr__(self) -> str:
        return f"parse({show(self)!r})"

    def __call__(self, *inputs: Any, budget: Budget | None = None) -> Any:
        """Run a closed program on ``inputs`` (plain Python values: lists, ints, bools, ...)."""
        from hortus.eval.interpreter import run

        return run(self, list(inputs), budget=budget)

    @property
    def type(self) -> Type:
        """The most general type of this (closed) program."""
        from hortus.lang.infer import typecheck

        return typecheck(self)

    def children(self) -> tuple[Program, ...]:
        return ()

    def walk(self) -> Iterator[Program]:
        """Every node, parents before children (routine bodies are not entered)."""
        stack: list[Program] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children()))

    def size(self) -> int:
        """Number of leaves: primitives, routines, variables and holes."""
        return sum(1 for n in self.walk() if not isinstance(n, Apply | Lambda))

    def depth(self) -> int:
        kids = self.children()
        return 1 + max((k.depth() for k in kids), default=0)

    def shift(self, by: int, cutoff: int = 0) -> Program:
        """Shift free de Bruijn indices ``>= cutoff`` by ``by``."""
        return self

    def free_indices(self, depth: int = 0) -> set[int]:
        """Free de Bruijn indices, as seen from outside this program."""
        return set()


class Primitive(Program):
    """A built-in operation or constant: a name, a type scheme and a Python implementation.

    ``impl`` is an uncurried Python callable taking ``arity`` arguments, or the value itself when
    the arity is 0. Arguments of function type are passed as curried one-argument callables.
    Equality is by name: a registry holds one primitive per name.
    """

    __slots__ = ("arity", "doc", "impl", "lazy", "name", "tp")

    def __init__(self, name: str, tp: Type, impl: Any, doc: str = "", lazy: bool = False) -> None:
        self.name, self.tp, self.impl, self.doc, self.lazy = name, tp, impl, doc, lazy
        self.arity = len(arguments(tp))
        self._hash = hash(("prim", name))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Primitive) and other.name == self.name

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[Callable[..., Primitive], tuple[str]]:
        # Sent to worker processes by name only; the worker looks the implementation up again.
        from hortus.lang.primitives import lookup

        return (lookup, (self.name,))


class Routine(Program):
    """An invented routine: a closed program with a name, used as a single step by the search."""

    __slots__ = ("body", "name")

    def __init__(self, body: Program, name: str | None = None) -> None:
        self.body, self.name = body, name
        self._hash = hash(("routine", body))

    def __reduce__(self) -> tuple[type[Routine], tuple[Program, str | None]]:
        return (Routine, (self.body, self.name))  # see Apply.__reduce__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Routine) and (self is other or (
            self._hash == other._hash and self.body == other.body))

    def __hash__(self) -> int:
        return self._hash


class Apply(Program):
    __slots__ = ("f", "x")

    def __init__(self, f: Program, x: Program) -> None:
        self.f, self.x = f, x
        self._hash = hash((f._hash, x._hash))

    def __reduce__(self) -> tuple[type[Apply], tuple[Program, Program]]:
        # Rebuilt on unpickling: hashes of strings differ between processes, so a hash sent
        # from a worker would not match the same program built here.
        return (Apply, (self.f, self.x))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Apply) and (self is other or (
            self._hash == other._hash and self.f == other.f and self.x == other.x))

    def __hash__(self) -> int:
        return self._hash

    def children(self) -> tuple[Program, ...]:
        return (self.f, self.x)

    def shift(self, by: int, cutoff: int = 0) -> Program:
        return Apply(self.f.shift(by, cutoff), self.x.shift(by, cutoff))

    def free_indices(self, depth: int = 0) -> set[int]:
        return self.f.free_indices(depth) | self.x.free_indices(depth)


class Lambda(Program):
    __slots__ = ("body",)

    def __init__(self, body: Program) -> None:
        self.body = body
        self._hash = hash(("lambda", body._hash))

    def __reduce__(self) -> tuple[type[Lambda], tuple[Program]]:
        return (Lambda, (self.body,))  # see Apply.__reduce__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lambda) and (self is other or (
            self._hash == other._hash and self.body == other.body))

    def __hash__(self) -> int:
        return self._hash

    def children(self) -> tuple[Program, ...]:
        return (self.body,)

    def shift(self, by: int, cutoff: int = 0) -> Program:
        return Lambda(self.body.shift(by, cutoff + 1))

    def free_indices(self, depth: int = 0) -> set[int]:
        return self.body.free_indices(depth + 1)


class Index(Program):
    """The de Bruijn variable ``$i``: ``$0`` is bound by the innermost enclosing lambda."""

    __slots__ = ("i",)

    def __init__(self, i: int) -> None:
        self.i = i
        self._hash = hash(("index", i))

    def __reduce__(self) -> tuple[type[Index], tuple[int]]:
        return (Index, (self.i,))  # see Apply.__reduce__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Index) and other.i == self.i

    def __hash__(self) -> int:
        return self._hash

    def shift(self, by: int, cutoff: int = 0) -> Program:
        if self.i < cutoff:
            return self
        if self.i + by < 0:
            raise ValueError(f"shifting ${self.i} by {by} leaves a negative index")
        return Index(self.i + by)

    def free_indices(self, depth: int = 0) -> set[int]:
        return {self.i - depth} if self.i >= depth else set()


class Hole(Program):
    """A part of a program still to be filled: by search, or by training (a neural module).

    ``tp`` is its type when known; ``name`` identifies a trainable module or constant.
    """

    __slots__ = ("name", "tp")

    def __init__(self, tp: Type | None = None, name: str | None = None) -> None:
        name = name or None  # "" prints as no name at all: keep parse(str(h)) == h
        self.tp, self.name = tp, name
        self._hash = hash(("hole", tp, name))

    def __reduce__(self) -> tuple[type[Hole], tuple[Type | None, str | None]]:
        return (Hole, (self.tp, self.name))  # see Apply.__reduce__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Hole) and other.tp == self.tp and other.name == self.name

    def __hash__(self) -> int:
        return self._hash


# ---------------------------------------------------------------- construction helpers


def apply(f: Program, *args: Program) -> Program:
    """``apply(f, a, b)`` is ``(f a b)``."""
    for a in args:
        f = Apply(f, a)
    return f


def spine(p: Program) -> tuple[Program, list[Program]]:
    """Split ``(f a b c)`` into ``f`` and ``[a, b, c]``."""
    args: list[Program] = []
    while isinstance(p, Apply):
        args.append(p.x)
        p = p.f
    args.reverse()
    return p, args


# ---------------------------------------------------------------- printing


def show(p: Program, names: bool = False) -> str:
    """The s-expression text of ``p``; with ``names``, routines print by name when they have one."""
    out: list[str] = []
    _show(p, out, names)
    return "".join(out)


def _show(p: Program, out: list[str], names: bool) -> None:
    if isinstance(p, Apply):
        head, args = spine(p)
        out.append("(")
        _show(head, out, names)
        for a in args:
            out.append(" ")
            _show(a, out, names)
        out.append(")")
    elif isinstance(p, Lambda):
        out.append("(lambda ")
        _show(p.body, out, names)
        out.append(")")
    elif isinstance(p, Index):
        out.append(f"${p.i}")
    elif isinstance(p, Primitive):
        out.append(p.name)
    elif isinstance(p, Routine):
        if names and p.name:
            out.append(p.name)
        else:
            out.append("#")
            _show(p.body, out, names)
    elif isinstance(p, Hole):
        text = "??"
        if p.name:
            text += p.name
        if p.tp is not None:
            text += f"[{show_type(p.tp)}]"
        out.append(text)
    else:  # pragma: no cover - every node type is listed above
        raise TypeError(f"not a program node: {p!r}")
