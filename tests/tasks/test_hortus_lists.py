"""hortus's own list tasks: the bundled file matches its generator, and the examples are sound."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest

from hortus.domains import task_sets
from hortus.tasks import Task, bundled
from hortus.tasks.hortus_lists import SEEN, TASKS, build, render

SPECS = {s.name: s for s in TASKS}


@pytest.fixture(scope="module")
def tasks() -> list[Task]:
    return bundled("hortus-lists")


def test_the_bundled_file_is_what_the_generator_writes() -> None:
    spec = task_sets()["hortus-lists"]
    assert isinstance(spec, tuple)
    package, file = spec
    shipped = resources.files(package).joinpath(*file.split("/"))
    assert shipped.read_text(encoding="utf-8") == render(), (
        "run `python -m hortus.tasks.hortus_lists` after changing the task definitions")


def test_the_generator_is_deterministic() -> None:
    assert build(TASKS[0]) == build(TASKS[0])


def test_at_least_60_tasks_with_unique_names_and_12_examples(tasks: list[Task]) -> None:
    assert len(tasks) >= 60
    assert len({t.name for t in tasks}) == len(tasks)
    assert [t.name for t in tasks] == [s.name for s in TASKS]
    for t in tasks:
        assert len(t.examples) == 2 * SEEN, t.name
        assert str(t.request) == SPECS[t.name].type


def test_none_is_a_dreamcoder_task(tasks: list[Task]) -> None:
    dreamcoder = {t.name.split(" with ")[0] for t in bundled("lists")}
    assert not dreamcoder & {t.name for t in tasks}


def test_the_reference_functions_give_every_output(tasks: list[Task]) -> None:
    for t in tasks:
        for ex in t.examples:
            assert SPECS[t.name].f(*ex.inputs) == ex.output, (t.name, ex)


def test_split_gives_the_seen_and_the_held_out_examples(tasks: list[Task]) -> None:
    for t in tasks:
        seen, held = t.split(SEEN)
        assert len(seen.examples) == len(held.examples) == SEEN
        inputs = [ex.inputs for ex in t.examples]
        assert len({repr(x) for x in inputs}) == len(inputs), f"{t.name}: an input repeats"
        for part in (seen, held):
            outputs = [ex.output for ex in part.examples]
            if isinstance(outputs[0], bool):
                assert outputs.count(True) == outputs.count(False), t.name
            else:
                assert max(outputs.count(y) for y in outputs) <= 2, t.name


def test_held_out_inputs_are_larger(tasks: list[Task]) -> None:
    def largest(part: Task) -> int:
        return max(_size(x) for ex in part.examples for x in ex.inputs)

    larger = [largest(held) > largest(seen) for seen, held in (t.split(SEEN) for t in tasks)]
    assert sum(larger) >= 0.9 * len(tasks)


def _size(x: Any) -> int:
    """The length of a list, the value of a number."""
    return len(x) if isinstance(x, list) else int(x)


def _list_inputs(part: Task) -> list[list[Any]]:
    """The last argument of each example, where it is a list."""
    return [ex.inputs[-1] for ex in part.examples if isinstance(ex.inputs[-1], list)]


def test_edge_cases_are_among_the_seen_examples(tasks: list[Task]) -> None:
    lists = {t.name: _list_inputs(t.split(SEEN)[0]) for t in tasks}
    with_lists = [n for n, xs in lists.items() if xs]
    empty = [n for n in with_lists if [] in lists[n]]
    singleton = [n for n in with_lists if any(len(x) == 1 for x in lists[n])]
    ties = [n for n in with_lists if any(len(set(map(repr, x))) < len(x) for x in lists[n])]
    assert len(empty) >= 60
    assert len(singleton) >= 60
    assert len(ties) >= 0.9 * len(with_lists)


def test_the_search_sees_small_values(tasks: list[Task]) -> None:
    values = [v for t in tasks for xs in _list_inputs(t.split(SEEN)[0]) for v in _ints(xs)]
    assert sum(0 <= v <= 9 for v in values) >= 0.95 * len(values)


def _ints(x: Any) -> list[int]:
    return [x] if isinstance(x, int) else [v for y in x for v in _ints(y)]
