"""Batch items as Celery tasks: the Celery app factory, the one thin task, and the runner the API
uses to hand a batch to the broker.

The task gets plain data (batch id, item index), claims the item in the job store, calls
`run_item` (so `Pipeline.generate` inside) and returns what became of the item; the store,
which the API reads, is where results and progress land. Each worker process builds its own
pipeline and LibreOffice pool, after the fork (see service/worker.py).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any

from celery import Celery

from service.batch.envelope import BatchRequest
from service.batch.runner import Sweeper, owner_alive, run_item, sweep_interval
from service.batch.store import Job, JobStore, open_store, owner_id
from service.config import Settings
from service.db import open_database
from service.errors import QueueUnavailable
from service.pipeline import Pipeline
from service.render.docx import DocxRenderer

log = logging.getLogger("vanban.batch")

TASK = "vanban.batch.item"
QUEUE = "vanban.batch"


class WorkerState:
    """This worker process's store and pipeline, built on first use in the process that uses
    them (a pool's processes and UNO connections do not survive a fork)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pid: int | None = None
        self._store: JobStore | None = None
        self._pipeline: Pipeline | None = None
        self._lock = threading.Lock()
        self._sweeper: Sweeper | None = None
        self.owner = ""

    def get(self) -> tuple[JobStore, Pipeline]:
        with self._lock:
            if self._pid != os.getpid():
                settings = self.settings
                converter = None
                if settings.pdf_enabled:
                    from service.convert import create_converter  # LibreOffice only for PDF

                    converter = create_converter(settings)
                self._store = open_store(settings, open_database(settings.database))
                self._pipeline = Pipeline(
                    DocxRenderer(settings.templates_dir, settings.fonts_dir), converter,
                    limits=settings.limits)
                self.owner = owner_id(uuid.uuid4().hex)
                self._pid = os.getpid()
            assert self._store is not None and self._pipeline is not None
            return self._store, self._pipeline

    def sweep(self, celery: Celery) -> None:
        """Look for lost items from this process too, now and then (service/worker.py)."""
        store, _ = self.get()
        with self._lock:
            if self._sweeper is None:
                self._sweeper = sweeper(store, celery)
                self._sweeper.start()

    def close(self) -> None:
        with self._lock:
            if self._sweeper is not None:
                self._sweeper.close()
                self._sweeper = None
            if self._pid == os.getpid() and self._pipeline is not None:
                converter = self._pipeline.converter
                if converter is not None:
                    converter.close()
                self._pid = self._store = self._pipeline = None


def make_celery(settings: Settings, state: WorkerState | None = None) -> Celery:
    """The Celery app on `settings.batch.redis_url`; `state` is given in worker processes."""
    app = Celery("vanban", broker=settings.batch.redis_url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        # A task is acknowledged after it ran, and one at a time per process: a worker that
        # dies hands its item back, and a batch spreads evenly over the workers.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,         # results go to the job store, not a result backend
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    state = state or WorkerState(settings)

    @app.task(name=TASK, bind=True, max_retries=None)
    def make_item(self: Any, job_id: str, index: int) -> str:
        store, pipeline = state.get()
        worker = self.request.hostname
        got = store.claim(job_id, index, state.owner, worker, alive=owner_alive)
        if isinstance(got, float):          # another worker holds it; look again after its lease
            raise self.retry(countdown=max(1.0, got - time.time()))
        if got is None:
            return "finished"               # made already (a task sent twice), or its batch is
        outcome = run_item(store, pipeline, got, worker)
        if outcome.state == "retry":
            raise self.retry(countdown=outcome.retry_in)
        return outcome.state

    return app


def send(celery: Celery, job_id: str, indexes: list[int]) -> None:
    """One task per item; QueueUnavailable when the broker cannot be reached."""
    try:
        with celery.producer_or_acquire() as producer:
            for index in indexes:
                celery.send_task(TASK, args=[job_id, index], producer=producer,
                                 retry_policy={"max_retries": 2})
    except Exception as exc:   # kombu raises many kinds for an unreachable broker
        raise QueueUnavailable(detail=f"{type(exc).__name__}: {exc}") from exc


def queued(celery: Celery) -> int:
    """Tasks waiting in the broker's queue (not those a worker holds); 0 when the broker has
    no such queue (restarted empty: its bindings went with it)."""
    from kombu.exceptions import ChannelError

    with celery.connection_for_write() as connection:
        try:
            return connection.default_channel.queue_declare(QUEUE, passive=True).message_count
        except ChannelError:
            return 0


def redispatch(store: JobStore, celery: Celery) -> int:
    """Send again the items the broker may have lost (JobStore.take_stalled): the store, not the
    broker, says what is left to make. Whichever web process or worker looks first sends them;
    an item sent twice is harmless (the second task finds it taken or done)."""
    stalled = store.take_stalled(lambda: queued(celery))
    for job_id, indexes in stalled.items():
        log.warning("batch %s: %d item(s) made no progress for %g s; sent again", job_id,
                    len(indexes), store.lease)
        send(celery, job_id, indexes)
    return sum(map(len, stalled.values()))


def sweeper(store: JobStore, celery: Celery) -> Sweeper:
    return Sweeper("vanban-batch-redispatch", sweep_interval(store.lease),
                   lambda: redispatch(store, celery))


class CeleryRunner:
    """Hands each item of a batch to the broker as one task; the workers do the rest. A sweeper
    sends again what the broker lost (a restart without persistence, a worker gone mid-task)."""

    def __init__(self, store: JobStore, celery: Celery) -> None:
        self.store = store
        self.celery = celery
        self._sweeper = sweeper(store, celery)

    def start(self) -> None:
        """Send the batches whose sending was cut short (the service stopped mid-way). Items
        sent twice are harmless: the second task finds its item done."""
        for job_id in self.store.undispatched():
            try:
                self._dispatch(job_id)
            except QueueUnavailable:
                log.error("batch %s: broker unreachable at start; sent once it is back", job_id)
        self._sweeper.start()

    def submit(self, request: BatchRequest) -> Job:
        job = self.store.create(request)
        try:
            self._dispatch(job.id)
        except QueueUnavailable as exc:
            self.store.fail_job(job.id, exc.public)
            raise
        return self.store.job(job.id)

    def resume(self, job_id: str) -> Job:
        job = self.store.resume(job_id)
        if not job.finished:
            self._dispatch(job_id)
        return job

    def _dispatch(self, job_id: str) -> None:
        send(self.celery, job_id, self.store.pending(job_id))
        self.store.mark_dispatched(job_id)

    def close(self) -> None:
        self._sweeper.close()
        self.celery.close()


def worker_settings(env: Mapping[str, str]) -> Settings:
    """Settings for a worker process: as the service's, but one soffice per process unless
    VANBAN_POOL_SIZE says otherwise, since a worker process makes one item at a time (run more
    processes with `-c`)."""
    settings = Settings.from_env(env)
    if "VANBAN_POOL_SIZE" not in env:
        settings = dataclasses.replace(settings, pool=dataclasses.replace(settings.pool, size=1))
    return settings
