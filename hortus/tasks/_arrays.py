"""Arrays for task files: a value ``{"$array": "name"}`` is the array ``name`` of the ``.npz``
file beside the task file (``digits.jsonl`` and ``digits.npz``).

An ``.npz`` is a zip of ``.npy`` files. Each array is read on its own when a task names it:
its size is checked from the zip's directory before anything is decompressed, and it is
read with pickling refused, so a hostile file can neither run code nor fill the memory.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

ARRAY_KEY = "$array"
MAX_ARRAY_BYTES = 64 << 20  # one array, decompressed: 8 million float64 numbers


class ArrayFile:
    """The arrays of one ``.npz`` file, read lazily, each at most once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._read: dict[str, Any] = {}

    @classmethod
    def beside(cls, task_file: Path) -> ArrayFile | None:
        npz = task_file.with_suffix(".npz")
        return cls(npz) if npz.is_file() else None

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def get(self, name: str) -> Any:
        """The array ``name``; ValueError saying why it cannot be had."""
        found = self._read.get(name)
        if found is None:
            found = self._read[name] = self._load(name)
        return found

    def _load(self, name: str) -> Any:
        import numpy as np

        archive = self._open()
        member = f"{name}.npy"
        try:
            info = archive.getinfo(member)
        except KeyError:
            known = sorted(n.removesuffix(".npy") for n in archive.namelist())
            shown = ", ".join(repr(k) for k in known[:5]) + (", ..." if len(known) > 5 else "")
            raise ValueError(f"{self.path.name} has no array {name!r} (it has {shown or 'none'})"
                             ) from None
        if info.file_size > MAX_ARRAY_BYTES:
            raise ValueError(f"array {name!r} of {self.path.name} is {info.file_size:,} bytes, "
                             f"more than {MAX_ARRAY_BYTES >> 20} MiB")
        try:
            with archive.open(info) as f:
                array = np.lib.format.read_array(f, allow_pickle=False)
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
            raise ValueError(f"array {name!r} of {self.path.name} cannot be read: {e}") from None
        if array.dtype.kind not in "biuf":
            raise ValueError(f"array {name!r} of {self.path.name} holds {array.dtype} values, "
                             f"not numbers")
        return array

    def _open(self) -> zipfile.ZipFile:
        if self._zip is None:
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError) as e:
                raise ValueError(f"{self.path.name} is not an .npz file: {e}") from None
        return self._zip


def is_reference(v: Any) -> bool:
    return isinstance(v, dict) and len(v) == 1 and ARRAY_KEY in v


def resolve_arrays(v: Any, arrays: ArrayFile | None) -> Any:
    """``v`` with every ``{"$array": name}`` inside replaced by that array."""
    if is_reference(v):
        name = v[ARRAY_KEY]
        if not isinstance(name, str):
            raise ValueError(f'"{ARRAY_KEY}" names an array by a string, got {name!r}')
        if arrays is None:
            raise ValueError(f"refers to array {name!r}, but no .npz file is beside the task "
                             f"file")
        return arrays.get(name)
    if isinstance(v, list):
        return [resolve_arrays(x, arrays) for x in v]
    if isinstance(v, dict):
        return {k: resolve_arrays(x, arrays) for k, x in v.items()}
    return v
