"""CPU affinity for soffice: each process on a core of its own while there are free cores.

A conversion is a relay of threads (the UNO bridge's reader and writer in both processes, the
caller, the office's thread holding its big lock), each waking the next. Left to the scheduler,
the woken thread of one office often queues behind the other office on a busy core while the
second core idles; in a virtual machine, waking a thread on another core also costs an exit to
the hypervisor. So each soffice gets a core, and the Python threads that talk to it (the caller
of a conversion, the bridge's threads) run there too. bench/bench_convert.py, pool of 2 on 2
cores: one client 12-13 → 14 conversions/s, two clients 1.4-1.7× → 1.8-1.9× the rate of one.

A core counts as taken while any soffice.bin on the machine is pinned to it (those of other
gunicorn workers, Celery processes or services included), so pools that know nothing of each other
still spread out; an flock on the soffice binary makes choose-and-start one step across processes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator

from service import procfs

SOFFICE_NAME = "soffice.bin"


def pinned_soffice() -> dict[int, int]:
    """{pid: CPU} of the running soffice.bin processes pinned to a single CPU."""
    pinned: dict[int, int] = {}
    for pid in procfs.named(SOFFICE_NAME):
        try:
            cpus = os.sched_getaffinity(pid)
        except OSError:             # gone meanwhile
            continue
        if len(cpus) == 1:
            pinned[pid] = next(iter(cpus))
    return pinned


def free_cpu() -> int | None:
    """The lowest CPU this process may use that no pinned soffice runs on, or None.

    None when every allowed core already has one (more soffice than cores, as with several
    pools on one machine): the extra processes run unpinned, where the scheduler can still move
    them to whichever core is idle; pinned, two busy ones could share a core while another idles.
    Also None with a single allowed CPU, where there is nothing to choose.
    """
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        return None
    taken = set(pinned_soffice().values())
    return next((cpu for cpu in allowed if cpu not in taken), None)


@contextlib.contextmanager
def machine_lock(binary: str) -> Iterator[None]:
    """Held while a CPU is chosen and soffice started on it, so two pools starting at once do
    not both take the same core. The lock is on the binary every pool here starts: no file of
    our own to create or leave behind."""
    try:
        handle = open(binary, "rb")  # noqa: SIM115 - held for the block, closed below
    except OSError:                 # unreadable (mode 0711): choose without the lock
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def on_cpu(cpu: int | None) -> Iterator[None]:
    """Run the calling thread (only it: pid 0) on `cpu` for the block. What it starts meanwhile
    inherits the mask: a process forked, or the threads of a UNO bridge it opens."""
    if cpu is None:
        yield
        return
    own = os.sched_getaffinity(0)
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:                 # the CPU went offline or left our cpuset: run anywhere
        yield
        return
    try:
        yield
    finally:
        os.sched_setaffinity(0, own)
