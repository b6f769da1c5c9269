"""The manifest's shape, checked field by field: types, lengths, ranges, no unknown fields.

Each check is a small function ``(value, where) -> value`` that raises ``Bad`` naming the JSON
path (``routines[3].weight``); records and arrays compose them, so the whole schema of version
1 is the one table ``_ROOT``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

from hortus.library.portable._base import (
    COUNT,
    FORMAT,
    MANIFEST,
    MEMBER_NAME,
    NAME_LEN,
    SHA256,
    TEXT_LEN,
    VERSION,
    Bad,
)
from hortus.prior.grammar import MAX_WEIGHT

Check = Callable[[Any, str], Any]
MAPPING_LEN = 1_000_000  # characters of JSON in one provenance or blob meta


def _text(limit: int = TEXT_LEN, empty: bool = False) -> Check:
    def check(v: Any, where: str) -> str:
        if not isinstance(v, str):
            raise Bad(f"{where} must be a string, not {_jtype(v)}")
        if len(v) > limit or (not v and not empty):
            raise Bad(f"{where} must be a string of 1 to {limit:,} characters")
        return v
    return check


def _number(lo: float = -math.inf, hi: float = math.inf) -> Check:
    def check(v: Any, where: str) -> float:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise Bad(f"{where} must be a number, not {_jtype(v)}")
        try:
            x = float(v)  # an integer of 400 digits is no float
        except OverflowError:
            x = math.inf
        if not math.isfinite(x) or not lo <= x <= hi:
            bounds = (f" between {lo:g} and {hi:g}" if hi < math.inf else
                      f" >= {lo}" if lo > -math.inf else "")
            raise Bad(f"{where} must be a finite number{bounds}")
        return x
    return check


def _integer(lo: int, hi: int) -> Check:
    def check(v: Any, where: str) -> int:
        if isinstance(v, bool) or not isinstance(v, int):
            raise Bad(f"{where} must be an integer, not {_jtype(v)}")
        if not lo <= v <= hi:
            raise Bad(f"{where} must be between {lo} and {hi:,}")
        return v
    return check


def _any(v: Any, where: str) -> Any:
    return v


def _mapping(v: Any, where: str) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise Bad(f"{where} must be an object, not {_jtype(v)}")
    if len(json.dumps(v)) > MAPPING_LEN:
        raise Bad(f"{where} is longer than {MAPPING_LEN:,} characters of JSON")
    return v


def _items(check: Check, limit: int = COUNT) -> Check:
    def go(v: Any, where: str) -> list[Any]:
        if not isinstance(v, list):
            raise Bad(f"{where} must be an array, not {_jtype(v)}")
        if len(v) > limit:
            raise Bad(f"{where} has {len(v):,} items; at most {limit:,} are allowed")
        return [check(x, f"{where}[{k}]") for k, x in enumerate(v)]
    return go


def _record(required: Mapping[str, Check], optional: Mapping[str, Check] | None = None
            ) -> Check:
    optional = optional or {}

    def check(v: Any, where: str) -> dict[str, Any]:
        if not isinstance(v, dict):
            raise Bad(f"{where} must be an object, not {_jtype(v)}")
        for key in v:
            if key not in required and key not in optional:
                raise Bad(f"{where} has an unknown field {key!r}")
        for key in required:
            if key not in v:
                raise Bad(f"{where} lacks the field {key!r}")
        return {key: (required.get(key) or optional[key])(x, f"{where}.{key}" if where else key)
                for key, x in v.items()}
    return check


def _nullable(check: Check) -> Check:
    return lambda v, where: None if v is None else check(v, where)


def _jtype(v: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "true/false",
             int: "an integer", float: "a number", type(None): "null"}
    return names.get(type(v), type(v).__name__)


_WEIGHT = _number(-MAX_WEIGHT, MAX_WEIGHT)
_MEMBER = {"member": _text(200), "size": _integer(0, 1 << 62), "sha256": _text(64)}
_ROOT = _record({
    "format": _text(), "version": _integer(0, 1 << 31),
    "primitives": _items(_record({"name": _text(NAME_LEN), "type": _text(),
                                  "weight": _WEIGHT}), 100_000),
    "log_variable": _WEIGHT,
    "routines": _items(_record({"name": _text(NAME_LEN), "body": _text(), "type": _text(),
                                "weight": _WEIGHT, "provenance": _mapping}), 100_000),
    "bigram": _items(_record({"parent": _text(), "arg": _integer(0, 64), "child": _text(),
                              "weight": _WEIGHT})),
    "blobs": _items(_record({"name": _text(NAME_LEN), "kind": _text(64), "meta": _mapping,
                             **_MEMBER}), 1_000),
}, {
    "modules": _items(_record({"name": _text(NAME_LEN), "type": _text(), "weight": _WEIGHT,
                               "provenance": _mapping, **_MEMBER}), 1_000),
    "hortus": _text(64, empty=True), "exported_at": _text(64, empty=True),
    "primitive_set": _text(NAME_LEN, empty=True),
    "tasks": _items(_record({
        "name": _text(1_000), "request": _text(10_000),
        "examples": _items(_record({"inputs": _items(_any, 1_000), "output": _any}), 10_000),
        "solution": _nullable(_record({"program": _text(), "logprior": _number(),
                                       "time": _number(0.0), "tried": _integer(0, 1 << 62)})),
    }), 100_000),
})


def check_manifest(data: Any) -> dict[str, Any]:
    """The manifest, every field checked; format and version first, for the clearest message."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Bad(f"{MANIFEST} does not say format {FORMAT!r}: not a hortus library file")
    version = data.get("version")
    if version != VERSION or isinstance(version, bool):
        what = f"format version {version}" if type(version) is int else \
            f"a format version that is not an integer ({version!r})"
        raise Bad(f"{MANIFEST} has {what}; this hortus reads version {VERSION}")
    manifest: dict[str, Any] = _ROOT(data, "")
    manifest.setdefault("modules", [])
    for k, b in enumerate(manifest["blobs"]):
        if b["kind"] != "safetensors":
            raise Bad(f"blobs[{k}].kind is {b['kind']!r}; only 'safetensors' blobs are read")
    members: set[str] = set()
    for field in ("blobs", "modules"):
        for k, b in enumerate(manifest[field]):
            where = f"{field}[{k}]"
            if not MEMBER_NAME.fullmatch(b["member"]) or not b["member"].endswith(
                    ".safetensors") or b["member"] == MANIFEST:
                raise Bad(f"{where}.member {b['member']!r} is not a plain '<name>.safetensors'")
            if b["member"] in members:
                raise Bad(f"{where}.member {b['member']!r} appears twice")
            members.add(b["member"])
            if not SHA256.fullmatch(b["sha256"]):
                raise Bad(f"{where}.sha256 is not 64 lowercase hex digits")
    for field, key in (("blobs", "name"), ("routines", "name"), ("primitives", "name"),
                       ("modules", "name")):
        seen: set[str] = set()
        for k, item in enumerate(manifest[field]):
            if item[key] in seen:
                raise Bad(f"{field}[{k}].{key} {item[key]!r} appears twice")
            seen.add(item[key])
    return manifest
