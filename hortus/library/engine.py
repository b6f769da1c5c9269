"""Where a library lives: URL resolution, engine setup, and one scoped session per transaction."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from hortus.library.errors import LibraryError

ENV_VAR = "HORTUS_LIBRARY"
DEFAULT_URL = "sqlite:///hortus.db"
BUSY_TIMEOUT_MS = 30_000
_BEGIN = "hortus_begin"  # execution option naming the SQLite BEGIN statement to emit


def resolve_url(url: str | os.PathLike[str] | None) -> str:
    """The SQLAlchemy URL of a library: ``url``, else ``$HORTUS_LIBRARY``, else the default.

    A bare filesystem path (no ``scheme://``) names an SQLite file.
    """
    if url is None or url == "":
        url = os.environ.get(ENV_VAR) or DEFAULT_URL
    text = os.fspath(url)
    if "://" not in text:
        path = Path(text).expanduser()
        return URL.create("sqlite", database=str(path)).render_as_string(hide_password=False)
    return text


def display(url: str) -> str:
    """The URL as it may appear in messages: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def describe(error: BaseException) -> str:
    """The driver's own words for a database error, without SQLAlchemy's boilerplate."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        return str(error.orig).strip() or type(error.orig).__name__
    text = str(error).split("\n", 1)[0].strip()
    return text or type(error).__name__


def is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def make_engines(url: str) -> tuple[Engine, Engine]:
    """An engine for reads and one for writes sharing its pool (writes lock SQLite up front)."""
    try:
        parsed = make_url(url)
        kwargs: dict[str, Any] = {}
        if is_memory_sqlite(parsed):
            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, NoSuchModuleError) as e:
        raise LibraryError(f"{display(url)} is not a usable library URL: {describe(e)}") from None
    except ImportError as e:
        raise LibraryError(f"cannot open library {display(url)}: its database driver is not "
                           f"installed ({e})") from None
    if parsed.get_backend_name() == "sqlite":
        _setup_sqlite(engine)
        return engine, engine.execution_options(**{_BEGIN: "BEGIN IMMEDIATE"})
    return engine, engine


def _setup_sqlite(engine: Engine) -> None:
    """WAL with a generous busy timeout, enforced foreign keys, and BEGIN issued by us.

    sqlite3's own transaction handling starts no transaction before DDL or SELECT; taking it over
    makes every write (schema changes included) one transaction, and lets writes take the write
    lock at BEGIN so that two writers wait for each other instead of failing.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if _ours_or_empty(cursor):  # another application's file is left as it is
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get(_BEGIN, "BEGIN"))


def _ours_or_empty(cursor: Any) -> bool:
    """Has the SQLite database no tables, or hortus's schema revision table?

    Switching a file to WAL changes it: done only to a file hortus may make its library
    (``schema.ensure`` refuses the others).
    """
    from hortus.library.models import VERSION_TABLE

    tables = {row[0] for row in cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite~_%' "
        "ESCAPE '~'")}
    return not tables or VERSION_TABLE.name in tables


class Sessions:
    """Scoped sessions: each ``with`` block is one transaction, committed or rolled back whole."""

    def __init__(self, url: str, reader: Engine, writer: Engine) -> None:
        self.url = url
        self._read = sessionmaker(bind=reader, expire_on_commit=False)
        self._write = sessionmaker(bind=writer, expire_on_commit=False)

    @contextmanager
    def __call__(self, write: bool = False) -> Iterator[Session]:
        session = (self._write if write else self._read)()
        try:
            yield session
            session.commit()
        except SQLAlchemyError as e:
            _rollback(session)
            raise LibraryError(f"library {display(self.url)}: {describe(e)}") from e
        except DAMAGE as e:  # a stored value that does not decode: text, JSON, a time
            _rollback(session)
            raise LibraryError(damaged(self.url, e)) from e
        except BaseException:
            _rollback(session)
            raise
        finally:
            session.close()


# What reading a stored value that is not what hortus wrote raises (bit rot, another writer).
DAMAGE = (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError)


def damaged(url: str, e: BaseException) -> str:
    """The message for data of library ``url`` that cannot be read back."""
    what = str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)
    return (f"library {display(url)} holds data that cannot be read ({type(e).__name__}: "
            f"{what[:200]}): it is damaged, or was not written by hortus")


def _rollback(session: Session) -> None:
    """Roll back, keeping the error that caused it rather than one from a broken connection."""
    with suppress(SQLAlchemyError):
        session.rollback()
