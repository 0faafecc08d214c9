"""Batch store: when a batch was last handed to the broker, when each item last changed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("batch_jobs") as batch:
        batch.add_column(sa.Column("dispatched_at", sa.Double(), nullable=True))
    with op.batch_alter_table("batch_items") as batch:
        batch.add_column(sa.Column("updated_at", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("batch_items") as batch:
        batch.drop_column("updated_at")
    with op.batch_alter_table("batch_jobs") as batch:
        batch.drop_column("dispatched_at")
