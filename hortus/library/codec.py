"""JSON encodings of what the library stores: tasks with their digest, free-form dicts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from hortus.eval.values import to_external, to_internal, to_json
from hortus.lang.types import Type, arguments, returns
from hortus.tasks.task import Example, Task


def dumps(data: Any) -> str:
    """Canonical JSON text; values JSON cannot hold are stored as their text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def loads_dict(text: str | None) -> dict[str, Any]:
    """A stored JSON object (an absent one reads as empty)."""
    if not text:
        return {}
    data = json.loads(text)
    return data if isinstance(data, dict) else {"value": data}


def encode_examples(task: Task) -> list[dict[str, Any]]:
    """The examples as JSON data, written the same way whatever Python types they arrived in."""
    ins, out = arguments(task.request), returns(task.request)
    return [{"inputs": [to_json(to_internal(x, t), t) for x, t in zip(ex.inputs, ins, strict=True)],
             "output": to_json(to_internal(ex.output, out), out)} for ex in task.examples]


def decode_examples(data: Sequence[Mapping[str, Any]], request: Type) -> list[Example]:
    """Plain values again (tuples for pairs, sets, dicts) from the JSON data of the examples."""
    ins, out = arguments(request), returns(request)
    return [Example(tuple(to_external(to_internal(x, t), t)
                          for x, t in zip(item["inputs"], ins, strict=True)),
                    to_external(to_internal(item["output"], out), out)) for item in data]


def task_digest(name: str, request: str, examples: Sequence[Mapping[str, Any]]) -> str:
    """Identity of a task: sha256 of the canonical JSON of its name, type and examples."""
    text = dumps({"name": name, "type": request, "examples": list(examples)})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
