"""Trained modules in the library: a hole's network as a routine with its weights.

A trained hole becomes a *neural routine* named like the hole (``digit``): a routine row of
kind ``neural`` whose body is the typed hole ``??digit[image(28, 28) -> int]``, and a blob
``module:digit`` holding the weights as safetensors, with the architecture, the type and the
provenance (task, data, accuracy) in its metadata. Both are written in one transaction.

Reading one back checks everything before a tensor is built: the safetensors framing (offsets,
dtypes; no pickle anywhere), the architecture's fields (a float head holds no classes), that
the architecture fits the stored type (its head returns it, its encoder reads it), and that
every weight has exactly the name and shape the architecture gives it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from hortus._safetensors import METADATA, check_safetensors
from hortus.lang.types import TypeSyntaxError, arrow, parse_type, show_type
from hortus.library.store import MODULE_BLOB
from hortus.train.templates import Architecture, build, check_fits
from hortus.train.trainer import Module

if TYPE_CHECKING:
    from hortus.library import Library

FORMAT = "hortus-module-1"


class ModuleError(ValueError):
    """Weights that are not a module hortus wrote, or do not match their architecture."""


def to_bytes(module: Module, provenance: dict[str, Any] | None = None) -> bytes:
    import safetensors.torch

    meta = {"format": FORMAT, "type": show_type(module.tp), "architecture":
            module.arch.to_json(), "provenance": provenance or {}}
    tensors = {k: v.detach().cpu().contiguous() for k, v in module.net.state_dict().items()}
    return bytes(safetensors.torch.save(tensors, metadata={"hortus": json.dumps(meta)}))


def from_bytes(name: str, data: bytes) -> tuple[Module, dict[str, Any]]:
    """The module stored in ``data`` and its provenance; :class:`ModuleError` on anything
    that is not exactly what :func:`to_bytes` writes."""
    import safetensors.torch

    try:
        header = check_safetensors(data)
    except ValueError as e:
        raise ModuleError(f"module {name!r}: not a safetensors file: {e}") from None
    try:
        meta = json.loads(header[METADATA]["hortus"])
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ValueError(f"not a hortus module (format {FORMAT})")
        arch = Architecture.from_json(meta["architecture"])
        tp = parse_type(meta["type"])
        check_fits(arch, tp, name)  # a float head stored as an int hole's is refused
        provenance = meta.get("provenance", {})
        if not isinstance(provenance, dict):
            raise ValueError("the provenance is not an object")
    except (KeyError, TypeError, ValueError, TypeSyntaxError, RecursionError) as e:
        # HoleTypeError is a TypeError: an architecture that does not fit the stored type
        raise ModuleError(f"module {name!r}: bad metadata: {e}") from None
    net = build(arch)
    expected = {k: tuple(v.shape) for k, v in net.state_dict().items()}
    found = {k: tuple(v["shape"]) for k, v in header.items() if k != METADATA}
    if found != expected:
        missing = sorted(set(expected) - set(found))
        extra = sorted(set(found) - set(expected))
        wrong = sorted(k for k in set(found) & set(expected) if found[k] != expected[k])
        raise ModuleError(f"module {name!r}: the weights do not match the architecture "
                          f"(missing {missing[:3]}, unexpected {extra[:3]}, "
                          f"wrong shape {wrong[:3]})")
    if any(v["dtype"] != "F32" for k, v in header.items() if k != METADATA):
        raise ModuleError(f"module {name!r}: weights must be float32")
    tensors = safetensors.torch.load(bytes(data))
    if not all(bool(t.isfinite().all()) for t in tensors.values()):
        raise ModuleError(f"module {name!r}: a weight is not a finite number")
    net.load_state_dict(tensors)
    net.eval()
    return Module(name, tp, arch, net), provenance


def save_module(library: Library, name: str, module: Module,
                provenance: dict[str, Any] | None = None) -> None:
    """Store ``module`` as the neural routine ``name`` (routine and weights together)."""
    renamed = Module(name, module.tp, module.arch, module.net)
    library.add_module(name, module.tp, to_bytes(renamed, provenance), provenance or {})


def load_modules(library: Library) -> dict[str, Module]:
    """Every neural routine of ``library`` with its weights, by name."""
    out: dict[str, Module] = {}
    for r in library.routines():
        if r.kind != "neural":
            continue
        blob = library.get_blob(MODULE_BLOB + r.name)
        if blob is None:
            raise ModuleError(f"neural routine {r.name!r} has no weights in the library")
        out[r.name] = read_module(r.name, r.type, blob.data)
    return out


def read_module(name: str, tp: str, data: bytes) -> Module:
    """The neural routine ``name`` of type ``tp`` from its weights, checked to be of that type."""
    module, _ = from_bytes(name, data)
    try:
        declared = parse_type(tp)
    except TypeSyntaxError as e:
        raise ModuleError(f"neural routine {name!r} has a type that does not parse: {e}"
                          ) from None
    if arrow(*_parts(module.tp)) != arrow(*_parts(declared)):
        raise ModuleError(f"neural routine {name!r} has type {tp}, but its weights are for "
                          f"{show_type(module.tp)}")
    return module


def _parts(tp: Any) -> list[Any]:
    from hortus.lang.types import arguments, returns

    return [*arguments(tp), returns(tp)]
