"""Child processes that die with this one, by any death: each is started on one thread that
lives as long as the process, with the parent-death signal set to SIGKILL.

Linux delivers PR_SET_PDEATHSIG when the *thread* that forked the child ends, not the process:
a soffice started from a pool's short-lived boot thread would be killed as that thread returns.
So every launch runs on this module's thread, one per process (made again after a fork). The
signal is set by util-linux's `setpriv --pdeathsig KILL`, which then execs the program: the
setting survives exec, the pid stays the program's own, and no Python runs between fork and
exec (which is unsafe in a threaded process). A SIGKILL of the whole service (gunicorn master
and worker), of a Celery worker or of one of its pool processes so takes its soffice with it.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_owner_pid: int | None = None
_requests: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()


def dying_with_us(command: list[str]) -> list[str]:
    """`command` under setpriv's parent-death SIGKILL (as is when setpriv is missing)."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--", *command] if setpriv else command


def on_spawner(start: Callable[[], T]) -> T:
    """Run `start` (which forks a child) on the spawner thread and return its result."""
    global _owner_pid, _requests
    with _lock:
        if _owner_pid != os.getpid():           # first use, or a fork left the thread behind
            _requests = queue.SimpleQueue()
            threading.Thread(target=_serve, args=(_requests,), name="vanban-spawner",
                             daemon=True).start()
            _owner_pid = os.getpid()
        requests = _requests
    done: Future[T] = Future()
    requests.put((start, done))
    return done.result()


def _serve(requests: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]]) -> None:
    while True:
        start, done = requests.get()
        try:
            done.set_result(start())
        except BaseException as exc:
            done.set_exception(exc)
