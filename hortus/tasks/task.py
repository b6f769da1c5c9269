"""Tasks: a name, a request type and input/output examples."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from hortus.eval.values import ValueTypeError, to_internal, value_type
from hortus.lang.types import (
    INT,
    Fresh,
    Subst,
    TCon,
    TVar,
    Type,
    UnificationError,
    arguments,
    arrow,
    free_vars,
    is_ground,
    resolve,
    returns,
    unify,
)


class TaskError(ValueError):
    """A task that cannot be used: examples that do not fit its type, none at all, ..."""


@dataclass(frozen=True)
class Example:
    inputs: tuple[Any, ...]  # plain values, one per argument
    output: Any


@dataclass(frozen=True)
class Task:
    name: str
    request: Type  # a1 -> ... -> an -> r, ground
    examples: tuple[Example, ...]
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_examples(cls, pairs: Iterable[tuple[Any, Any]], name: str = "task",
                      request: Type | str | None = None) -> Task:
        """Build a task from ``(input, output)`` pairs; a tuple input gives several arguments.

        Without ``request`` the type is inferred from the examples.
        """
        examples = []
        for x, y in pairs:
            inputs = tuple(x) if isinstance(x, tuple) else (x,)
            examples.append(Example(inputs, y))
        return cls.build(name, examples, request)

    @classmethod
    def build(cls, name: str, examples: Sequence[Example], request: Type | str | None = None
              ) -> Task:
        """Check the examples against ``request`` (inferred when None) and build the task."""
        from hortus.lang.types import parse_type

        if not examples:
            raise TaskError(f"task {name!r} has no examples")
        if isinstance(request, str):
            request = parse_type(request)
        arity = len(examples[0].inputs)
        for k, ex in enumerate(examples):
            if len(ex.inputs) != arity:
                raise TaskError(f"task {name!r}, example {k + 1}: {len(ex.inputs)} input(s), "
                                f"but example 1 has {arity}")
        if request is None:
            request = infer_request(name, examples)
        else:
            if len(arguments(request)) != arity:
                raise TaskError(f"task {name!r}: type {request} takes {len(arguments(request))} "
                                f"input(s) but the examples have {arity}")
            if not is_ground(request):
                # A ground type is checked below by converting each value to it, which also
                # accepts sets, dicts and graphs written as lists; variables need unification.
                declared = Fresh("q").instantiate(request)
                inferred = _infer(name, examples)
                s: Subst = {}
                try:
                    unify(declared, inferred, s)
                except UnificationError:
                    raise TaskError(f"task {name!r}: examples have type "
                                    f"{_default_ints(inferred)}, which does not fit the declared "
                                    f"type {request}") from None
                request = _default_ints(resolve(declared, s))
        task = cls(name, request, tuple(examples))
        task.internal  # noqa: B018 - converts every value once, failing early on a bad one
        return task

    @property
    def inputs(self) -> list[Type]:
        return arguments(self.request)

    @property
    def output(self) -> Type:
        return returns(self.request)

    @cached_property
    def internal(self) -> tuple[list[tuple[Any, ...]], tuple[Any, ...]]:
        """Run-time values: one environment per example (innermost variable first), and outputs."""
        in_types, out_type = self.inputs, self.output
        envs, outs = [], []
        for k, ex in enumerate(self.examples):
            try:
                xs = [to_internal(x, t) for x, t in zip(ex.inputs, in_types, strict=True)]
                outs.append(to_internal(ex.output, out_type))
            except ValueTypeError as e:
                raise TaskError(f"task {self.name!r}, example {k + 1}: {e}") from None
            envs.append(tuple(reversed(xs)))
        return envs, tuple(outs)

    def split(self, n: int) -> tuple[Task, Task]:
        """The first ``n`` examples and the rest, as two tasks of the same name."""
        return (Task(self.name, self.request, self.examples[:n], self.metadata),
                Task(self.name, self.request, self.examples[n:], self.metadata))


def infer_request(name: str, examples: Sequence[Example]) -> Type:
    """The type of ``examples``, with unconstrained element types defaulted to ``int``."""
    return _default_ints(_infer(name, examples))


def _infer(name: str, examples: Sequence[Example]) -> Type:
    """The type of ``examples``, with type variables left where values do not constrain them."""
    fresh = Fresh("e")
    s: Subst = {}
    arity = len(examples[0].inputs)
    slots: list[Type] = [fresh.var() for _ in range(arity + 1)]
    for k, ex in enumerate(examples):
        for j, v in enumerate((*ex.inputs, ex.output)):
            what = "the output" if j == arity else f"input {j + 1}"
            try:
                t = value_type(v, fresh)
            except (ValueTypeError, UnificationError) as e:  # dicts/sets of mixed types unify
                raise TaskError(f"task {name!r}, example {k + 1}, {what}: {e}") from None
            try:
                unify(slots[j], t, s)
            except UnificationError:
                raise TaskError(f"task {name!r}, example {k + 1}, {what}: {v!r} has type "
                                f"{resolve(t, s)} but earlier examples have "
                                f"{resolve(slots[j], s)}") from None
    return arrow(*(resolve(t, s) for t in slots))


def _default_ints(t: Type) -> Type:
    """Replace type variables (from empty lists) by ``int``."""
    if not any(True for _ in free_vars(t)):
        return t
    if isinstance(t, TVar):
        return INT
    assert isinstance(t, TCon)
    return TCon(t.name, tuple(_default_ints(a) for a in t.args))
