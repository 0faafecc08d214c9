"""service.procfs: children, zombies and program names read from /proc."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from service import procfs


def test_a_child_is_found_by_parent_and_name_and_a_zombie_is_not_alive() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in procfs.children(os.getpid())
        assert child.pid in procfs.children(os.getpid(), named=os.path.basename(sys.executable))
        assert child.pid not in procfs.children(os.getpid(), named="soffice.bin")
        assert procfs.argv0(child.pid) == sys.executable
        assert child.pid in procfs.named(os.path.basename(sys.executable))
        assert procfs.alive(child.pid)
        child.kill()
        deadline = time.monotonic() + 10
        while procfs.alive(child.pid):          # killed, not yet reaped: a zombie
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert child.pid not in procfs.children(os.getpid())
    finally:
        child.kill()
        child.wait()
    assert not procfs.alive(child.pid) and procfs.argv0(child.pid) == ""
