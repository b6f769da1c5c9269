"""Opening libraries: URLs, paths, the environment variable, and what is refused."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_unrelated_database_gets_the_schema(lib_path: Path) -> None:
    with sqlite3.connect(lib_path) as conn:
        conn.execute("CREATE TABLE notes (x INTEGER)")
    with Library.open(lib_path) as lib:
        assert lib.summary()["tasks"] == 0


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
