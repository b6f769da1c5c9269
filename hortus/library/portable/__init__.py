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
     "modules": [{"name", "type", "weight", "provenance": {...},            # optional
                  "member", "size", "sha256"}],
     "tasks": [{"name", "request", "examples": [{"inputs", "output"}],       # optional
                "solution": null | {"program", "logprior", "time", "tried"}}]}

Bodies and programs are s-expressions with routines inline (``#(...)``), so a routine never
depends on another's name; each blob is the zip member named by ``member``
(``<blob name>.safetensors`` when the name is a plain word). No other member is allowed.

A *neural routine* (a trained module, ``hortus.train.modules``) travels in ``modules``: its
routine row and its weights as one member, the module file hortus writes (safetensors, the
architecture and type in its metadata). Importing one builds its network from the
architecture and checks every weight's name, shape, dtype and finiteness, and its type,
before anything is written (this needs PyTorch). Programs call it as a typed hole
``??name[type]``; a hole must name a neural routine of the file or the library, at its type,
and is renamed with it. A solution that calls neural routines is recorded without the fit
check: its fit is an accuracy, not an exact match. ``modules`` is written only when there
are some, so a file without them is read by a hortus that predates it.
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
