"""Fuzzing task files: whatever a file holds, loading it returns tasks or raises TaskError."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hortus.tasks import TaskError, load_tasks
from hortus.tasks.loaders import task_to_json

EXAMPLES = int(os.environ.get("HORTUS_FUZZ_EXAMPLES", "150"))
fuzz = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# text with lone surrogates, brackets, quotes and type-like words
_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=12) | st.sampled_from(
    ["", "[/]", "\ud800", "list(int)", "int -> int", "list-of-int", "char", "NaN", "t0",
     "list(" * 200, "1" * 5000])
_numbers = st.integers() | st.integers(-10**50, 10**50) | st.floats() | st.sampled_from(
    [2**63, -1, "__BIG__"])  # "__BIG__": an integer of 5,000 digits in the file
_scalars = st.none() | st.booleans() | _numbers | _text


def _deep(n: int, leaf: Any) -> Any:
    for _ in range(n):
        leaf = [leaf]
    return leaf


_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(_text, inner, max_size=3), max_leaves=12) | st.builds(
    _deep, st.integers(90, 1200), _scalars)
_examples = st.lists(st.fixed_dictionaries({}, optional={
    "input": _values, "inputs": st.lists(_values, max_size=4) | _values, "i": _values,
    "output": _values, "o": _values, "junk": _values}), max_size=4) | _values
_types = _text | st.fixed_dictionaries({}, optional={"input": _text | st.lists(_text),
                                                     "output": _text | _values})
_tasks = st.fixed_dictionaries({}, optional={"name": _values, "type": _types | _values,
                                             "examples": _examples, "note": _values})
_documents = _tasks | st.lists(_tasks, max_size=3) | st.fixed_dictionaries(
    {"tasks": st.lists(_tasks, max_size=3) | _values}) | _values
# well-formed tasks with hostile contents: these get past the shape checks
_small = st.recursive(st.booleans() | st.integers(-3, 3) | _text,
                      lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(_text, inner, max_size=2), max_leaves=6)
_type_texts = st.sampled_from(["int -> int", "list(t) -> t", "char -> char", "str -> int",
                               "pair(int, int) -> int", "set(int) -> int", "graph -> int",
                               "dict(str, int) -> int", "int -> int -> int", "t -> t",
                               "list(int) -> list(int)", "(int -> int) -> int", "tensor -> int",
                               "list(list(list(int))) -> bool"])
_kinds = [st.integers(-5, 5), st.booleans(), _text, st.lists(st.integers(-5, 5), max_size=4),
          st.lists(_text, max_size=3), st.dictionaries(_text, st.integers(), max_size=3),
          st.lists(st.lists(st.booleans(), max_size=2), max_size=3), _small]


@st.composite
def _shaped(draw: st.DrawFn) -> dict[str, Any]:
    """A task whose examples mostly agree in type, so that many of them load."""
    arity = draw(st.integers(1, 2))
    kinds = [draw(st.sampled_from(_kinds)) for _ in range(arity + 1)]
    examples = []
    for _ in range(draw(st.integers(1, 3))):
        values = [draw(k) for k in kinds]
        examples.append({"input": values[0], "output": values[1]} if arity == 1
                        else {"inputs": values[:-1], "output": values[-1]})
    task: dict[str, Any] = {"name": draw(_text.filter(bool)), "examples": examples}
    if draw(st.booleans()):
        task["type"] = draw(_type_texts)
    if draw(st.booleans()):
        task["note"] = draw(_values)
    return task


def _dump(doc: Any, jsonl: bool) -> str:
    try:
        if jsonl and isinstance(doc, list):
            text = "".join(json.dumps(d) + "\n" for d in doc)
        else:
            text = json.dumps(doc)
        return text.replace('"__BIG__"', "9" * 5000)
    except (ValueError, RecursionError):  # a value deeper than json.dumps goes
        return "[" * 5000


def _load(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        tasks = load_tasks(path)
    except TaskError:
        return
    for t in tasks:  # what loads can be written: to a file, to a library
        assert isinstance(t.name, str) and t.name
        json.dumps(task_to_json(t), ensure_ascii=False).encode("utf-8")
        t.internal  # noqa: B018


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@fuzz
@given(text=st.text(max_size=200) | st.text("[]{}\",:0123456789-eE.tfnaluNIy \n",
                                                  max_size=200))
def test_arbitrary_text_loads_or_raises_a_task_error(folder: Path, text: str) -> None:
    _load(folder / "t.json", text)
    _load(folder / "t.jsonl", text)


@fuzz
@given(doc=_documents, jsonl=st.booleans())
def test_arbitrary_json_loads_or_raises_a_task_error(folder: Path, doc: Any,
                                                     jsonl: bool) -> None:
    _load(folder / ("t.jsonl" if jsonl else "t.json"), _dump(doc, jsonl))


@fuzz
@given(doc=st.lists(_shaped(), min_size=1, max_size=3), jsonl=st.booleans())
def test_well_formed_tasks_with_hostile_contents(folder: Path, doc: Any, jsonl: bool) -> None:
    _load(folder / ("s.jsonl" if jsonl else "s.json"), _dump(doc, jsonl))


@fuzz
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_load_or_raise_a_task_error(folder: Path, data: bytes) -> None:
    path = folder / "b.json"
    path.write_bytes(data)
    with contextlib.suppress(TaskError):
        load_tasks(path)
