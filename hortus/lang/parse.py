"""Parse the s-expression text of programs (the DreamCoder/Stitch format), keeping source spans.

Grammar::

    program := atom | "(" "lambda" program ")" | "(" program program+ ")" | "#" program
    atom    := "$"N | integer | name | "??"[name]["[" type "]"]

``lam`` is accepted for ``lambda`` (Stitch prints it). Names resolve through a namespace: the
built-in primitives, plus the routines of a library when one is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hortus.lang.program import Apply, Hole, Index, Lambda, Program, Routine
from hortus.lang.types import TypeSyntaxError, parse_type

MAX_DEPTH = 256  # deeper programs are refused: they would exhaust Python's recursion limit

Path = tuple[int, ...]  # child positions from the root: Apply f=0 x=1; Lambda, Routine body=0
Span = tuple[int, int]  # [start, end) character offsets in the source text


class ProgramSyntaxError(ValueError):
    """Unparsable program text; the message names the line and column."""

    def __init__(self, message: str, text: str, offset: int) -> None:
        self.offset = offset
        self.line, self.column = line_column(text, offset)
        super().__init__(f"{message} at line {self.line}, column {self.column}: "
                         f"{excerpt(text, offset)}")


def line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def excerpt(text: str, offset: int, width: int = 30) -> str:
    """The text around ``offset`` with a marker: ``(map (lambda ⟨here⟩foo) $0)``."""
    start, end = max(0, offset - width), min(len(text), offset + width)
    left = ("..." if start else "") + text[start:offset]
    right = text[offset:end] + ("..." if end < len(text) else "")
    return f"{left}⟨here⟩{right}".replace("\n", " ")


_ATOM = re.compile(r"[^\s()#]+")
_INDEX = re.compile(r"\$([0-9]+)$")
_INT = re.compile(r"-?[0-9]+$")
HOLE_NAME = re.compile(r"[A-Za-z0-9_\-.]+")  # what may follow "??" (fullmatch)
_HOLE = re.compile(rf"\?\?((?:{HOLE_NAME.pattern})?)")
# What a routine may be named (with fullmatch): an atom that reads back as a name, not as an
# index ($0), a hole (??) or the keyword lambda (or lam).
ROUTINE_NAME = re.compile(r"(?!(?:lambda|lam)$)[^\s()#$?][^\s()#]*")


@dataclass
class Parsed:
    program: Program
    spans: dict[Path, Span]


Resolver = Callable[[str], Program | None]


def _cut(token: str, limit: int = 40) -> str:
    """A token for a message: quoted, cut to ``limit`` characters."""
    return repr(token if len(token) <= limit else token[: limit - 3] + "...")


def parse(text: str, namespace: Mapping[str, Program] | Resolver | None = None) -> Program:
    """Parse program text; names resolve in ``namespace`` (default: the built-in primitives)."""
    return parse_with_spans(text, namespace).program


def parse_with_spans(text: str,
                     namespace: Mapping[str, Program] | Resolver | None = None) -> Parsed:
    if not isinstance(text, str):
        raise TypeError(f"program text must be a str, not {type(text).__name__}")
    parser = _Parser(text, _resolver(namespace))
    parser.skip()
    if parser.pos >= len(text):
        raise ProgramSyntaxError("empty program", text, 0)
    program = parser.program((), 0)
    parser.skip()
    if parser.pos < len(text):
        raise ProgramSyntaxError("unexpected text after the program", text, parser.pos)
    # While parsing, an argument's depth is only known to be at least one below its
    # application; the paths of the finished program are the real depths.
    deepest = max(parser.spans, key=len)
    if len(deepest) > MAX_DEPTH:
        raise ProgramSyntaxError(f"program nested deeper than {MAX_DEPTH} levels", text,
                                 parser.spans[deepest][0])
    return Parsed(program, parser.spans)


def _resolver(namespace: Mapping[str, Program] | Resolver | None) -> Resolver:
    from hortus.lang.primitives import resolve_builtin

    if namespace is None:
        return resolve_builtin
    if callable(namespace) and not isinstance(namespace, Mapping):
        return namespace
    table = namespace

    def resolve(name: str) -> Program | None:
        found = table.get(name)
        return found if found is not None else resolve_builtin(name)

    return resolve


class _Parser:
    def __init__(self, text: str, resolve: Resolver) -> None:
        self.text, self.resolve, self.pos = text, resolve, 0
        self.spans: dict[Path, Span] = {}

    def error(self, message: str, offset: int | None = None) -> ProgramSyntaxError:
        return ProgramSyntaxError(message, self.text, self.pos if offset is None else offset)

    def skip(self) -> None:
        text, n = self.text, len(self.text)
        while self.pos < n and text[self.pos].isspace():
            self.pos += 1

    def program(self, path: Path, depth: int) -> Program:
        if depth > MAX_DEPTH:
            raise self.error(f"program nested deeper than {MAX_DEPTH} levels")
        self.skip()
        start = self.pos
        if start >= len(self.text):
            raise self.error("unexpected end of program: a ')' or a term is missing")
        c = self.text[start]
        if c == "(":
            node = self.sexpr(path, depth)
        elif c == ")":
            raise self.error("unexpected ')'")
        elif c == "#":
            self.pos += 1
            body = self.program((*path, 0), depth + 1)
            free = body.free_indices()
            if free:
                raise self.error(f"routine body has free variable ${min(free)}", start)
            node = Routine(body)
        else:
            node = self.atom()
        self.spans[path] = (start, self.pos)
        return node

    def sexpr(self, path: Path, depth: int) -> Program:
        open_at = self.pos
        self.pos += 1
        self.skip()
        m = _ATOM.match(self.text, self.pos)
        if m and m.group(0) in ("lambda", "lam"):
            self.pos = m.end()
            body = self.program((*path, 0), depth + 1)
            self.close(open_at, "lambda takes exactly one body")
            return Lambda(body)
        # (f a b c) is Apply(Apply(Apply(f, a), b), c): the head sits len(args) levels down.
        items: list[tuple[int, int, Program]] = []  # start, end, node; paths fixed up below
        sub_spans: list[dict[Path, Span]] = []
        while True:
            self.skip()
            if self.pos >= len(self.text):
                raise self.error("missing ')' to close the '(' here", open_at)
            if self.text[self.pos] == ")":
                break
            if depth + len(items) > MAX_DEPTH and len(items) > depth:
                # each argument nests the head one level down: here the arguments are to blame
                raise self.error(f"too many arguments in one application: (f a b ...) nests f "
                                 f"one level per argument, and programs nest at most {MAX_DEPTH} "
                                 f"levels")
            saved = self.spans
            self.spans = {}
            start = self.pos
            node = self.program((), depth + 1)  # the least depth it can have; checked at the end
            sub_spans.append(self.spans)
            self.spans = saved
            items.append((start, self.pos, node))
        self.pos += 1
        if not items:
            raise self.error("empty application '()'", open_at)
        if len(items) == 1:
            raise self.error("an application needs arguments: write 'f', not '(f)'", open_at)
        n_args = len(items) - 1
        result = items[0][2]
        for k in range(1, len(items)):
            result = Apply(result, items[k][2])
        # Paths: the head is n_args 'f' steps down; argument k is (n_args - k) 'f' steps, then 'x'.
        for k, spans in enumerate(sub_spans):
            prefix = (*path, *([0] * n_args)) if k == 0 else (*path, *([0] * (n_args - k)), 1)
            for sub, span in spans.items():
                self.spans[prefix + sub] = span
        for k in range(1, n_args):
            # inner applications (f a), (f a b), ... span from '(' to the end of their last argument
            self.spans[(*path, *([0] * (n_args - k)))] = (open_at, items[k][1])
        return result

    def close(self, open_at: int, message: str) -> None:
        self.skip()
        if self.pos >= len(self.text):
            raise self.error("missing ')' to close the '(' here", open_at)
        if self.text[self.pos] != ")":
            raise self.error(message)
        self.pos += 1

    def atom(self) -> Program:
        start = self.pos
        if self.text.startswith("??", start):
            return self.hole()
        m = _ATOM.match(self.text, start)
        assert m is not None  # the caller saw a non-space, non-paren character
        tok = m.group(0)
        self.pos = m.end()
        im = _INDEX.match(tok)
        if im:
            if len(im.group(1)) > len(str(MAX_DEPTH)) or int(im.group(1)) > MAX_DEPTH:
                raise self.error(f"bad variable {_cut(tok)}: no program nests more than "
                                 f"{MAX_DEPTH} lambdas", start)
            return Index(int(im.group(1)))
        if tok.startswith("$"):
            raise self.error(f"bad variable {_cut(tok)}: write $0, $1, ...", start)
        if tok in ("lambda", "lam"):
            raise self.error("'lambda' must open a list: (lambda BODY)", start)
        if _INT.match(tok):
            from hortus.lang.primitives import int_literal

            try:
                return int_literal(int(tok))
            except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
                raise self.error(f"integer literal of {len(tok.lstrip('-'))} digits is too "
                                 f"long", start) from None
        found = self.resolve(tok)
        if found is None:
            raise self.error(f"unknown primitive or routine {_cut(tok)}", start)
        return found

    def hole(self) -> Program:
        start = self.pos
        m = _HOLE.match(self.text, start)
        assert m is not None
        self.pos = m.end()
        name = m.group(1) or None
        tp = None
        if self.text.startswith("[", self.pos):
            end = self.text.find("]", self.pos)
            if end < 0:
                raise self.error("missing ']' after the hole's type", self.pos)
            try:
                tp = parse_type(self.text[self.pos + 1 : end])
            except TypeSyntaxError as e:
                raise self.error(f"bad hole type: {e}", self.pos + 1) from None
            self.pos = end + 1
        return Hole(tp, name)
