"""Reports on a library: one self-contained HTML page about a learning run and what it grew.

``write_report(library, "report.html")`` shows the latest learning run's curves (tasks solved,
median time to solve per iteration), the per-iteration table, the invented routines with their
uses, which routines are built from which, and the latest solutions. A library with no learning
run still gets a page of what it holds. The page needs nothing else to be read: pictures are
PNG data URIs and the CSS is inline, so it can be mailed or archived as one file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hortus.library.store import Library

__all__ = ["write_report"]


def write_report(library: Library, out_path: str | os.PathLike[str],
                 run_id: int | None = None) -> Path:
    """Write the HTML report of run ``run_id`` (default: the latest learning run) to a file.

    Raises LibraryError when ``run_id`` names no run of the library, OSError when the file
    cannot be written. Without matplotlib the page is written without its pictures.
    """
    from hortus.report import _plots
    from hortus.report._data import gather
    from hortus.report._html import page

    data = gather(library, run_id)
    plots = _plots.available()
    curves = _plots.learning_curves(data.iterations) if plots and data.run else None
    graph = _plots.dependency_graph(data.routines) if plots else None
    path = Path(out_path)
    path.write_text(page(data, curves, graph, plots), encoding="utf-8")
    return path
