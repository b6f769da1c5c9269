"""Hindley-Milner types: variables, constructors (``int``, ``list(t)``, ``t -> u``), unification."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


class Type:
    """Base class of types; instances are immutable and hashable."""

    __slots__ = ()

    def __str__(self) -> str:
        return show_type(self)

    def __repr__(self) -> str:
        return f"Type({show_type(self)!r})"


@dataclass(frozen=True, slots=True, repr=False)
class TVar(Type):
    """A type variable, written ``t0``, ``t1``, ... (or any identifier starting with a letter)."""

    name: str


@dataclass(frozen=True, slots=True, repr=False)
class TCon(Type):
    """A type constructor applied to arguments: ``int``, ``list(int)``, ``->(a, b)``."""

    name: str
    args: tuple[Type, ...] = ()
    # Types key the search's tables (nonterminals hash tuples of them): hashed once.
    _hash: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.name, self.args)))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[TCon], tuple[str, tuple[Type, ...]]]:
        # Rebuilt on unpickling: string hashes differ between processes.
        return (TCon, (self.name, self.args))


ARROW = "->"
INT = TCon("int")
BOOL = TCon("bool")
CHAR = TCon("char")
STR = TCon("str")
GRAPH = TCon("graph")

# Constructors and how many type arguments they take (least, most). Domains declare more
# (:class:`hortus.eval.codecs.Codec`): ``float``, ``tensor(10)``, ``image(28, 28)``, ... A
# number in type text is a *dimension*, a type of its own (``TCon("28")``): types of values
# with a shape carry it, and unify like any other type.
CONSTRUCTORS: dict[str, tuple[int, int]] = {
    "int": (0, 0),
    "bool": (0, 0),
    "char": (0, 0),
    "str": (0, 0),
    "graph": (0, 0),
    "list": (1, 1),
    "set": (1, 1),
    "dict": (2, 2),
    "pair": (2, 2),
    "tuple3": (3, 3),
    ARROW: (2, 2),
}


def dimension(n: int) -> TCon:
    """The type-level number ``n`` (a dimension of a tensor or an image)."""
    return TCon(str(n))


def dimension_of(t: Type) -> int | None:
    """The number a dimension type stands for; None for any other type."""
    if isinstance(t, TCon) and not t.args and t.name.isdigit():
        return int(t.name)
    return None


def declare_constructor(name: str, arity: int | tuple[int, int]) -> None:
    """Make ``name`` a type constructor taking ``arity`` types, or between ``arity[0]`` and
    ``arity[1]`` (a domain's new type; see :class:`hortus.eval.codecs.Codec`). Declaring one
    again with another arity is refused."""
    if not _NAME.fullmatch(name) or name == ARROW:
        raise ValueError(f"{name!r} cannot name a type constructor")
    bounds = (arity, arity) if isinstance(arity, int) else arity
    known = CONSTRUCTORS.get(name)
    if known is not None and known != bounds:
        raise ValueError(f"type constructor {name!r} takes {_arity(known)} argument(s), "
                         f"not {_arity(bounds)}")
    CONSTRUCTORS[name] = bounds


def _arity(bounds: tuple[int, int]) -> str:
    least, most = bounds
    return str(least) if least == most else f"{least} to {most}"


def _is_constructor(name: str) -> bool:
    """Is ``name`` a type constructor? Domains declare theirs: a name not known yet loads
    them first (once; so a task file may say ``list(colour)`` before anything else did)."""
    if name not in CONSTRUCTORS:
        from hortus.domains import domains  # domains plug into the language

        domains()
    return name in CONSTRUCTORS


def tlist(t: Type) -> TCon:
    return TCon("list", (t,))


def tset(t: Type) -> TCon:
    return TCon("set", (t,))


def tdict(k: Type, v: Type) -> TCon:
    return TCon("dict", (k, v))


def tpair(a: Type, b: Type) -> TCon:
    return TCon("pair", (a, b))


def arrow(*types: Type) -> Type:
    """``arrow(a, b, c)`` is ``a -> b -> c`` (right associative)."""
    if len(types) == 1:
        return types[0]
    return TCon(ARROW, (types[0], arrow(*types[1:])))


def is_arrow(t: Type) -> bool:
    return isinstance(t, TCon) and t.name == ARROW


def arguments(t: Type) -> list[Type]:
    """Argument types of a curried function type: ``a -> b -> c`` gives ``[a, b]``."""
    out = []
    while isinstance(t, TCon) and t.name == ARROW:
        out.append(t.args[0])
        t = t.args[1]
    return out


def returns(t: Type) -> Type:
    """Final return type of a curried function type: ``a -> b -> c`` gives ``c``."""
    while isinstance(t, TCon) and t.name == ARROW:
        t = t.args[1]
    return t


def free_vars(t: Type) -> Iterator[str]:
    if isinstance(t, TVar):
        yield t.name
    elif isinstance(t, TCon):
        for a in t.args:
            yield from free_vars(a)


def is_ground(t: Type) -> bool:
    return next(free_vars(t), None) is None


def size(t: Type) -> int:
    """Number of constructor and variable nodes."""
    if isinstance(t, TCon):
        return 1 + sum(size(a) for a in t.args)
    return 1


def depth(t: Type) -> int:
    """Nodes on the longest path from the root: ``int`` is 1, ``list(int)`` 2 (no recursion)."""
    deepest, stack = 0, [(t, 1)]
    while stack:
        u, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(u, TCon):
            stack.extend((a, d + 1) for a in u.args)
    return deepest


# ---------------------------------------------------------------- printing


def show_type(t: Type, parens: bool = False) -> str:
    if isinstance(t, TVar):
        return t.name
    assert isinstance(t, TCon)
    if t.name == ARROW:
        text = f"{show_type(t.args[0], True)} -> {show_type(t.args[1])}"
        return f"({text})" if parens else text
    if not t.args:
        return t.name
    return f"{t.name}({', '.join(show_type(a) for a in t.args)})"


# ---------------------------------------------------------------- parsing


class TypeSyntaxError(ValueError):
    """Raised for type text that cannot be parsed; names the position."""


MAX_DIMENSION_DIGITS = 9  # a dimension (tensor(10), image(28, 28)) below a billion
MAX_TYPE_DEPTH = 128  # type text nested deeper is refused: well past any real type


def _cut(text: str, limit: int = 80) -> str:
    """``text`` quoted for a message, cut to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-(?!>)[A-Za-z0-9_]+)*")
_TOKEN = re.compile(r"\s*(->|[A-Za-z_][A-Za-z0-9_]*(?:-(?!>)[A-Za-z0-9_]+)*|[0-9]+|[(),])")
_DREAMCODER = re.compile(r"^(list|set)-of-(.+)$")


def parse_type(text: str) -> Type:
    """Parse ``list(int) -> int``; DreamCoder's ``list-of-int`` spelling is accepted too.

    Text that is not a type, or nests deeper than :data:`MAX_TYPE_DEPTH`, raises
    :class:`TypeSyntaxError`.
    """
    if not isinstance(text, str):
        raise TypeSyntaxError(f"a type is written as a str, not {type(text).__name__}")
    tokens: list[tuple[str, int]] = []
    pos = 0
    while m := _TOKEN.match(text, pos):
        tokens.append((m.group(1), m.start(1)))
        pos = m.end()
    at = len(text) - len(text[pos:].lstrip())  # the first character no token starts with
    if at < len(text):
        raise TypeSyntaxError(f"unexpected character {text[at]!r} at column {at + 1} "
                              f"in type {_cut(text)}")
    parser = _TypeParser(text, tokens)
    t = parser.arrow_type()
    if parser.i != len(tokens):
        tok, at = tokens[parser.i]
        raise TypeSyntaxError(f"unexpected {tok!r} at column {at + 1} in type {_cut(text)}")
    return t


class _TypeParser:
    def __init__(self, text: str, tokens: list[tuple[str, int]]) -> None:
        self.text, self.tokens, self.i = text, tokens, 0
        self.depth = 0  # arrow_type calls under way: bounds the nesting of the type built

    def too_deep(self, at: int) -> TypeSyntaxError:
        return TypeSyntaxError(f"type nested deeper than {MAX_TYPE_DEPTH} levels at column "
                               f"{at + 1} in type {_cut(self.text)}")

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def expect(self, tok: str) -> None:
        if self.peek() != tok:
            where = (f"column {self.tokens[self.i][1] + 1}" if self.i < len(self.tokens)
                     else "the end")
            raise TypeSyntaxError(f"expected {tok!r} at {where} in type {_cut(self.text)}")
        self.i += 1

    def arrow_type(self) -> Type:
        self.depth += 1
        if self.depth > MAX_TYPE_DEPTH:
            raise self.too_deep(self.tokens[min(self.i, len(self.tokens) - 1)][1])
        left = self.atom()
        if self.peek() == ARROW:
            self.i += 1
            left = TCon(ARROW, (left, self.arrow_type()))
        self.depth -= 1
        return left

    def atom(self) -> Type:
        tok = self.peek()
        if tok is None:
            raise TypeSyntaxError(f"unexpected end of type {_cut(self.text)}")
        if tok == "(":
            self.i += 1
            t = self.arrow_type()
            self.expect(")")
            return t
        if tok in (")", ",", ARROW):
            raise TypeSyntaxError(f"unexpected {tok!r} at column {self.tokens[self.i][1] + 1} "
                                  f"in type {_cut(self.text)}")
        at = self.tokens[self.i][1]
        self.i += 1
        m = _DREAMCODER.match(tok)
        if m:
            wrappers, start = [], 0  # list-of-set-of-int: unwrapped one prefix at a time
            while m:
                wrappers.append(m.group(1))
                start += m.start(2)
                if self.depth + len(wrappers) > MAX_TYPE_DEPTH:
                    raise self.too_deep(at + start)
                tok = m.group(2)
                m = _DREAMCODER.match(tok)
            try:
                inner = parse_type(tok)
            except TypeSyntaxError:
                raise TypeSyntaxError(f"bad element type {tok!r} at column "
                                      f"{at + start + 1} in type {_cut(self.text)}") from None
            for name in reversed(wrappers):
                inner = TCon(name, (inner,))
            return inner
        if tok.isdigit():
            if len(tok) > MAX_DIMENSION_DIGITS:
                raise TypeSyntaxError(f"dimension {_cut(tok, 20)} at column {at + 1} is too "
                                      f"large in type {_cut(self.text)}")
            return TCon(tok)  # a dimension
        if _is_constructor(tok):
            least, most = CONSTRUCTORS[tok]
            args: list[Type] = []
            if most:
                self.expect("(")
                args.append(self.arrow_type())
                while self.peek() == ",":
                    self.i += 1
                    args.append(self.arrow_type())
                self.expect(")")
                if not least <= len(args) <= most:
                    raise TypeSyntaxError(f"{tok} takes {_arity((least, most))} type "
                                          f"argument(s), got {len(args)} at column {at + 1} "
                                          f"in type {_cut(self.text)}")
            return TCon(tok, tuple(args))
        if tok[0].islower() or tok[0] == "_":
            return TVar(tok)
        raise TypeSyntaxError(f"unknown type {tok!r} at column {at + 1} in type "
                              f"{_cut(self.text)}")


# ---------------------------------------------------------------- unification


class UnificationError(TypeError):
    """Two types that cannot be made equal."""

    def __init__(self, left: Type, right: Type, reason: str = "", infinite: bool = False) -> None:
        self.left, self.right, self.infinite = left, right, infinite
        super().__init__(reason or f"cannot unify {left} with {right}")


Subst = dict[str, Type]


def resolve(t: Type, s: Subst) -> Type:
    """Apply substitution ``s`` fully to ``t``."""
    if isinstance(t, TVar):
        bound = s.get(t.name)
        if bound is None:
            return t
        r = resolve(bound, s)
        if r is not bound:
            s[t.name] = r  # path compression
        return r
    assert isinstance(t, TCon)
    if not t.args:
        return t
    return TCon(t.name, tuple(resolve(a, s) for a in t.args))


def _occurs(name: str, t: Type, s: Subst) -> bool:
    t = resolve(t, s)
    if isinstance(t, TVar):
        return t.name == name
    assert isinstance(t, TCon)
    return any(_occurs(name, a, s) for a in t.args)


def unify(a: Type, b: Type, s: Subst) -> None:
    """Extend ``s`` so that ``a`` and ``b`` become equal, or raise :class:`UnificationError`."""
    a, b = _walk(a, s), _walk(b, s)
    if a == b:
        return
    if isinstance(a, TVar):
        if _occurs(a.name, b, s):
            rb = resolve(b, s)
            raise UnificationError(a, rb, f"infinite type: {a} occurs in {rb}", infinite=True)
        s[a.name] = b
        return
    if isinstance(b, TVar):
        unify(b, a, s)
        return
    assert isinstance(a, TCon) and isinstance(b, TCon)
    if a.name != b.name or len(a.args) != len(b.args):
        raise UnificationError(resolve(a, s), resolve(b, s))
    for x, y in zip(a.args, b.args, strict=True):
        unify(x, y, s)


def _walk(t: Type, s: Subst) -> Type:
    while isinstance(t, TVar) and t.name in s:
        t = s[t.name]
    return t


def match(pattern: Type, ground: Type, s: Subst | None = None) -> Subst | None:
    """One-way matching: a substitution making ``pattern`` equal to ``ground``, or None."""
    s = {} if s is None else s
    try:
        unify(pattern, ground, s)
    except UnificationError:
        return None
    return s


class Fresh:
    """Supply of fresh type variables, and instantiation of type schemes."""

    def __init__(self, prefix: str = "_") -> None:
        self.prefix, self.n = prefix, 0

    def var(self) -> TVar:
        self.n += 1
        return TVar(f"{self.prefix}{self.n}")

    def instantiate(self, t: Type) -> Type:
        mapping: dict[str, Type] = {}
        return self._inst(t, mapping)

    def instantiate_together(self, types: Iterable[Type]) -> list[Type]:
        """Rename the variables of several types to fresh ones, the same name to the same one."""
        mapping: dict[str, Type] = {}
        return [self._inst(t, mapping) for t in types]

    def _inst(self, t: Type, mapping: dict[str, Type]) -> Type:
        if isinstance(t, TVar):
            if t.name not in mapping:
                mapping[t.name] = self.var()
            return mapping[t.name]
        assert isinstance(t, TCon)
        if not t.args:
            return t
        return TCon(t.name, tuple(self._inst(a, mapping) for a in t.args))


def show_types(*types: Type) -> list[str]:
    """Several types for a message, their variables renamed together to ``t0, t1, ...``."""
    joint = canonical(TCon("tuple", types))
    assert isinstance(joint, TCon)
    return [str(t) for t in joint.args]


def canonical(t: Type) -> Type:
    """Rename type variables to ``t0, t1, ...`` in order of first appearance."""
    mapping: dict[str, Type] = {}

    def go(u: Type) -> Type:
        if isinstance(u, TVar):
            if u.name not in mapping:
                mapping[u.name] = TVar(f"t{len(mapping)}")
            return mapping[u.name]
        assert isinstance(u, TCon)
        return TCon(u.name, tuple(go(a) for a in u.args)) if u.args else u

    return go(t)
