"""Malformed task files: each error names the file, the line, the task and the field at fault."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hortus.tasks import TaskError, TaskFormatError, load_tasks, parse_tasks

GOOD = '{"name": "ok", "examples": [{"input": 1, "output": 2}]}'


def error(tmp_path: Path, name: str, text: str | bytes) -> str:
    """The message of loading ``text`` as file ``name``, which must fail."""
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    with pytest.raises(TaskFormatError) as info:
        load_tasks(path)
    message = str(info.value)
    assert message.startswith(str(path))
    return message.removeprefix(str(path))


def test_is_a_task_error() -> None:
    assert issubclass(TaskFormatError, TaskError)
    assert issubclass(TaskFormatError, ValueError)


def test_not_valid_json(tmp_path: Path) -> None:
    text = '[\n  {"name": "a",\n   "examples": [{"input": 1 "output": 2}]}\n]'
    assert error(tmp_path, "bad.json", text) == (
        ": not valid JSON at line 3, column 29: Expecting ',' delimiter")


def test_not_valid_json_on_a_jsonl_line(tmp_path: Path) -> None:
    text = GOOD + "\n" + '{"name": "b", "examples": [}\n'
    assert error(tmp_path, "t.jsonl", text) == (
        ", line 2: not valid JSON at column 28: Expecting value")


def test_not_utf8(tmp_path: Path) -> None:
    assert error(tmp_path, "latin.json", b'[\n{"name": "caf\xe9"}]') == (
        ", line 2: not valid UTF-8: byte 0xe9 at offset 15")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TaskFormatError, match=r"nowhere\.json: no such file"):
        load_tasks(tmp_path / "nowhere.json")


def test_a_directory_without_task_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a task")
    with pytest.raises(TaskFormatError, match=r"a folder without \.json or \.jsonl task files"):
        load_tasks(tmp_path)


def test_a_directory_names_the_file_of_a_duplicate(tmp_path: Path) -> None:
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text('{"name": "t", "examples": [{"input": 1, "output": 2}]}')
    with pytest.raises(TaskFormatError, match=r"b\.json.*duplicate name \"t\" \(also in .*a\.json"):
        load_tasks(tmp_path)


@pytest.mark.parametrize("text", ["", "  \n\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    assert error(tmp_path, "empty.json", text) == ": empty file: no tasks"


@pytest.mark.parametrize(("text", "got"), [
    ("42", "an integer"),
    ('"tasks"', "a string"),
    ("{}", "an empty object"),
    ('{"taks": []}', 'an object with fields "taks"'),
])
def test_wrong_top_level_shape(tmp_path: Path, text: str, got: str) -> None:
    assert error(tmp_path, "shape.json", text) == (
        ': expected a list of tasks, a task object or {"tasks": [...]} at the top level, '
        f"got {got}")


def test_tasks_field_not_a_list(tmp_path: Path) -> None:
    assert error(tmp_path, "t.json", '{\n "tasks": 3}') == (
        ', line 2: field "tasks": expected a list of tasks, got an integer')


@pytest.mark.parametrize("text", ["[]", '{"tasks": []}'])
def test_no_tasks(tmp_path: Path, text: str) -> None:
    assert error(tmp_path, "none.json", text) == ": no tasks: the list is empty"


def test_task_not_an_object(tmp_path: Path) -> None:
    assert error(tmp_path, "t.json", f"[\n{GOOD},\n[1, 2]]") == (
        ", line 3 (task 2): expected a task object, got a list")


def test_missing_examples(tmp_path: Path) -> None:
    assert error(tmp_path, "t.json", f'[\n{GOOD},\n{{"name": "sum"}}]') == (
        ', line 3 (task 2 "sum"): missing "examples"')


@pytest.mark.parametrize(("examples", "got"), [("[]", "an empty list"), ("{}", "an object")])
def test_empty_or_wrong_examples(tmp_path: Path, examples: str, got: str) -> None:
    text = f'[{{"name": "sum",\n  "examples": {examples}}}]'
    assert error(tmp_path, "t.json", text) == (
        f', line 2 (task 1 "sum"): field "examples": expected a non-empty list of examples, '
        f"got {got}")


def test_example_not_an_object(tmp_path: Path) -> None:
    text = '{"name": "sum", "examples": [\n  {"input": [1], "output": 1},\n  [[2], 2]]}'
    assert error(tmp_path, "t.json", text) == (
        ', line 3 (task 1 "sum"): example 2: expected an object like '
        '{"input": ..., "output": ...}, got a list')


def test_missing_output_in_jsonl(tmp_path: Path) -> None:
    text = GOOD + "\n\n" + '{"name": "sum", "examples": [{"i": [1], "o": 1}, {"i": [2]}]}\n'
    assert error(tmp_path, "tasks.jsonl", text) == (
        ', line 3 (task 2 "sum"): example 2: missing "output"')


def test_missing_input(tmp_path: Path) -> None:
    text = '[{"name": "sum", "examples": [\n {"output": 2}]}]'
    assert error(tmp_path, "t.json", text) == (
        ', line 2 (task 1 "sum"): example 1: missing "input" (or "inputs" for several '
        'arguments)')


def test_both_input_and_inputs(tmp_path: Path) -> None:
    text = '[{"name": "f", "examples": [{"input": 1, "inputs": [1], "output": 2}]}]'
    assert error(tmp_path, "t.json", text) == (
        ', line 1 (task 1 "f"): example 1: both "input" and "inputs" given; use "input" for '
        'one argument or "inputs" for several')


def test_inputs_not_a_list(tmp_path: Path) -> None:
    text = '[{"name": "f", "examples": [{"inputs": 1, "output": 2}]}]'
    assert 'example 1: "inputs" must be a non-empty list' in error(tmp_path, "t.json", text)


def test_unknown_example_field_is_a_typo(tmp_path: Path) -> None:
    text = '[{"name": "f", "examples": [{"input": 1, "ouput": 2}]}]'
    assert error(tmp_path, "t.json", text) == (
        ', line 1 (task 1 "f"): example 1: unknown field "ouput" (did you mean "output"?)')


@pytest.mark.parametrize(("type_", "detail"), [  # the parser's own words follow the field
    ('"lst(int) -> int"', "unexpected '('"),
    ('"list(int -> int"', "expected ')'"),
    ("3", 'expected a string like "list(int) -> int" or {"input": ..., "output": ...}, '
          "got an integer"),
    ('{"input": "int"}', 'missing "output"'),
    ('{"input": "int", "ouptut": "int"}', 'unknown field "ouptut" (did you mean "output"?)'),
])
def test_bad_type(tmp_path: Path, type_: str, detail: str) -> None:
    text = f'[\n{{"name": "f", "type": {type_}, "examples": [{{"input": 1, "output": 1}}]}}]'
    assert error(tmp_path, "t.json", text).startswith(
        f', line 2 (task 1 "f"): field "type": {detail}')


@pytest.mark.parametrize("type_", [
    '"list(itn) -> int"',
    '{"input": "list-of-nt", "output": "int"}',
    '{"input": ["int", "list-of-nt"], "output": "int"}',
])
def test_misspelt_type_names_are_not_type_variables(tmp_path: Path, type_: str) -> None:
    text = f'[{{"name": "f", "type": {type_}, "examples": [{{"inputs": [[1]], "output": 1}}]}}]'
    message = error(tmp_path, "t.json", text)
    assert message.startswith(', line 1 (task 1 "f"): field "type": unknown type ')
    assert "(type variables are written t, a, t0, ...)" in message


def test_examples_do_not_fit_the_declared_type(tmp_path: Path) -> None:
    text = ('[\n  {"name": "len", "type": "list(int) -> int",\n   "examples": [\n'
            '     {"input": [1], "output": 1},\n     {"input": [1, 2], "output": [2]}]}]')
    message = error(tmp_path, "t.json", text)
    assert message.startswith(', line 5 (task 1 "len"): example 2, output: does not fit the '
                              "declared type list(int) -> int: ")
    assert "[2]" in message


def test_declared_arity_differs(tmp_path: Path) -> None:
    text = '[{"name": "f", "type": "int -> int", "examples": [{"inputs": [1, 2], "output": 2}]}]'
    assert error(tmp_path, "t.json", text) == (
        ', line 1 (task 1 "f"): example 1: 2 inputs, but the type int -> int takes 1')


def test_inconsistent_example_types(tmp_path: Path) -> None:
    text = ('[\n  {"name": "f",\n   "examples": [\n     {"input": [1], "output": 2},\n'
            '     {"input": [1], "output": [2]}]}]')
    assert error(tmp_path, "t.json", text) == (
        ', line 5 (task 1 "f"): example 2, output: [2] has type list(int), but earlier '
        "examples have int")


def test_inconsistent_argument_count(tmp_path: Path) -> None:
    text = ('{"name": "f", "examples": [{"inputs": [1, 2], "output": 2},\n'
            '  {"input": 1, "output": 2}]}')
    assert error(tmp_path, "t.json", text) == (
        ', line 2 (task 1 "f"): example 2: 1 input, but example 1 has 2')


@pytest.mark.parametrize(("value", "detail"), [
    ("[1, 2.0]", "list mixes elements of types int and float"),
    ("null", "null is not a hortus value"),
    ("[1, null]", "null is not a hortus value"),
])
def test_values_hortus_cannot_hold(tmp_path: Path, value: str, detail: str) -> None:
    text = f'[{{"name": "f", "examples": [\n {{"input": 1, "output": 1}},\n {{"input": {value}, "output": 1}}]}}]'  # noqa: E501
    assert error(tmp_path, "t.json", text).startswith(
        f', line 3 (task 1 "f"): example 2, input: {detail}')


def test_mixed_values(tmp_path: Path) -> None:
    text = '[{"name": "f", "examples": [{"inputs": [1, {"a": 1, "b": "x"}], "output": 1}]}]'
    message = error(tmp_path, "t.json", text)
    assert message.startswith(', line 1 (task 1 "f"): example 1, input 2: ')
    assert "int and str" in message


def test_duplicate_names(tmp_path: Path) -> None:
    text = f"[\n{GOOD},\n{GOOD}\n]"
    assert error(tmp_path, "t.json", text) == (
        ', line 3 (task 2 "ok"): duplicate name "ok" (also task 1, line 2)')
    assert error(tmp_path, "t.jsonl", f"{GOOD}\n\n{GOOD}\n") == (
        ', line 3 (task 2 "ok"): duplicate name "ok" (also task 1, line 1)')


def test_name_not_a_string(tmp_path: Path) -> None:
    text = '[{"name": 7, "examples": [{"input": 1, "output": 2}]}]'
    assert error(tmp_path, "t.json", text) == (
        ', line 1 (task 1): field "name": expected a non-empty string, got 7')


def test_nothing_is_returned_from_a_file_with_one_bad_task(tmp_path: Path) -> None:
    lines = [GOOD.replace('"ok"', f'"t{k}"') for k in range(5)] + ['{"name": "bad"}']
    assert "line 6" in error(tmp_path, "t.jsonl", "\n".join(lines))


def test_errors_carry_their_parts() -> None:
    with pytest.raises(TaskFormatError) as info:
        parse_tasks(json.dumps([{"name": "f", "examples": [{"input": 1}]}]), "here.json")
    e = info.value
    assert (e.source, e.line, e.index, e.name) == ("here.json", 1, 1, "f")
    assert e.detail == 'example 1: missing "output"'


def test_deeply_nested_values(tmp_path: Path) -> None:
    assert "nested too deeply" in error(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)


# ---------------------------------------------------------------- hostile files


@pytest.mark.parametrize(("value", "detail"), [
    ("NaN", "not valid JSON at line 3, column 12: NaN is not a JSON number"),
    ("[1, -Infinity]", "not valid JSON at line 3, column 16: -Infinity is not a JSON number"),
    ("1" + "0" * 5000, "not valid JSON at line 3, column 12: integer with more than 4300 digits"),
])
def test_what_json_does_not_allow_is_refused_where_it_is(tmp_path: Path, value: str,
                                                         detail: str) -> None:
    text = f'[{{"name": "f", "examples": [\n {{"input": 1, "output": 1}},\n {{"input": {value}, "output": 1}}]}}]'  # noqa: E501
    assert error(tmp_path, "t.json", text) == f": {detail}"
    lines = '{"name": "f", "examples": [{"input": 1, "output": 1}]}\n'
    message = error(tmp_path, "t.jsonl", lines + f'{{"name": "g", "o": {value}}}\n')
    assert message.startswith(", line 2: not valid JSON at column 2")
    assert message.endswith(detail.rsplit(": ", maxsplit=1)[-1])


def test_values_nested_900_deep_are_refused_cleanly(tmp_path: Path) -> None:
    deep = "[" * 900 + "]" * 900
    text = f'[{{"name": "f", "examples": [\n {{"input": {deep}, "output": 1}}]}}]'
    assert error(tmp_path, "t.json", text) == (
        ', line 2 (task 1 "f"): example 1, input: values nested deeper than 100 levels')
    text = f'[{{"name": "f", "notes": {deep}, "examples": [{{"input": 1, "output": 1}}]}}]'
    assert error(tmp_path, "t.json", text) == (
        ', line 1 (task 1 "f"): field "notes": values nested deeper than 100 levels')


def test_values_at_the_depth_limit_load(tmp_path: Path) -> None:
    deep = "[" * 100 + "]" * 100
    path = tmp_path / "t.json"
    path.write_text(f'{{"name": "f", "examples": [{{"input": {deep}, "output": 1}}]}}')
    (task,) = load_tasks(path)
    assert str(task.request).count("list") == 100


@pytest.mark.parametrize(("task", "detail"), [
    ('{"name": "s\\ud800", "examples": [{"input": 1, "output": 1}]}',
     ' (task 1): field "name": "s\\ud800" is not valid Unicode text (it holds a lone surrogate)'),
    ('{"name": "s", "examples": [{"input": "a\\udc00", "output": 1}]}',
     ' (task 1 "s"): example 1, input: "a\\udc00" is not valid Unicode text (it holds a lone '
     "surrogate)"),
    ('{"name": "s", "examples": [{"input": {"\\udc00": 1}, "output": 1}]}',
     ' (task 1 "s"): example 1, input: "\\udc00" is not valid Unicode text (it holds a lone '
     "surrogate)"),
    ('{"name": "s", "note": ["\\ud800"], "examples": [{"input": 1, "output": 1}]}',
     ' (task 1 "s"): field "note": "\\ud800" is not valid Unicode text (it holds a lone '
     "surrogate)"),
])
def test_lone_surrogates_are_refused_at_load_naming_the_field(tmp_path: Path, task: str,
                                                               detail: str) -> None:
    assert error(tmp_path, "t.jsonl", task + "\n" + GOOD + "\n") == ", line 1" + detail


def test_metadata_may_hold_null_and_fractions(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"name": "f", "score": 0.5, "source": null, '
                    '"examples": [{"input": 1, "output": 1}]}')
    assert load_tasks(path)[0].metadata == {"score": 0.5, "source": None}


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(GOOD + " " * 2000)
    with pytest.raises(TaskFormatError, match=r"big\.json: larger than 1,000 bytes, the most a "
                                              r"task file may hold"):
        load_tasks(path, max_bytes=1000)
    assert load_tasks(path, max_bytes=len(GOOD) + 2000)[0].name == "ok"


def test_an_endless_file_is_refused() -> None:
    with pytest.raises(TaskFormatError, match="/dev/zero: larger than 64 MiB, the most a task "
                                              "file may hold"):
        load_tasks("/dev/zero")


def test_a_path_with_a_nul_character_is_a_task_error() -> None:
    with pytest.raises(TaskFormatError, match="cannot be read"):
        load_tasks("a\x00b.json")


def test_a_type_nested_too_deeply_names_the_field(tmp_path: Path) -> None:
    t = "list(" * 500 + "int" + ")" * 500
    message = error(tmp_path, "t.json", f'{{"name": "f", "type": "{t}", "examples": []}}')
    assert message.startswith(', line 1 (task 1 "f"): field "type": type nested deeper than 128 '
                              "levels at column 641 in type 'list(list(")


def test_too_many_inputs_are_refused(tmp_path: Path) -> None:
    text = json.dumps({"name": "f", "examples": [{"inputs": list(range(300)), "output": 1}]})
    assert error(tmp_path, "t.json", text) == (
        ', line 1 (task 1 "f"): 300 inputs; a task takes fewer than 128')


@pytest.mark.parametrize(("examples", "detail"), [
    ('[{"i": [], "o": []}, {"i": 1, "o": 1}]',
     "example 2, input: 1 has type int, but earlier examples have list(t0)"),
    ('[{"i": [[]], "o": 1}, {"i": [true], "o": 1}]',
     "example 2, input: [true] has type list(bool), but earlier examples have list(list(t0))"),
    ('[{"i": {"a": 1, "b": [2]}, "o": 1}]', "example 1, input: dict's values mix types int and "
                                             'list(int): {"a": 1, "b": [2]}'),
])
def test_type_clashes_show_json_and_no_internal_type_variables(examples: str,
                                                               detail: str) -> None:
    with pytest.raises(TaskFormatError) as info:
        parse_tasks(f'{{"name": "f", "examples": {examples}}}')
    assert info.value.detail == detail
