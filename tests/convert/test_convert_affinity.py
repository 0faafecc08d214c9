"""Each soffice on a core of its own while cores are free; its Python callers there too."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from service.config import Settings
from service.convert import affinity
from service.convert.bridge import UnoBridge
from service.convert.soffice import SofficeProcess, soffice_binary

ALLOWED = os.sched_getaffinity(0)
multicore = pytest.mark.skipif(len(ALLOWED) < 2, reason="needs at least two CPUs")


def thread_masks(pid: int) -> set[frozenset[int]]:
    """The CPU mask of every thread of a process."""
    masks = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            masks.add(frozenset(os.sched_getaffinity(int(task.name))))
        except OSError:
            continue                    # a thread that ended while we looked
    return masks


def skip_if_others_pinned(pool: Any) -> None:
    """Other services' pinned soffice (another test run on this machine) take cores, and the
    pool's offices then rightly run unpinned: nothing to check here."""
    others = set(affinity.pinned_soffice()) - set(pool.pids)
    if others:
        pytest.skip(f"other pinned soffice processes run here: {sorted(others)}")
    if any(process.cpu is None for process in pool.supervisor.workers):
        pytest.skip("the pool started while other pinned soffice processes held the cores")


@multicore
def test_each_office_of_the_pool_has_a_core_of_its_own(pool: Any) -> None:
    skip_if_others_pinned(pool)
    cores = [process.cpu for process in pool.supervisor.workers]
    assert None not in cores and len(set(cores)) == len(cores), cores
    for process in pool.supervisor.workers:
        # Every thread soffice ever started carries the mask: it was set before the exec.
        assert thread_masks(process.pid) == {frozenset({process.cpu})}
    cpus = list(affinity.pinned_soffice().values())
    assert len(cpus) == len(set(cpus))          # machine-wide, never two on one core


@multicore
def test_a_conversion_runs_its_caller_on_the_office_core(pool: Any, kit: Any,
                                                         monkeypatch: Any) -> None:
    skip_if_others_pinned(pool)
    seen: list[set[int]] = []
    original = UnoBridge.to_pdf

    def recording(self: UnoBridge, *args: Any, **kwargs: Any) -> bytes:
        seen.append(os.sched_getaffinity(0))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(UnoBridge, "to_pdf", recording)
    before = os.sched_getaffinity(0)
    kit.assert_good_pdf(pool.to_pdf(kit.make_docx()))
    cores = {process.cpu for process in pool.supervisor.workers}
    assert len(seen) == 1 and len(seen[0]) == 1 and seen[0] <= cores
    assert os.sched_getaffinity(0) == before


def test_free_cpu_leaves_taken_cores_alone(monkeypatch: Any) -> None:
    monkeypatch.setattr(affinity.os, "sched_getaffinity", lambda pid: {0, 1, 2})
    monkeypatch.setattr(affinity, "pinned_soffice", lambda: {101: 0, 102: 2})
    assert affinity.free_cpu() == 1
    # More offices than cores: the next one runs unpinned, free to go to whichever core idles.
    monkeypatch.setattr(affinity, "pinned_soffice", lambda: {101: 0, 102: 2, 103: 1})
    assert affinity.free_cpu() is None
    monkeypatch.setattr(affinity.os, "sched_getaffinity", lambda pid: {3})
    monkeypatch.setattr(affinity, "pinned_soffice", dict)
    assert affinity.free_cpu() is None           # a single CPU: nothing to choose


def test_on_cpu_pins_only_the_calling_thread_and_restores_it() -> None:
    cpu = min(ALLOWED)
    before = os.sched_getaffinity(0)
    elsewhere: list[set[int]] = []
    with affinity.on_cpu(cpu):
        assert os.sched_getaffinity(0) == {cpu}
        thread = threading.Thread(target=lambda: elsewhere.append(os.sched_getaffinity(0)))
        thread.start()
        thread.join()
    assert os.sched_getaffinity(0) == before
    # A thread started meanwhile inherits the mask: so do the UNO bridge's threads.
    assert elsewhere == [{cpu}]
    with affinity.on_cpu(max(ALLOWED) + 4096):   # a core we may not use: run anywhere
        assert os.sched_getaffinity(0) == before


def test_pinning_switched_off_leaves_soffice_on_every_core() -> None:
    settings = Settings()
    process = SofficeProcess(soffice_binary(settings.pool.soffice),
                             settings.fonts_dir / "fonts.conf", pin_cpu=False)
    process.start()
    try:
        assert process.cpu is None
        assert thread_masks(process.pid) == {frozenset(ALLOWED)}
    finally:
        process.stop()



def test_an_unreadable_binary_only_loses_the_lock(tmp_path: Path) -> None:
    with affinity.machine_lock(str(tmp_path / "missing")):
        pass                        # no lock to take, and no error: the start goes on
    binary = tmp_path / "soffice.bin"
    binary.write_bytes(b"")
    # Held: another open file description (another process's) cannot take it meanwhile.
    with affinity.machine_lock(str(binary)), open(binary, "rb") as other, \
            pytest.raises(BlockingIOError):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(binary, "rb") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)    # released on the way out
