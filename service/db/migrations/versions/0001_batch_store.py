"""The batch store: batch_jobs and batch_items.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "batch_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created", sa.Double(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("merged_pdf", sa.Boolean(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("dispatched", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_jobs")),
    )
    op.create_table(
        "batch_items",
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("key", sa.String(length=64), nullable=True),
        sa.Column("filename", sa.Text(), nullable=True),
        sa.Column("filename_utf8", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("worker", sa.Text(), nullable=True),
        sa.Column("lease_until", sa.Double(), nullable=True),
        sa.Column("not_before", sa.Double(), server_default="0", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["batch_jobs.id"],
                                name=op.f("fk_batch_items_job_id_batch_jobs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id", "idx", name=op.f("pk_batch_items")),
    )
    op.create_index("ix_batch_items_key", "batch_items", ["key", "state"])
    op.create_index("ix_batch_items_state", "batch_items", ["state", "job_id", "idx"])


def downgrade() -> None:
    op.drop_index("ix_batch_items_state", table_name="batch_items")
    op.drop_index("ix_batch_items_key", table_name="batch_items")
    op.drop_table("batch_items")
    op.drop_table("batch_jobs")
