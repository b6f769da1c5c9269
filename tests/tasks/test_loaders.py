"""Loading and saving task files in every accepted format, and the bundled DreamCoder tasks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hortus.eval.values import to_json
from hortus.lang.types import parse_type
from hortus.tasks import Task, TaskError, bundled, load_tasks, parse_tasks, save_tasks
from hortus.tasks.loaders import task_from_json, task_to_json

SUM = {"name": "sum", "type": "list(int) -> int",
       "examples": [{"input": [1, 2], "output": 3}, {"input": [], "output": 0}]}
ADD = {"name": "add", "type": "int -> int -> int",
       "examples": [{"inputs": [1, 2], "output": 3}, {"inputs": [5, -5], "output": 0}]}


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
    return path


def outputs(task: Task) -> list[Any]:
    return [ex.output for ex in task.examples]


def test_json_list_of_tasks(tmp_path: Path) -> None:
    tasks = load_tasks(write(tmp_path, "two.json", [SUM, ADD]))
    assert [t.name for t in tasks] == ["sum", "add"]
    assert str(tasks[0].request) == "list(int) -> int"
    assert tasks[0].examples[0].inputs == ([1, 2],)  # one list argument, not two ints
    assert str(tasks[1].request) == "int -> int -> int"
    assert tasks[1].examples[0].inputs == (1, 2)


def test_json_single_task_object(tmp_path: Path) -> None:
    [task] = load_tasks(write(tmp_path, "one.json", SUM))
    assert task.name == "sum" and outputs(task) == [3, 0]


def test_json_tasks_field(tmp_path: Path) -> None:
    tasks = load_tasks(write(tmp_path, "wrapped.json", {"tasks": [SUM, ADD], "source": "me"}))
    assert [t.name for t in tasks] == ["sum", "add"]


def test_jsonl_with_blank_lines(tmp_path: Path) -> None:
    text = json.dumps(SUM) + "\n\n" + json.dumps(ADD) + "\n\n"
    tasks = load_tasks(write(tmp_path, "tasks.jsonl", text))
    assert [t.name for t in tasks] == ["sum", "add"]


def test_jsonl_detected_whatever_the_extension() -> None:
    tasks = parse_tasks(json.dumps(SUM) + "\n" + json.dumps(ADD))
    assert [t.name for t in tasks] == ["sum", "add"]


def test_dreamcoder_format(tmp_path: Path) -> None:
    dc = [{"name": "head", "type": {"input": "list-of-int", "output": "int"},
           "examples": [{"i": [4, 2], "o": 4}, {"i": [7], "o": 7}]},
          {"name": "evens", "type": {"input": "list-of-int", "output": "list-of-bool"},
           "examples": [{"i": [1, 2], "o": [False, True]}]}]
    head, evens = load_tasks(write(tmp_path, "dc.json", dc))
    assert head.request == parse_type("list(int) -> int")
    assert evens.request == parse_type("list(int) -> list(bool)")
    assert head.examples[0].inputs == ([4, 2],)


def test_type_object_with_several_inputs() -> None:
    [task] = parse_tasks(json.dumps({"type": {"input": ["int", "list-of-int"], "output": "int"},
                                     "examples": [{"inputs": [1, [2]], "output": 3}]}))
    assert str(task.request) == "int -> list(int) -> int"


def test_default_names_use_file_stem_and_position(tmp_path: Path) -> None:
    anon = {"examples": [{"input": 1, "output": 2}]}
    tasks = load_tasks(write(tmp_path, "mine.json", [anon, SUM, anon]))
    assert [t.name for t in tasks] == ["mine-1", "sum", "mine-3"]
    assert parse_tasks(json.dumps(anon))[0].name == "task-1"


def test_extra_task_fields_are_kept_as_metadata() -> None:
    [task] = parse_tasks(json.dumps({**SUM, "difficulty": 3, "tags": ["easy"]}))
    assert task.metadata == {"difficulty": 3, "tags": ["easy"]}


@pytest.mark.parametrize(("examples", "expected"), [
    ([{"input": [1, 2], "output": 3}], "list(int) -> int"),
    ([{"input": [], "output": []}], "list(int) -> list(int)"),  # nothing says what: int
    ([{"input": [], "output": 0}, {"input": [True], "output": 1}], "list(bool) -> int"),
    ([{"inputs": [3, "ab"], "output": [["a"]]}], "int -> str -> list(list(str))"),
    ([{"input": {"a": 1}, "output": False}], "dict(str, int) -> bool"),
])
def test_type_inferred_when_absent(examples: list[dict[str, Any]], expected: str) -> None:
    [task] = parse_tasks(json.dumps({"name": "t", "examples": examples}))
    assert str(task.request) == expected


def test_declared_type_with_variables_is_resolved_by_the_examples() -> None:
    [task] = parse_tasks(json.dumps({"type": "list(t) -> t",
                                     "examples": [{"input": [True], "output": True}]}))
    assert str(task.request) == "list(bool) -> bool"


def test_declared_types_that_json_writes_as_lists() -> None:
    [task] = parse_tasks(json.dumps({"type": "set(int) -> graph -> dict(int, bool)", "examples": [
        {"inputs": [[3, 1, 3], [[1, 2], [2, 3]]], "output": [[1, True]]}]}))
    [(graph, numbers)], [table] = task.internal
    assert numbers == frozenset({1, 3}) and sorted(graph.edges()) == [(1, 2), (2, 3)]
    assert table == {1: True}


def test_task_from_json_and_task_to_json_are_inverse() -> None:
    task = task_from_json(ADD, "x.json", 1)
    assert task_to_json(task) == ADD
    assert task_from_json(task_to_json(task), "y.json", 1) == task


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_save_then_load_round_trip(tmp_path: Path, suffix: str) -> None:
    sets = Task.from_examples([([1, 1, 2], 2), ([], 0)], name="uniq", request="set(int) -> int")
    tasks = [*parse_tasks(json.dumps([SUM, ADD, {**SUM, "name": "meta", "note": "kept"}])),
             sets]
    path = tmp_path / f"out{suffix}"
    save_tasks(tasks, path)
    again = load_tasks(path)
    assert [t.name for t in again] == [t.name for t in tasks]
    for a, b in zip(tasks, again, strict=True):
        assert (a.request, a.internal, a.metadata) == (b.request, b.internal, b.metadata)
    if suffix == ".jsonl":
        assert len(path.read_text().splitlines()) == len(tasks)


def test_save_refuses_an_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.txt"):
        save_tasks(parse_tasks(json.dumps(SUM)), tmp_path / "out.txt")
    assert not (tmp_path / "out.txt").exists()


def test_bundled_lists_are_dreamcoders_217_tasks() -> None:
    tasks = bundled("lists")
    assert len(tasks) == 217
    by_name = {t.name: t for t in tasks}
    assert len(by_name) == 217
    assert str(by_name["len"].request) == "list(int) -> int"
    assert str(by_name["fibonacci"].request) == "int -> int"
    assert str(by_name["range"].request) == "int -> list(int)"
    assert all(len(t.examples) == 15 for t in tasks)
    # the values are those of the file, converted by the declared types
    source = Path(__file__).parents[2] / "hortus" / "tasks" / "data" / "dreamcoder_list_tasks.json"
    raw = {t["name"]: t for t in json.loads(source.read_text())}
    task = by_name["len"]
    envs, outs = task.internal
    assert [to_json(y, task.output) for y in outs] == [ex["o"] for ex in raw["len"]["examples"]]
    assert [list(env[0]) for env in envs] == [ex["i"] for ex in raw["len"]["examples"]]


def test_bundled_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(TaskError, match=r"'nope'.*known: 'arc-evaluation', 'arc-training', "
                                         r"'hortus-lists', 'lists'"):
        bundled("nope")


def test_split_keeps_request_and_name() -> None:
    [task] = parse_tasks(json.dumps(SUM))
    seen, held = task.split(1)
    assert (seen.name, seen.request, len(seen.examples), len(held.examples)) == (
        "sum", task.request, 1, 1)
