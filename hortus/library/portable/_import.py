"""Reading a library file into a library: checked against it, then written in one transaction."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hortus.library.errors import LibraryError
from hortus.library.portable._archive import read_members
from hortus.library.portable._base import LIMITS, NAME_LEN, VERSION, Bad, LibraryFileError, Limits

if TYPE_CHECKING:
    from hortus.lang.program import Hole, Program
    from hortus.lang.types import Type
    from hortus.library.records import RoutineRecord
    from hortus.library.store import Library, NewModule, NewRoutine
    from hortus.prior.grammar import Grammar
    from hortus.search._base import SearchResult
    from hortus.tasks.task import Task


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, for the command line's table and ``--json``."""

    path: str
    added: tuple[str, ...]  # routines added, by their name in the library
    skipped: tuple[tuple[str, str], ...]  # (name in the file, library's name): same body
    renamed: tuple[tuple[str, str], ...]  # (name in the file, name given)
    weights_replaced: bool  # primitive weights, log_variable and bigram table taken from file
    modules: tuple[str, ...]  # neural routines added, with their weights
    blobs_added: tuple[str, ...]
    blobs_replaced: tuple[str, ...]
    blobs_kept: tuple[str, ...]  # differ from the library's, kept without replace_weights
    tasks: int  # tasks new to the library
    solutions: int  # solutions recorded (under run ``run_id``)
    run_id: int | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def import_library(library: Library, path: str | os.PathLike[str], *,
                   replace_weights: bool = False, rename: bool = False, tasks: bool = True,
                   limits: Limits = LIMITS) -> ImportSummary:
    """Merge the library file ``path`` into ``library``: everything, or nothing and an error.

    A routine whose body the library already has is skipped (the library's name is kept); one
    whose name is taken by a different body is an error, or with ``rename`` is added as
    ``name-2`` (``-3``, ...). Neural routines are matched by their weights the same way, and
    the programs that call one are renamed with it. Imported routines get the file's weights; with
    ``replace_weights`` the file's primitive and routine weights, variable weight and bigram
    table replace the library's, and its blobs replace blobs of the same name (else those are
    kept). With ``tasks``, the file's tasks are added and their solutions recorded in a new
    run of command ``import``.
    """
    target = Path(path)
    try:
        manifest, members = read_members(target, limits)
        plan = _Plan(library, manifest, members, target.name, replace_weights, rename, tasks)
        _check_solutions(plan.results, plan.solution_where, limits)
    except Bad as e:
        raise LibraryFileError(target, str(e)) from None
    try:
        run_id = library.merge(plan.routines, modules=plan.modules, grammar=plan.grammar,
                               blobs=plan.blobs, tasks=plan.tasks, results=plan.results,
                               run=("import", {"file": target.name, "version": VERSION}))
    except LibraryError as e:  # a name the store refuses, or a library changed meanwhile
        raise LibraryFileError(target, str(e)) from None
    return ImportSummary(str(target), tuple(r.name for r in plan.routines), tuple(plan.skipped),
                         tuple(plan.renamed), replace_weights,
                         tuple(m.name for m in plan.modules),
                         tuple(b[0] for b in plan.blobs if b[0] not in plan.replaced),
                         tuple(plan.replaced), tuple(plan.kept), len(plan.tasks),
                         len(plan.results), run_id)


class _Plan:
    """What importing a checked manifest would write, decided against the library's contents."""

    def __init__(self, library: Library, manifest: Mapping[str, Any],
                 members: Mapping[str, bytes], file: str, replace_weights: bool, rename: bool,
                 tasks: bool) -> None:
        from hortus.lang.types import TypeSyntaxError, canonical, parse_type

        self.file = file
        existing = library.routines()
        self.primitives = {r.name: r.type for r in existing if r.kind == "primitive"}
        taken = {r.name for r in existing}
        by_body = {r.body: r.name for r in existing if r.body is not None}
        for k, p in enumerate(manifest["primitives"]):
            where = f"primitives[{k}] {p['name']!r}"
            if p["name"] not in self.primitives:
                raise Bad(f"{where} is not a primitive of the importing library")
            try:
                same = canonical(parse_type(p["type"])) == canonical(
                    parse_type(self.primitives[p["name"]]))
            except TypeSyntaxError as e:
                raise Bad(f"{where}.type does not parse: {e}") from None
            if not same:
                raise Bad(f"{where} has type {p['type']} in the file but "
                          f"{self.primitives[p['name']]} here")
        self.routines: list[NewRoutine] = []
        self.skipped: list[tuple[str, str]] = []
        self.renamed: list[tuple[str, str]] = []
        self.modules: list[NewModule] = []
        self.holes: dict[str, tuple[str, Type]] = {}  # a hole's name in the file -> its module
        self._modules(library, existing, manifest, members, rename, taken)
        weighed: list[tuple[Program, Type, float]] = []
        bodies: set[str] = set()
        for k, r in enumerate(manifest["routines"]):
            body, tp, text = self._routine(k, r)
            if text in bodies:
                raise Bad(f"routines[{k}] {r['name']!r} repeats the body of an earlier routine")
            bodies.add(text)
            weighed.append((body, tp, r["weight"]))
            if text in by_body:
                self.skipped.append((r["name"], by_body[text]))
                continue
            name = self._free(k, "routines", r["name"], taken, rename)
            self.routines.append(_new_routine(body, name, r["weight"], r["provenance"], file))
        self.grammar = self._grammar(manifest, weighed, by_body) if replace_weights else None
        self.blobs, self.replaced, self.kept = self._blobs(library, manifest, members,
                                                           replace_weights)
        self.tasks: list[Task] = []
        self.results: list[tuple[Task, SearchResult]] = []
        self.solution_where: list[str] = []  # where each result's solution is in the file
        if tasks:
            self._tasks(library, manifest.get("tasks", []))

    def _modules(self, library: Library, existing: list[RoutineRecord],
                 manifest: Mapping[str, Any], members: Mapping[str, bytes], rename: bool,
                 taken: set[str]) -> None:
        """Plan the file's neural routines, their weights checked: each is new, the library's
        already (the same weights), or renamed; ``self.holes`` maps every hole a program may
        name (the library's neural routines and the file's) to its routine."""
        from hortus.lang.parse import HOLE_NAME
        from hortus.library.store import MODULE_BLOB, NewModule

        by_weights: dict[bytes, str] = {}
        for r in existing:
            if r.kind == "neural":
                blob = library.get_blob(MODULE_BLOB + r.name)
                self.holes[r.name] = (r.name, _type(r.type, f"neural routine {r.name!r}"))
                if blob is not None:
                    by_weights[blob.data] = r.name
        taken |= {b[len(MODULE_BLOB):] for b in library.blobs() if b.startswith(MODULE_BLOB)}
        for k, m in enumerate(manifest["modules"]):
            where = f"modules[{k}] {m['name']!r}"
            if not HOLE_NAME.fullmatch(m["name"]):
                raise Bad(f"{where}: a neural routine's name is its hole's, letters, digits, "
                          f"'_', '-' and '.'")
            data = members[m["member"]]
            tp = self._module_type(where, m, data)
            same = by_weights.get(data)
            if same is not None and self.holes[same][1] == tp:
                self.skipped.append((m["name"], same))
                self.holes[m["name"]] = self.holes[same]
                continue
            name = self._free(k, "modules", m["name"], taken, rename)
            self.holes[m["name"]] = (name, tp)
            self.modules.append(NewModule(name, tp, data, m["weight"], {
                **m["provenance"], "imported_from": self.file}))

    def _module_type(self, where: str, m: Mapping[str, Any], data: bytes) -> Type:
        """The module's type, once its weights are checked against its architecture."""
        tp = _type(m["type"], where)
        try:
            from hortus.train.modules import ModuleError, read_module

            read_module(m["name"], m["type"], data)
        except ImportError as e:
            raise Bad(f"{where} is a neural module; checking its weights needs PyTorch and "
                      f"safetensors ({e}): pip install 'hortus[digits]'") from None
        except ModuleError as e:
            raise Bad(f"{where}: {e}") from None
        return tp

    def _free(self, k: int, field: str, name: str, taken: set[str], rename: bool) -> str:
        """``name`` if it is free in the library, else a new one with ``rename``, else Bad."""
        if name in taken:
            if not rename:
                what = "primitive" if name in self.primitives else "routine"
                raise Bad(f"{field}[{k}]: the library already has a {what} named {name!r} "
                          f"with a different body; import with rename to add this one under "
                          f"another name")
            new = _free_name(name, taken)
            self.renamed.append((name, new))
            name = new
        taken.add(name)
        return name

    def _program(self, text: str, where: str, request: Type | None = None) -> tuple[Program,
                                                                                     Type]:
        """Parse and type-check program text, refusing unknown primitives and holes that do
        not name a neural routine of the file or the library (renamed as it was)."""
        from hortus.lang.infer import ProgramTypeError, infer
        from hortus.lang.parse import ProgramSyntaxError, parse
        from hortus.lang.program import Hole
        from hortus.lang.rewrite import map_holes

        try:
            program = parse(text)
        except ProgramSyntaxError as e:
            raise Bad(f"{where} does not parse: {e}") from None
        for node in _primitives_in(program):
            if isinstance(node, Hole):
                self._hole(node, where)
            elif node not in self.primitives and not _literal(node):
                raise Bad(f"{where} uses the primitive {node!r}, which the importing library "
                          f"does not have")
        program = map_holes(program, lambda h: h if h.name is None else
                            Hole(h.tp, self.holes[h.name][0]))
        try:
            return program, infer(program, request=request)
        except ProgramTypeError as e:
            raise Bad(f"{where} does not type-check: {e}") from None

    def _hole(self, hole: Hole, where: str) -> None:
        from hortus.lang.types import canonical, show_type

        module = None if hole.name is None else self.holes.get(hole.name)
        if module is None or hole.tp is None:
            raise Bad(f"{where} has the hole {hole}, which is not a typed call of a neural "
                      f"routine of the file or the library")
        if canonical(hole.tp) != module[1]:
            raise Bad(f"{where} calls the neural routine {hole.name!r} at type "
                      f"{show_type(hole.tp)}, but it has type {show_type(module[1])}")

    def _routine(self, k: int, r: Mapping[str, Any]) -> tuple[Program, Type, str]:
        from hortus.lang.program import show
        from hortus.lang.types import TypeSyntaxError, canonical, parse_type

        where = f"routines[{k}] {r['name']!r}"
        body, tp = self._program(r["body"], f"{where}: the body")
        try:
            declared = canonical(parse_type(r["type"]))
        except TypeSyntaxError as e:
            raise Bad(f"{where}.type does not parse: {e}") from None
        if declared != tp:
            raise Bad(f"{where} is declared {declared} but its body has type {tp}")
        return body, tp, show(body)

    def _grammar(self, manifest: Mapping[str, Any], weighed: list[tuple[Program, Type, float]],
                 by_body: Mapping[str, str]) -> Grammar:
        """The file's weights and bigram table as a grammar over the merged library."""
        from hortus.lang.primitives import lookup
        from hortus.lang.program import Hole, Routine
        from hortus.prior.grammar import VARIABLE, Grammar, Production, key_of

        prods = [Production(lookup(p["name"]), lookup(p["name"]).tp, p["weight"])
                 for p in manifest["primitives"]]
        prods += [Production(Routine(body), tp, w) for body, tp, w in weighed]
        prods += [Production(Hole(m.tp, m.name), m.tp, m.weight) for m in self.modules]
        keys = set(self.primitives) | {f"#{body}" for body in by_body}
        keys |= {key_of(Hole(tp, name)) for name, tp in self.holes.values()}
        keys |= {p.key for p in prods}
        known: dict[str, str] = {VARIABLE: VARIABLE}  # key text -> key, each parsed once
        table: dict[tuple[str, int], dict[str, float]] = {}
        for k, b in enumerate(manifest["bigram"]):
            where = f"bigram[{k}]"
            parent = known.get(b["parent"]) or self._key(b["parent"], f"{where}.parent", keys)
            child = known.get(b["child"]) or self._key(b["child"], f"{where}.child", keys)
            if parent == VARIABLE:
                raise Bad(f"{where}.parent is {VARIABLE!r}: variables take no arguments")
            known[b["parent"]], known[b["child"]] = parent, child
            weights = table.setdefault((parent, b["arg"]), {})
            if child in weights:
                raise Bad(f"{where} repeats the entry ({parent}, {b['arg']}, {child})")
            weights[child] = b["weight"]
        return Grammar(tuple(prods), manifest["log_variable"], table)

    def _key(self, text: str, where: str, keys: set[str]) -> str:
        from hortus.prior.grammar import key_of

        key = key_of(self._program(text, where)[0])
        if key not in keys:
            raise Bad(f"{where} {text[:80]!r} is neither a primitive nor a routine of the "
                      f"merged library")
        return key

    def _blobs(self, library: Library, manifest: Mapping[str, Any],
               members: Mapping[str, bytes], replace: bool
               ) -> tuple[list[tuple[str, bytes, str, Mapping[str, Any]]], list[str], list[str]]:
        writes, replaced, kept = [], [], []
        from hortus.library.store import MODULE_BLOB

        for k, b in enumerate(manifest["blobs"]):
            if b["name"].startswith(MODULE_BLOB):
                raise Bad(f"blobs[{k}] is named {b['name']!r}: a neural routine's weights "
                          f"travel in 'modules', with the routine")
            data = members[b["member"]]
            old = library.get_blob(b["name"])
            if old is not None and old.data == data and old.kind == b["kind"]:
                continue
            if old is not None and not replace:
                kept.append(b["name"])
                continue
            if old is not None:
                replaced.append(b["name"])
            writes.append((b["name"], data, b["kind"], b["meta"]))
        return writes, replaced, kept

    def _tasks(self, library: Library, entries: list[dict[str, Any]]) -> None:
        from hortus.lang.program import show
        from hortus.lang.types import parse_type
        from hortus.library.codec import decode_examples, encode_examples, task_digest
        from hortus.search._base import Candidate, SearchResult
        from hortus.tasks.task import Task

        digests = {t.id: t.digest for t in library.tasks()}
        known = {(digests.get(s.task_id), s.program) for s in library.solutions()}
        seen = set(digests.values())
        for k, e in enumerate(entries):
            where = f"tasks[{k}] {e['name'][:80]!r}"
            try:
                request = parse_type(e["request"])
                task = Task.build(e["name"], decode_examples(e["examples"], request), request)
                digest = task_digest(task.name, str(task.request), encode_examples(task))
            except (ValueError, TypeError, KeyError, IndexError, RecursionError) as x:
                raise Bad(f"{where} is not a valid task: {x}") from None
            if digest not in seen:
                seen.add(digest)
                self.tasks.append(task)
            solution = e["solution"]
            if solution is None:
                continue
            program, _ = self._program(solution["program"], f"{where}: the solution",
                                       task.request)
            if (digest, show(program)) in known:
                continue
            known.add((digest, show(program)))
            found = Candidate(program, solution["logprior"], solution["time"],
                              solution["tried"])
            self.solution_where.append(f"{where}: the solution")
            self.results.append((task, SearchResult(task.name, [found], solution["tried"],
                                                    solution["time"], None,
                                                    {"imported_from": self.file})))


def _check_solutions(results: list[tuple[Task, SearchResult]], where: list[str],
                     limits: Limits) -> None:
    """Refuse a solution that does not give its task's outputs: a library's solutions are
    programs that fit, whatever a file claims (floats within the judge's tolerance). All share
    one budget, in steps (and time). A program that calls neural routines is a hypothesis with
    an accuracy, not a fit; it is recorded as it is."""
    from hortus.eval.budget import Budget
    from hortus.eval.interpreter import evaluate_armed
    from hortus.eval.judge import FLOAT_TOLERANCE, fits
    from hortus.lang.program import Hole
    from hortus.lang.runtime import BudgetExceeded, EvalError

    with Budget(steps=limits.check_steps, time=limits.check_time).active():
        for (task, result), at in zip(results, where, strict=True):
            program = result.solutions[0].program
            if any(isinstance(node, Hole) for node in program.walk()):
                continue
            envs, outputs = task.internal
            got = []
            for k, env in enumerate(envs, 1):
                try:
                    got.append(evaluate_armed(program, tuple(reversed(env))))
                except BudgetExceeded as e:
                    if e.budget not in ("steps", "time"):
                        raise Bad(f"{at} fails on example {k} of its task: {e}") from None
                    raise Bad(f"{at} ran past the budget for checking solutions on their "
                              f"examples, {limits.check_steps:,} steps and "
                              f"{limits.check_time:g} s in all, on example {k} ({e})") from None
                except EvalError as e:
                    raise Bad(f"{at} fails on example {k} of its task: {e}") from None
            if fits(got, outputs):
                continue
            for k, (g, want) in enumerate(zip(got, outputs, strict=True), 1):
                if not fits([g], [want]):
                    raise Bad(f"{at} does not fit example {k} of its task: its output is "
                              f"not the example's" + (f" (float outputs count within a mean "
                                                      f"squared error of {FLOAT_TOLERANCE:g})"
                                                      if isinstance(want, float) else ""))
            raise Bad(f"{at} does not fit its task: the mean squared error of its float "
                      f"outputs is above {FLOAT_TOLERANCE:g}")


def _literal(name: str) -> bool:
    """Is ``name`` an int or float literal (which any library has)?"""
    from hortus.lang.primitives import builtins, resolve_builtin

    return name not in builtins() and resolve_builtin(name) is not None


def _type(text: str, where: str) -> Type:
    from hortus.lang.types import TypeSyntaxError, canonical, parse_type

    try:
        return canonical(parse_type(text))
    except TypeSyntaxError as e:
        raise Bad(f"{where}.type does not parse: {e}") from None


def _primitives_in(program: Program) -> Iterator[str | Hole]:
    """Names of the primitives used, routine bodies included, and the holes."""
    from hortus.lang.program import Hole, Primitive, Routine

    stack, seen = [program], set()
    while stack:
        for node in stack.pop().walk():
            if isinstance(node, Primitive):
                yield node.name
            elif isinstance(node, Hole):
                yield node
            elif isinstance(node, Routine) and node not in seen:
                seen.add(node)
                stack.append(node.body)


def _free_name(name: str, taken: set[str]) -> str:
    base, k = name[:NAME_LEN - 8], 2
    while f"{base}-{k}" in taken:
        k += 1
    return f"{base}-{k}"


def _new_routine(body: Program, name: str, weight: float, provenance: Mapping[str, Any],
                 file: str) -> NewRoutine:
    from hortus.lang.program import Routine
    from hortus.library.store import NewRoutine

    return NewRoutine(Routine(body, name), name, weight, {**provenance, "imported_from": file})
