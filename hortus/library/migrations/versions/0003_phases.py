"""Phases: each completed phase of a learning run (wake, abstraction, dreams, test).

A run that is killed resumes after its last completed phase; reports read the per-iteration
figures from here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "phases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("iteration", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(32), nullable=False),
        sa.Column("stats", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_phases_run_id_runs"),
        sa.PrimaryKeyConstraint("id", name="pk_phases"),
        sa.UniqueConstraint("run_id", "iteration", "phase", name="uq_phases_step"),
    )
    op.create_index("ix_phases_run_id", "phases", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_phases_run_id", table_name="phases")
    op.drop_table("phases")
