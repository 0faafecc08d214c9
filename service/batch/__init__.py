"""Batches: many documents from one request, one spreadsheet or one command, on the same engine.

    envelope  the batch request checked; rows filled into the base (mail merge)
    sheets    rows from an uploaded CSV or XLSX, read as hostile input
    store     jobs and items in the database (service/db), item files written atomically
    runner    run_item (one item, every backend) and the in-process thread runner
    results   the ZIP with names from the số ký hiệu, the merged PDF
    tasks     the Celery app, its one thin task, and the runner that feeds the broker

`init_app(app)` picks the backend from `settings.batch.backend` and takes up unfinished batches.
"""

from __future__ import annotations

from flask import Flask

from service.batch.runner import InlineRunner, Runner
from service.batch.store import open_store
from service.config import Settings
from service.cores import available_cores
from service.db import Database
from service.pipeline import Pipeline

__all__ = ["Runner", "create_runner", "init_app", "runner_of"]


def create_runner(settings: Settings, pipeline: Pipeline, database: Database) -> Runner:
    store = open_store(settings, database)
    if settings.batch.backend == "celery":
        from service.batch.tasks import CeleryRunner, make_celery  # Celery only when chosen

        return CeleryRunner(store, make_celery(settings))
    return InlineRunner(store, pipeline, inline_workers(settings, pipeline))


def inline_workers(settings: Settings, pipeline: Pipeline) -> int:
    """Threads for the inline runner: one more than converter processes, so an item is claimed,
    validated and waiting when a converter comes free (bench_batch: +2 to +7% over as many),
    and a batch still never fills the pool's queue; one for DOCX, whose rendering holds the GIL."""
    if settings.batch.workers:
        return settings.batch.workers
    if pipeline.converter is None:
        return 1
    return (settings.pool.size or available_cores()) + 1


def init_app(app: Flask) -> None:
    settings: Settings = app.extensions["vanban.settings"]
    runner = create_runner(settings, app.extensions["vanban.pipeline"],
                           app.extensions["vanban.database"])
    app.extensions["vanban.batch"] = runner
    runner.start()


def runner_of(app: Flask) -> Runner:
    return app.extensions["vanban.batch"]
