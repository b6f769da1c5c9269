"""The library: a database of routines, their weights, tasks, and every search's results."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from hortus.lang.parse import ROUTINE_NAME
from hortus.lang.program import Hole, Primitive, Program, Routine, show
from hortus.lang.types import Type
from hortus.library import convert, schema
from hortus.library.codec import dumps, encode_examples, task_digest
from hortus.library.engine import (
    Sessions,
    damaged,
    describe,
    display,
    make_engines,
    resolve_url,
)
from hortus.library.errors import LibraryError
from hortus.library.models import (
    BigramRow,
    BlobRow,
    MetaRow,
    PhaseRow,
    RoutineRow,
    RunRow,
    SearchRow,
    SolutionRow,
    TaskRow,
)
from hortus.library.records import (
    BlobRecord,
    PhaseRecord,
    RoutineRecord,
    RunRecord,
    SearchRecord,
    SolutionRecord,
    TaskRecord,
)
from hortus.prior.grammar import Grammar, Production, check_weight
from hortus.search._base import SearchResult
from hortus.tasks.task import Task

RUN_STATUSES = ("running", "done", "failed")


class Library:
    """A persistent library; every method is one transaction, and returns detached records."""

    url: str

    def __init__(self, url: str | os.PathLike[str] | None = None,
                 domains: tuple[str, ...] | None = None, new: bool = False) -> None:
        self.url = resolve_url(url)
        self._where = display(self.url)
        reader, writer = make_engines(self.url)
        self._engine: Engine | None = reader
        self._sessions = Sessions(self.url, reader, writer)
        try:
            schema.ensure(writer, self._where, domains, new)
        except LibraryError:
            reader.dispose()
            raise
        except SQLAlchemyError as e:
            reader.dispose()
            reason = describe(e)
            if "not a database" in reason:
                reason += " (it is not a hortus library)"
            raise LibraryError(f"cannot open library {self._where}: {reason}") from e
        except Exception as e:  # a migration script that fails is reported like any other cause
            reader.dispose()
            raise LibraryError(f"cannot open library {self._where}: "
                               f"{type(e).__name__}: {e}") from e

    @classmethod
    def open(cls, url: str | os.PathLike[str] | None = None) -> Library:
        """Open (creating, seeding or migrating as needed) the library at ``url``.

        None means ``$HORTUS_LIBRARY``, else ``sqlite:///hortus.db``; a bare path is an SQLite
        file; any SQLAlchemy URL works, ``sqlite://`` (in memory) included.
        """
        return cls(url)

    @classmethod
    def create(cls, url: str | os.PathLike[str] | None = None,
               domains: tuple[str, ...] | None = None) -> Library:
        """Make a new library at ``url`` holding the primitives of ``domains`` (the core
        language's always; None: the default domains); refused if one is there already."""
        if domains is not None:
            from hortus.domains import DomainError, parse_names

            try:
                domains = parse_names(domains)
            except DomainError as e:
                raise LibraryError(str(e)) from None
        return cls(url, domains, new=True)

    def close(self) -> None:
        """Release the database connections; an in-memory library is gone afterwards."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Library({self._where!r})"

    def _session(self, write: bool = False) -> AbstractContextManager[Session]:
        if self._engine is None:
            raise LibraryError(f"library {self._where} is closed")
        return self._sessions(write)

    # ---------------------------------------------------------------- meta

    def domains(self) -> tuple[str, ...]:
        """The domains the library was made with."""
        text = self.meta().get("domains", schema.OLD_DOMAINS)
        return tuple(n for n in text.split(",") if n)

    def meta(self) -> dict[str, str]:
        """The library's settings: ``primitive_set``, ``log_variable``, schema notes, ..."""
        with self._session() as s:
            return {convert.text(m.key, "name of a setting"):
                    convert.text(m.value, f"setting {m.key}")
                    for m in s.scalars(select(MetaRow))}

    @staticmethod
    def _set_meta(s: Session, key: str, value: str) -> None:
        row = s.get(MetaRow, key)
        if row is None:
            s.add(MetaRow(key=key, value=value))
        else:
            row.value = value

    # ---------------------------------------------------------------- routines and the grammar

    def routines(self) -> list[RoutineRecord]:
        """Every routine, primitives first (in the order they were added)."""
        with self._session() as s:
            return [convert.routine(r)
                    for r in s.scalars(select(RoutineRow).order_by(RoutineRow.id))]

    def add_routine(self, program: Routine | Program, name: str, weight: float = 0.0,
                    provenance: Mapping[str, Any] | None = None) -> RoutineRecord:
        """Add an invented routine under a new name (a primitive's name is refused)."""
        new = NewRoutine(program, name, weight, provenance)
        row = _checked_routine(new)
        with self._session(write=True) as s:
            return convert.routine(self._insert_routine(s, row))

    def add_module(self, name: str, tp: Type, weights: bytes, provenance: Mapping[str, Any]
                   ) -> RoutineRecord:
        """Add a trained neural module: a routine of kind ``neural`` (its body the typed hole
        ``??name[tp]``) and its weights, the blob ``module:name``, in one transaction.

        ``weights`` must be a well-formed safetensors file (see ``hortus.train.modules``).
        """
        row, blob = _checked_module(NewModule(name, tp, weights, 0.0, provenance))
        with self._session(write=True) as s:
            record = convert.routine(self._insert_routine(s, row))
            _write_blob(s, *blob)
            return record

    def _insert_routine(self, s: Session, row: RoutineRow) -> RoutineRow:
        if s.scalar(select(RoutineRow.id).where(RoutineRow.name == row.name)) is not None:
            raise LibraryError(f"library {self._where} already has a routine named {row.name!r}")
        same = s.scalar(select(RoutineRow.name).where(RoutineRow.body == row.body))
        if same is not None:
            raise LibraryError(f"library {self._where} already has this routine, "
                               f"named {same!r}: {row.body}")
        s.add(row)
        s.flush()
        return row

    def grammar(self) -> Grammar:
        """The library's routines, weights, bigram table and variable weight as a Grammar."""
        from hortus.lang.parse import ProgramSyntaxError, parse
        from hortus.lang.primitives import lookup
        from hortus.lang.types import TypeSyntaxError, parse_type

        with self._session() as s:
            rows = [convert.routine(r)
                    for r in s.scalars(select(RoutineRow).order_by(RoutineRow.id))]
            bigrams = [(b.parent, b.arg, b.child, convert.number(
                            b.logweight, f"weight of {b.child} in context ({b.parent}, {b.arg})"))
                       for b in s.scalars(select(BigramRow).order_by(BigramRow.id))]
            log_variable = s.scalar(select(MetaRow.value).where(MetaRow.key == "log_variable"))
        productions = []
        for r in rows:
            if r.kind == "primitive":
                try:
                    p = lookup(r.name)
                except KeyError:
                    raise LibraryError(f"library {self._where} uses the primitive {r.name!r}, "
                                       f"which this hortus does not have") from None
                productions.append(Production(p, p.tp, r.weight))
            elif r.kind == "neural" and r.body is not None:
                try:
                    hole = parse(r.body)
                except ProgramSyntaxError as e:
                    raise LibraryError(f"library {self._where}: neural routine {r.name!r} is "
                                       f"damaged: {e}") from None
                if not isinstance(hole, Hole) or hole.name != r.name or hole.tp is None:
                    raise LibraryError(f"library {self._where}: neural routine {r.name!r} is "
                                       f"not a typed hole of its name: {r.body}")
                productions.append(Production(hole, hole.tp, r.weight))
            elif r.kind == "invented" and r.body is not None:
                try:
                    routine = Routine(parse(r.body), r.name)
                    tp = parse_type(r.type)
                except (ProgramSyntaxError, TypeSyntaxError) as e:
                    raise LibraryError(f"library {self._where}: routine {r.name!r} is "
                                       f"damaged: {e}") from None
                productions.append(Production(routine, tp, r.weight))
            else:
                raise LibraryError(f"library {self._where}: routine {r.name!r} has kind "
                                   f"{r.kind!r}, which this hortus cannot use")
        table: dict[tuple[str, int], dict[str, float]] = {}
        for parent, arg, child, w in bigrams:
            table.setdefault((parent, arg), {})[child] = w
        try:
            variable = float(log_variable or 0.0)
        except ValueError as e:
            raise LibraryError(damaged(self.url, e)) from None
        return Grammar(tuple(productions), variable, table)

    def save_grammar(self, grammar: Grammar) -> None:
        """Store the grammar's weights, bigram table and variable weight, all or nothing."""
        with self._session(write=True) as s:
            self._write_grammar(s, grammar)

    def _write_grammar(self, s: Session, grammar: Grammar) -> None:
        log_variable = _weight(grammar.log_variable, "the variables' weight")
        table = [{"parent": parent, "arg": int(arg), "child": child,
                  "logweight": _weight(w, f"the weight of {child} in context ({parent}, {arg})")}
                 for (parent, arg), weights in grammar.bigram.items()
                 for child, w in weights.items()]
        rows = list(s.scalars(select(RoutineRow)))
        by_name = {r.name: r for r in rows}
        by_body = {r.body: r for r in rows if r.body is not None}
        for prod in grammar.productions:
            row = self._row_of(prod.program, by_name, by_body)
            row.weight = _weight(prod.logweight, f"the weight of {row.name}")
        s.execute(delete(BigramRow))
        if table:
            s.execute(insert(BigramRow), table)
        self._set_meta(s, "log_variable", repr(log_variable))

    def _row_of(self, program: Program, by_name: Mapping[str, RoutineRow],
                by_body: Mapping[str, RoutineRow]) -> RoutineRow:
        """The library row of a production; add_routine must have stored it first."""
        if isinstance(program, Primitive):
            row = by_name.get(program.name)
            if row is not None and row.kind == "primitive":
                return row
            raise LibraryError(f"the grammar has the primitive {program.name!r}, which library "
                               f"{self._where} does not")
        if isinstance(program, Routine):
            text = show(program.body)
            row = by_body.get(text)
            if row is not None:
                return row
            label = f" {program.name!r}" if program.name else ""
            raise LibraryError(f"the grammar has the routine{label} {text}, which library "
                               f"{self._where} does not; add it with add_routine first")
        if isinstance(program, Hole):
            row = by_body.get(show(program))
            if row is not None and row.kind == "neural":
                return row
        raise LibraryError(f"the grammar has a production {show(program)} that is neither a "
                           f"primitive nor a routine of the library")

    # ---------------------------------------------------------------- tasks, runs and results

    def add_task(self, task: Task) -> int:
        """The id of ``task`` in the library, storing it if it is new (same digest, same row)."""
        encoded = _EncodedTask(task)
        with self._session(write=True) as s:
            return encoded.id_in(s)

    def tasks(self) -> list[TaskRecord]:
        with self._session() as s:
            return [convert.task(r) for r in s.scalars(select(TaskRow).order_by(TaskRow.id))]

    def start_run(self, command: str, config: Mapping[str, Any]) -> int:
        """Record the start of a run; its searches point at the id returned."""
        with self._session(write=True) as s:
            row = RunRow(command=command, config=dumps(dict(config)), status="running",
                         started_at=schema.now())
            s.add(row)
            s.flush()
            return row.id

    def finish_run(self, run_id: int, stats: Mapping[str, Any], status: str = "done") -> None:
        if status not in RUN_STATUSES:
            raise LibraryError(f"a run's status is one of {', '.join(RUN_STATUSES)}, "
                               f"not {status!r}")
        with self._session(write=True) as s:
            row = s.get(RunRow, run_id)
            if row is None:
                raise LibraryError(f"library {self._where} has no run {run_id}")
            row.status, row.stats, row.finished_at = status, dumps(dict(stats)), schema.now()

    def runs(self) -> list[RunRecord]:
        with self._session() as s:
            return [convert.run(r) for r in s.scalars(select(RunRow).order_by(RunRow.id))]

    def add_result(self, run_id: int, task: Task, result: SearchResult) -> int:
        """Record one search (solved or not) and its solutions, ranked from 1; one transaction."""
        encoded = _EncodedTask(task)
        programs = [show(c.program) for c in result.solutions]
        stats = dumps(result.stats)
        with self._session(write=True) as s:
            if s.get(RunRow, run_id) is None:
                raise LibraryError(f"library {self._where} has no run {run_id}")
            task_id = encoded.id_in(s)
            search = SearchRow(run_id=run_id, task_id=task_id, solved=bool(result.solutions),
                               tried=int(result.tried), time=float(result.time), cut=result.cut,
                               stats=stats, created_at=schema.now())
            s.add(search)
            s.flush()
            s.add_all(SolutionRow(search_id=search.id, task_id=task_id, rank=rank, program=text,
                                  logprior=float(c.logprior), time=float(c.time),
                                  tried=int(c.tried))
                      for rank, (text, c) in enumerate(zip(programs, result.solutions,
                                                           strict=True), 1))
            return search.id

    def searches(self, run_id: int | None = None) -> list[SearchRecord]:
        """Every search (of one run when ``run_id`` is given), most recent first."""
        stmt = select(SearchRow, TaskRow.name).join(TaskRow, SearchRow.task_id == TaskRow.id)
        if run_id is not None:
            stmt = stmt.where(SearchRow.run_id == run_id)
        with self._session() as s:
            return [convert.search(row, name)
                    for row, name in s.execute(stmt.order_by(SearchRow.id.desc()))]

    def solutions(self, task_name: str | None = None) -> list[SolutionRecord]:
        """Solutions found (for tasks named ``task_name``), most recent search first, by rank."""
        stmt = (select(SolutionRow, SearchRow.run_id, TaskRow.name)
                .join(SearchRow, SolutionRow.search_id == SearchRow.id)
                .join(TaskRow, SolutionRow.task_id == TaskRow.id))
        if task_name is not None:
            stmt = stmt.where(TaskRow.name == task_name)
        with self._session() as s:
            return [convert.solution(row, run_id, name) for row, run_id, name
                    in s.execute(stmt.order_by(SolutionRow.search_id.desc(),
                                                SolutionRow.rank))]

    def summary(self) -> dict[str, Any]:
        """Counts for a status line: routines by kind, tasks, solved tasks, runs, solutions."""
        with self._session() as s:
            kinds = dict(s.execute(select(RoutineRow.kind, func.count())
                                   .group_by(RoutineRow.kind)).all())

            def count(column: Any) -> int:
                return int(s.scalar(select(func.count(column))) or 0)

            domains = s.get(MetaRow, "domains")
            return {
                "domains": (domains.value if domains is not None else schema.OLD_DOMAINS),
                "routines": kinds,
                "tasks": count(TaskRow.id),
                "solved_tasks": int(s.scalar(select(func.count(SearchRow.task_id.distinct()))
                                             .where(SearchRow.solved.is_(True))) or 0),
                "runs": count(RunRow.id),
                "searches": count(SearchRow.id),
                "solutions": count(SolutionRow.id),
            }

    # ---------------------------------------------------------------- blobs

    def put_blob(self, name: str, data: bytes, kind: str,
                 meta: Mapping[str, Any] | None = None) -> BlobRecord:
        """Store bytes under ``name``, replacing what was there."""
        with self._session(write=True) as s:
            return convert.blob(_write_blob(s, name, data, kind, meta))

    def blobs(self) -> list[str]:
        """Names of the stored blobs, oldest first."""
        with self._session() as s:
            return list(s.scalars(select(BlobRow.name).order_by(BlobRow.id)))

    def get_blob(self, name: str) -> BlobRecord | None:
        with self._session() as s:
            row = s.scalar(select(BlobRow).where(BlobRow.name == name))
            return None if row is None else convert.blob(row)

    # ---------------------------------------------------------------- phases of learning runs

    def complete_phase(self, run_id: int, iteration: int, phase: str,
                       stats: Mapping[str, Any], *, routines: Sequence[NewRoutine] = (),
                       grammar: Grammar | None = None,
                       blobs: Sequence[tuple[str, bytes, str, Mapping[str, Any]]] = (),
                       ) -> PhaseRecord:
        """Record a completed phase with everything it produced, in one transaction.

        New routines are added before the grammar (which may weigh them) is saved; a phase
        is either stored whole or not at all, so a killed run resumes after its last phase.
        """
        rows = [_checked_routine(r) for r in routines]
        with self._session(write=True) as s:
            if s.get(RunRow, run_id) is None:
                raise LibraryError(f"library {self._where} has no run {run_id}")
            done = s.scalar(select(PhaseRow.id).where(PhaseRow.run_id == run_id,
                                                       PhaseRow.iteration == iteration,
                                                       PhaseRow.phase == phase))
            if done is not None:
                raise LibraryError(f"run {run_id} already completed phase {phase!r} of "
                                   f"iteration {iteration}")
            for row in rows:
                self._insert_routine(s, row)
            if grammar is not None:
                self._write_grammar(s, grammar)
            for name, data, kind, meta in blobs:
                _write_blob(s, name, data, kind, meta)
            record = PhaseRow(run_id=run_id, iteration=iteration, phase=phase,
                              stats=dumps(dict(stats)), created_at=schema.now())
            s.add(record)
            s.flush()
            return convert.phase(record)

    def phases(self, run_id: int | None = None) -> list[PhaseRecord]:
        """Completed phases (of one run), in the order they were completed."""
        stmt = select(PhaseRow).order_by(PhaseRow.id)
        if run_id is not None:
            stmt = stmt.where(PhaseRow.run_id == run_id)
        with self._session() as s:
            return [convert.phase(r) for r in s.scalars(stmt)]

    # ---------------------------------------------------------------- merging (library import)

    def merge(self, routines: Sequence[NewRoutine] = (), *, modules: Sequence[NewModule] = (),
              grammar: Grammar | None = None,
              blobs: Sequence[tuple[str, bytes, str, Mapping[str, Any]]] = (),
              tasks: Sequence[Task] = (), results: Sequence[tuple[Task, SearchResult]] = (),
              run: tuple[str, Mapping[str, Any]] = ("merge", {})) -> int | None:
        """Add routines, a grammar, blobs, tasks and search results, all in one transaction.

        What importing a library file needs: it is written whole or not at all. Routines are
        added before the grammar (which may weigh them) is saved, as in ``complete_phase``;
        blobs replace those of the same name. ``results`` are recorded under one new run
        ``(command, config)``, finished at once; its id is returned (None without results).
        """
        rows = [_checked_routine(r) for r in routines]
        neural = [_checked_module(m) for m in modules]
        encoded = [_EncodedTask(t) for t in tasks]
        found = [(_EncodedTask(t), r, [show(c.program) for c in r.solutions], dumps(r.stats))
                 for t, r in results]
        command, config = run
        with self._session(write=True) as s:
            for row in rows:
                self._insert_routine(s, row)
            for row, blob in neural:
                self._insert_routine(s, row)
                _write_blob(s, *blob)
            if grammar is not None:
                self._write_grammar(s, grammar)
            for name, data, kind, meta in blobs:
                _write_blob(s, name, data, kind, meta)
            for task in encoded:
                task.id_in(s)
            if not found:
                return None
            stamp = schema.now()
            run_row = RunRow(command=command, config=dumps(dict(config)), status="done",
                             started_at=stamp, finished_at=stamp,
                             stats=dumps({"searches": len(found)}))
            s.add(run_row)
            s.flush()
            for task, result, programs, stats in found:
                task_id = task.id_in(s)
                search = SearchRow(run_id=run_row.id, task_id=task_id,
                                   solved=bool(result.solutions), tried=int(result.tried),
                                   time=float(result.time), cut=result.cut, stats=stats,
                                   created_at=stamp)
                s.add(search)
                s.flush()
                s.add_all(SolutionRow(search_id=search.id, task_id=task_id, rank=rank,
                                      program=text, logprior=float(c.logprior),
                                      time=float(c.time), tried=int(c.tried))
                          for rank, (text, c) in enumerate(zip(programs, result.solutions,
                                                               strict=True), 1))
            return run_row.id


@dataclass(frozen=True)
class NewRoutine:
    """An invented routine to add: its program (or body), name, weight and provenance."""

    program: Routine | Program
    name: str
    weight: float = 0.0
    provenance: Mapping[str, Any] | None = None


MODULE_BLOB = "module:"  # a neural routine's weights are the blob module:<its name>


@dataclass(frozen=True)
class NewModule:
    """A trained neural module to add: the routine ``??name[tp]`` and its safetensors weights."""

    name: str
    tp: Type
    weights: bytes
    weight: float = 0.0
    provenance: Mapping[str, Any] | None = None


BlobWrite = tuple[str, bytes, str, Mapping[str, Any]]


def _checked_module(new: NewModule) -> tuple[RoutineRow, BlobWrite]:
    """The routine row and blob of a new module, checked before any transaction starts."""
    from hortus._safetensors import check_safetensors
    from hortus.lang.parse import HOLE_NAME

    if not isinstance(new.name, str) or not HOLE_NAME.fullmatch(new.name):
        raise LibraryError(f"{new.name!r} cannot name a neural routine: its name is the hole's, "
                           f"letters, digits, '_', '-' and '.'")
    row = _checked_routine(NewRoutine(Hole(new.tp, new.name), new.name, new.weight,
                                      new.provenance))
    row.kind = "neural"
    try:
        check_safetensors(new.weights)
    except ValueError as e:
        raise LibraryError(f"the weights of module {new.name!r} are not safetensors: {e}"
                           ) from None
    return row, (f"{MODULE_BLOB}{new.name}", new.weights, "module", {"routine": new.name})


def _checked_routine(new: NewRoutine) -> RoutineRow:
    """The row for a new routine, checked (name, type) before any transaction starts."""
    from hortus.lang.infer import ProgramTypeError, infer
    from hortus.lang.primitives import resolve_builtin

    name = new.name
    if not isinstance(name, str) or not ROUTINE_NAME.fullmatch(name):
        raise LibraryError(f"{name!r} cannot name a routine: a name is one word without "
                           f"spaces, parentheses or '#', not starting with '$' or '?'")
    if resolve_builtin(name) is not None:
        raise LibraryError(f"{name!r} is the name of a built-in primitive; choose another "
                           f"name for the routine")
    body = new.program.body if isinstance(new.program, Routine) else new.program
    try:
        tp = infer(body)
    except ProgramTypeError as e:
        raise LibraryError(f"routine {name!r} does not type-check: {e}") from None
    return RoutineRow(name=name, kind="invented", type=str(tp), body=show(body),
                      weight=_weight(new.weight, f"the weight of routine {name!r}"),
                      provenance=dumps(dict(new.provenance or {})), created_at=schema.now())


def _weight(w: float, what: str) -> float:
    try:
        return check_weight(w, what)
    except ValueError as e:
        raise LibraryError(str(e)) from None


def _write_blob(s: Session, name: str, data: bytes, kind: str,
                meta: Mapping[str, Any] | None) -> BlobRow:
    payload, meta_text = bytes(data), dumps(dict(meta or {}))
    row = s.scalar(select(BlobRow).where(BlobRow.name == name))
    if row is None:
        row = BlobRow(name=name, kind=kind, data=payload, meta=meta_text, created_at=schema.now())
        s.add(row)
    else:
        row.kind, row.data, row.meta, row.created_at = kind, payload, meta_text, schema.now()
    s.flush()
    return row


class _EncodedTask:
    """A task's stored form, computed before the transaction so the write lock is held briefly."""

    def __init__(self, task: Task) -> None:
        self.name, self.request = task.name, str(task.request)
        examples = encode_examples(task)
        self.examples = dumps(examples)
        self.digest = task_digest(self.name, self.request, examples)

    def id_in(self, s: Session) -> int:
        found = s.scalar(select(TaskRow.id).where(TaskRow.digest == self.digest))
        if found is not None:
            return found
        row = TaskRow(name=self.name, request=self.request, examples=self.examples,
                      digest=self.digest, created_at=schema.now())
        s.add(row)
        s.flush()
        return row.id


