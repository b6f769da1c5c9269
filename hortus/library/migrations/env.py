"""Alembic environment: migrate on the connection (and inside the transaction) hortus passes."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("hortus library migrations run from hortus.library (Library.open), "
                       "on a connection it passes in; offline mode is not supported")

context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
