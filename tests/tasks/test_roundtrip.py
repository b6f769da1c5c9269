"""Property: any task written by save_tasks loads back with the same type and values."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hortus.lang.types import BOOL, INT, STR, TCon, Type, tdict, tlist, tpair, tset
from hortus.tasks import Task, load_tasks, save_tasks
from hortus.tasks.loaders import task_to_json

ATOMS = st.sampled_from([INT, BOOL, STR])
TYPES: st.SearchStrategy[Type] = st.recursive(ATOMS, lambda inner: st.one_of(
    inner.map(tlist), st.tuples(inner, inner).map(lambda ab: tpair(*ab)),
    ATOMS.map(tset), st.tuples(st.sampled_from([INT, STR]), inner).map(lambda kv: tdict(*kv)),
), max_leaves=4)


def values(t: Type) -> st.SearchStrategy[Any]:
    """Plain values of type ``t``, as a caller of Task.from_examples would write them."""
    assert isinstance(t, TCon)
    if t == INT:
        return st.integers(-10**6, 10**6)
    if t == BOOL:
        return st.booleans()
    if t == STR:
        return st.text(max_size=5)
    if t.name == "list":
        return st.lists(values(t.args[0]), max_size=4)
    if t.name == "pair":
        return st.tuples(values(t.args[0]), values(t.args[1])).map(list)
    if t.name == "set":
        return st.lists(values(t.args[0]), max_size=4)
    return st.dictionaries(values(t.args[0]), values(t.args[1]), max_size=3)


@st.composite
def tasks(draw: st.DrawFn) -> Task:
    ins = draw(st.lists(TYPES, min_size=1, max_size=3))
    out = draw(TYPES)
    n = draw(st.integers(1, 4))
    pairs = [(tuple(draw(values(t)) for t in ins), draw(values(out))) for _ in range(n)]
    request = " -> ".join(f"({t})" for t in [*ins, out])
    meta = draw(st.dictionaries(st.sampled_from(["note", "level"]), st.integers(0, 9)))
    task = Task.from_examples(pairs, name=draw(st.text(min_size=1, max_size=8)), request=request)
    task.metadata.update(meta)
    return task


@settings(max_examples=60, deadline=None)
@given(st.lists(tasks(), min_size=1, max_size=3, unique_by=lambda t: t.name),
       st.sampled_from([".json", ".jsonl"]))
def test_save_load_round_trip(original: list[Task], suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"tasks{suffix}"
        save_tasks(original, path)
        loaded = load_tasks(path)
    assert len(loaded) == len(original)
    for a, b in zip(original, loaded, strict=True):
        assert (b.name, b.request, b.internal, b.metadata) == (
            a.name, a.request, a.internal, a.metadata)
        assert task_to_json(b) == task_to_json(a)

