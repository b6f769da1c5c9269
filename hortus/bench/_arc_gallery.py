"""An HTML gallery of ARC results: every task's pairs, the program found, its predictions
beside the truth. One self-contained file; grids are drawn as coloured cells (CSS grids)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

# ARC's palette, colours 0-9
PALETTE = ("#000000", "#0074d9", "#ff4136", "#2ecc40", "#ffdc00", "#aaaaaa", "#f012be",
           "#ff851b", "#7fdbff", "#870c25")

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; background: #fafafa; }
.task { border: 1px solid #ccc; background: white; margin: 1em 0; padding: .6em 1em; }
.task.solved { border-left: 6px solid #2ecc40; } .task.failed { border-left: 6px solid #ff4136; }
.pairs { display: flex; flex-wrap: wrap; gap: 1.2em; align-items: flex-start; }
.pair { display: flex; gap: .3em; align-items: center; }
.g { display: inline-grid; gap: 1px; background: #555; border: 1px solid #555; }
.g i { width: 9px; height: 9px; display: block; }
.label { font-size: 75%; color: #555; text-align: center; }
code { font-size: 85%; white-space: pre-wrap; }
""" + "\n".join(f".c{k} {{ background: {c}; }}" for k, c in enumerate(PALETTE))


def grid_html(rows: Any) -> str:
    if not isinstance(rows, list) or not rows or not isinstance(rows[0], list):
        return '<span class="label">(none)</span>'
    cells = "".join(f'<i class="c{int(c) % 10}"></i>' for row in rows for c in row)
    columns = f"grid-template-columns: repeat({len(rows[0])}, 9px)"
    return f'<div class="g" style="{columns}">{cells}</div>'


def _figure(label: str, rows: Any) -> str:
    return f'<div><div class="label">{html.escape(label)}</div>{grid_html(rows)}</div>'


def task_html(row: dict[str, Any], train: Sequence[tuple[Any, Any]],
              test: Sequence[tuple[Any, Any]]) -> str:
    state = "solved" if row["solved"] else "failed"
    program, guess = row.get("program"), row.get("guess")
    text = (program if program else f"no program fits the train pairs; best guess: {guess}"
            if guess else "no program fits the train pairs")
    head = (f'<h3>{html.escape(row["id"])} — {state} in {row["seconds"]:.1f} s</h3>'
            f"<code>{html.escape(text)}</code>")
    pairs = "".join(f'<div class="pair">{_figure(f"in {k + 1}", x)}→{_figure("out", y)}</div>'
                    for k, (x, y) in enumerate(train))
    tests = []
    for k, (x, y) in enumerate(test):
        guesses = [a["outputs"][k] for a in row.get("attempts", [])]
        tests.append('<div class="pair">' + _figure(f"test {k + 1}", x) + "→"
                     + "".join(_figure(f"attempt {j + 1}", g) for j, g in enumerate(guesses))
                     + _figure("truth", y) + "</div>")
    return (f'<div class="task {state}">{head}<div class="pairs">{pairs}</div>'
            f'<div class="pairs">{"".join(tests)}</div></div>')


def write_gallery(path: Path, title: str, summary: str, rows: Sequence[dict[str, Any]],
                  examples: Mapping[str, tuple[Sequence[Any], Sequence[Any]]]) -> Path:
    """Write the gallery: ``examples`` gives each task id's (train, test) pairs."""
    body = "".join(task_html(r, *examples[r["id"]]) for r in rows)
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>"
                    f"{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
                    f"<h1>{html.escape(title)}</h1><p>{html.escape(summary)}</p>{body}"
                    f"</body></html>", encoding="utf-8")
    return path
