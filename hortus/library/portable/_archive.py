"""Zip members written atomically, and read safely: in memory, under limits, never extracted."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hortus._safetensors import check_safetensors
from hortus.library.portable._base import MANIFEST, MEMBER_NAME, Bad, LibraryFileError, Limits, MiB
from hortus.library.portable._manifest import check_manifest


def write_zip(target: Path, members: Mapping[str, bytes]) -> None:
    """Write to a temporary file beside ``target`` and rename: no half-written file remains."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as e:
        raise LibraryFileError(target, e.strerror or str(e), "export") from None
    try:
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w") as zf:
            for name, data in members.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a library file is meant to be shared
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise LibraryFileError(target, e.strerror or str(e), "export") from None


def read_members(path: Path, limits: Limits) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The checked manifest and the members it lists (blobs and modules' weights), read into
    memory under the limits."""
    try:
        if not path.is_file():
            raise Bad("no such file" if not path.exists() else "not a regular file")
        with path.open("rb") as f:  # read once, capped: the file may change meanwhile
            data = f.read(limits.archive + 1)
        if len(data) > limits.archive:
            raise Bad(f"the file is larger than {limits.archive:,} bytes")
    except OSError as e:
        raise Bad(f"cannot read it: {e.strerror or e}") from None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as e:  # zipfile fails in many ways on hostile bytes; each means the same
        raise Bad(f"not a zip file, or a damaged one ({_why(e)})") from None
    table = _check_entries(infos, limits)
    if MANIFEST not in table:
        raise Bad(f"no {MANIFEST} member: not a hortus library file")
    raw = _read_member(archive, table[MANIFEST], min(limits.manifest, limits.member))
    manifest = check_manifest(_load_json(raw, MANIFEST, limits.depth))
    listed = {b["member"]: (what, b) for what in ("blob", "module") for b in manifest[f"{what}s"]}
    for name in table:
        if name != MANIFEST and name not in listed:
            raise Bad(f"unexpected member {name!r} (not listed in {MANIFEST})")
    blobs = {}
    for member, (what, entry) in listed.items():
        if member not in table:
            raise Bad(f"member {member!r} of {what} {entry['name']!r} is missing")
        blob = _read_member(archive, table[member], limits.member)
        if len(blob) != entry["size"] or hashlib.sha256(blob).hexdigest() != entry["sha256"]:
            raise Bad(f"member {member!r} does not match the size and sha256 listed for it")
        try:
            check_safetensors(blob)
        except ValueError as e:
            raise Bad(f"member {member!r} is not valid safetensors: {e}") from None
        blobs[member] = blob
    return manifest, blobs


def _why(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}" if str(e) else type(e).__name__


def _check_entries(infos: list[zipfile.ZipInfo], limits: Limits) -> dict[str, zipfile.ZipInfo]:
    """Entries by name, refusing odd names, encryption, unknown compression and zip bombs."""
    if len(infos) > limits.members:
        raise Bad(f"{len(infos):,} members; at most {limits.members:,} are allowed")
    table: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.orig_filename
        if not MEMBER_NAME.fullmatch(name) or name != info.filename:
            raise Bad(f"member name {name!r} is not allowed (a plain file name is expected; "
                      f"folders and paths are refused)")
        if name in table:
            raise Bad(f"member {name!r} appears twice")
        if info.flag_bits & 0x1:
            raise Bad(f"member {name!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Bad(f"member {name!r} uses compression method {info.compress_type}; "
                      f"only stored and deflated members are read")
        if info.file_size > limits.member:
            raise Bad(f"member {name!r} is {info.file_size:,} bytes uncompressed; at most "
                      f"{limits.member:,} are allowed")
        if info.file_size > MiB and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise Bad(f"member {name!r} expands {info.file_size / max(info.compress_size, 1):,.0f}"
                      f" times ({info.compress_size:,} to {info.file_size:,} bytes): a zip bomb?")
        total += info.file_size
        if total > limits.total:
            raise Bad(f"the members hold more than {limits.total:,} bytes uncompressed")
        table[name] = info
    return table


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """A member's bytes, never more than it declares or than ``cap``, CRC checked."""
    limit = min(cap, info.file_size)
    if info.file_size > cap:
        raise Bad(f"member {info.filename!r} is larger than {cap:,} bytes")
    chunks, size = [], 0
    try:
        with archive.open(info) as f:
            while chunk := f.read(MiB):
                size += len(chunk)
                if size > limit:
                    raise Bad(f"member {info.filename!r} holds more than the {info.file_size:,}"
                              f" bytes it declares")
                chunks.append(chunk)
    except Bad:
        raise
    except Exception as e:  # a damaged stream or a CRC mismatch, however zipfile reports it
        raise Bad(f"member {info.filename!r} is damaged ({_why(e)})") from None
    return b"".join(chunks)


def _load_json(raw: bytes, what: str, depth: int) -> Any:
    def refuse(word: str) -> Any:
        raise ValueError(f"{word} is not a number JSON allows")

    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=refuse)
    except UnicodeDecodeError:
        raise Bad(f"{what} is not UTF-8 text") from None
    except RecursionError:
        raise Bad(f"{what} nests deeper than {depth} levels") from None
    except ValueError as e:
        raise Bad(f"{what} is not valid JSON ({e})") from None
    _check_depth(data, what, depth)
    return data


def _check_depth(data: Any, what: str, limit: int) -> None:
    stack = [(data, 0)]
    while stack:
        value, level = stack.pop()
        if level > limit:
            raise Bad(f"{what} nests deeper than {limit} levels")
        if isinstance(value, dict):
            stack.extend((v, level + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, level + 1) for v in value)
