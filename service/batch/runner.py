"""Runs batch items: `run_item` makes one (every backend calls it), `InlineRunner` runs them on a
few threads inside the service process, with no broker.

A bad item fails alone: its validation errors (or the public message of whatever else went
wrong) are stored with it and the batch goes on. Only a fault of the batch itself, such as an
output that cannot be written, stops the batch.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from service.batch.envelope import BatchRequest
from service.batch.store import MAX_ATTEMPTS, Claim, Job, JobStore, owner_id
from service.errors import (
    ConverterBusy,
    ConverterUnavailable,
    StorageFull,
    ValidationError,
    VanbanError,
)
from service.pipeline import Pipeline

log = logging.getLogger("vanban.batch")

# The converter busy or restarting is the service's state, not the item's fault: the item waits
# and goes again, up to MAX_ATTEMPTS tries in all.
RETRY_DELAY = 2.0
WRITE_FAILED = ("Không ghi được kết quả của lô (ổ đĩa đầy hoặc không có quyền ghi); "
                "hãy báo quản trị.")

# Runner tokens alive in this process: an owner with our pid but another token is a runner
# that was closed (or a process before a restart that happened to get our pid).
_LIVE_TOKENS: set[str] = set()


class Runner(Protocol):
    """What the web layer and the command line need of a backend."""

    store: JobStore

    def start(self) -> None:
        """Take up the unfinished batches found in the store."""

    def submit(self, request: BatchRequest) -> Job:
        """Store a batch and have its items made; returns at once."""

    def resume(self, job_id: str) -> Job:
        """Go on with a batch stopped with items left (its storage was full)."""

    def close(self) -> None:
        """Stop taking items (those being made finish or are redone after a restart)."""


@dataclass(frozen=True)
class Outcome:
    state: str                  # done | failed | retry | paused
    retry_in: float = 0.0       # for retry: seconds before the item is due again


def run_item(store: JobStore, pipeline: Pipeline, claim: Claim,
             worker: str | None = None) -> Outcome:
    """Make one claimed item and record what happened to it in the store."""
    try:
        output = pipeline.generate(claim.payload, claim.format)
    except ValidationError as exc:
        store.fail(claim, {"fields": exc.fields}, worker)
        return Outcome("failed")
    except (ConverterBusy, ConverterUnavailable) as exc:
        if claim.attempts < MAX_ATTEMPTS:
            delay = float(getattr(exc, "retry_after", RETRY_DELAY))
            log.info("batch %s item %d: %s; again in %g s", claim.job_id, claim.index,
                     exc.code, delay)
            store.release(claim, delay)
            return Outcome("retry", delay)
        store.fail(claim, {"message": exc.public}, worker)
        return Outcome("failed")
    except VanbanError as exc:
        log.warning("batch %s item %d: %s: %s", claim.job_id, claim.index, exc.code, exc.detail)
        store.fail(claim, {"message": exc.public}, worker)
        return Outcome("failed")
    except Exception:           # a bug met by one document must not stop the other 999
        log.exception("batch %s item %d: unexpected error", claim.job_id, claim.index)
        store.fail(claim, {"message": VanbanError.public}, worker)
        return Outcome("failed")
    try:
        store.write_output(claim, output.content)
    except OSError as exc:
        # The batch stops, saying why, with this item given back: what was made can be had,
        # and POST …/resume goes on once there is room (or the folder is writable again).
        log.error("batch %s: cannot write item %d: %s", claim.job_id, claim.index, exc)
        store.pause(claim, StorageFull.public if exc.errno == errno.ENOSPC else WRITE_FAILED)
        return Outcome("paused")
    store.finish(claim, output.filename, output.filename_utf8, worker)
    return Outcome("done")


def owner_alive(owner: str) -> bool:
    """Whether the local owner `host:pid:token` may still be making its items."""
    try:
        _host, pid_text, token = owner.split(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if pid == os.getpid():
        return token in _LIVE_TOKENS
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True             # someone else's process now has that pid: cannot tell; wait
    return True


def sweep_interval(lease: float) -> float:
    """How often a process looks for work the others left: a few times a lease, at most 30 s."""
    return min(30.0, max(0.2, lease / 4))


class Sweeper:
    """Calls `sweep` every `interval` seconds on a daemon thread until closed. A sweep that fails
    (the store or the broker unreachable for a moment) is logged and made again next time."""

    def __init__(self, name: str, interval: float, sweep: Callable[[], object]) -> None:
        self.name, self.interval, self.sweep = name, interval, sweep
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.sweep()
            except Exception:
                log.exception("%s failed; again in %g s", self.name, self.interval)

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(5)


class InlineRunner:
    """`workers` threads that take items from the store until none is left, then end; a new
    batch (or one found unfinished at start) wakes them again."""

    def __init__(self, store: JobStore, pipeline: Pipeline, workers: int) -> None:
        self.store = store
        self.pipeline = pipeline
        self.workers = max(1, workers)
        # Without a converter, PDF batches are left for a runner that has one (this service
        # restarted with PDF off, or a test app on a real store) rather than failed.
        self.formats = ("docx", "pdf") if pipeline.converter is not None else ("docx",)
        self.token = uuid.uuid4().hex
        self.owner = owner_id(self.token)
        self._lock = threading.Condition()
        self._alive = 0
        self._wakeups = 0           # bumped on every wake, so a thread never sleeps past new work
        self._closed = False
        self._threads: list[threading.Thread] = []
        # Items another process left (it died; its lease ran out), or put off for a retry
        # while these threads had ended: woken for by a look at the store now and then.
        self._sweeper = Sweeper("vanban-batch-sweep", sweep_interval(store.lease), self._sweep)
        _LIVE_TOKENS.add(self.token)

    def start(self) -> None:
        reclaimed = self.store.reclaim_local(owner_alive)
        unfinished = self.store.unfinished()
        if reclaimed or unfinished:
            log.info("resuming %d unfinished batch(es); %d item(s) were cut short",
                     len(unfinished), reclaimed)
        if unfinished:
            self.wake()
        self._sweeper.start()

    def _sweep(self) -> None:
        if self.idle() and self.store.due(self.formats):
            self.wake()

    def submit(self, request: BatchRequest) -> Job:
        job = self.store.create(request)
        self.wake()
        return job

    def resume(self, job_id: str) -> Job:
        job = self.store.resume(job_id)
        self.wake()
        return job

    def wake(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._wakeups += 1
            self._lock.notify_all()
            while self._alive < self.workers:
                self._alive += 1
                thread = threading.Thread(target=self._loop, name=f"vanban-batch-{self._alive}",
                                          daemon=True)   # a service stopping does not wait
                self._threads = [t for t in self._threads if t.is_alive()] + [thread]
                thread.start()

    def _loop(self) -> None:
        try:
            while True:
                with self._lock:
                    if self._closed:
                        return
                    seen = self._wakeups
                try:
                    got = self.store.claim_next(self.owner, self.formats)
                    if isinstance(got, Claim):
                        run_item(self.store, self.pipeline, got)
                        continue
                except Exception:   # the store unreachable for a moment: try again shortly
                    log.exception("batch runner: store error")
                    got = time.time() + RETRY_DELAY
                with self._lock:
                    if self._closed or (got is None and self._wakeups == seen):
                        return
                    if self._wakeups == seen:
                        self._lock.wait(timeout=max(0.0, got - time.time()))
        finally:
            with self._lock:
                self._alive -= 1
                self._lock.notify_all()

    def idle(self) -> bool:
        with self._lock:
            return self._alive == 0

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no thread is working (every batch finished); False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: self._alive == 0, timeout)

    def close(self, timeout: float = 30.0) -> None:
        self._sweeper.close()
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        for thread in self._threads:
            thread.join(timeout)
        _LIVE_TOKENS.discard(self.token)
