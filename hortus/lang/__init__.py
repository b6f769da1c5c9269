"""The language: types, programs, parsing and printing, type inference, primitives."""

from hortus.lang.infer import ProgramTypeError, infer, typecheck_text
from hortus.lang.parse import ProgramSyntaxError, parse
from hortus.lang.program import Apply, Hole, Index, Lambda, Primitive, Program, Routine, show
from hortus.lang.types import Type, TypeSyntaxError, parse_type

__all__ = [
    "Apply",
    "Hole",
    "Index",
    "Lambda",
    "Primitive",
    "Program",
    "ProgramSyntaxError",
    "ProgramTypeError",
    "Routine",
    "Type",
    "TypeSyntaxError",
    "infer",
    "parse",
    "parse_type",
    "show",
    "typecheck_text",
]
