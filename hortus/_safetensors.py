"""A safetensors file checked without loading it: header length, JSON header, tensor offsets.

Shared by the recognition model's loader (``hortus.prior``) and library import and export
(``hortus.library``), which must not depend on each other's packages.
"""

from __future__ import annotations

import json
import math
from typing import Any

_DTYPES = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1, "I16": 2,
           "U16": 2, "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8,
           "F64": 8, "C64": 8}
_HEADER_LIMIT = 100_000_000  # what the safetensors library itself accepts
METADATA = "__metadata__"  # the header's one entry that is not a tensor


def check_safetensors(data: bytes) -> dict[str, Any]:
    """The JSON header of ``data``; ValueError unless ``data`` is a well-formed safetensors file.

    The 8-byte header length, the JSON header and every tensor's dtype, shape and offsets are
    checked against the bytes that follow, which must be covered exactly, without holes.
    """
    if len(data) < 8:
        raise ValueError(f"{len(data)} bytes, shorter than the 8-byte header length")
    n = int.from_bytes(data[:8], "little")
    if n > min(len(data) - 8, _HEADER_LIMIT):
        raise ValueError(f"the header claims {n:,} bytes, but {len(data) - 8:,} follow")
    try:
        header = json.loads(bytes(data[8:8 + n]).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise ValueError(f"the header is not JSON ({type(e).__name__})") from None
    if not isinstance(header, dict):
        raise ValueError("the header is not a JSON object")
    size = len(data) - 8 - n
    spans = []
    for name, t in header.items():
        if name == METADATA:
            if not isinstance(t, dict) or not all(isinstance(v, str) for v in t.values()):
                raise ValueError(f"{METADATA} must map strings to strings")
            continue
        spans.append(_tensor_span(name, t))
    end = 0
    for begin, stop, name in sorted(spans):
        if begin != end:
            raise ValueError(f"tensor {name!r} starts at byte {begin:,}, not {end:,} (holes or "
                             f"overlaps)")
        end = stop
    if end != size:
        raise ValueError(f"the tensors cover {end:,} bytes, but the data has {size:,}")
    return header


def _tensor_span(name: str, t: Any) -> tuple[int, int, str]:
    if not isinstance(t, dict) or set(t) != {"dtype", "shape", "data_offsets"}:
        raise ValueError(f"tensor {name!r} must have exactly dtype, shape and data_offsets")
    dtype, shape, offsets = t["dtype"], t["shape"], t["data_offsets"]
    if dtype not in _DTYPES:
        raise ValueError(f"tensor {name!r} has unknown dtype {dtype!r}")
    if not isinstance(shape, list) or len(shape) > 64 or not all(
            type(d) is int and d >= 0 for d in shape):
        raise ValueError(f"tensor {name!r} has a bad shape {shape!r}")
    if not isinstance(offsets, list) or len(offsets) != 2 or not all(
            type(o) is int and o >= 0 for o in offsets) or offsets[0] > offsets[1]:
        raise ValueError(f"tensor {name!r} has bad data_offsets {offsets!r}")
    need = math.prod(shape) * _DTYPES[dtype]
    if offsets[1] - offsets[0] != need:
        raise ValueError(f"tensor {name!r} of shape {shape} needs {need:,} bytes, but its "
                         f"offsets give {offsets[1] - offsets[0]:,}")
    return offsets[0], offsets[1], name
