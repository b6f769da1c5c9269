"""Opening libraries: URLs, paths, the environment variable, and what is refused."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hortus.cli import app
from hortus.library import DEFAULT_URL, Library, LibraryError
from hortus.library.schema import HEAD


def test_create_then_reopen_keeps_data(lib_path: Path) -> None:
    with Library.open(f"sqlite:///{lib_path}") as lib:
        run = lib.start_run("test", {"a": 1})
        assert lib.url == f"sqlite:///{lib_path}"
    assert lib_path.exists()
    with Library.open(f"sqlite:///{lib_path}") as lib:
        assert [r.id for r in lib.runs()] == [run]
        assert lib.runs()[0].config == {"a": 1}
        assert lib.meta()["primitive_set"] == "base"


def test_bare_paths_are_sqlite_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with Library.open("rel.db") as lib:
        assert lib.url == "sqlite:///rel.db"
    assert (tmp_path / "rel.db").exists()
    absolute = tmp_path / "abs.sqlite"
    with Library.open(str(absolute)) as lib:
        assert lib.url == f"sqlite:///{absolute}"
    with Library.open(absolute) as lib:  # a Path works too
        assert lib.summary()["routines"]["primitive"] > 0


def test_in_memory_library_is_shared_by_all_sessions() -> None:
    with Library.open("sqlite://") as lib:
        run = lib.start_run("mem", {})
        lib.finish_run(run, {"ok": True})
        assert lib.runs()[0].status == "done"
        assert lib.summary()["runs"] == 1


def test_environment_variable_then_default(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HORTUS_LIBRARY", str(tmp_path / "env.db"))
    with Library.open() as lib:
        assert lib.url == f"sqlite:///{tmp_path / 'env.db'}"
    assert (tmp_path / "env.db").exists()
    monkeypatch.delenv("HORTUS_LIBRARY")
    with Library.open() as lib:
        assert lib.url == DEFAULT_URL
    assert (tmp_path / "hortus.db").exists()


def test_sqlite_settings(lib_path: Path) -> None:
    Library.open(lib_path).close()
    with sqlite3.connect(lib_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD


def test_text_file_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a database\n" * 20)
    with pytest.raises(LibraryError, match="not a database") as info:
        Library.open(str(path))
    assert str(path) in str(info.value)
    assert path.read_text().startswith("these are my notes")


def test_newer_revision_is_refused(lib_path: Path) -> None:
    Library.open(lib_path).close()
    with sqlite3.connect(lib_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(LibraryError, match=r"revision '0099'.*newer hortus") as info:
        Library.open(lib_path)
    assert str(lib_path) in str(info.value)


def test_foreign_tables_without_revision_are_refused(lib_path: Path) -> None:
    with sqlite3.connect(lib_path) as conn:
        conn.execute("CREATE TABLE routines (x INTEGER)")
    with pytest.raises(LibraryError, match="no schema revision"):
        Library.open(lib_path)


def test_another_applications_database_is_refused_and_left_as_it_is(lib_path: Path) -> None:
    with sqlite3.connect(lib_path) as conn:
        conn.execute("CREATE TABLE notes (x INTEGER)")
        conn.execute("INSERT INTO notes VALUES (1)")
    conn.close()
    before = lib_path.read_bytes()
    with pytest.raises(LibraryError, match=r"database of another application \(tables notes\)"
                                           r", not a hortus library") as info:
        Library.open(lib_path)
    assert str(lib_path) in str(info.value)
    assert lib_path.read_bytes() == before  # not even switched to WAL
    assert sorted(p.name for p in lib_path.parent.iterdir()) == [lib_path.name]
    result = CliRunner().invoke(app, ["library", "show", "--library", str(lib_path)])
    assert result.exit_code == 2 and "another application" in result.stderr


@pytest.mark.parametrize("content", ["empty", "tableless"])
def test_an_empty_database_becomes_a_library(lib_path: Path, content: str) -> None:
    lib_path.write_bytes(b"")
    if content == "tableless":
        sqlite3.connect(lib_path).execute("PRAGMA user_version = 7").connection.close()
    with Library.open(lib_path) as lib:
        assert lib.summary()["tasks"] == 0 and lib.routines()


# ---------------------------------------------------------------- damaged files


def _written(path: Path) -> Path:
    """A library with something in every table, in one file (no write-ahead log beside it)."""
    from hortus.lang.parse import parse
    from hortus.lang.program import Routine

    from .support import inc_task, solved

    with Library.open(path) as lib:
        lib.add_routine(Routine(parse("(lambda (+ $0 1))")), "inc", -0.5, {"from": "test"})
        run = lib.start_run("solve", {"timeout": 1})
        for k in range(3):
            lib.add_result(run, inc_task(f"inc-{k}"), solved(inc_task(f"inc-{k}")))
        lib.finish_run(run, {"done": True})
        lib.put_blob("model", b"\x00" * 100, "raw", {"k": 1})
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    return path


def _read_everything(lib: Library) -> None:
    from hortus.lang.types import parse_type
    from hortus.prior.cfg import CFG

    lib.summary(), lib.routines(), lib.runs(), lib.searches(), lib.solutions(), lib.phases()
    lib.meta(), [lib.get_blob(name) for name in lib.blobs()]
    [t.task() for t in lib.tasks()]
    cfg = CFG(lib.grammar(), parse_type("list(int) -> list(int)"))
    [cfg.rules(nt) for nt in cfg.reachable()]


@pytest.mark.parametrize(("column", "value"), [
    ("provenance", "CAST(x'fffe7b' AS TEXT)"),  # not UTF-8
    ("provenance", "'{\"a\": '"),  # not JSON
    ("created_at", "'2024-13=01 00:00:00'"),  # not a time
    ("weight", "x'00'"),  # a blob where a number was
    ("type", "'list(int) -< list(int)'"),
])
def test_a_damaged_row_is_a_clean_library_error(tmp_path: Path, column: str,
                                                value: str) -> None:
    path = _written(tmp_path / "lib.db")
    with sqlite3.connect(path) as conn:
        conn.execute(f"UPDATE routines SET {column} = {value} WHERE name = 'inc'")
    conn.close()
    with Library.open(path) as lib, pytest.raises(LibraryError, match=str(path)):
        _read_everything(lib)
    run = CliRunner().invoke(app, ["run", "(lambda (inc $0))", "1", "--library", str(path)])
    assert run.exit_code == 2 and f"error: library sqlite:///{path}" in run.stderr, run.output
    listing = CliRunner().invoke(app, ["library", "routines", "--library", str(path)])
    assert listing.exit_code in (0, 2) and "Traceback" not in listing.output
    assert listing.exception is None or isinstance(listing.exception, SystemExit)


def test_a_damaged_task_is_a_clean_library_error(tmp_path: Path) -> None:
    path = _written(tmp_path / "lib.db")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE tasks SET request = 'list(int) -< list(int)' WHERE name = 'inc-1'")
    conn.close()
    with Library.open(path) as lib, pytest.raises(LibraryError, match=r"task 'inc-1'.*damaged"):
        _read_everything(lib)


def test_bit_flips_in_a_library_file_are_clean_errors_or_harmless(tmp_path: Path) -> None:
    """Flipped bits: SQLite notices most; the rest are values hortus must refuse to read."""
    import random

    source = _written(tmp_path / "source.db").read_bytes()
    rng = random.Random(7)
    outcomes = {"read": 0, "refused": 0}
    for trial in range(120):
        data = bytearray(source)
        for _ in range(rng.choice([1, 2, 8])):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        path = tmp_path / f"flipped-{trial}.db"
        path.write_bytes(bytes(data))
        try:
            with Library.open(path) as lib:
                _read_everything(lib)
            outcomes["read"] += 1
        except LibraryError as e:
            assert str(path) in str(e) or "task" in str(e)
            outcomes["refused"] += 1
    assert outcomes["refused"] > 5 and outcomes["read"] > 5


@pytest.mark.parametrize("url", ["nosuchdb://x/y", "sqlite:///"])
def test_bad_urls(url: str, tmp_path: Path) -> None:
    if url == "sqlite:///":
        url = f"sqlite:///{tmp_path}/missing/dir/lib.db"
    with pytest.raises(LibraryError):
        Library.open(url)


def test_closed_library_refuses_use() -> None:
    lib = Library.open("sqlite://")
    lib.close()
    with pytest.raises(LibraryError, match="closed"):
        lib.routines()


def test_import_does_not_load_alembic(lib_path: Path) -> None:
    code = ("import sys; from hortus.library import Library; "
            f"Library.open({str(lib_path)!r}).close(); "
            f"Library.open({str(lib_path)!r}).close(); print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
