"""The tensors domain: floats, tensors and images as values, with shapes in their types."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hortus
from hortus.domains._arrays import MAX_ELEMENTS, Array
from hortus.eval.sampler import Seeds, sample, sample_inputs
from hortus.eval.values import ValueTypeError, to_internal, to_json, unify_value, value_type
from hortus.lang.runtime import EvalError
from hortus.lang.types import Fresh, TypeSyntaxError, parse_type, resolve
from hortus.tasks import TaskFormatError, load_tasks

T = parse_type


def test_floats_are_read_checked_and_written_back() -> None:
    assert to_internal(2, T("float")) == 2.0 and type(to_internal(2, T("float"))) is float
    assert to_json(to_internal(0.1, T("float")), T("float")) == 0.1
    assert str(value_type([1.5, 2.0])) == "list(float)"
    for bad, message in ((True, "expected a number"), ("1", "expected a number"),
                         (float("inf"), "expected a finite number"), (10**400,
                                                                       "within a float's range")):
        with pytest.raises(ValueTypeError, match=message):
            to_internal(bad, T("float"))


def test_float_primitives_fail_rather_than_leave_the_finite_numbers() -> None:
    mean = hortus.parse("(lambda (lambda (/. (+. $0 $1) (float 2))))")
    assert mean(1.0, 2.0) == 1.5  # type: ignore[operator]
    assert hortus.parse("(lambda (round (*. $0 $0)))")(1.5) == 2  # type: ignore[operator]
    with pytest.raises(EvalError, match="division by zero"):
        hortus.parse("(lambda (/. $0 (float 0)))")(1.0)  # type: ignore[operator]
    with pytest.raises(EvalError, match="not a finite number"):
        hortus.parse("(lambda (*. $0 $0))")(1e200)  # type: ignore[operator]


def test_tensor_and_image_types_carry_their_shape() -> None:
    assert str(T("tensor(3, 4)")) == "tensor(3, 4)"
    assert str(T("image(28, 28) -> int")) == "image(28, 28) -> int"
    assert str(T("image(8, 8, 3)")) == "image(8, 8, 3)"
    for text, message in (("image(28)", "image takes 2 to 3 type argument"),
                          ("tensor", "expected '\\('"),
                          ("tensor(1, 2, 3, 4, 5)", "tensor takes 1 to 4"),
                          ("tensor(10000000000)", "dimension '10000000000' at column 8 is too "
                                                  "large")):
        with pytest.raises(TypeSyntaxError, match=message):
            T(text)


def test_an_array_of_the_wrong_shape_or_content_is_refused() -> None:
    t = T("tensor(2, 3)")
    a = to_internal([[1, 2, 3], [4, 5, 6]], t)
    assert isinstance(a, Array) and a.shape == (2, 3)
    assert to_json(a, t) == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    for bad, message in (([[1, 2], [3, 4]], "tensor of shape \\(2, 3\\), got one of shape "
                                            "\\(2, 2\\)"),
                         ([[1, 2, 3], [4, 5]], "ragged"),
                         ([[1, 2, True], [4, 5, 6]], "holding bool values"),
                         ([[1, 2, "x"], [4, 5, 6]], "holding str values"),
                         (np.array([[1, 2, np.nan], [4, 5, 6]]), "not a finite number"),
                         (np.array([["a", "b", "c"], ["d", "e", "f"]]), "dtype <U1"),
                         (np.zeros(MAX_ELEMENTS + 1), "at most")):
        with pytest.raises(ValueTypeError, match=message):
            to_internal(bad, t)


def test_arrays_are_immutable_values_equal_by_content() -> None:
    t = T("image(2, 2)")
    a, b = to_internal([[0, 255], [255, 0]], t), to_internal(np.array([[0, 255], [255, 0]]), t)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != to_internal([[0, 255], [255, 1]], t)
    with pytest.raises(ValueError, match="read-only"):
        a.data[0, 0] = 7


def test_unification_reads_the_shape_into_the_type() -> None:
    t = T("tensor(n) -> tensor(n)")
    s: dict = {}  # type: ignore[type-arg]
    unify_value([1, 2, 3], t.args[0], s, Fresh("v"))  # type: ignore[attr-defined]
    assert str(resolve(t, s)) == "tensor(3) -> tensor(3)"
    with pytest.raises(ValueTypeError, match="1 dimension"):
        unify_value([[1]], T("tensor(n)"), {}, Fresh("v"))


def test_sampled_inputs_keep_the_shape_and_images_stay_pictures() -> None:
    t = T("tensor(4)")
    vector = to_internal([1, 2, 3, 4], t)
    drawn = sample(t, Seeds.of([(vector,)], [t]), random.Random(0))
    assert isinstance(drawn, Array) and drawn.shape == (4,)
    image = T("image(2, 2)")
    pics = [(to_internal([[0, 1], [1, 0]], image),), (to_internal([[1, 1], [0, 0]], image),)]
    seeds = Seeds.of(pics, [image])
    rng = random.Random(0)
    assert {sample(image, seeds, rng) for _ in range(20)} == {p for (p,) in pics}
    # a tensor's draws are new values near the task's, not copies of them
    near = sample_inputs([(vector,)], [t], 5)
    assert near and all(x.shape == (4,) and x != vector for (x,) in near)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1,
                max_size=6))
def test_a_tensor_round_trips_through_json(xs: list[float]) -> None:
    t = T(f"tensor({len(xs)})")
    assert to_json(to_internal(xs, t), t) == xs


def test_a_hybrid_style_task_over_floats_is_searched() -> None:
    from hortus.lang.primitives import lookup
    from hortus.prior.grammar import Grammar
    from hortus.search import EnumerativeSearcher, SearchBudget

    task = hortus.Task.from_examples([(1.5, 3.0), (2.0, 4.0), (0.25, 0.5)], name="double")
    grammar = Grammar.uniform([lookup(n) for n in ("+.", "*.", "-.", "float", "1", "2")])
    result = EnumerativeSearcher().search(task, grammar, SearchBudget(timeout=5))
    assert result.best is not None
    assert result.best.program(10.0) == 20.0  # type: ignore[operator]


# ---------------------------------------------------------------- arrays beside task files


def _task_file(tmp_path: Path, inputs: list[object], tp: str = "image(2, 2) -> float") -> Path:
    path = tmp_path / "pics.jsonl"
    examples = [{"i": x, "o": float(k)} for k, x in enumerate(inputs)]
    path.write_text(json.dumps({"name": "pics", "type": tp, "examples": examples}))
    return path


def test_a_task_file_takes_arrays_from_the_npz_beside_it(tmp_path: Path) -> None:
    np.savez(tmp_path / "pics.npz", a=np.eye(2), b=np.ones((2, 2)))
    (task,) = load_tasks(_task_file(tmp_path, [{"$array": "a"}, {"$array": "b"}]))
    assert str(task.request) == "image(2, 2) -> float"
    assert len(task.examples) == 2
    assert np.array_equal(task.examples[1].inputs[0], np.ones((2, 2)))
    # without a type, an array is a tensor of its shape
    path = tmp_path / "pics.jsonl"
    path.write_text(json.dumps({"name": "t", "examples": [{"i": {"$array": "a"}, "o": 1.0}]}))
    assert str(load_tasks(path)[0].request) == "tensor(2, 2) -> float"


@pytest.mark.parametrize(("npz", "ref", "message"), [
    (None, {"$array": "a"}, "refers to array 'a', but no .npz file is beside the task file"),
    ({"a": np.eye(2)}, {"$array": "z"}, "pics.npz has no array 'z' \\(it has 'a'\\)"),
    ({"a": np.eye(2)}, {"$array": 3}, 'names an array by a string, got 3'),
    ({"a": np.array([object(), 1], dtype=object)}, {"$array": "a"}, "cannot be read: Object "
                                                                     "arrays cannot be loaded"),
    ({"a": np.array(["x", "y"])}, {"$array": "a"}, "holds <U1 values, not numbers"),
    ({"a": np.eye(3)}, {"$array": "a"}, "expected an image of shape \\(2, 2\\), got one of "
                                        "shape \\(3, 3\\)"),
    ("garbage", {"$array": "a"}, "pics.npz is not an .npz file"),
])
def test_bad_arrays_are_refused_naming_file_task_and_example(
        tmp_path: Path, npz: object, ref: object, message: str) -> None:
    if isinstance(npz, dict):
        np.savez(tmp_path / "pics.npz", **npz)
    elif isinstance(npz, str):
        (tmp_path / "pics.npz").write_text(npz)
    with pytest.raises(TaskFormatError) as info:
        load_tasks(_task_file(tmp_path, [ref]))
    assert "pics.jsonl" in str(info.value) and 'task 1 "pics"' in str(info.value)
    assert re.search(message, str(info.value)), str(info.value)


def test_an_array_too_big_is_refused_before_it_is_read(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from hortus.tasks import _arrays

    monkeypatch.setattr(_arrays, "MAX_ARRAY_BYTES", 1000)
    np.savez_compressed(tmp_path / "pics.npz", a=np.zeros((2, 2)), big=np.zeros(10_000))
    with pytest.raises(TaskFormatError, match=r"array 'big' of pics\.npz is 80,128 bytes"):
        load_tasks(_task_file(tmp_path, [{"$array": "a"}, {"$array": "big"}]))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner,
                                                                 max_size=3),
    max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(value=_json, tp=st.sampled_from(["float", "tensor(2)", "tensor(2, 2)", "image(2, 2)",
                                        "list(image(1, 2))", "tensor(n)"]))
def test_any_json_is_read_or_refused_with_a_value_type_error(value: object, tp: str) -> None:
    t = T(tp)
    try:
        unify_value(value, t, {}, Fresh("v"))
        if "n" not in tp:
            to_internal(value, t)
    except ValueTypeError:
        pass
