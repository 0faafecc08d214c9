"""The batch store's tables (service/batch/store.py reads and writes them).

    batch_jobs   id · created · status (queued|running|done|failed) · format · merged_pdf ·
                 total · message · dispatched · dispatched_at
    batch_items  job_id · idx · state (pending|running|done|failed) · payload · name · key ·
                 filename · filename_utf8 · error · owner · worker · lease_until · not_before ·
                 attempts · updated_at · row
    batch_outputs job_id · name · content  (when VANBAN_STORAGE_URL=database)

Times are seconds since the epoch (float), as every process compares them with its own clock.
"""

from __future__ import annotations

from sqlalchemy import Double, ForeignKey, Index, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base


class BatchJob(Base):
    __tablename__ = "batch_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created: Mapped[float] = mapped_column(Double)
    status: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(8))
    merged_pdf: Mapped[bool]
    total: Mapped[int]
    message: Mapped[str | None] = mapped_column(Text)
    dispatched: Mapped[bool] = mapped_column(default=False, server_default=false())
    # When its open items were last handed to the broker (Celery): sent again only after a lease.
    dispatched_at: Mapped[float | None] = mapped_column(Double)


class BatchItem(Base):
    __tablename__ = "batch_items"
    __table_args__ = (
        Index("ix_batch_items_state", "state", "job_id", "idx"),
        Index("ix_batch_items_key", "key", "state"),
    )

    job_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("batch_jobs.id", ondelete="CASCADE"), primary_key=True)
    idx: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str | None] = mapped_column(Text)          # JSON
    name: Mapped[str | None] = mapped_column(Text)             # from the name column
    key: Mapped[str | None] = mapped_column(String(64))        # same document: same key
    filename: Mapped[str | None] = mapped_column(Text)
    filename_utf8: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)            # JSON {"fields"} or {"message"}
    owner: Mapped[str | None] = mapped_column(Text)            # host:pid:token
    worker: Mapped[str | None] = mapped_column(Text)           # the Celery worker's name
    lease_until: Mapped[float | None] = mapped_column(Double)
    not_before: Mapped[float] = mapped_column(Double, default=0.0, server_default="0")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[float | None] = mapped_column(Double)  # last claimed, finished, released
    row: Mapped[int | None]                                  # its row in the spreadsheet


class BatchOutput(Base):
    """A batch's document (or note) kept in the database, for machines with no shared disk."""

    __tablename__ = "batch_outputs"

    job_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
