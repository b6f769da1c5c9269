"""Initial schema: routines, bigram weights, meta, tasks, runs, searches and solutions."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "routines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("provenance", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_routines"),
        sa.UniqueConstraint("name", name="uq_routines_name"),
    )
    op.create_table(
        "bigram_weights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent", sa.Text(), nullable=False),
        sa.Column("arg", sa.Integer(), nullable=False),
        sa.Column("child", sa.Text(), nullable=False),
        sa.Column("logweight", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bigram_weights"),
        sa.UniqueConstraint("parent", "arg", "child", name="uq_bigram_weights_key"),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("examples", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tasks"),
        sa.UniqueConstraint("digest", name="uq_tasks_digest"),
    )
    op.create_index("ix_tasks_name", "tasks", ["name"])
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("command", sa.Text(), nullable=False),
        sa.Column("config", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("stats", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_table(
        "searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("solved", sa.Boolean(), nullable=False),
        sa.Column("tried", sa.Integer(), nullable=False),
        sa.Column("time", sa.Float(), nullable=False),
        sa.Column("cut", sa.Text(), nullable=True),
        sa.Column("stats", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_searches_run_id_runs"),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name="fk_searches_task_id_tasks"),
        sa.PrimaryKeyConstraint("id", name="pk_searches"),
    )
    op.create_index("ix_searches_run_id", "searches", ["run_id"])
    op.create_index("ix_searches_task_id", "searches", ["task_id"])
    op.create_table(
        "solutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("search_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("program", sa.Text(), nullable=False),
        sa.Column("logprior", sa.Float(), nullable=False),
        sa.Column("time", sa.Float(), nullable=False),
        sa.Column("tried", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["search_id"], ["searches.id"],
                                name="fk_solutions_search_id_searches"),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name="fk_solutions_task_id_tasks"),
        sa.PrimaryKeyConstraint("id", name="pk_solutions"),
    )
    op.create_index("ix_solutions_search_id", "solutions", ["search_id"])
    op.create_index("ix_solutions_task_id", "solutions", ["task_id"])


def downgrade() -> None:
    for table in ("solutions", "searches", "runs", "tasks", "meta", "bigram_weights", "routines"):
        op.drop_table(table)
