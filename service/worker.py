"""The Celery app of worker machines: `celery -A service.worker worker` finds `app` here.

Nothing is built at import: `app` is made when Celery asks for it, from the VANBAN_* variables
(VANBAN_BATCH_REDIS_URL, VANBAN_DATABASE_URL, and VANBAN_BATCH_OUTPUT_DIR on storage the service
sees too). Each worker process builds its own pipeline and LibreOffice pool once it is forked
(worker_process_init): a UNO connection does not survive a fork.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from celery import Celery, signals

from service.batch.tasks import WorkerState, make_celery, worker_settings


@functools.cache
def worker_app() -> Celery:
    state = WorkerState(worker_settings(os.environ))
    celery = make_celery(state.settings, state)

    def start(**_: Any) -> None:
        state.get()                 # start LibreOffice before the first task, not during it
        state.sweep(celery)         # and send again what the broker lost, if no one else does

    def stop(**_: Any) -> None:
        state.close()

    signals.worker_process_init.connect(start, weak=False)
    signals.worker_process_shutdown.connect(stop, weak=False)
    signals.worker_shutdown.connect(stop, weak=False)      # -P solo has no child processes
    return celery


def __getattr__(name: str) -> Celery:
    if name in {"app", "celery"}:
        return worker_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
