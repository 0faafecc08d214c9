"""A starting pool removes the run dirs (profiles) and sockets of soffice processes that are
gone, and nothing of a process that still runs or may be starting."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from service.convert.soffice import OWNER, ipc_socket_name, remove_stale_run_dirs


def gone_pid() -> int:
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True).stdout)


def run_dir(root, name: str, owner: str | None):
    path = root / f"vanban-soffice-{name}"
    (path / "profile").mkdir(parents=True)
    if owner is not None:
        (path / OWNER).write_text(owner)
    return path


def test_only_the_leftovers_of_gone_processes_are_removed(tmp_path):
    dead = gone_pid()
    left = run_dir(tmp_path, "dead", f"{dead} {gone_pid()}")
    mine = run_dir(tmp_path, "live", f"{os.getpid()} {dead}")      # its owner still runs
    starting = run_dir(tmp_path, "new", None)                      # no owner yet: too young
    # The single-instance socket a killed soffice leaves in /tmp goes with its profile.
    sock_path = f"/tmp/{ipc_socket_name((left / 'profile').as_uri())}"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(sock_path)
    try:
        assert remove_stale_run_dirs(tmp_path) == [left]
        assert not left.exists() and not os.path.exists(sock_path)
        assert mine.exists() and starting.exists()
        assert remove_stale_run_dirs(tmp_path, min_age=0) == [starting]
    finally:
        if os.path.exists(sock_path):
            os.unlink(sock_path)
