"""The job store: batches and their items in one SQLite file, item outputs as files beside it.

Every runner (the inline threads, each Celery worker, the command line) takes work and reports
it only through here, so progress survives a restart and finished items are never redone. An
item is claimed by one owner at a time with a lease: an owner that dies leaves its items to be
taken again, at once when it was a process on this machine that is gone, after the lease when
it was another machine. Item files are written to a temporary name and renamed, so a crash
never leaves half a file under an output's name. Finished batches older than `keep_days` are
removed (rows, then their folder) whenever a new batch is stored.

    jobs   id · status (queued|running|done|failed) · format · merged_pdf · total · message
    items  job_id · idx · state (pending|running|done|failed) · payload · name · key ·
           filename · filename_utf8 · error · owner · worker · lease_until · not_before · attempts
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import socket
import sqlite3
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.batch.envelope import BatchRequest
from service.config import BatchSettings
from service.errors import BatchNotFound

log = logging.getLogger("vanban.batch")

_ID = re.compile(r"[0-9a-f]{32}")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id          TEXT PRIMARY KEY,
    created     REAL NOT NULL,
    status      TEXT NOT NULL,
    format      TEXT NOT NULL,
    merged_pdf  INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    message     TEXT,
    dispatched  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS items (
    job_id        TEXT NOT NULL REFERENCES jobs(id),
    idx           INTEGER NOT NULL,
    state         TEXT NOT NULL,
    payload       TEXT,
    name          TEXT,
    key           TEXT,
    filename      TEXT,
    filename_utf8 TEXT,
    error         TEXT,
    owner         TEXT,
    worker        TEXT,
    lease_until   REAL,
    not_before    REAL NOT NULL DEFAULT 0,
    attempts      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, idx)
);
CREATE INDEX IF NOT EXISTS items_by_state ON items (state, job_id, idx);
CREATE INDEX IF NOT EXISTS items_by_key ON items (key, state);
"""
UNFINISHED = ("queued", "running")
SUPERSEDED = "Đã thay bằng một lần chạy khác với dữ liệu khác."


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
    path: Path


class _Local(threading.local):
    """Each thread its own connection: sqlite3 connections are not shared between threads."""

    def __init__(self) -> None:
        self.connection: sqlite3.Connection | None = None


def item_key(payload: Any, fmt: str) -> str:
    """What makes two items the same document: their payload and format."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{fmt}\n{text}".encode()).hexdigest()


def owner_id(token: str) -> str:
    """`host:pid:token`: enough to tell, on this host, whether the owner is still alive."""
    return f"{socket.gethostname()}:{os.getpid()}:{token}"


class JobStore:
    def __init__(self, settings: BatchSettings) -> None:
        self.path = Path(settings.db)
        self.output_dir = Path(settings.output_dir)
        self.journal = settings.journal
        self.lease = settings.lease
        self.keep_days = settings.keep_days
        self._local = _Local()
        self._ready = False
        self._ready_lock = threading.Lock()

    # -- connections -----------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        connection = self._local.connection
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            connection.row_factory = sqlite3.Row
            # NORMAL is safe from corruption under WAL and does not fsync every commit.
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection = connection
        return connection

    def _ensure(self) -> None:
        """Create the file and its tables on first write (an app that never batches never makes
        them)."""
        if self._ready:
            return
        with self._ready_lock:
            if self._ready:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = self._connect()
            connection.execute(f"PRAGMA journal_mode={self.journal.upper()}")
            connection.executescript(_SCHEMA)
            self._ready = True

    def exists(self) -> bool:
        return self._ready or self.path.exists()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so two writers never deadlock upgrading."""
        self._ensure()
        connection = self._connect()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def _read(self) -> sqlite3.Connection | None:
        if not self.exists():
            return None
        self._ensure()
        return self._connect()

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        if self._local.connection is not None:
            self._local.connection.close()
            self._local.connection = None

    # -- jobs ------------------------------------------------------------------------------------

    def create(self, request: BatchRequest, job_id: str | None = None) -> Job:
        """Store a batch and its items; items whose row could not fill the base fail at once."""
        self.expire()
        job_id = job_id or uuid.uuid4().hex
        rows = []
        for index, item in enumerate(request.items):
            if item.error is not None:
                rows.append((job_id, index, "failed", None, item.name, None,
                             json.dumps({"fields": item.error}, ensure_ascii=False)))
            else:
                rows.append((job_id, index, "pending",
                             json.dumps(item.payload, ensure_ascii=False), item.name,
                             item_key(item.payload, request.format), None))
        with self._write() as db:
            db.execute("INSERT INTO jobs (id, created, status, format, merged_pdf, total) "
                       "VALUES (?, ?, 'queued', ?, ?, ?)",
                       (job_id, time.time(), request.format, int(request.merged_pdf),
                        len(rows)))
            db.executemany("INSERT INTO items (job_id, idx, state, payload, name, key, error) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            _settle(db, job_id)
        return self.job(job_id)

    def expire(self, now: float | None = None) -> list[str]:
        """Remove the finished batches created more than `keep_days` ago (0: keep all): their
        rows in one transaction, then their folders; returns their ids. A folder a crash left
        without its rows (after the commit, before the removal) goes once it is as old."""
        if not self.keep_days or not self.exists():
            return []
        cutoff = (time.time() if now is None else now) - self.keep_days * 86400
        with self._write() as db:
            expired = [row["id"] for row in db.execute(
                "SELECT id FROM jobs WHERE created < ? AND status NOT IN ('queued', 'running')",
                (cutoff,))]
            db.executemany("DELETE FROM items WHERE job_id=?", [(i,) for i in expired])
            db.executemany("DELETE FROM jobs WHERE id=?", [(i,) for i in expired])
        for job_id in expired:
            shutil.rmtree(self.job_dir(job_id), ignore_errors=True)
        if self.output_dir.is_dir():
            for folder in self.output_dir.iterdir():
                if _ID.fullmatch(folder.name) and folder.stat().st_mtime < cutoff \
                        and not self.has(folder.name):
                    shutil.rmtree(folder, ignore_errors=True)
        if expired:
            log.info("removed %d finished batch(es) older than %g days", len(expired),
                     self.keep_days)
        return expired

    def has(self, job_id: str) -> bool:
        db = self._read()
        return bool(db and _ID.fullmatch(job_id) and
                    db.execute("SELECT 1 FROM jobs WHERE id=?", (job_id,)).fetchone())

    def job(self, job_id: str) -> Job:
        db = self._read()
        row = None
        if db is not None and _ID.fullmatch(job_id):
            row = db.execute("SELECT * FROM jobs WHERE id=?", (job_id,)).fetchone()
        if row is None:
            raise BatchNotFound(detail=f"batch {job_id!r}")
        counts = dict(db.execute("SELECT state, COUNT(*) FROM items WHERE job_id=? "
                                 "GROUP BY state", (job_id,)).fetchall())
        return Job(row["id"], row["status"], row["format"], bool(row["merged_pdf"]),
                   row["total"], counts.get("done", 0), counts.get("failed", 0), row["message"])

    def errors(self, job_id: str) -> list[dict[str, Any]]:
        """[{"index", "fields"} or {"index", "message"}] for each failed item, in order."""
        db = self._read()
        if db is None:
            return []
        return [{"index": row["idx"], **json.loads(row["error"])}
                for row in db.execute("SELECT idx, error FROM items WHERE job_id=? AND "
                                      "state='failed' ORDER BY idx", (job_id,))]

    def workers(self, job_id: str) -> dict[int, str]:
        """Which worker made each finished item (for the scale-out evidence)."""
        db = self._read()
        if db is None:
            return {}
        return {row["idx"]: row["worker"] for row in db.execute(
            "SELECT idx, worker FROM items WHERE job_id=? AND state='done'", (job_id,))}

    def unfinished(self) -> list[str]:
        db = self._read()
        if db is None:
            return []
        return [row["id"] for row in db.execute(
            "SELECT id FROM jobs WHERE status IN ('queued', 'running') ORDER BY created")]

    def progress(self) -> dict[str, int]:
        """Items of the batches still under way, by state (pending, running, done, failed)."""
        db = self._read()
        if db is None:
            return {}
        return {row["state"]: row["n"] for row in db.execute(
            "SELECT items.state AS state, COUNT(*) AS n FROM items JOIN jobs "
            "ON jobs.id = items.job_id WHERE jobs.status IN ('queued', 'running') "
            "GROUP BY items.state")}

    def pending(self, job_id: str) -> list[int]:
        db = self._read()
        if db is None:
            return []
        return [row["idx"] for row in db.execute(
            "SELECT idx FROM items WHERE job_id=? AND state IN ('pending', 'running') "
            "ORDER BY idx", (job_id,))]

    def undispatched(self) -> list[str]:
        """Unfinished batches whose items were not all handed to the broker."""
        db = self._read()
        if db is None:
            return []
        return [row["id"] for row in db.execute(
            "SELECT id FROM jobs WHERE status IN ('queued', 'running') AND dispatched=0 "
            "ORDER BY created")]

    def mark_dispatched(self, job_id: str) -> None:
        with self._write() as db:
            db.execute("UPDATE jobs SET dispatched=1 WHERE id=?", (job_id,))

    def fail_job(self, job_id: str, message: str) -> None:
        """The batch itself cannot go on (its results cannot be stored): stop it, say why."""
        with self._write() as db:
            db.execute("UPDATE jobs SET status='failed', message=? WHERE id=? AND status IN "
                       "('queued', 'running')", (message, job_id))

    def supersede(self, keep: str) -> None:
        """Stop every unfinished batch but `keep` (the command line's input changed)."""
        if not self.exists():
            return
        with self._write() as db:
            db.execute("UPDATE jobs SET status='failed', message=? WHERE id != ? AND status IN "
                       "('queued', 'running')", (SUPERSEDED, keep))

    def retry_failed(self, job_id: str) -> int:
        """Put a batch's failed items back in the queue (the command line's re-run)."""
        with self._write() as db:
            count = db.execute("UPDATE items SET state='pending', error=NULL, attempts=0, "
                               "not_before=0 WHERE job_id=? AND state='failed' AND "
                               "payload IS NOT NULL", (job_id,)).rowcount
            db.execute("UPDATE jobs SET status='queued', message=NULL WHERE id=? AND "
                       "EXISTS (SELECT 1 FROM items WHERE job_id=? AND state='pending')",
                       (job_id, job_id))
        return count

    # -- items -----------------------------------------------------------------------------------

    def claim_next(self, owner: str, formats: tuple[str, ...] = ("docx", "pdf")
                   ) -> Claim | float | None:
        """The next item of any unfinished batch in one of `formats` (a runner takes only what it
        can make), oldest batch first; else the time when an item put off for a retry becomes
        due, or None when nothing is left for this runner."""
        if not self.exists():
            return None
        now = time.time()
        allowed = f"jobs.format IN ({', '.join('?' * len(formats))})"
        with self._write() as db:
            row = db.execute(
                "SELECT items.job_id, items.idx FROM items JOIN jobs ON jobs.id = items.job_id "
                f"WHERE jobs.status IN ('queued', 'running') AND {allowed} AND "
                "((items.state='pending' AND items.not_before <= ?) OR "
                "(items.state='running' AND items.lease_until < ?)) "
                "ORDER BY jobs.created, items.idx LIMIT 1", (*formats, now, now)).fetchone()
            if row is not None:
                return self._take(db, row["job_id"], row["idx"], owner, None, now)
            later = db.execute(
                "SELECT MIN(items.not_before) FROM items JOIN jobs ON jobs.id = items.job_id "
                f"WHERE jobs.status IN ('queued', 'running') AND {allowed} AND "
                "items.state='pending'", formats).fetchone()[0]
        return later

    def claim(self, job_id: str, index: int, owner: str, worker: str | None = None,
              alive: Callable[[str], bool] | None = None) -> Claim | float | None:
        """This item, if it is free (Celery). A float is the time until which another owner holds
        it (its lease); None: finished, or its batch is. With `alive`, an item held by a process
        of this host that is gone (a worker process killed mid-task) is free at once."""
        now = time.time()
        local = socket.gethostname() + ":"
        with self._write() as db:
            row = db.execute(
                "SELECT items.state, items.lease_until, items.owner, jobs.status FROM items "
                "JOIN jobs ON jobs.id = items.job_id WHERE items.job_id=? AND items.idx=?",
                (job_id, index)).fetchone()
            if row is None or row["status"] not in UNFINISHED or row["state"] in ("done",
                                                                                 "failed"):
                return None
            if row["state"] == "running" and row["lease_until"] >= now:
                holder = row["owner"] or ""
                if not (alive and holder.startswith(local) and not alive(holder)):
                    return float(row["lease_until"])
            return self._take(db, job_id, index, owner, worker, now)

    def _take(self, db: sqlite3.Connection, job_id: str, index: int, owner: str,
              worker: str | None, now: float) -> Claim:
        db.execute("UPDATE items SET state='running', owner=?, worker=?, lease_until=?, "
                   "attempts=attempts+1 WHERE job_id=? AND idx=?",
                   (owner, worker, now + self.lease, job_id, index))
        db.execute("UPDATE jobs SET status='running' WHERE id=? AND status='queued'", (job_id,))
        row = db.execute("SELECT items.payload, items.attempts, jobs.format FROM items JOIN jobs "
                         "ON jobs.id = items.job_id WHERE items.job_id=? AND items.idx=?",
                         (job_id, index)).fetchone()
        return Claim(job_id, index, json.loads(row["payload"]), row["format"], row["attempts"],
                     owner)

    def finish(self, claim: Claim, filename: str, filename_utf8: str,
               worker: str | None = None) -> bool:
        """Record the item as done (its file already in place). False when the claim was lost
        (another owner took the item over after the lease): the item was done all the same."""
        with self._write() as db:
            changed = db.execute(
                "UPDATE items SET state='done', filename=?, filename_utf8=?, error=NULL, "
                "worker=COALESCE(?, worker), lease_until=NULL WHERE job_id=? AND idx=? AND "
                "state='running' AND owner=?",
                (filename, filename_utf8, worker, claim.job_id, claim.index,
                 claim.owner)).rowcount
            _settle(db, claim.job_id)
        return bool(changed)

    def fail(self, claim: Claim, error: dict[str, Any], worker: str | None = None) -> None:
        """Record the item as failed with `{"fields": …}` or `{"message": …}`."""
        with self._write() as db:
            db.execute("UPDATE items SET state='failed', error=?, worker=COALESCE(?, worker), "
                       "lease_until=NULL WHERE job_id=? AND idx=? AND state='running' AND "
                       "owner=?", (json.dumps(error, ensure_ascii=False), worker, claim.job_id,
                                   claim.index, claim.owner))
            _settle(db, claim.job_id)

    def release(self, claim: Claim, delay: float) -> None:
        """Give the item back to be tried again in `delay` seconds (the converter was busy)."""
        with self._write() as db:
            db.execute("UPDATE items SET state='pending', owner=NULL, lease_until=NULL, "
                       "not_before=? WHERE job_id=? AND idx=? AND state='running' AND owner=?",
                       (time.time() + delay, claim.job_id, claim.index, claim.owner))

    def reclaim_local(self, alive: Callable[[str], bool]) -> int:
        """Free the items left running by owners on this host that `alive` says are gone (the
        service restarted): they are redone now rather than after their lease."""
        db = self._read()
        if db is None:
            return 0
        prefix = socket.gethostname() + ":"
        stale = [(row["job_id"], row["idx"], row["owner"]) for row in db.execute(
            "SELECT job_id, idx, owner FROM items WHERE state='running' AND "
            "substr(owner, 1, ?) = ?", (len(prefix), prefix)) if not alive(row["owner"])]
        if stale:
            with self._write() as db:
                db.executemany("UPDATE items SET state='pending', owner=NULL, lease_until=NULL "
                               "WHERE job_id=? AND idx=? AND state='running' AND owner=?", stale)
        for job_id in {job_id for job_id, _, _ in stale}:
            for leftover in self.job_dir(job_id).glob(".tmp-*"):
                leftover.unlink(missing_ok=True)     # a write cut short by the restart
        return len(stale)

    def adopt(self, job_id: str) -> int:
        """Mark done the pending items whose same document (payload and format) an earlier batch
        of this store already made, linking its file: the command line's resume after the input
        was edited."""
        db = self._read()
        if db is None:
            return 0
        found = db.execute(
            "SELECT mine.idx, theirs.job_id AS from_job, theirs.idx AS from_idx, jobs.format, "
            "theirs.filename, theirs.filename_utf8 FROM items AS mine JOIN items AS theirs ON "
            "theirs.key = mine.key AND theirs.state='done' JOIN jobs ON jobs.id = mine.job_id "
            "WHERE mine.job_id=? AND mine.state='pending' GROUP BY mine.idx",
            (job_id,)).fetchall()
        adopted = []
        for row in found:
            source = self.output_path(row["from_job"], row["from_idx"], row["format"])
            if not source.exists():
                continue
            target = self.output_path(job_id, row["idx"], row["format"])
            if source != target:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.unlink(missing_ok=True)
                try:
                    os.link(source, target)
                except OSError:
                    write_atomic(target, source.read_bytes())
            adopted.append((row["filename"], row["filename_utf8"], job_id, row["idx"]))
        if adopted:
            with self._write() as db:
                db.executemany("UPDATE items SET state='done', filename=?, filename_utf8=? "
                               "WHERE job_id=? AND idx=? AND state='pending'", adopted)
                _settle(db, job_id)
        return len(adopted)

    def finished_items(self, job_id: str) -> list[Finished]:
        """The done items in order, with their files."""
        job = self.job(job_id)
        return [Finished(row["idx"], row["name"], row["filename"], row["filename_utf8"],
                         self.output_path(job_id, row["idx"], job.format))
                for row in self._connect().execute(
                    "SELECT idx, name, filename, filename_utf8 FROM items WHERE job_id=? AND "
                    "state='done' ORDER BY idx", (job_id,))]

    # -- files -----------------------------------------------------------------------------------

    def job_dir(self, job_id: str) -> Path:
        if not _ID.fullmatch(job_id):       # the id becomes a folder name: nothing else passes
            raise BatchNotFound(detail=f"batch {job_id!r}")
        return self.output_dir / job_id

    def output_path(self, job_id: str, index: int, fmt: str) -> Path:
        return self.job_dir(job_id) / f"{index:05d}.{fmt}"

    def write_output(self, claim: Claim, content: bytes) -> Path:
        path = self.output_path(claim.job_id, claim.index, claim.format)
        write_atomic(path, content)
        return path


def write_atomic(path: Path, content: bytes | Callable[[Any], None]) -> None:
    """Write `content` (bytes, or a function writing to a binary file) to `path` through a
    temporary file in the same folder and a rename: readers see the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        os.fchmod(fd, 0o644)        # mkstemp's 0600 would hide results from other users
        with os.fdopen(fd, "wb") as out:
            if isinstance(content, bytes):
                out.write(content)
            else:
                content(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _settle(db: sqlite3.Connection, job_id: str) -> None:
    """A batch whose every item is done or failed is done."""
    db.execute("UPDATE jobs SET status='done' WHERE id=? AND status IN ('queued', 'running') "
               "AND NOT EXISTS (SELECT 1 FROM items WHERE job_id=? AND state IN "
               "('pending', 'running'))", (job_id, job_id))
