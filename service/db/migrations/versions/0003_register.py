"""The register of outgoing documents: register_series and register_entries.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "register_entries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=8), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("symbol", sa.String(length=80), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("issued", sa.String(length=10), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("created", sa.Double(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_entries")),
        sa.UniqueConstraint("issuer", "year", "series", "number",
                            name=op.f("uq_register_entries_issuer_year_series_number")),
        sa.UniqueConstraint("issuer", "year", "series", "symbol",
                            name=op.f("uq_register_entries_issuer_year_series_symbol")),
    )
    op.create_index("ix_register_entries_listing", "register_entries",
                    ["issuer", "year", "number"])
    op.create_table(
        "register_series",
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("series", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("issuer", "year", "series", name=op.f("pk_register_series")),
    )


def downgrade() -> None:
    op.drop_table("register_series")
    op.drop_index("ix_register_entries_listing", table_name="register_entries")
    op.drop_table("register_entries")
