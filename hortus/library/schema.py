"""Bring a database to the current schema: create and seed it, migrate it, or refuse it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, insert, inspect, select
from sqlalchemy.exc import IntegrityError, ProgrammingError

from hortus.library.errors import LibraryError
from hortus.library.models import TABLES, VERSION_TABLE, Base, MetaRow, RoutineRow

if TYPE_CHECKING:
    from alembic.config import Config

REVISIONS = ("0001", "0002", "0003")  # oldest first; keep in step with migrations/versions
HEAD = REVISIONS[-1]
MIGRATIONS = Path(__file__).with_name("migrations")
PRIMITIVE_SET = "base"  # the core and the domains' primitives, and the literals 0-5
OLD_DOMAINS = "lists,collections,text"  # what a library made before domains existed holds
SCHEMA_NOTE = ("hortus library: routines and their weights, tasks, runs, searches and solutions; "
               "see hortus/library/models.py")


def now() -> datetime:
    """Current UTC time, stored without a zone (SQLite keeps none)."""
    return datetime.now(UTC).replace(tzinfo=None)


def revision(conn: Connection) -> tuple[set[str], str | None]:
    """The database's tables and its schema revision (None when it has none)."""
    tables = set(inspect(conn).get_table_names())
    if VERSION_TABLE.name not in tables:
        return tables, None
    versions = list(conn.scalars(select(VERSION_TABLE.c.version_num)))
    if len(versions) != 1:
        return tables, ",".join(sorted(versions)) or None
    return tables, versions[0]


def ensure(writer: Engine, where: str, domains: tuple[str, ...] | None = None,
           new: bool = False, attempts: int = 3) -> None:
    """Create, migrate or accept the schema, under the write lock so racing openers agree.

    A library created here holds the primitives of ``domains`` (None: the default ones);
    with ``new``, one that exists already is refused.
    """
    for attempt in range(attempts):
        try:
            with writer.begin() as conn:
                _ensure(conn, where, domains, new)
            return
        except (IntegrityError, ProgrammingError):
            # A server database has no lock for this: another opener created the tables first.
            if attempt == attempts - 1:
                raise


def _ensure(conn: Connection, where: str, domains: tuple[str, ...] | None, new: bool) -> None:
    tables, rev = revision(conn)
    if new and rev is not None:
        raise LibraryError(f"library {where} exists already; its domains are set when it is "
                           f"made: name a new file or an empty database")
    if rev == HEAD:
        return
    if rev is None:
        ours = sorted(tables & TABLES)
        if ours:
            raise LibraryError(f"library {where} has tables {', '.join(ours)} but no schema "
                               f"revision: it was not made by hortus, or is damaged")
        if tables:  # another application's database: adding tables to it would be taking it
            shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
            raise LibraryError(f"{where} is a database of another application (tables "
                               f"{shown}), not a hortus library: hortus leaves it as it is; "
                               f"name a new file or an empty database")
        create(conn, domains)
        return
    if rev not in REVISIONS:
        raise LibraryError(f"library {where} has schema revision {rev!r}, which this hortus does "
                           f"not know (it knows {', '.join(REVISIONS)}): it was probably made by "
                           f"a newer hortus; upgrade hortus to use it")
    upgrade(conn, HEAD)


def create(conn: Connection, domains: tuple[str, ...] | None = None) -> None:
    """A new library: every table at the head revision, seeded with the primitives of the
    core language and of ``domains`` (None: the default domains)."""
    Base.metadata.create_all(conn)
    VERSION_TABLE.create(conn)
    conn.execute(insert(VERSION_TABLE).values(version_num=HEAD))
    seed(conn, domains)


def seed(conn: Connection, domains: tuple[str, ...] | None = None) -> None:
    from hortus.domains import default_names
    from hortus.lang.primitives import domain_set, lookup

    domains = default_names() if domains is None else domains
    stamp = now()
    rows = [{"name": p.name, "kind": "primitive", "type": str(p.tp), "body": None,
             "weight": 0.0, "provenance": "{}", "created_at": stamp}
            for p in map(lookup, domain_set(domains))]
    conn.execute(insert(RoutineRow), rows)
    conn.execute(insert(MetaRow), [{"key": "primitive_set", "value": PRIMITIVE_SET},
                                   {"key": "domains", "value": ",".join(domains)},
                                   {"key": "log_variable", "value": "0.0"},
                                   {"key": "schema", "value": SCHEMA_NOTE}])


def alembic_config(conn: Connection | None = None) -> Config:
    """Alembic configured in code: the scripts ship inside the package, no alembic.ini."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if conn is not None:
        config.attributes["connection"] = conn
    return config


def upgrade(conn: Connection, target: str) -> None:
    """Run the migrations up to ``target`` inside the caller's transaction."""
    from alembic import command

    command.upgrade(alembic_config(conn), target)
