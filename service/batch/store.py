"""The job store: batches and their items in the database (service/db), item outputs as files.

Every runner (the inline threads, each Celery worker, the command line) takes work and reports
it only through here, so progress survives a restart and finished items are never redone. An
item is claimed by one owner at a time with a lease: an owner that dies leaves its items to be
taken again, at once when it was a process on this machine that is gone, after the lease when
it was another machine. Claims are atomic on both databases: SQLite serialises writers (each
write transaction takes the lock at once), PostgreSQL locks the claimed row and lets other
claimants skip it (FOR UPDATE SKIP LOCKED). Item files are written to a temporary name and
renamed, so a crash never leaves half a file under an output's name. Finished batches older
than `keep_days` are removed (rows, then their folder) whenever a new batch is stored.

The tables are service/db/models/batch.py. A job store of the versions before the database (one
SQLite file, `settings.batch.db`) is moved in by `import_legacy` at the first start.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import re
import socket
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import aliased

from service.batch.envelope import BatchRequest
from service.batch.outputs import FileOutputs, Outputs, disk_full, open_outputs
from service.config import BatchSettings, PoolSettings, Settings
from service.db import Database
from service.db.models import BatchItem, BatchJob
from service.errors import BatchNotFound, StorageFull

log = logging.getLogger("vanban.batch")

_ID = re.compile(r"[0-9a-f]{32}")
UNFINISHED = ("queued", "running")
SUPERSEDED = "Đã thay bằng một lần chạy khác với dữ liệu khác."
# Claims of one item before it is failed rather than taken again: the converter busy that many
# times, or its makers lost that many times (a document that kills whatever makes it).
MAX_ATTEMPTS = 5
CUT_SHORT = ("Văn bản này bị ngắt giữa chừng nhiều lần khi đang tạo (bộ chuyển đổi hoặc tiến "
             "trình làm nó đã dừng); đã bỏ qua để lô làm tiếp.")
_UNDER_WAY = BatchJob.status.in_(UNFINISHED)
_OPEN_ITEM = BatchItem.state.in_(("pending", "running"))

# The statements every item runs through (claim, start, finish), built once with bound
# parameters over the tables themselves: building a SQLAlchemy expression, and the ORM's
# handling of an UPDATE, cost milliseconds per item, far more than SQLite's own work, and a
# batch's PDFs share the same cores.
_ITEMS, _JOBS = BatchItem.__table__, BatchJob.__table__
_THIS_ITEM = and_(_ITEMS.c.job_id == bindparam("p_job"), _ITEMS.c.idx == bindparam("p_idx"))
_NEXT_ITEM = (
    select(_ITEMS.c.job_id, _ITEMS.c.idx).join(_JOBS)
    .where(_JOBS.c.status.in_(UNFINISHED), _JOBS.c.format.in_(bindparam("p_formats",
                                                                        expanding=True)),
           or_(and_(_ITEMS.c.state == "pending", _ITEMS.c.not_before <= bindparam("p_now")),
               and_(_ITEMS.c.state == "running", _ITEMS.c.lease_until < bindparam("p_now"))))
    .order_by(_JOBS.c.created, _ITEMS.c.idx).limit(1)
    .with_for_update(of=_ITEMS, skip_locked=True))
_ITEM_TO_TAKE = (select(_ITEMS.c.payload, _ITEMS.c.attempts, _JOBS.c.format, _JOBS.c.status)
                 .join(_JOBS).where(_THIS_ITEM))
_START = _ITEMS.update().where(_THIS_ITEM).values(
    state="running", owner=bindparam("p_owner"), worker=bindparam("p_worker"),
    lease_until=bindparam("p_lease_until"), attempts=bindparam("p_attempts"),
    updated_at=bindparam("p_now"))
_JOB_RUNNING = (_JOBS.update().where(_JOBS.c.id == bindparam("p_job"),
                                     _JOBS.c.status == "queued").values(status="running"))
_DONE = _ITEMS.update().where(
    _THIS_ITEM, _ITEMS.c.state == "running", _ITEMS.c.owner == bindparam("p_owner")).values(
    state="done", filename=bindparam("p_filename"), filename_utf8=bindparam("p_filename_utf8"),
    error=None, worker=func.coalesce(bindparam("p_worker"), _ITEMS.c.worker), lease_until=None,
    updated_at=bindparam("p_now"))
_LOCK_JOB = select(_JOBS.c.id).where(_JOBS.c.id == bindparam("p_job")).with_for_update()
_SETTLE = _JOBS.update().where(
    _JOBS.c.id == bindparam("p_job"), _JOBS.c.status.in_(UNFINISHED),
    ~exists().where(_ITEMS.c.job_id == bindparam("p_job"),
                    _ITEMS.c.state.in_(("pending", "running")))).values(status="done")


@dataclass(frozen=True)
class Job:
    id: str
    status: str                 # queued | running | done | failed (batch-level only)
    format: str
    merged_pdf: bool
    total: int
    done: int = 0
    failed: int = 0
    message: str | None = None  # why the batch itself failed
    created: float = 0.0

    @property
    def finished(self) -> bool:
        return self.status not in UNFINISHED


@dataclass(frozen=True)
class Claim:
    """An item taken by one owner: what it needs to generate the document."""

    job_id: str
    index: int
    payload: Any
    format: str
    attempts: int               # including this one
    owner: str


@dataclass(frozen=True)
class Finished:
    index: int
    name: str | None
    filename: str
    filename_utf8: str
    output: str                 # its document among the batch's outputs (output_name)


def item_key(payload: Any, fmt: str, index: int) -> str:
    """What makes two items the same document: their payload and format; and, when the
    register numbers it (`"number": "auto"`), its place in the batch too: two such items
    alike are two documents, each with a number of its own, never one file shared."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if isinstance(payload, dict) and payload.get("number") == "auto":
        text += f"\n#{index}"
    return hashlib.sha256(f"{fmt}\n{text}".encode()).hexdigest()


def owner_id(token: str) -> str:
    """`host:pid:token`: enough to tell, on this host, whether the owner is still alive."""
    return f"{socket.gethostname()}:{os.getpid()}:{token}"


def _item(job_id: str, index: int) -> Any:
    return and_(BatchItem.job_id == job_id, BatchItem.idx == index)


def lease_of(settings: Settings) -> float:
    """VANBAN_BATCH_LEASE, or three converter timeouts: an item's conversion, the one retry
    after a crash and the wait for a converter all fit in it."""
    return settings.batch.lease or 3 * settings.pool.timeout


class JobStore:
    def __init__(self, database: Database, settings: BatchSettings,
                 outputs: Outputs | None = None) -> None:
        self.database = database
        self.outputs = outputs or FileOutputs(settings.output_dir)
        self.lease = settings.lease or 3 * PoolSettings.timeout
        self.keep_days = settings.keep_days

    # -- jobs ------------------------------------------------------------------------------------

    def create(self, request: BatchRequest, job_id: str | None = None) -> Job:
        """Store a batch and its items; items whose row could not fill the base fail at once."""
        self.expire()
        job_id = job_id or uuid.uuid4().hex
        rows = []
        for index, item in enumerate(request.items):
            row = {"job_id": job_id, "idx": index, "name": item.name, "payload": None,
                   "key": None, "error": None, "row": item.row}
            if item.error is not None:
                row.update(state="failed",
                           error=json.dumps({"fields": item.error}, ensure_ascii=False))
            else:
                row.update(state="pending", payload=json.dumps(item.payload, ensure_ascii=False),
                           key=item_key(item.payload, request.format, index))
            rows.append(row)
        if not self.outputs.room():
            raise StorageFull(detail=f"no room for batch outputs in {self.outputs}")
        try:
            with self.database.write() as db:
                db.execute(insert(BatchJob).values(
                    id=job_id, created=time.time(), status="queued", format=request.format,
                    merged_pdf=request.merged_pdf, total=len(rows)))
                if rows:
                    db.execute(insert(BatchItem), rows)
                _settle(db, job_id)
        except SQLAlchemyError as exc:
            if disk_full(exc):
                raise StorageFull(detail=str(exc)) from exc
            raise
        return self.job(job_id)

    def expire(self, now: float | None = None) -> list[str]:
        """Remove the finished batches created more than `keep_days` ago (0: keep all): their
        rows in one transaction, then their folders; returns their ids. A folder a crash left
        without its rows (after the commit, before the removal) goes once it is as old."""
        if not self.keep_days:
            return []
        cutoff = (time.time() if now is None else now) - self.keep_days * 86400
        with self.database.write() as db:
            expired = list(db.scalars(select(BatchJob.id).where(
                BatchJob.created < cutoff, ~_UNDER_WAY)))
            if expired:
                db.execute(delete(BatchItem).where(BatchItem.job_id.in_(expired)))
                db.execute(delete(BatchJob).where(BatchJob.id.in_(expired)))
        for job_id in expired:
            self.outputs.remove(job_id)
        self.outputs.sweep(self.has, cutoff)
        if expired:
            log.info("removed %d finished batch(es) older than %g days", len(expired),
                     self.keep_days)
        return expired

    def has(self, job_id: str) -> bool:
        if not _ID.fullmatch(job_id):
            return False
        with self.database.read() as db:
            return db.scalar(select(BatchJob.id).where(BatchJob.id == job_id)) is not None

    def job(self, job_id: str) -> Job:
        row = None
        if _ID.fullmatch(job_id):
            with self.database.read() as db:
                row = db.execute(select(BatchJob).where(BatchJob.id == job_id)).first()
                counts = dict(db.execute(
                    select(BatchItem.state, func.count()).where(BatchItem.job_id == job_id)
                    .group_by(BatchItem.state)).all())
        if row is None:
            raise BatchNotFound(detail=f"batch {job_id!r}")
        return Job(row.id, row.status, row.format, bool(row.merged_pdf), row.total,
                   counts.get("done", 0), counts.get("failed", 0), row.message, row.created)

    def types(self, job_id: str) -> set[str]:
        """The document types of the batch's items, as their payloads name them."""
        with self.database.read() as db:
            payloads = db.scalars(select(BatchItem.payload).where(
                BatchItem.job_id == job_id, BatchItem.payload.is_not(None)))
            found = (json.loads(p) for p in payloads)
            return {str(p.get("type")) for p in found if isinstance(p, dict)}

    def errors(self, job_id: str) -> list[dict[str, Any]]:
        """[{"index", "fields"} or {"index", "message"}] for each failed item, in order, with
        "row" (its spreadsheet row) when it came from one."""
        with self.database.read() as db:
            return [{"index": index, **({"row": row} if row is not None else {}),
                     **json.loads(error)} for index, row, error in db.execute(
                select(BatchItem.idx, BatchItem.row, BatchItem.error).where(
                    BatchItem.job_id == job_id, BatchItem.state == "failed")
                .order_by(BatchItem.idx))]

    def workers(self, job_id: str) -> dict[int, str]:
        """Which worker made each finished item (for the scale-out evidence)."""
        with self.database.read() as db:
            return dict(db.execute(select(BatchItem.idx, BatchItem.worker).where(
                BatchItem.job_id == job_id, BatchItem.state == "done")).all())

    def states(self, job_id: str) -> list[str]:
        """Each item's state, in order."""
        with self.database.read() as db:
            return list(db.scalars(select(BatchItem.state).where(BatchItem.job_id == job_id)
                                   .order_by(BatchItem.idx)))

    def unfinished(self) -> list[str]:
        with self.database.read() as db:
            return list(db.scalars(select(BatchJob.id).where(_UNDER_WAY)
                                   .order_by(BatchJob.created)))

    def progress(self) -> dict[str, int]:
        """Items of the batches still under way, by state (pending, running, done, failed)."""
        with self.database.read() as db:
            return dict(db.execute(
                select(BatchItem.state, func.count()).join(BatchJob).where(_UNDER_WAY)
                .group_by(BatchItem.state)).all())

    def pending(self, job_id: str) -> list[int]:
        with self.database.read() as db:
            return list(db.scalars(select(BatchItem.idx).where(
                BatchItem.job_id == job_id, _OPEN_ITEM).order_by(BatchItem.idx)))

    def undispatched(self) -> list[str]:
        """Unfinished batches whose items were not all handed to the broker."""
        with self.database.read() as db:
            return list(db.scalars(select(BatchJob.id).where(
                _UNDER_WAY, BatchJob.dispatched.is_(False)).order_by(BatchJob.created)))

    def mark_dispatched(self, job_id: str) -> None:
        with self.database.write() as db:
            db.execute(update(BatchJob).where(BatchJob.id == job_id).values(
                dispatched=True, dispatched_at=time.time()))

    def take_stalled(self, queued: Callable[[], int] | None = None,
                     now: float | None = None) -> dict[str, list[int]]:
        """The open items to hand to the broker again, by batch, because it may have lost them:
        items running past their lease (their maker is gone), and every pending item once no
        item of any unfinished batch has changed for a lease (nothing is being made, so the
        queue is not draining). A batch goes to the process whose update of its dispatched_at
        wins, at most once a lease. `queued()`, the messages waiting in the broker, puts this
        off while they cover every item (workers down, queue intact)."""
        now = time.time() if now is None else now
        quiet = now - self.lease
        with self.database.read() as db:
            last = db.scalar(select(func.max(BatchItem.updated_at)).join(BatchJob)
                             .where(_UNDER_WAY))
            idle = last is None or last < quiet
            lost = or_(and_(BatchItem.state == "running", BatchItem.lease_until < now),
                       and_(BatchItem.state == "pending", idle))
            found: dict[str, list[int]] = {}
            for job_id, index in db.execute(
                    select(BatchItem.job_id, BatchItem.idx).join(BatchJob).where(
                        _UNDER_WAY, BatchJob.dispatched.is_(True),
                        or_(BatchJob.dispatched_at.is_(None), BatchJob.dispatched_at < quiet),
                        lost).order_by(BatchJob.created, BatchItem.idx)):
                found.setdefault(job_id, []).append(index)
        if not found or (queued is not None and queued() >= sum(map(len, found.values()))):
            return {}
        taken = {}
        with self.database.write() as db:
            for job_id, indexes in found.items():
                if db.execute(update(BatchJob).where(
                        BatchJob.id == job_id,
                        or_(BatchJob.dispatched_at.is_(None), BatchJob.dispatched_at < quiet))
                        .values(dispatched_at=now)).rowcount:
                    taken[job_id] = indexes
        return taken

    def due(self, formats: tuple[str, ...] = ("docx", "pdf")) -> bool:
        """Whether an item of an unfinished batch in `formats` may be claimed now: pending and
        due, or running past its lease."""
        now = time.time()
        with self.database.read() as db:
            return db.scalar(select(BatchItem.idx).join(BatchJob).where(
                _UNDER_WAY, BatchJob.format.in_(formats),
                or_(and_(BatchItem.state == "pending", BatchItem.not_before <= now),
                    and_(BatchItem.state == "running", BatchItem.lease_until < now)))
                .limit(1)) is not None

    def fail_job(self, job_id: str, message: str) -> None:
        """The batch itself cannot go on (its results cannot be stored): stop it, say why."""
        with self.database.write() as db:
            db.execute(update(BatchJob).where(BatchJob.id == job_id, _UNDER_WAY)
                       .values(status="failed", message=message))

    def pause(self, claim: Claim, message: str) -> None:
        """The storage is full: give the item back untried and stop the batch, saying why,
        with its other items as they are; `resume` takes it up once there is room."""
        with self.database.write() as db:
            db.execute(_held(claim).values(state="pending", owner=None, lease_until=None,
                                           attempts=BatchItem.attempts - 1,
                                           updated_at=time.time()))
            db.execute(update(BatchJob).where(BatchJob.id == claim.job_id, _UNDER_WAY)
                       .values(status="failed", message=message))

    def resume(self, job_id: str) -> Job:
        """A batch stopped with items still to make (the storage was full) goes on."""
        self.job(job_id)                        # BatchNotFound for an unknown id
        with self.database.write() as db:
            db.execute(update(BatchJob).where(
                BatchJob.id == job_id, BatchJob.status == "failed",
                exists().where(BatchItem.job_id == job_id, _OPEN_ITEM))
                .values(status="queued", message=None))
        return self.job(job_id)

    def supersede(self, keep: str) -> None:
        """Stop every unfinished batch but `keep` (the command line's input changed)."""
        with self.database.write() as db:
            db.execute(update(BatchJob).where(BatchJob.id != keep, _UNDER_WAY)
                       .values(status="failed", message=SUPERSEDED))

    def retry_failed(self, job_id: str) -> int:
        """Put a batch's failed items back in the queue (the command line's re-run)."""
        with self.database.write() as db:
            count = db.execute(update(BatchItem).where(
                BatchItem.job_id == job_id, BatchItem.state == "failed",
                BatchItem.payload.is_not(None)).values(
                state="pending", error=None, attempts=0, not_before=0.0)).rowcount
            db.execute(update(BatchJob).where(
                BatchJob.id == job_id,
                exists().where(BatchItem.job_id == job_id, BatchItem.state == "pending"))
                .values(status="queued", message=None))
        return count

    # -- items -----------------------------------------------------------------------------------

    def claim_next(self, owner: str, formats: tuple[str, ...] = ("docx", "pdf")
                   ) -> Claim | float | None:
        """The next item of any unfinished batch in one of `formats` (a runner takes only what it
        can make), oldest batch first; else the time when an item put off for a retry becomes
        due, or None when nothing is left for this runner."""
        now = time.time()
        while True:
            with self.database.write() as db:
                row = db.execute(_NEXT_ITEM, {"p_now": now, "p_formats": list(formats)}).first()
                if row is None:
                    mine = and_(_UNDER_WAY, BatchJob.format.in_(formats))
                    return db.scalar(select(func.min(BatchItem.not_before)).join(BatchJob)
                                     .where(mine, BatchItem.state == "pending"))
                claim = self._take(db, row.job_id, row.idx, owner, None, now)
            if claim is not None:
                return claim

    def claim(self, job_id: str, index: int, owner: str, worker: str | None = None,
              alive: Callable[[str], bool] | None = None) -> Claim | float | None:
        """This item, if it is free (Celery). A float is the time until which another owner holds
        it (its lease); None: finished, or its batch is. With `alive`, an item held by a process
        of this host that is gone (a worker process killed mid-task) is free at once."""
        now = time.time()
        local = socket.gethostname() + ":"
        with self.database.write() as db:
            row = db.execute(
                select(BatchItem.state, BatchItem.lease_until, BatchItem.owner, BatchJob.status)
                .join(BatchJob).where(_item(job_id, index))
                .with_for_update(of=BatchItem)).first()
            if row is None or row.status not in UNFINISHED or row.state in ("done", "failed"):
                return None
            if row.state == "running" and row.lease_until >= now:
                holder = row.owner or ""
                if not (alive and holder.startswith(local) and not alive(holder)):
                    return float(row.lease_until)
            return self._take(db, job_id, index, owner, worker, now)

    def _take(self, db: Connection, job_id: str, index: int, owner: str,
              worker: str | None, now: float) -> Claim | None:
        """Claim the item (its row locked by the caller); None when it had been claimed
        MAX_ATTEMPTS times already, and is failed instead, so that a batch always ends."""
        row = db.execute(_ITEM_TO_TAKE, {"p_job": job_id, "p_idx": index}).one()
        if row.attempts >= MAX_ATTEMPTS:
            _lock_job(db, job_id)
            db.execute(update(BatchItem).where(_item(job_id, index)).values(
                state="failed", error=json.dumps({"message": CUT_SHORT}, ensure_ascii=False),
                lease_until=None, updated_at=now))
            _settle(db, job_id)
            log.error("batch %s item %d: cut short %d times; failed", job_id, index,
                      row.attempts)
            return None
        db.execute(_START, {"p_job": job_id, "p_idx": index, "p_owner": owner, "p_worker": worker,
                            "p_lease_until": now + self.lease, "p_attempts": row.attempts + 1,
                            "p_now": now})
        if row.status == "queued":      # only the first claims touch the batch's row
            db.execute(_JOB_RUNNING, {"p_job": job_id})
        return Claim(job_id, index, json.loads(row.payload), row.format, row.attempts + 1,
                     owner)

    def finish(self, claim: Claim, filename: str, filename_utf8: str,
               worker: str | None = None) -> bool:
        """Record the item as done (its file already in place). False when the claim was lost
        (another owner took the item over after the lease): the item was done all the same."""
        with self.database.write() as db:
            _lock_job(db, claim.job_id)
            changed = db.execute(_DONE, {
                "p_job": claim.job_id, "p_idx": claim.index, "p_owner": claim.owner,
                "p_filename": filename, "p_filename_utf8": filename_utf8, "p_worker": worker,
                "p_now": time.time()}).rowcount
            _settle(db, claim.job_id)
        return bool(changed)

    def fail(self, claim: Claim, error: dict[str, Any], worker: str | None = None) -> None:
        """Record the item as failed with `{"fields": …}` or `{"message": …}`."""
        with self.database.write() as db:
            _lock_job(db, claim.job_id)
            db.execute(_held(claim).values(
                state="failed", error=json.dumps(error, ensure_ascii=False),
                worker=func.coalesce(worker, BatchItem.worker), lease_until=None,
                updated_at=time.time()))
            _settle(db, claim.job_id)

    def release(self, claim: Claim, delay: float) -> None:
        """Give the item back to be tried again in `delay` seconds (the converter was busy)."""
        with self.database.write() as db:
            now = time.time()
            db.execute(_held(claim).values(state="pending", owner=None, lease_until=None,
                                           not_before=now + delay, updated_at=now))

    def reclaim_local(self, alive: Callable[[str], bool]) -> int:
        """Free the items left running by owners on this host that `alive` says are gone (the
        service restarted): they are redone now rather than after their lease."""
        prefix = socket.gethostname() + ":"
        with self.database.read() as db:
            stale = [row for row in db.execute(
                select(BatchItem.job_id, BatchItem.idx, BatchItem.owner).where(
                    BatchItem.state == "running", BatchItem.owner.startswith(prefix,
                                                                            autoescape=True)))
                if not alive(row.owner)]
        if stale:
            with self.database.write() as db:
                for row in stale:
                    db.execute(update(BatchItem).where(
                        _item(row.job_id, row.idx), BatchItem.state == "running",
                        BatchItem.owner == row.owner).values(
                        state="pending", owner=None, lease_until=None))
        for job_id in {row.job_id for row in stale}:
            self.outputs.tidy(job_id)               # a write cut short by the restart
        return len(stale)

    def adopt(self, job_id: str) -> int:
        """Mark done the pending items whose same document (payload and format) an earlier batch
        of this store already made, linking its file: the command line's resume after the input
        was edited."""
        theirs = aliased(BatchItem)
        with self.database.read() as db:
            fmt = db.scalar(select(BatchJob.format).where(BatchJob.id == job_id))
            candidates = db.execute(
                select(BatchItem.idx, theirs.job_id.label("from_job"),
                       theirs.idx.label("from_idx"), theirs.filename, theirs.filename_utf8)
                .join(theirs, and_(theirs.key == BatchItem.key, theirs.state == "done"))
                .where(BatchItem.job_id == job_id, BatchItem.state == "pending")
                .order_by(BatchItem.idx)).all()
        adopted: dict[int, tuple[str, str]] = {}
        for row in candidates:
            if row.idx in adopted:
                continue
            try:
                content = self.outputs.read(row.from_job, output_name(row.from_idx, fmt))
            except FileNotFoundError:
                continue
            if (row.from_job, row.from_idx) != (job_id, row.idx):
                self.outputs.put(job_id, output_name(row.idx, fmt), content)
            adopted[row.idx] = (row.filename, row.filename_utf8)
        if adopted:
            with self.database.write() as db:
                for index, (filename, filename_utf8) in adopted.items():
                    db.execute(update(BatchItem).where(
                        _item(job_id, index), BatchItem.state == "pending").values(
                        state="done", filename=filename, filename_utf8=filename_utf8))
                _settle(db, job_id)
        return len(adopted)

    def finished_items(self, job_id: str) -> list[Finished]:
        """The done items in order, with their files."""
        job = self.job(job_id)
        with self.database.read() as db:
            return [Finished(row.idx, row.name, row.filename, row.filename_utf8,
                             output_name(row.idx, job.format))
                    for row in db.execute(
                        select(BatchItem.idx, BatchItem.name, BatchItem.filename,
                               BatchItem.filename_utf8).where(
                            BatchItem.job_id == job_id, BatchItem.state == "done")
                        .order_by(BatchItem.idx))]

    # -- the store before the database -----------------------------------------------------------

    def import_legacy(self, path: Path) -> int:
        """Move the batches of a job store file of the versions before the database (one SQLite
        file with tables `jobs` and `items`) into the database, then rename the file
        `*.imported`; returns how many batches came over. Their outputs stay where they are (the
        same folder layout). Safe when several processes start at once: batches already in the
        database are skipped, and the file is renamed only once."""
        try:
            legacy = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30.0)
        except sqlite3.OperationalError:
            return 0                    # no such file (or another process renamed it just now)
        legacy.row_factory = sqlite3.Row
        try:
            jobs = [dict(row) for row in legacy.execute("SELECT * FROM jobs")]
            items = [dict(row) for row in legacy.execute("SELECT * FROM items")]
        except sqlite3.DatabaseError as exc:
            log.error("not importing the old job store %s: %s", path, exc)
            return 0
        finally:
            legacy.close()
        with self.database.write() as db:
            known = set(db.scalars(select(BatchJob.id).where(
                BatchJob.id.in_([job["id"] for job in jobs]))))
            new = [_legacy_job(job) for job in jobs if job["id"] not in known]
            if new:
                db.execute(insert(BatchJob), new)
                ids = {job["id"] for job in new}
                db.execute(insert(BatchItem), [i for i in items if i["job_id"] in ids])
        with contextlib.suppress(FileNotFoundError):
            path.rename(path.with_name(path.name + ".imported"))
        if new:
            log.info("moved %d batch(es) from %s into the database", len(new), path)
        return len(new)

    # -- files -----------------------------------------------------------------------------------

    def write_output(self, claim: Claim, content: bytes) -> None:
        self.outputs.put(claim.job_id, output_name(claim.index, claim.format), content)

    def read_output(self, job_id: str, item: Finished) -> bytes:
        return self.outputs.read(job_id, item.output)


def output_name(index: int, fmt: str) -> str:
    """An item's document among the batch's outputs."""
    return f"{index:05d}.{fmt}"


def open_store(settings: Settings, database: Database) -> JobStore:
    """The job store on `database`, with the batches of an old job store file moved in."""
    store = JobStore(database, dataclasses.replace(settings.batch, lease=lease_of(settings)),
                     open_outputs(settings.storage.url, settings.batch.output_dir, database))
    store.import_legacy(settings.batch.db)
    return store


def _held(claim: Claim) -> Any:
    """An UPDATE of the claimed item that changes it only while this claim still holds it."""
    return update(BatchItem).where(_item(claim.job_id, claim.index),
                                   BatchItem.state == "running", BatchItem.owner == claim.owner)


def _lock_job(db: Connection, job_id: str) -> None:
    """Lock the batch's row (PostgreSQL; SQLite writers are serialised anyway) before its items
    change, so that of two items finishing at once the second sees the first and settles."""
    db.execute(_LOCK_JOB, {"p_job": job_id})


def _settle(db: Connection, job_id: str) -> None:
    """A batch whose every item is done or failed is done."""
    db.execute(_SETTLE, {"p_job": job_id})


def _legacy_job(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "merged_pdf": bool(row["merged_pdf"]), "dispatched": bool(row["dispatched"])}
