"""``hortus digits make``: a digit task written as a task file (JSON and the .npz beside it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hortus.cli._app import digits_app, fail, out, plain


@digits_app.command("make")
def make(
    task: Annotated[str, typer.Argument(
        help="add2, sum, count-3, max, less-than, sort, product, mod, add-mod-3 or add-sub.")],
    out_file: Annotated[Path, typer.Option("--out", help="The task file to write (.json); "
                                           "the images go to the .npz beside it.")],
    examples: Annotated[int, typer.Option(help="Examples to write.", min=1)] = 1000,
    source: Annotated[str, typer.Option(help="mnist (28x28) or sklearn (8x8).")] = "mnist",
    pool: Annotated[str, typer.Option(help="train, validation or test: where the images "
                                           "come from.")] = "train",
    seed: Annotated[int, typer.Option(help="Seed of the draw.")] = 0,
) -> None:
    """Write a digits task: only the outputs are given, never a digit's label."""
    from hortus.domains import digits as dg

    if task not in dg.FAMILIES:
        fail(f"unknown digits task {task!r}; known: {', '.join(dg.FAMILIES)}")
    if pool not in ("train", "validation", "test"):
        fail(f"--pool must be train, validation or test, not {pool!r}")
    if out_file.suffix != ".json":
        fail(f"--out must name a .json file, not {str(out_file)!r}")
    try:
        npz = dg.write_task_file(task, source, examples, out_file, seed, pool)
    except dg.DataError as e:
        fail(str(e))
    except OSError as e:
        fail(f"cannot write {out_file}: {e.strerror}")
    out.print(plain(f"wrote {examples} examples of {task} ({dg.FAMILIES[task].summary}) to "
                    f"{out_file}, images in {npz}"))
