"""The list domain: integer list processing, DreamCoder's list tasks and hortus's own.

Its values (ints, bools, lists) are the core language's, so it brings no codec and no
primitive of its own: it brings the task sets, and ``hortus bench lists``, ``learn-lists``,
``extrapolate`` and ``enumerate`` measure it.
"""

from __future__ import annotations

from hortus.domains import Domain

DOMAIN = Domain(
    name="lists",
    summary="integer list processing: DreamCoder's 217 list tasks and hortus's 93",
    task_sets={"lists": ("hortus.tasks", "data/dreamcoder_list_tasks.json"),
               "hortus-lists": ("hortus.tasks", "data/hortus_list_tasks.json")},
)
