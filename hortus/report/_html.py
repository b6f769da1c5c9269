"""The report as one self-contained HTML page: inline CSS, pictures as data URIs, no scripts.

Every piece of text from the library (names, programs, task names, configuration) goes
through :func:`html.escape`, so a routine named ``<script>`` prints as text.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from hortus.report._data import Iteration, ReportData

CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222;
       padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid
#ddd; } dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dt { font-weight: 600; } dd { margin: 0; } pre, code { font: 12px/1.4 ui-monospace, monospace; }
pre { background: #f6f8fa; padding: 0.6em; overflow-x: auto; margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.3em 0.5em; text-align: left;
         vertical-align: top; } th { background: #f3f3f3; position: sticky; top: 0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td code { word-break: break-all; } img { max-width: 100%; } .note { color: #666; }
"""

DASH = "–"


def page(data: ReportData, curves: bytes | None, graph: bytes | None, plots: bool) -> str:
    run = data.run
    title = f"hortus report: run {run.id}" if run is not None else "hortus report"
    parts = [f"<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
             f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
             f"<h1>{escape(title)}</h1>\n", _header(data)]
    no_plots = "" if plots else " (matplotlib is not installed: no plots)"
    if run is not None:
        parts.append("<h2>Learning curves</h2>\n")
        parts.append(_image(curves, "tasks solved and median time to solve per iteration")
                     if curves else _note(f"no iteration has recorded results yet{no_plots}"))
        parts += ["<h2>Iterations</h2>\n", _iterations(data.iterations)]
    parts.append(f"<h2>Routines ({len(data.routines)} invented)</h2>\n")
    parts.append(_routines(data))
    parts.append("<h2>Which routines are built from which</h2>\n")
    parts.append(_image(graph, "routine dependency graph") if graph else
                 _note("no invented routines" if not data.routines else
                       f"no picture{no_plots}; see the 'built from' column above"))
    parts += [f"<h2>Solutions ({data.solved_tasks} tasks solved)</h2>\n", _solutions(data)]
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def _header(data: ReportData) -> str:
    s = data.summary
    kinds = s.get("routines", {})
    items: list[tuple[str, str]] = [("library", _code(data.url))]
    if data.run is not None:
        r = data.run
        finished = r.finished_at.isoformat(timespec="seconds") if r.finished_at else DASH
        items += [("run", escape(f"{r.id} ({r.command}, {r.status})")),
                  ("started", escape(r.started_at.isoformat(timespec="seconds"))),
                  ("finished", escape(finished)),
                  ("configuration", "<pre>" + escape(json.dumps(r.config, indent=1,
                                                                sort_keys=True, default=str))
                   + "</pre>")]
    items += [("holds", escape(f"{kinds.get('primitive', 0)} primitives, "
                               f"{kinds.get('invented', 0)} invented routines, "
                               f"{s.get('tasks', 0)} tasks ({s.get('solved_tasks', 0)} solved), "
                               f"{s.get('runs', 0)} runs, {s.get('searches', 0)} searches")),
              ("generated", escape(data.generated.isoformat(timespec="seconds")))]
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>\n" for k, v in items)
    note = _note(escape(data.note[0].upper() + data.note[1:]) + ".") if data.note else ""
    return f"<dl>\n{rows}</dl>\n{note}"


def _iterations(rows: Sequence[Iteration]) -> str:
    if not rows:
        return _note("no phase of this run has completed yet")
    columns: list[tuple[str, Callable[[Iteration], str], bool]] = [
        ("iteration", lambda r: str(r.iteration), True),
        ("train solved", lambda r: _of(r.train_solved, r.train_tasks), True),
        ("new", lambda r: _n(r.new_solved), True),
        ("solved so far", lambda r: _n(r.solved_so_far), True),
        ("test solved", lambda r: _of(r.test_solved, r.test_tasks), True),
        ("test right", lambda r: _n(r.test_right), True),
        ("median s (train)", lambda r: _f(r.wake_median), True),
        ("median s (test)", lambda r: _f(r.test_median), True),
        ("library size", lambda r: _n(r.library_size), True),
        ("compression", lambda r: _f(r.compression), True),
        ("dream loss", lambda r: _f(r.loss), True),
        ("model weight", lambda r: _f(r.mix), True),
        ("seconds", lambda r: _f(r.seconds, 1), True),
        ("new routines", lambda r: ", ".join(r.new_routines) or DASH, False),
    ]
    return _table([c[0] for c in columns],
                  [[(escape(get(r)), num) for _, get, num in columns] for r in rows])


def _routines(data: ReportData) -> str:
    if not data.routines:
        return _note("the library has no invented routines yet")
    return _table(["name", "type", "body", "iteration", "used by", "built from", "weight"],
                  [[(escape(r.name), False), (_code(r.type), False), (_code(r.body), False),
                    (escape(r.created or DASH), True), (str(r.uses), True),
                    (escape(", ".join(r.deps) or DASH), False), (_f(r.weight), True)]
                   for r in data.routines])


def _solutions(data: ReportData) -> str:
    if not data.solutions:
        return _note("no task has been solved yet")
    more = data.solved_tasks - len(data.solutions)
    rest = _note(f"and {more} more tasks") if more > 0 else ""
    return _table(["task", "best program (latest search)", "log prior", "seconds", "run"],
                  [[(escape(s.task), False), (_code(s.program), False), (_f(s.logprior), True),
                    (_f(s.time), True), (str(s.run_id), True)] for s in data.solutions]) + rest


def _table(head: Sequence[str], rows: Sequence[Sequence[tuple[str, bool]]]) -> str:
    """An HTML table; cells arrive escaped, with a flag for right-aligned numbers."""
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td class='n'>{c}</td>" if num else f"<td>{c}</td>"
                                    for c, num in row) + "</tr>\n" for row in rows)
    return f"<table>\n<thead><tr>{th}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"


def _image(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f"<p><img alt='{escape(alt)}' src='data:image/png;base64,{data}'></p>\n"


def _note(text: str) -> str:
    return f"<p class='note'>{text}</p>\n"


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _of(solved: int | None, total: int | None) -> str:
    if solved is None:
        return DASH
    return f"{solved}/{total}" if total is not None else str(solved)


def _n(v: Any) -> str:
    return DASH if v is None else str(v)


def _f(v: float | None, digits: int = 2) -> str:
    return DASH if v is None else f"{v:.{digits}f}"
