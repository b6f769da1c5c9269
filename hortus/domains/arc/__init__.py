"""The ARC domain: grids of colours, the objects in them, and the transformations between them.

Types (``grid``, ``color``, ``object``; positions are the core's ints and pairs) and their
codecs are in :mod:`.codecs`, the values in :mod:`.values`, the primitive table in
:mod:`.primitives` (implemented in :mod:`.ops`), and ARC's task files and ARC-AGI-1 in
:mod:`.data`. A library uses it when created with it: ``hortus library init --domain arc``.
"""

from __future__ import annotations

from hortus.domains import Domain
from hortus.domains.arc.codecs import CODECS

DOMAIN = Domain(
    name="arc",
    summary="ARC grids: colours, objects, symmetries, scaling, gravity, fills",
    primitives=("hortus.domains.arc.primitives",),
    deduced=("hortus.domains.arc.rules",),
    codecs=CODECS,
    readers=("hortus.domains.arc.data:read_arc",),
    tailor="hortus.domains.arc.prior:for_task",
    task_sets={"arc-training": "hortus.domains.arc.data:training",
               "arc-evaluation": "hortus.domains.arc.data:evaluation"},
    default=False,
)
