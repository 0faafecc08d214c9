"""A generic supervisor of N worker processes: queue, timeout, restarts and readiness.

It knows nothing of LibreOffice (after Gotenberg's ProcessSupervisor): a worker is anything with
start/stop/kill/alive, and a task is a function of a worker. What it adds:

- a bounded queue: at most `queue_size` callers wait for a free worker; one more gets
  ConverterBusy with a Retry-After estimate instead of piling up until it times out;
- a per-task timeout: the worker is killed (the only way to stop a call blocked inside it),
  the caller gets ConversionTimeout at the deadline, and the worker is restarted behind it;
- a planned restart after `restart_after` tasks, to cap the memory a long-lived process grows;
  ready() stays True meanwhile, as the other workers serve (Gotenberg: "a restarting process is
  healthy");
- a restart when a worker dies under a task (it raises WorkerLost), and one retry of that task on
  another worker, so a crash costs the caller latency, not an error;
- a watch for workers that die while idle, so the pool heals without traffic;
- tidying after the caller has its result: the worker finishes up (soffice closes the document)
  while the caller goes on, and takes no task before it is done (bounded by the timeout too);
- clean shutdown: close() (also run at exit) stops every worker, including one still starting.

Restarts happen on background threads, so no caller waits for a process to start.
"""

from __future__ import annotations

import atexit
import logging
import math
import statistics
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from service.errors import ConversionError, ConversionTimeout, ConverterBusy, ConverterUnavailable

log = logging.getLogger("vanban.convert")

RETRY_BACKOFF_MAX = 30.0     # seconds between attempts to start a worker that keeps failing
WATCH_INTERVAL = 1.0         # seconds between checks for workers that died while idle


class Worker(Protocol):
    @property
    def pid(self) -> int | None: ...

    def start(self) -> None:
        """Start and return once ready for a task; raise ConverterUnavailable otherwise."""

    def stop(self) -> None:
        """Stop (gracefully if possible) and release every resource; safe to call twice."""

    def kill(self) -> None:
        """Kill at once; called from another thread while a task may be running on it."""

    def alive(self) -> bool: ...

    def tidy(self) -> None:
        """Finish what the last task left (its result is already with the caller), before the
        worker takes another task; a worker found dead afterwards is restarted."""


class WorkerLost(Exception):
    """Raised by a task when its worker died under it: the supervisor retries it once."""


W = TypeVar("W", bound=Worker)
T = TypeVar("T")


class _TaskTimeout(Exception):
    pass


class _Outcome(Generic[T]):
    """What a task thread hands back: its result or its exception."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = None

    def run(self, task: Callable[[W], T], worker: W) -> None:
        try:
            self.result = task(worker)
        except BaseException as e:  # re-raised on the caller's thread
            self.error = e
        finally:
            self.done.set()


@dataclass(eq=False)
class _Slot(Generic[W]):
    index: int
    state: str = "starting"      # starting | idle | busy | restarting | failed | closed
    worker: W | None = None
    pending: W | None = None     # the worker being started, so close() can kill it
    planned: bool = False        # the restart under way is a planned one
    tasks: int = 0               # tasks done by the current worker
    tidy_deadline: float | None = None   # set while the worker tidies after a task


class Supervisor(Generic[W]):
    """Runs tasks on a fixed set of workers made by `factory(label)`."""

    def __init__(self, factory: Callable[[str], W], *, size: int, timeout: float,
                 restart_after: int, queue_size: int, name: str = "worker") -> None:
        if size < 1:
            raise ValueError("a supervisor needs at least one worker")
        self.factory = factory
        self.size = size
        self.timeout = timeout               # seconds a task may run (and a caller may queue)
        self.restart_after = restart_after   # tasks before a planned restart; 0 = never
        self.queue_size = queue_size
        self.name = name
        # Counters, read by metrics: restarts by reason (planned, timeout, crash, start_failed).
        self.restarts: Counter[str] = Counter()
        self.completed = 0
        self.retries = 0                     # tasks run again after their worker was lost
        self.queued = 0
        self._slots: list[_Slot[W]] = [_Slot(i) for i in range(size)]
        self._idle: list[_Slot[W]] = []      # a stack: the most recently used worker is warmest
        self._cond = threading.Condition()
        self._closed = False
        self._closing = threading.Event()    # wakes start retries that are backing off
        self._threads: set[threading.Thread] = set()
        self._durations: deque[float] = deque(maxlen=32)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start every worker in parallel; return when each is up or has failed once.

        Raises ConverterUnavailable (and closes) if none started; workers that failed keep
        retrying in the background, with backoff, until close().
        """
        atexit.register(self.close)
        for slot in self._slots:
            self._spawn(self._boot, slot, None)
        self._spawn(self._watch)
        with self._cond:
            self._cond.wait_for(lambda: all(s.state != "starting" for s in self._slots))
            started = any(s.state == "idle" for s in self._slots)
        if not started:
            self.close()
            raise ConverterUnavailable(detail=f"no {self.name} could be started")

    def close(self) -> None:
        """Stop every worker and wait for it; later calls to run() raise ConverterUnavailable."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._closing.set()
            self._cond.notify_all()
            running = [s.worker for s in self._slots if s.worker is not None]
            starting = [s.pending for s in self._slots if s.pending is not None]
            for slot in self._slots:
                slot.state, slot.worker = "closed", None
            self._idle.clear()
        atexit.unregister(self.close)
        for worker in starting:
            worker.kill()               # its start() fails at once; its boot thread cleans up
        stoppers = [threading.Thread(target=w.stop, daemon=True) for w in running]
        for thread in stoppers:
            thread.start()
        for thread in stoppers:
            thread.join()
        # Restart threads notice the close, stop what they were starting and end.
        for thread in list(self._threads):
            thread.join()

    # -- state, for readiness and metrics --------------------------------------------------------

    def ready(self) -> bool:
        """True if a worker can take a task now, or one is merely in a planned restart."""
        with self._cond:
            return any(
                (s.state in ("idle", "busy") and s.worker is not None and s.worker.alive())
                or (s.state == "restarting" and s.planned)
                for s in self._slots)

    @property
    def alive(self) -> int:
        """How many workers are running."""
        with self._cond:
            return sum(1 for s in self._slots if s.worker is not None and s.worker.alive())

    @property
    def busy(self) -> int:
        with self._cond:
            return sum(1 for s in self._slots if s.state == "busy")

    @property
    def tidying(self) -> int:
        """Busy workers finishing up after a task whose caller already has its result."""
        with self._cond:
            return sum(1 for s in self._slots if s.tidy_deadline is not None)

    @property
    def workers(self) -> list[W]:
        """The current workers, slot by slot (for metrics such as pids and memory)."""
        with self._cond:
            return [s.worker for s in self._slots if s.worker is not None]

    # -- running tasks ---------------------------------------------------------------------------

    def run(self, task: Callable[[W], T]) -> T:
        """Run `task` on a free worker and return its result.

        Raises ConverterBusy (queue full, or no worker freed up within the timeout),
        ConversionTimeout, ConverterUnavailable (closed, or no worker can be started), or
        whatever the task raised; a WorkerLost is retried once on another worker.
        """
        for attempt in (1, 2):
            slot, worker = self._acquire()
            try:
                return self._execute(slot, worker, task)
            except WorkerLost as e:
                self._replace(slot, worker, "crash")
                if self._closed:
                    raise ConverterUnavailable(detail=f"{self.name} pool closed") from e
                if attempt == 1:
                    with self._cond:
                        self.retries += 1
                    log.warning("%s %s lost under a task, retrying once: %s", self.name,
                                slot.index, e)
                    continue
                raise ConversionError(detail=f"{self.name} lost twice under one task: {e}") from e
            except _TaskTimeout:
                self._replace(slot, worker, "timeout")
                raise ConversionTimeout(
                    detail=f"{self.name} {slot.index} (pid {worker.pid}) took longer than "
                           f"{self.timeout:g} s; killed and restarting") from None
            except BaseException:
                if worker.alive():
                    self._release(slot, worker)
                else:
                    self._replace(slot, worker, "crash")
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _acquire(self) -> tuple[_Slot[W], W]:
        deadline = time.monotonic() + self.timeout
        with self._cond:
            if self._closed:
                raise ConverterUnavailable(detail=f"{self.name} pool closed")
            if not self._idle and self.queued >= self.queue_size:
                raise ConverterBusy(detail=f"{self.queued} tasks already wait for a {self.name}",
                                    retry_after=self._retry_after())
            self.queued += 1
            try:
                while True:
                    if self._closed:
                        raise ConverterUnavailable(detail=f"{self.name} pool closed")
                    if self._idle:
                        slot = self._idle.pop()
                        worker = slot.worker
                        assert worker is not None
                        if worker.alive():
                            slot.state = "busy"
                            return slot, worker
                        # Died while idle (killed from outside, OOM): replace it, look again.
                        self._replace_locked(slot, worker, "crash")
                        continue
                    if all(s.state == "failed" for s in self._slots):
                        raise ConverterUnavailable(detail=f"no {self.name} could be started")
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise ConverterBusy(
                            detail=f"no {self.name} came free within {self.timeout:g} s",
                            retry_after=self._retry_after())
                    self._cond.wait(remaining)
            finally:
                self.queued -= 1

    def _execute(self, slot: _Slot[W], worker: W, task: Callable[[W], T]) -> T:
        # The task runs on its own thread so the caller can walk away at the deadline: a call
        # blocked inside a hung process cannot be interrupted, only made to fail by a kill.
        outcome = _Outcome[T]()
        started = time.monotonic()
        threading.Thread(target=self._task_thread, args=(slot, worker, task, outcome),
                         name=f"{self.name}-task", daemon=True).start()
        if not outcome.done.wait(self.timeout):
            worker.kill()
            raise _TaskTimeout
        if outcome.error is not None:
            raise outcome.error
        with self._cond:
            self._durations.append(time.monotonic() - started)
        return outcome.result  # type: ignore[return-value]

    def _task_thread(self, slot: _Slot[W], worker: W, task: Callable[[W], T],
                     outcome: _Outcome[T]) -> None:
        """Run the task; once the caller has its result, tidy the worker and release it. After
        an error the caller releases or replaces the worker itself."""
        outcome.run(task, worker)
        if outcome.error is not None:
            return
        with self._cond:
            slot.tidy_deadline = time.monotonic() + self.timeout    # _watch enforces it
        try:
            worker.tidy()
        except Exception:
            log.exception("%s %s: tidying after a task failed", self.name, slot.index)
        with self._cond:
            slot.tidy_deadline = None
        if worker.alive():
            self._release(slot, worker, done=True)
        else:
            self._replace(slot, worker, "crash")

    def _release(self, slot: _Slot[W], worker: W, *, done: bool = False) -> None:
        with self._cond:
            if slot.worker is not worker or slot.state != "busy":
                return                      # closed meanwhile
            if done:
                slot.tasks += 1
                self.completed += 1
                if self.restart_after and slot.tasks >= self.restart_after:
                    self._replace_locked(slot, worker, "planned")
                    return
            slot.state = "idle"
            self._idle.append(slot)
            self._cond.notify()

    def _retry_after(self) -> int:
        """Seconds until a queued caller would likely get a worker: queue depth × task time."""
        typical = statistics.median(self._durations) if self._durations else 1.0
        return max(1, math.ceil(typical * (self.queued + 1) / self.size))

    # -- restarts ----------------------------------------------------------------------------

    def _replace(self, slot: _Slot[W], worker: W, reason: str) -> None:
        with self._cond:
            self._replace_locked(slot, worker, reason)

    def _replace_locked(self, slot: _Slot[W], worker: W, reason: str) -> None:
        if self._closed or slot.worker is not worker:
            return                          # close() or an earlier replace owns it now
        if reason != "planned":
            # Kill first so a restart never waits on a process that is stuck.
            worker.kill()
        log.log(logging.INFO if reason == "planned" else logging.WARNING,
                "%s %s (pid %s): %s restart after %d tasks", self.name, slot.index, worker.pid,
                reason, slot.tasks)
        self.restarts[reason] += 1
        slot.state, slot.worker, slot.planned = "restarting", None, reason == "planned"
        self._spawn(self._boot, slot, worker)

    def _watch(self) -> None:
        """Replace idle workers that died (killed from outside, OOM) before a task finds them,
        so the pool heals without traffic; kill a worker stuck tidying past its deadline (its
        task thread then finds it dead and has it replaced)."""
        while not self._closing.wait(WATCH_INTERVAL):
            with self._cond:
                for slot in list(self._idle):
                    if slot.worker is not None and not slot.worker.alive():
                        self._idle.remove(slot)
                        self._replace_locked(slot, slot.worker, "crash")
                now = time.monotonic()
                for slot in self._slots:
                    if slot.tidy_deadline is not None and now > slot.tidy_deadline \
                            and slot.worker is not None:
                        log.warning("%s %s (pid %s): still tidying after %g s; killing it",
                                    self.name, slot.index, slot.worker.pid, self.timeout)
                        slot.tidy_deadline = None
                        slot.worker.kill()

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        def tracked() -> None:
            try:
                target(*args)
            finally:
                self._threads.discard(threading.current_thread())

        thread = threading.Thread(target=tracked, name=f"{self.name}-supervisor", daemon=True)
        self._threads.add(thread)
        thread.start()

    def _boot(self, slot: _Slot[W], old: W | None) -> None:
        """Stop the old worker (if any) and start a new one, retrying with backoff."""
        if old is not None:
            old.stop()
        pause = 1.0
        while True:
            with self._cond:
                if self._closed:
                    return
                worker = self.factory(f"{self.name}-{slot.index}")
                slot.pending = worker
            try:
                worker.start()
            except Exception as e:
                worker.stop()
                with self._cond:
                    slot.pending = None
                    if self._closed:
                        return
                    log.error("%s %s failed to start: %s", self.name, slot.index, e)
                    self.restarts["start_failed"] += 1
                    slot.state = "failed"
                    self._cond.notify_all()     # waiters re-check whether any worker is left
                if self._closing.wait(pause):
                    return
                pause = min(pause * 2, RETRY_BACKOFF_MAX)
                continue
            with self._cond:
                slot.pending = None
                if not self._closed:
                    slot.state, slot.worker, slot.planned, slot.tasks = "idle", worker, False, 0
                    self._idle.append(slot)
                    self._cond.notify_all()
                    return
            worker.stop()                   # closed while it was starting
            return
