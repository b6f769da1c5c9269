"""Task.build: declared types checked by conversion, variables resolved, mixed values refused."""

from __future__ import annotations

import pytest

from hortus.lang.types import parse_type
from hortus.tasks import Example, Task, TaskError


def test_declared_variables_take_the_type_of_the_examples() -> None:
    task = Task.build("last", [Example(([True, False],), False)], "list(t) -> t")
    assert task.request == parse_type("list(bool) -> bool")
    assert task.internal == ([((True, False),)], (False,))


def test_declared_ground_type_accepts_values_written_as_lists() -> None:
    task = Task.build("size", [Example(([3, 1, 3],), 2)], "set(int) -> int")
    assert task.internal == ([(frozenset({1, 3}),)], (2,))


def test_empty_lists_fit_any_declared_element_type() -> None:
    task = Task.build("none", [Example(([],), False)], "list(bool) -> bool")
    assert task.request == parse_type("list(bool) -> bool")


def test_declared_type_mismatch_names_the_example() -> None:
    with pytest.raises(TaskError, match=r'task "f", example 2: expected an int, got \[1\]'):
        Task.build("f", [Example((1,), 1), Example((1,), [1])], "int -> int")


def test_inferred_types_default_to_int() -> None:
    assert Task.build("f", [Example(([],), [])]).request == parse_type("list(int) -> list(int)")


def test_mixed_dict_values_are_a_task_error() -> None:
    with pytest.raises(TaskError, match="example 1, input 1"):
        Task.build("f", [Example(({"a": 1, "b": "x"},), 1)])


# ---------------------------------------------------------------- hostile input


@pytest.mark.parametrize(("name", "message"), [
    (5, "a task's name must be a non-empty str, not 5"),
    ("", 'a task\'s name must be a non-empty str, not ""'),
    (None, "a task's name must be a non-empty str, not null"),
    ("s\ud800", 'task name: "s\\\\ud800" is not valid Unicode text'),
])
def test_names_must_be_valid_text(name: object, message: str) -> None:
    with pytest.raises(TaskError, match=message):
        Task.from_examples([(1, 2)], name=name)  # type: ignore[arg-type]


def test_values_are_checked_before_use() -> None:
    with pytest.raises(TaskError, match='task "f", example 1, the output: "\\\\udc00" is not '
                                        "valid Unicode text"):
        Task.from_examples([(1, "\udc00")], name="f")
    deep: object = 1
    for _ in range(1000):
        deep = [deep]
    with pytest.raises(TaskError, match='task "f", example 1, input 1: values nested deeper '
                                        "than 100 levels"):
        Task.from_examples([(deep, 1)], name="f")


def test_clashing_examples_are_shown_as_json_with_plain_type_names() -> None:
    with pytest.raises(TaskError, match=r'task "f", example 2, input 1: \[true\] has type '
                                        r"list\(bool\) but earlier examples have "
                                        r"list\(list\(t0\)\)$"):
        Task.from_examples([([[]], 1), ([True], 1)], name="f")


def test_a_bad_type_text_is_a_task_error() -> None:
    with pytest.raises(TaskError, match='task "f": unexpected end of type'):
        Task.from_examples([(1, 1)], name="f", request="list(")
