"""Tasks: a name, a request type and input/output examples."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from hortus.eval.values import (
    ValueTypeError,
    check_plain,
    show_value,
    to_internal,
    value_type,
)
from hortus.lang.types import (
    INT,
    MAX_TYPE_DEPTH,
    Fresh,
    Subst,
    TCon,
    TVar,
    Type,
    UnificationError,
    arguments,
    arrow,
    depth,
    free_vars,
    is_ground,
    resolve,
    returns,
    show_types,
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
        from hortus.lang.types import TypeSyntaxError, parse_type

        if not isinstance(name, str) or not name:
            raise TaskError(f"a task's name must be a non-empty str, not {show_value(name)}")
        try:
            check_plain(name, values=False)
        except ValueTypeError as e:
            raise TaskError(f"task name: {e}") from None
        name_ = quoted(name)
        if not examples:
            raise TaskError(f"task {name_} has no examples")
        if isinstance(request, str):
            try:
                request = parse_type(request)
            except TypeSyntaxError as e:
                raise TaskError(f"task {name_}: {e}") from None
        arity = len(examples[0].inputs)
        if arity >= MAX_TYPE_DEPTH:
            raise TaskError(f"task {name_}: {arity} inputs; a task takes fewer than "
                            f"{MAX_TYPE_DEPTH}")
        for k, ex in enumerate(examples):
            if len(ex.inputs) != arity:
                raise TaskError(f"task {name_}, example {k + 1}: {len(ex.inputs)} input(s), "
                                f"but example 1 has {arity}")
            for j, v in enumerate((*ex.inputs, ex.output)):
                try:
                    check_plain(v)
                except ValueTypeError as e:
                    what = "the output" if j == arity else f"input {j + 1}"
                    raise TaskError(f"task {name_}, example {k + 1}, {what}: {e}") from None
        if request is None:
            request = infer_request(name, examples)
        else:
            if len(arguments(request)) != arity:
                raise TaskError(f"task {name_}: type {request} takes {len(arguments(request))} "
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
                    raise TaskError(f"task {name_}: examples have type "
                                    f"{_default_ints(inferred)}, which does not fit the declared "
                                    f"type {request}") from None
                request = _default_ints(resolve(declared, s))
        if depth(request) > MAX_TYPE_DEPTH:
            raise TaskError(f"task {name_}: its type nests deeper than {MAX_TYPE_DEPTH} levels")
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
                raise TaskError(f"task {quoted(self.name)}, example {k + 1}: {e}") from None
            envs.append(tuple(reversed(xs)))
        return envs, tuple(outs)

    def refine(self, inputs: Sequence[Any], output: Any) -> Task:
        """This task with one more example: ``output`` is the answer on ``inputs`` (one value
        per argument, as a :class:`~hortus.search.ambiguity.Question` gives them)."""
        inputs = tuple(inputs)
        if len(inputs) != len(self.inputs):
            raise TaskError(f"task {quoted(self.name)} takes {len(self.inputs)} input(s), "
                            f"got {len(inputs)}")
        refined = Task.build(self.name, (*self.examples, Example(inputs, output)), self.request)
        return Task(refined.name, refined.request, refined.examples, dict(self.metadata))

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
                raise TaskError(f"task {quoted(name)}, example {k + 1}, {what}: {e}") from None
            try:
                unify(slots[j], t, s)
            except UnificationError:
                got, before = show_types(resolve(t, s), resolve(slots[j], s))
                raise TaskError(f"task {quoted(name)}, example {k + 1}, {what}: {show_value(v)} "
                                f"has type {got} but earlier examples have {before}") from None
    return arrow(*(resolve(t, s) for t in slots))


def _default_ints(t: Type) -> Type:
    """Replace type variables (from empty lists) by ``int``."""
    if not any(True for _ in free_vars(t)):
        return t
    if isinstance(t, TVar):
        return INT
    assert isinstance(t, TCon)
    return TCon(t.name, tuple(_default_ints(a) for a in t.args))


def refine(task: Task, inputs: Sequence[Any], output: Any) -> Task:
    """``task`` with the example ``inputs -> output`` added (the answer to its question)."""
    return task.refine(inputs, output)


def quoted(name: str) -> str:
    """A task name quoted for messages, as JSON writes it."""
    return show_value(name, limit=80)
