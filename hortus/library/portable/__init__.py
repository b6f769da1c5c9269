"""Portable library files: a zip of JSON and safetensors members, written and read without pickle.

A library file carries what one library has learned (invented routines, weights, the bigram
table, model weights kept as safetensors blobs and, optionally, tasks with their best
solutions) to another. Reading one must be safe whatever its origin: nothing in it is executed,
members are read into memory under size limits and never extracted, the JSON is checked field
by field, programs are parsed and type-checked by hortus itself, and safetensors headers are
checked against the bytes they describe. Any problem raises :class:`LibraryFileError`, naming
the file and what is wrong, before anything is written; the import itself is one transaction.

Format (``hortus-library.json``, version 1)::

    {"format": "hortus-library", "version": 1, "hortus": "0.1.0", "primitive_set": "base",
     "exported_at": "2025-01-01T00:00:00+00:00",
     "primitives": [{"name", "type", "weight"}], "log_variable": float,
     "routines": [{"name", "body", "type", "weight", "provenance": {...}}],
     "bigram": [{"parent", "arg", "child", "weight"}],   # keys as in Grammar.bigram
     "blobs": [{"name", "member", "kind": "safetensors", "meta": {...}, "size", "sha256"}],
     "tasks": [{"name", "request", "examples": [{"inputs", "output"}],       # optional
                "solution": null | {"program", "logprior", "time", "tried"}}]}

Bodies and programs are s-expressions with routines inline (``#(...)``), so a routine never
depends on another's name; each blob is the zip member named by ``member``
(``<blob name>.safetensors`` when the name is a plain word). No other member is allowed.
"""

from __future__ import annotations

from hortus._safetensors import check_safetensors
from hortus.library.portable._base import (
    FORMAT,
    LIMITS,
    MANIFEST,
    VERSION,
    LibraryFileError,
    Limits,
)
from hortus.library.portable._export import ExportSummary, export_library
from hortus.library.portable._import import ImportSummary, import_library

__all__ = [
    "FORMAT",
    "LIMITS",
    "MANIFEST",
    "VERSION",
    "ExportSummary",
    "ImportSummary",
    "LibraryFileError",
    "Limits",
    "check_safetensors",
    "export_library",
    "import_library",
]
