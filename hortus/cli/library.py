"""Commands about the library: ``library init|show|routines|solutions|export|import``,
``report``, and ``domains``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from hortus.cli._app import (
    JsonOpt,
    LibraryOpt,
    app,
    err,
    fail,
    library_app,
    open_library,
    out,
    plain,
)

if TYPE_CHECKING:
    pass


# ------------------------------------------------------------ report


@app.command("report")
def report(
    library: LibraryOpt = None,
    run_id: Annotated[int | None, typer.Option(
        "--run", help="Run to report (default: the latest learning run).")] = None,
    out_file: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")
                        ] = Path("report.html"),
) -> None:
    """Write one self-contained HTML page: learning curves, iterations, routines, solutions."""
    from hortus.library import LibraryError
    from hortus.report import write_report

    with open_library(library) as lib:
        try:
            path = write_report(lib, out_file, run_id=run_id)
        except LibraryError as e:
            fail(str(e))
        except OSError as e:
            fail(f"cannot write {out_file}: {e.strerror or e}")
    out.print(plain(f"wrote {path}"))


# ------------------------------------------------------------ library


@library_app.command("init")
def library_init(
    library: LibraryOpt = None,
    domain: Annotated[str | None, typer.Option(
        help="Comma-separated domains whose primitives the library holds besides the core "
             "language's (default: the default domains; see `hortus domains`).")] = None,
) -> None:
    """Make a new library with the domains it will use."""
    from hortus.library import Library, LibraryError

    try:
        with Library.create(library, None if domain is None else tuple(domain.split(","))
                            ) as lib:
            summary = lib.summary()
            where = lib.url
    except LibraryError as e:
        fail(str(e))
    out.print(plain(f"made library {where}: domains {summary['domains']}, "
                    f"{summary['routines'].get('primitive', 0)} primitives"))


@app.command("domains")
def domains_list(json_out: JsonOpt = False) -> None:
    """The registered domains: what each brings, and which a new library gets by default."""
    from hortus.domains import domains

    rows: list[dict[str, Any]] = [{"name": d.name, "default": d.default, "summary": d.summary,
                                   "primitives": sum(map(len, d.primitive_tables(False))),
                                   "types": [c.name for c in d.codecs],
                                   "task_sets": sorted(d.task_sets)}
                                  for d in domains().values()]
    if json_out:
        print(json.dumps(rows))
        return
    table = Table(title="Domains (the core language is every library's)")
    for col in ("domain", "default", "primitives", "types", "task sets", "what"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(plain(r["name"]), "yes" if r["default"] else "no", str(r["primitives"]),
                      plain(", ".join(r["types"]) or "-"), plain(", ".join(r["task_sets"]) or "-"),
                      plain(r["summary"]))
    out.print(table)


@library_app.command("show")
def library_show(library: LibraryOpt = None, json_out: JsonOpt = False) -> None:
    """Summary of the library: what it holds and where."""
    with open_library(library) as lib:
        summary = {"url": lib.url, **lib.summary()}
    if json_out:
        print(json.dumps(summary))
        return
    table = Table(title="Library", show_header=False)
    for k, v in summary.items():
        table.add_row(k, plain(str(v)))
    out.print(table)


@library_app.command("routines")
def library_routines(
    library: LibraryOpt = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind (primitive, invented).")
                    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """The routines the search builds programs from, with their types and weights."""
    with open_library(library) as lib:
        rows = [r for r in lib.routines() if kind is None or r.kind == kind]
    if json_out:
        for r in rows:
            print(json.dumps({"name": r.name, "kind": r.kind, "type": r.type, "weight": r.weight,
                              "body": r.body}))
        return
    table = Table(title=f"{len(rows)} routines")
    for col in ("name", "kind", "type", "weight", "body"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(plain(r.name), r.kind, plain(r.type), f"{r.weight:.2f}",
                      plain(r.body or ""))
    out.print(table)


@library_app.command("solutions")
def library_solutions(
    library: LibraryOpt = None,
    task: Annotated[str | None, typer.Option(help="Only this task.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Programs found for tasks, most recent first."""
    with open_library(library) as lib:
        rows = lib.solutions(task)
    if json_out:
        for s in rows:
            print(json.dumps({"task": s.task, "program": s.program, "logprior": s.logprior,
                              "time": s.time, "tried": s.tried, "run": s.run_id}))
        return
    table = Table(title=f"{len(rows)} solutions")
    for col in ("task", "program", "log prior", "time (s)", "tried", "run"):
        table.add_column(col, overflow="fold")
    for s in rows:
        table.add_row(plain(s.task), plain(s.program), f"{s.logprior:.2f}", f"{s.time:.2f}",
                      f"{s.tried:,}", str(s.run_id))
    out.print(table)


@library_app.command("export")
def library_export(
    file: Annotated[Path, typer.Argument(help="Library file to write (a zip).")],
    library: LibraryOpt = None,
    tasks: Annotated[bool, typer.Option("--tasks/--no-tasks",
                                        help="Include tasks and their best solutions.")] = True,
    json_out: JsonOpt = False,
) -> None:
    """Write the library's routines, weights, models (and tasks) to a portable zip file."""
    from hortus.library import LibraryError
    from hortus.library.portable import export_library

    with open_library(library) as lib:
        try:
            summary = export_library(lib, file, tasks=tasks)
        except LibraryError as e:
            fail(str(e))
    if json_out:
        print(json.dumps(summary.to_json()))
        return
    for note in summary.skipped:
        err.print(Text.assemble(("left out:", "yellow"), " ", plain(note)), soft_wrap=True)
    out.print(plain(f"wrote {summary.path}: {summary.routines} routines, "
                    f"{len(summary.modules)} neural modules, {len(summary.blobs)} models, "
                    f"{summary.tasks} tasks ({summary.solutions} solved)"))


@library_app.command("import")
def library_import(
    file: Annotated[Path, typer.Argument(help="Library file written by 'library export'.")],
    library: LibraryOpt = None,
    replace_weights: Annotated[bool, typer.Option(
        "--replace-weights", help="Take all weights, the bigram table and models of the same "
                                  "name from the file (default: new routines' weights only).")
    ] = False,
    rename: Annotated[bool, typer.Option(
        "--rename", help="Add a routine whose name is taken by another body as NAME-2.")
    ] = False,
    tasks: Annotated[bool, typer.Option("--tasks/--no-tasks",
                                        help="Import the file's tasks and solutions.")] = True,
    json_out: JsonOpt = False,
) -> None:
    """Merge a library file into the library: all of it, or nothing and an error (exit 2)."""
    from hortus.library import LibraryError
    from hortus.library.portable import import_library

    with open_library(library) as lib:
        try:
            summary = import_library(lib, file, replace_weights=replace_weights,
                                     rename=rename, tasks=tasks)
        except LibraryError as e:
            fail(str(e))
    if json_out:
        print(json.dumps(summary.to_json()))
        return
    table = Table(title=plain(f"Imported {summary.path}"), show_header=False)
    table.add_row("routines added", plain(", ".join(summary.added) or "-"))
    table.add_row("neural modules added", plain(", ".join(summary.modules) or "-"))
    table.add_row("already present", plain(", ".join(f"{a} (as {b})" for a, b in summary.skipped)
                                           or "-"))
    table.add_row("renamed", plain(", ".join(f"{a} -> {b}" for a, b in summary.renamed) or "-"))
    table.add_row("weights", "all replaced" if summary.weights_replaced else
                  "new routines only")
    table.add_row("models", plain(", ".join([*summary.blobs_added,
                                             *(f"{b} (replaced)" for b in summary.blobs_replaced),
                                             *(f"{b} (kept the library's)" for b in
                                               summary.blobs_kept)]) or "-"))
    table.add_row("tasks", f"{summary.tasks} new, {summary.solutions} solutions recorded")
    out.print(table)
