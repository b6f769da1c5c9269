"""Writing a library file: the manifest from the library's records, blobs as members."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hortus._safetensors import check_safetensors
from hortus.library.portable._archive import write_zip
from hortus.library.portable._base import FORMAT, MANIFEST, MEMBER_NAME, VERSION, LibraryFileError
from hortus.library.store import MODULE_BLOB

if TYPE_CHECKING:
    from hortus.library.records import RoutineRecord
    from hortus.library.store import Library



@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote, and what it left out (blobs that are not safetensors)."""

    path: str
    routines: int  # invented routines written
    blobs: tuple[str, ...]  # blobs written
    modules: tuple[str, ...]  # neural routines written, with their weights
    skipped: tuple[str, ...]  # what was left out, and why
    tasks: int
    solutions: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def export_library(library: Library, path: str | os.PathLike[str], *,
                   tasks: bool = True) -> ExportSummary:
    """Write ``library`` to the zip file ``path`` (replaced whole, or left as it was)."""
    target = Path(path)
    routines = library.routines()
    grammar = library.grammar()  # refuses a library with routines this hortus cannot use
    invented = [r for r in routines if r.kind == "invented"]
    skipped: list[str] = []
    manifest: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "hortus": _hortus_version(),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "primitive_set": library.meta().get("primitive_set", ""),
        "primitives": [{"name": r.name, "type": r.type, "weight": r.weight}
                       for r in routines if r.kind == "primitive"],
        "log_variable": grammar.log_variable,
        "routines": [{"name": r.name, "body": r.body, "type": r.type, "weight": r.weight,
                      "provenance": r.provenance} for r in invented],
        "bigram": [{"parent": parent, "arg": arg, "child": child, "weight": w}
                   for (parent, arg), table in grammar.bigram.items()
                   for child, w in table.items()],
        "blobs": [],
    }
    members: dict[str, bytes] = {}
    modules = _module_entries(library, routines, members, skipped)
    if modules:  # absent otherwise: a file without modules stays readable by older hortus
        manifest["modules"] = modules
    for name in library.blobs():
        blob = library.get_blob(name)
        if blob is None or name in {f"{MODULE_BLOB}{m['name']}" for m in modules}:
            continue
        if blob.kind != "safetensors":
            skipped.append(f"blob {name!r}: kind {blob.kind!r}, only safetensors are exported")
            continue
        try:
            check_safetensors(blob.data)
        except ValueError as e:
            skipped.append(f"blob {name!r}: not valid safetensors ({e})")
            continue
        member = _member_for(name, members)
        members[member] = blob.data
        manifest["blobs"].append({"name": name, "kind": blob.kind, "meta": blob.meta,
                                  **_member_entry(member, blob.data)})
    solutions = 0
    if tasks:
        manifest["tasks"] = entries = _task_entries(library)
        solutions = sum(e["solution"] is not None for e in entries)
    try:
        text = json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=1,
                          allow_nan=False)
    except ValueError as e:
        raise LibraryFileError(target, f"the library holds a weight JSON cannot hold ({e})",
                               "export") from None
    write_zip(target, {MANIFEST: text.encode("utf-8"), **members})
    return ExportSummary(str(target), len(invented), tuple(m["name"] for m in manifest["blobs"]),
                         tuple(m["name"] for m in modules), tuple(skipped),
                         len(manifest.get("tasks", ())), solutions)


def _hortus_version() -> str:
    from hortus import __version__

    return __version__


def _module_entries(library: Library, routines: list[RoutineRecord], members: dict[str, bytes],
                    skipped: list[str]) -> list[dict[str, Any]]:
    """The neural routines, each with its weights as a member (added to ``members``)."""
    entries = []
    for r in routines:
        if r.kind != "neural":
            continue
        blob = library.get_blob(f"{MODULE_BLOB}{r.name}")
        try:
            if blob is None:
                raise ValueError("no weights in the library")
            check_safetensors(blob.data)
        except ValueError as e:
            skipped.append(f"neural routine {r.name!r}: its weights are not exported ({e})")
            continue
        member = _member_for(f"module-{r.name}", members)
        members[member] = blob.data
        entries.append({"name": r.name, "type": r.type, "weight": r.weight,
                        "provenance": r.provenance, **_member_entry(member, blob.data)})
    return entries


def _member_entry(member: str, data: bytes) -> dict[str, Any]:
    return {"member": member, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _member_for(name: str, taken: Mapping[str, bytes]) -> str:
    member = f"{name}.safetensors"
    k = 0
    while not MEMBER_NAME.fullmatch(member) or member in taken or member == MANIFEST:
        k += 1
        member = f"blob-{k}.safetensors"
    return member


def _task_entries(library: Library) -> list[dict[str, Any]]:
    """Every task, with the best solution of its most recent solved search."""
    best: dict[int, Any] = {}
    for s in library.solutions():  # most recent search first, by rank
        if s.task_id not in best:
            best[s.task_id] = s
    return [{"name": t.name, "request": t.request, "examples": list(t.examples),
             "solution": None if t.id not in best else {
                 "program": best[t.id].program, "logprior": best[t.id].logprior,
                 "time": best[t.id].time, "tried": best[t.id].tried}}
            for t in library.tasks()]
