"""Reading and writing task files: JSON, JSONL and DreamCoder's ``list_tasks.json``.

A file is checked in full before any task is returned, so a caller never acts on half a file,
and every error names the file, the line, the task and the field, since task files are written
by hand.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from hortus.eval.values import (
    ValueTypeError,
    check_plain,
    loads,
    show_value,
    to_internal,
    to_json,
    value_type,
)
from hortus.lang.types import (
    Fresh,
    Type,
    TypeSyntaxError,
    UnificationError,
    arguments,
    arrow,
    free_vars,
    is_ground,
    parse_type,
    resolve,
    returns,
    show_types,
    unify,
)
from hortus.tasks._arrays import ArrayFile, resolve_arrays
from hortus.tasks.task import Example, Task, TaskError, quoted

Pointer = tuple[str | int, ...]  # where a value sits inside a task object, as JSON keys/indexes

_TASK_FIELDS = ("name", "type", "examples")
_INPUT_KEYS = ("input", "inputs", "i")
_OUTPUT_KEYS = ("output", "o")
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_TYPE_VARIABLE = re.compile(r"[a-z][0-9]*$")
MAX_FILE_BYTES = 64 * 2**20  # a task file larger than this is refused, not read into memory

class TaskFormatError(TaskError):
    """A task file that cannot be loaded; the message says where and what is wrong."""

    def __init__(self, source: str, detail: str, *, line: int | None = None,
                 index: int | None = None, name: str | None = None) -> None:
        self.source, self.detail, self.line, self.index, self.name = (source, detail, line,
                                                                      index, name)
        where = source if line is None else f"{source}, line {line}"
        if index is not None:
            where += f" (task {index}{'' if name is None else ' ' + _quote(name)})"
        super().__init__(f"{where}: {detail}")


class _Problem(Exception):
    """A fault inside one task object, located by ``at`` so the line can be found later."""

    def __init__(self, at: Pointer, detail: str, name: str | None = None) -> None:
        self.at, self.detail, self.name = at, detail, name
        super().__init__(detail)


# ---------------------------------------------------------------- loading


def load_tasks(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> list[Task]:
    """All tasks of a JSON or JSONL file, or :class:`TaskFormatError` naming the first fault.

    At most ``max_bytes`` are read: a larger file (or an endless one such as ``/dev/zero``)
    is refused. A folder gives the tasks of its ``.json`` and ``.jsonl`` files, in name order
    (ARC ships a task per file).
    """
    source = str(path)
    if Path(path).is_dir():
        return _load_folder(Path(path), max_bytes)
    try:
        with Path(path).open("rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise TaskFormatError(source, "no such file") from None
    except IsADirectoryError:
        raise TaskFormatError(source, "is a directory, not a task file") from None
    except OSError as e:
        raise TaskFormatError(source, f"cannot be read: {e.strerror or e}") from None
    except ValueError as e:  # a NUL character in the path
        raise TaskFormatError(source, f"cannot be read: {e}") from None
    if len(data) > max_bytes:
        cap = f"{max_bytes >> 20} MiB" if max_bytes % 2**20 == 0 else f"{max_bytes:,} bytes"
        raise TaskFormatError(source, f"larger than {cap}, the most a task file may hold")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise TaskFormatError(source, f"not valid UTF-8: byte 0x{data[e.start]:02x} at offset "
                                      f"{e.start}", line=line) from None
    arrays = ArrayFile.beside(Path(path))
    try:
        return parse_tasks(text, source, arrays)
    finally:
        if arrays is not None:
            arrays.close()


def _load_folder(folder: Path, max_bytes: int) -> list[Task]:
    files = sorted(p for p in folder.iterdir()
                   if p.is_file() and p.suffix in (".json", *_JSONL_SUFFIXES))
    if not files:
        raise TaskFormatError(str(folder), "a folder without .json or .jsonl task files")
    tasks: list[Task] = []
    where: dict[str, Path] = {}
    for file in files:
        for task in load_tasks(file, max_bytes):
            if task.name in where:
                raise TaskFormatError(str(file), f"duplicate name {_quote(task.name)} (also in "
                                                 f"{where[task.name]})", name=task.name)
            where[task.name] = file
            tasks.append(task)
    return tasks


def parse_tasks(text: str, source: str = "<string>", arrays: ArrayFile | None = None
                ) -> list[Task]:
    """Tasks from the text of a file: JSON (a list, one task, ``{"tasks": [...]}``) or JSONL.

    A value ``{"$array": "name"}`` is the array ``name`` of ``arrays`` (the ``.npz`` file
    beside the task file, which :func:`load_tasks` finds).
    """
    if not text.strip():
        raise TaskFormatError(source, "empty file: no tasks")
    try:
        doc = loads(text)
    except RecursionError:
        raise TaskFormatError(source, "values nested too deeply") from None
    except ValueError as e:
        if _looks_like_jsonl(text):
            return _parse_jsonl(text, source, arrays)
        raise _json_error(source, e) from None
    return _parse_json(doc, text, source, arrays)


def _json_error(source: str, e: ValueError, line: int | None = None) -> TaskFormatError:
    if not isinstance(e, json.JSONDecodeError):  # e.g. an integer with too many digits
        return TaskFormatError(source, f"not valid JSON: {e}", line=line)
    if line is None:
        return TaskFormatError(source, f"not valid JSON at line {e.lineno}, column {e.colno}: "
                                       f"{e.msg}")
    return TaskFormatError(source, f"not valid JSON at column {e.colno}: {e.msg}", line=line)


def _looks_like_jsonl(text: str) -> bool:
    """Several lines, the first of which is a JSON object on its own."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) < 2:
        return False
    try:
        return isinstance(loads(lines[0]), dict)
    except (ValueError, RecursionError):
        return False


def _parse_json(doc: Any, text: str, source: str, arrays: ArrayFile | None) -> list[Task]:
    from hortus.domains import task_readers

    for reader in task_readers():  # a domain's own format (ARC's {"train", "test"})
        found = reader(doc, source)
        if found is not None:
            _check_unique(found, source, lambda k: None)
            return found
    items, prefix = _task_list(doc, text, source)
    if not items:
        raise TaskFormatError(source, "no tasks: the list is empty")
    stem = _stem(source)
    tasks: list[Task] = []
    for k, obj in enumerate(items):
        try:
            tasks.append(_task(obj, stem, k + 1, arrays))
        except _Problem as p:
            at = p.at if prefix is None else (*prefix, k, *p.at)
            raise TaskFormatError(source, p.detail, line=_line_at(text, at), index=k + 1,
                                  name=p.name) from None
    _check_unique(tasks, source, lambda k: _line_at(text, () if prefix is None
                                                    else (*prefix, k)))
    return tasks


def _task_list(doc: Any, text: str, source: str) -> tuple[list[Any], Pointer | None]:
    """The task objects of a JSON document, and where they sit (None: the document is one)."""
    if isinstance(doc, list):
        return doc, ()
    if isinstance(doc, dict) and "examples" not in doc and "tasks" in doc:
        if not isinstance(doc["tasks"], list):
            raise TaskFormatError(source, f'field "tasks": expected a list of tasks, got '
                                          f"{_kind(doc['tasks'])}",
                                  line=_line_at(text, ("tasks",)))
        return doc["tasks"], ("tasks",)
    if isinstance(doc, dict) and any(k in doc for k in _TASK_FIELDS):
        return [doc], None
    if isinstance(doc, dict):
        got = ("an object with fields " + ", ".join(_quote(k) for k in doc) if doc
               else "an empty object")
    else:
        got = _kind(doc)
    raise TaskFormatError(source, f'expected a list of tasks, a task object or {{"tasks": [...]}} '
                                  f"at the top level, got {got}")


def _parse_jsonl(text: str, source: str, arrays: ArrayFile | None) -> list[Task]:
    stem = _stem(source)
    tasks: list[Task] = []
    lines: list[int] = []
    for n, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            obj = loads(raw)
        except RecursionError:
            raise TaskFormatError(source, "values nested too deeply", line=n) from None
        except ValueError as e:
            raise _json_error(source, e, line=n) from None
        index = len(tasks) + 1
        try:
            tasks.append(_task(obj, stem, index, arrays))
        except _Problem as p:
            raise TaskFormatError(source, p.detail, line=n, index=index, name=p.name) from None
        lines.append(n)
    _check_unique(tasks, source, lambda k: lines[k])
    return tasks


def _check_unique(tasks: Sequence[Task], source: str,
                  line_of: Callable[[int], int | None]) -> None:
    first: dict[str, int] = {}
    for k, task in enumerate(tasks):
        if task.name in first:
            j = first[task.name]
            seen = f"task {j + 1}" + ("" if line_of(j) is None else f", line {line_of(j)}")
            raise TaskFormatError(source, f"duplicate name {_quote(task.name)} (also {seen})",
                                  line=line_of(k), index=k + 1, name=task.name)
        first[task.name] = k


def _stem(source: str) -> str:
    return "task" if source.startswith("<") else Path(source).stem


# ---------------------------------------------------------------- one task


def task_from_json(obj: Any, source: str, index: int, line: int | None = None) -> Task:
    """One task from its JSON object; ``index`` is its 1-based place in the file.

    ``index`` gives the default name ``<file stem>-<index>``; ``source`` and ``line`` only
    serve the error message.
    """
    try:
        return _task(obj, _stem(source), index)
    except _Problem as p:
        raise TaskFormatError(source, p.detail, line=line, index=index, name=p.name) from None


def _task(obj: Any, stem: str, index: int, arrays: ArrayFile | None = None) -> Task:
    if not isinstance(obj, dict):
        raise _Problem((), f"expected a task object, got {_kind(obj)}")
    name = obj.get("name", f"{stem}-{index}")
    if not isinstance(name, str) or not name:
        raise _Problem(("name",), f'field "name": expected a non-empty string, got '
                                  f"{show_value(name)}")
    _check_plain(name, ("name",), 'field "name"')
    shown = name if "name" in obj else None
    try:
        declared = _declared_type(obj["type"]) if "type" in obj else None
        if "examples" not in obj:
            raise _Problem((), 'missing "examples"')
        raw = obj["examples"]
        if not isinstance(raw, list) or not raw:
            got = "an empty list" if isinstance(raw, list) else _kind(raw)
            raise _Problem(("examples",), f'field "examples": expected a non-empty list of '
                                          f"examples, got {got}")
        examples: list[Example] = []
        places: list[list[Pointer]] = []
        for k, ex in enumerate(raw):
            example, where = _example(ex, k, arrays)
            examples.append(example)
            places.append(where)
        request = _check_types(examples, places, declared)
        for key, value in obj.items():  # other fields are kept as the task's metadata
            if key not in _TASK_FIELDS:
                _check_plain(key, (key,), "a field's name")
                _check_plain(value, (key,), f"field {_quote(key)}", metadata=True)
        try:
            task = Task.build(name, examples, request)
        except TaskError as e:  # not expected after the checks above; keep the message
            detail = str(e)
            for sep in (", ", ": "):
                detail = detail.removeprefix(f"task {quoted(name)}{sep}")
            raise _Problem((), detail) from None
    except _Problem as p:
        p.name = shown
        raise
    extra = {k: v for k, v in obj.items() if k not in _TASK_FIELDS}
    if extra:
        task.metadata.update(extra)
    return task


def _declared_type(t: Any) -> Type:
    """A ``type`` field: ``"list(int) -> int"`` or DreamCoder's ``{"input": .., "output": ..}``."""
    if isinstance(t, str):
        return _parse(t, ("type",))
    if not isinstance(t, dict):
        raise _Problem(("type",), f'field "type": expected a string like "list(int) -> int" or '
                                  f'{{"input": ..., "output": ...}}, got {_kind(t)}')
    for key in t:
        if key not in ("input", "output"):
            raise _Problem(("type",), f'field "type": unknown field {_quote(key)}'
                                      f"{_suggest(key, ('input', 'output'))}")
    for key in ("input", "output"):
        if key not in t:
            raise _Problem(("type",), f'field "type": missing "{key}"')
    inputs = t["input"] if isinstance(t["input"], list) else [t["input"]]
    parts: list[Type] = []
    for k, (key, text) in enumerate([*(("input", x) for x in inputs), ("output", t["output"])]):
        several = key == "input" and isinstance(t["input"], list)
        at: Pointer = ("type", key, k) if several else ("type", key)
        if not isinstance(text, str):
            raise _Problem(at, f'field "type", "{key}": expected a type string, got '
                               f"{_kind(text)}")
        parts.append(_parse(text, at))
    if len(parts) < 2:
        raise _Problem(("type",), 'field "type": "input" lists no argument types')
    return arrow(*parts)


def _parse(text: str, at: Pointer) -> Type:
    try:
        t = parse_type(text)
    except TypeSyntaxError as e:
        raise _Problem(at, f'field "{at[0]}": {e}') from None
    for var in free_vars(t):  # a misspelt type name would parse as a type variable
        if not _TYPE_VARIABLE.match(var):
            raise _Problem(at, f'field "{at[0]}": unknown type {_quote(var)} in type '
                               f"{show_value(text)} (type variables are written t, a, t0, ...)")
    return t


def _example(ex: Any, k: int, arrays: ArrayFile | None) -> tuple[Example, list[Pointer]]:
    """One example and where each of its values sits (inputs first, then the output)."""
    what = f"example {k + 1}"
    here: Pointer = ("examples", k)
    if not isinstance(ex, dict):
        raise _Problem(here, f'{what}: expected an object like {{"input": ..., "output": ...}}, '
                             f"got {_kind(ex)}")
    for key in ex:
        if key not in _INPUT_KEYS + _OUTPUT_KEYS:
            raise _Problem(here, f"{what}: unknown field {_quote(key)}"
                                 f"{_suggest(key, _INPUT_KEYS + _OUTPUT_KEYS)}")
    ins = [key for key in _INPUT_KEYS if key in ex]
    outs = [key for key in _OUTPUT_KEYS if key in ex]
    if len(ins) > 1:
        raise _Problem(here, f'{what}: both "{ins[0]}" and "{ins[1]}" given; use "input" for '
                             f'one argument or "inputs" for several')
    if len(outs) > 1:
        raise _Problem(here, f'{what}: both "output" and "o" given')
    if not ins:
        raise _Problem(here, f'{what}: missing "input" (or "inputs" for several arguments)')
    if not outs:
        raise _Problem(here, f'{what}: missing "output"')
    key, out = ins[0], outs[0]
    if key == "inputs":
        xs = ex[key]
        if not isinstance(xs, list) or not xs:
            got = "an empty list" if isinstance(xs, list) else _kind(xs)
            raise _Problem((*here, key), f'{what}: "inputs" must be a non-empty list of the '
                                         f'arguments, got {got}; use "input" for one argument')
        places: list[Pointer] = [(*here, key, j) for j in range(len(xs))]
        inputs = tuple(xs)
    else:
        places, inputs = [(*here, key)], (ex[key],)
    places.append((*here, out))
    values = []
    for at, v in zip(places, (*inputs, ex[out]), strict=True):
        what = _value_name(k, places, at)
        _check_plain(v, at, what)
        try:
            values.append(resolve_arrays(v, arrays))
        except ValueError as e:
            raise _Problem(at, f"{what}: {e}") from None
    return Example(tuple(values[:-1]), values[-1]), places


def _value_name(k: int, places: list[Pointer], at: Pointer) -> str:
    if at == places[-1]:
        return f"example {k + 1}, output"
    return f"example {k + 1}, input" + (f" {at[-1] + 1}" if isinstance(at[-1], int) else "")


def _check_plain(v: Any, at: Pointer, what: str, metadata: bool = False) -> None:
    """Refuse JSON values that hortus has no type for, before type checking blurs the cause.

    In ``metadata`` (fields other than name, type and examples), null and fractions are fine.
    """
    try:
        check_plain(v, values=not metadata)
    except ValueTypeError as e:
        raise _Problem(at, f"{what}: {e}") from None


def _check_types(examples: Sequence[Example], places: Sequence[list[Pointer]],
                 declared: Type | None) -> Type | None:
    """Check every value against the declared type or the other examples, naming the field."""
    arity = len(examples[0].inputs)
    if declared is not None and len(arguments(declared)) != arity:
        raise _Problem(places[0][0][:2], f"example 1: {_inputs(arity)}, but the type "
                                         f"{declared} takes {len(arguments(declared))}")
    for k, ex in enumerate(examples):
        if len(ex.inputs) != arity:
            raise _Problem(places[k][0][:2], f"example {k + 1}: {_inputs(len(ex.inputs))}, but "
                                             f"example 1 has {arity}")
    if declared is not None and is_ground(declared):
        slots = [*arguments(declared), returns(declared)]
        for k, ex in enumerate(examples):
            for at, v, t in zip(places[k], (*ex.inputs, ex.output), slots, strict=True):
                try:
                    to_internal(v, t)
                except ValueTypeError as e:
                    raise _Problem(at, f"{_value_name(k, places[k], at)}: does not fit the "
                                       f"declared type {declared}: {e}") from None
        return declared
    fresh, s = Fresh("e"), dict[str, Type]()
    if declared is None:
        slots = [fresh.var() for _ in range(arity + 1)]
    else:
        inst = Fresh("q").instantiate(declared)
        slots = [*arguments(inst), returns(inst)]
    for k, ex in enumerate(examples):
        for at, v, slot in zip(places[k], (*ex.inputs, ex.output), slots, strict=True):
            what = _value_name(k, places[k], at)
            t = _type_of(v, fresh, at, what)
            before, got = show_types(resolve(slot, s), t)
            try:
                unify(slot, t, s)
            except UnificationError:
                if declared is None:
                    rule = f"earlier examples have {before}"
                else:
                    rule = (f"the declared type {declared} needs {before} here"
                            + (" (given the earlier examples)" if k else ""))
                raise _Problem(at, f"{what}: {show_value(v)} has type {got}, but "
                                   f"{rule}") from None
    return declared


def _type_of(v: Any, fresh: Fresh, at: Pointer, what: str) -> Type:
    try:
        return value_type(v, fresh)
    except ValueTypeError as e:
        raise _Problem(at, f"{what}: {e}") from None
    except UnificationError as e:  # an object (or set) whose values differ in type
        left, right = show_types(e.left, e.right)
        raise _Problem(at, f"{what}: {show_value(v)} mixes values of types {left} and "
                           f"{right}") from None


def _inputs(n: int) -> str:
    return f"{n} input" + ("" if n == 1 else "s")


# ---------------------------------------------------------------- saving


def task_to_json(task: Task) -> dict[str, Any]:
    """The JSON object of ``task``, which :func:`task_from_json` reads back to an equal task."""
    envs, outs = task.internal
    in_types, out_type = task.inputs, task.output
    examples: list[dict[str, Any]] = []
    for env, out in zip(envs, outs, strict=True):
        xs = [to_json(x, t) for x, t in zip(reversed(env), in_types, strict=True)]
        y = to_json(out, out_type)
        examples.append({"input": xs[0], "output": y} if len(xs) == 1
                        else {"inputs": xs, "output": y})
    obj: dict[str, Any] = {"name": task.name, "type": str(task.request)}
    obj.update((k, v) for k, v in task.metadata.items() if k not in _TASK_FIELDS)
    obj["examples"] = examples
    return obj


def save_tasks(tasks: Iterable[Task], path: str | Path) -> None:
    """Write ``tasks`` as JSONL (``.jsonl``) or JSON (``.json``), one task per line.

    Everything is encoded before the file is opened, so a task that cannot be written leaves
    any existing file as it was.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    objs = [json.dumps(task_to_json(t), ensure_ascii=False) for t in tasks]
    if suffix in _JSONL_SUFFIXES:
        text = "".join(o + "\n" for o in objs)
    elif suffix == ".json":
        text = "[\n" + ",\n".join(objs) + "\n]\n" if objs else "[]\n"
    else:
        raise ValueError(f"{path}: cannot tell the format from {suffix or 'no extension'!r}; "
                         f"use .json or .jsonl")
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- bundled data


def bundled(name: str) -> list[Task]:
    """A task set shipped with a domain (:mod:`hortus.domains`): ``"lists"`` is DreamCoder's
    217 list tasks, ``"hortus-lists"`` hortus's own list tasks (see
    :mod:`hortus.tasks.hortus_lists`).

    An unknown name is a :class:`TaskError` that lists the known ones.
    """
    from hortus.domains import task_sets

    sets = task_sets()
    if name not in sets:
        known = ", ".join(repr(k) for k in sorted(sets))
        raise TaskError(f"no bundled task set {name!r}; known: {known}")
    spec = sets[name]
    if isinstance(spec, str):  # a loader of the domain's own
        from hortus.domains import resolve

        tasks: list[Task] = resolve(spec)()
        return tasks
    package, file = spec
    ref = resources.files(package).joinpath(*file.split("/"))
    return parse_tasks(ref.read_text(encoding="utf-8"), file.split("/")[-1])


# ---------------------------------------------------------------- helpers


def _line_at(text: str, at: Pointer) -> int:
    """The line where the value at ``at`` starts (or the deepest part of it that exists)."""
    return text.count("\n", 0, _offset(text, at)) + 1


def _offset(text: str, at: Pointer) -> int:
    decoder = json.JSONDecoder()
    pos = _skip(text, 0)
    try:
        for step in at:
            found = None
            if text[pos] == "[" and isinstance(step, int):
                pos, k = _skip(text, pos + 1), 0
                while text[pos] != "]":
                    if k == step:
                        found = pos
                        break
                    pos = _skip(text, decoder.raw_decode(text, pos)[1])
                    if text[pos] == ",":
                        pos = _skip(text, pos + 1)
                    k += 1
            elif text[pos] == "{" and isinstance(step, str):
                start, pos = pos, _skip(text, pos + 1)
                while text[pos] == '"':
                    key, pos = decoder.raw_decode(text, pos)
                    pos = _skip(text, _skip(text, pos) + 1)  # past the colon
                    if key == step:
                        found = pos  # the last one wins, as in json.loads
                    pos = _skip(text, decoder.raw_decode(text, pos)[1])
                    if text[pos] == ",":
                        pos = _skip(text, pos + 1)
                pos = start
            if found is None:
                break
            pos = found
    except (ValueError, IndexError, RecursionError):
        pass
    return pos


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "an integer"
    if isinstance(v, float):
        return "a number with a fraction"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "an object"
    return type(v).__name__


def _quote(s: str) -> str:
    return show_value(s, limit=80)


def _suggest(key: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        return f" (did you mean {_quote(close[0])}?)"
    return " (known: " + ", ".join(_quote(k) for k in known) + ")"
