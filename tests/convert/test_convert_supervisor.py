"""The generic supervisor with stand-in workers: each rule, fast, without LibreOffice."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from service.convert.supervisor import Supervisor, WorkerLost
from service.errors import ConversionError, ConversionTimeout, ConverterBusy, ConverterUnavailable

PIDS = itertools.count(1000)


class FakeWorker:
    """A worker whose tasks are `work(seconds)`: done after `seconds`, WorkerLost if killed."""

    def __init__(self, label: str, *, start_delay: float = 0.0, fail: bool = False,
                 tidy_seconds: float = 0.0) -> None:
        self.label, self.start_delay, self.fail = label, start_delay, fail
        self.tidy_seconds = tidy_seconds
        self.pid: int | None = None
        self.running = False
        self.stops = 0
        self.tidied = 0
        self.dead = threading.Event()

    def start(self) -> None:
        if self.dead.wait(self.start_delay):
            raise ConverterUnavailable(detail="killed while starting")
        if self.fail:
            raise ConverterUnavailable(detail=f"{self.label} cannot start")
        self.pid, self.running = next(PIDS), True

    def stop(self) -> None:
        self.stops += 1
        self.running = False
        self.dead.set()

    def kill(self) -> None:
        self.running = False
        self.dead.set()

    def alive(self) -> bool:
        return self.running

    def tidy(self) -> None:
        if not self.dead.wait(self.tidy_seconds):
            self.tidied += 1

    def work(self, seconds: float = 0.0) -> int:
        if self.dead.wait(seconds):
            raise WorkerLost(f"{self.label} killed")
        assert self.pid is not None
        return self.pid


class Factory:
    def __init__(self, *, start_delay: float = 0.0, failures: int = 0,
                 tidy_seconds: float = 0.0) -> None:
        self.start_delay, self.failures, self.tidy_seconds = start_delay, failures, tidy_seconds
        self.made: list[FakeWorker] = []

    def __call__(self, label: str) -> FakeWorker:
        fail = self.failures > 0
        self.failures -= 1
        worker = FakeWorker(label, start_delay=self.start_delay, fail=fail,
                            tidy_seconds=self.tidy_seconds)
        self.made.append(worker)
        return worker


@pytest.fixture
def make() -> Iterator[Any]:
    """make(size=..., factory=..., **limits) -> a started supervisor, closed after the test."""
    made: list[Supervisor[FakeWorker]] = []

    def build(size: int = 2, factory: Factory | None = None, **limits: Any) -> Any:
        settings = {"timeout": 5.0, "restart_after": 0, "queue_size": 4, **limits}
        supervisor = Supervisor(factory or Factory(), size=size, name="fake", **settings)
        made.append(supervisor)
        supervisor.start()
        return supervisor

    yield build
    for supervisor in made:
        supervisor.close()


def eventually(predicate: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def in_thread(function: Any) -> tuple[threading.Thread, list[Any]]:
    outcome: list[Any] = []

    def target() -> None:
        try:
            outcome.append(function())
        except Exception as e:  # handed to the test through `outcome`
            outcome.append(e)

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def test_consecutive_tasks_reuse_the_warmest_worker(make: Any) -> None:
    supervisor = make(size=2)
    pids = set()
    for _ in range(5):
        pids.add(supervisor.run(lambda w: w.work()))
        assert eventually(lambda: supervisor.busy == 0)     # tidied and back in the pool
    assert len(pids) == 1
    assert supervisor.completed == 5 and supervisor.ready() and supervisor.alive == 2


def test_a_full_queue_answers_busy_at_once_with_retry_after(make: Any) -> None:
    supervisor = make(size=1, queue_size=1)
    release = threading.Event()
    running, first = in_thread(lambda: supervisor.run(lambda w: release.wait(5) and w.work()))
    assert eventually(lambda: supervisor.busy == 1)
    waiting, second = in_thread(lambda: supervisor.run(lambda w: w.work()))
    assert eventually(lambda: supervisor.queued == 1)
    started = time.monotonic()
    with pytest.raises(ConverterBusy) as caught:
        supervisor.run(lambda w: w.work())
    assert time.monotonic() - started < 0.1
    assert caught.value.retry_after >= 1
    release.set()
    running.join()
    waiting.join()
    assert isinstance(first[0], int) and isinstance(second[0], int)


def test_the_caller_goes_on_while_the_worker_tidies_and_it_takes_no_task_meanwhile(
        make: Any) -> None:
    factory = Factory(tidy_seconds=0.3)
    supervisor = make(size=1, factory=factory)
    [worker] = factory.made
    started = time.monotonic()
    supervisor.run(lambda w: w.work())
    assert time.monotonic() - started < 0.2 and supervisor.busy == 1 and worker.tidied == 0
    supervisor.run(lambda w: w.work())          # waits for the tidying to end
    assert time.monotonic() - started >= 0.3 and worker.tidied == 1
    assert eventually(lambda: worker.tidied == 2 and supervisor.busy == 0)
    assert supervisor.completed == 2


def test_a_worker_stuck_tidying_is_killed_at_the_timeout_and_replaced(make: Any) -> None:
    factory = Factory(tidy_seconds=30)
    supervisor = make(size=1, factory=factory, timeout=0.3)
    [stuck] = factory.made
    supervisor.run(lambda w: w.work())
    assert eventually(lambda: not stuck.alive() and len(factory.made) == 2, timeout=3)
    assert eventually(lambda: supervisor.ready() and supervisor.restarts["crash"] == 1)
    assert stuck.tidied == 0


def test_a_task_past_the_timeout_is_cut_off_and_its_worker_replaced(make: Any) -> None:
    factory = Factory()
    supervisor = make(size=1, factory=factory, timeout=0.2)
    [hung] = factory.made
    started = time.monotonic()
    with pytest.raises(ConversionTimeout):
        supervisor.run(lambda w: w.work(10))
    assert 0.2 <= time.monotonic() - started < 0.4
    assert hung.dead.is_set() and supervisor.restarts["timeout"] == 1
    assert supervisor.run(lambda w: w.work()) != hung.pid


def test_a_worker_lost_under_a_task_is_retried_once_on_another(make: Any) -> None:
    supervisor = make(size=2)
    calls: list[int | None] = []

    def dies_first_time(worker: FakeWorker) -> int:
        calls.append(worker.pid)
        if len(calls) == 1:
            worker.kill()
            raise WorkerLost("segfault")
        return worker.work()

    assert supervisor.run(dies_first_time) == calls[1] != calls[0]
    assert supervisor.retries == 1 and supervisor.restarts["crash"] == 1
    assert eventually(lambda: supervisor.alive == 2)


def test_a_task_that_kills_every_worker_fails_after_one_retry(make: Any) -> None:
    supervisor = make(size=2)

    def poison(worker: FakeWorker) -> int:
        worker.kill()
        raise WorkerLost("crashes on this document")

    with pytest.raises(ConversionError) as caught:
        supervisor.run(poison)
    assert type(caught.value) is ConversionError
    assert supervisor.restarts["crash"] == 2 and supervisor.retries == 1
    assert eventually(lambda: supervisor.alive == 2)


def test_a_document_error_keeps_the_worker(make: Any) -> None:
    supervisor = make(size=1)
    before = supervisor.run(lambda w: w.work())

    def refuses(worker: FakeWorker) -> int:
        raise ConversionError(detail="cannot read this DOCX")

    with pytest.raises(ConversionError):
        supervisor.run(refuses)
    assert supervisor.run(lambda w: w.work()) == before
    assert sum(supervisor.restarts.values()) == 0


def test_a_planned_restart_keeps_the_pool_ready(make: Any) -> None:
    factory = Factory(start_delay=0.3)
    supervisor = make(size=1, factory=factory, restart_after=2)
    first = supervisor.run(lambda w: w.work())
    assert supervisor.run(lambda w: w.work()) == first
    # The only worker is restarting now; a planned restart still counts as ready.
    assert supervisor.alive == 0 and supervisor.ready()
    assert supervisor.run(lambda w: w.work()) != first     # waits for the new worker
    assert supervisor.restarts["planned"] == 1 and factory.made[0].stops == 1


def test_a_worker_dying_while_idle_is_replaced_and_unready_meanwhile(make: Any) -> None:
    factory = Factory(start_delay=0.5)
    supervisor = make(size=1, factory=factory)
    factory.made[0].kill()                  # e.g. the OOM killer, with no task running
    assert eventually(lambda: not supervisor.ready(), timeout=0.5)
    assert eventually(lambda: supervisor.restarts["crash"] == 1, timeout=3)
    assert eventually(supervisor.ready, timeout=3)
    assert supervisor.alive == 1 and len(factory.made) == 2


def test_no_worker_starting_is_unavailable(make: Any) -> None:
    factory = Factory(failures=10)
    with pytest.raises(ConverterUnavailable):
        make(size=2, factory=factory)
    assert len(factory.made) == 2 and all(w.stops >= 1 for w in factory.made)


def test_a_worker_failing_to_start_is_retried_in_the_background(make: Any) -> None:
    factory = Factory(failures=1)
    supervisor = make(size=2, factory=factory)
    assert supervisor.ready() and supervisor.restarts["start_failed"] == 1
    assert eventually(lambda: supervisor.alive == 2, timeout=3)     # after a 1 s backoff


def test_close_stops_every_worker_and_refuses_work(make: Any) -> None:
    factory = Factory()
    supervisor = make(size=2, factory=factory, queue_size=2)
    release = threading.Event()
    held = [in_thread(lambda: supervisor.run(lambda w: release.wait(5) and w.work()))
            for _ in range(2)]
    assert eventually(lambda: supervisor.busy == 2)
    waiter, waited = in_thread(lambda: supervisor.run(lambda w: w.work()))
    assert eventually(lambda: supervisor.queued == 1)

    supervisor.close()
    supervisor.close()                      # a second close is harmless

    waiter.join()
    assert isinstance(waited[0], ConverterUnavailable)
    assert all(w.stops >= 1 and not w.alive() for w in factory.made)
    assert supervisor.alive == 0 and not supervisor.ready()
    with pytest.raises(ConverterUnavailable):
        supervisor.run(lambda w: w.work())
    release.set()
    for thread, outcome in held:
        thread.join()
        assert isinstance(outcome[0], ConverterUnavailable)
    assert not supervisor._threads
