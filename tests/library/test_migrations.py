"""Schema revisions: old libraries are upgraded in place, and the models match the migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from hortus.library import Library
from hortus.library.models import Base
from hortus.library.schema import HEAD, REVISIONS, alembic_config, upgrade

from .support import inc_task, solved


def _build_at(path: Path, target: str) -> None:
    """A database made by running the migrations only up to ``target``."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            upgrade(conn, target)
    finally:
        engine.dispose()


def test_known_revisions_match_the_scripts() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_current_head() == HEAD
    chain = [s.revision for s in scripts.walk_revisions()]
    assert list(reversed(chain)) == list(REVISIONS)


def test_models_match_the_migrations(tmp_path: Path) -> None:
    path = tmp_path / "migrated.db"
    _build_at(path, "head")
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_library_at_0001_is_upgraded_on_open_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _build_at(path, "0001")
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "blobs" not in tables
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        conn.execute("INSERT INTO routines (name, kind, type, body, weight, provenance, "
                     "created_at) VALUES ('+', 'primitive', 'int -> int -> int', NULL, -0.5, "
                     "'{}', '2024-01-01 00:00:00')")
        conn.execute("INSERT INTO tasks (name, request, examples, digest, created_at) VALUES "
                     "('old', 'int -> int', '[{\"inputs\": [1], \"output\": 2}]', 'abc', "
                     "'2024-01-01 00:00:00')")
        conn.execute("INSERT INTO meta (key, value) VALUES ('log_variable', '-1.0')")
    with Library.open(path) as lib:
        (routine,) = lib.routines()
        assert (routine.name, routine.weight) == ("+", -0.5)
        (task,) = lib.tasks()
        assert task.task().examples[0].output == 2
        assert lib.grammar().log_variable == -1.0
        lib.put_blob("w", b"bytes", "raw")
        assert lib.get_blob("w") is not None
        run = lib.start_run("after-upgrade", {})
        lib.add_result(run, inc_task(), solved(inc_task()))
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
