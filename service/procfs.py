"""The processes of this machine, read from /proc (Linux): who runs, under whom, as what.

The converter pool uses it to find soffice processes pinned to a core; the benchmarks and the
tests to find a gunicorn worker's soffice children and to tell a dead process from a zombie.
(gunicorn.conf.py keeps its own small copy: the master must not import the service.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

PROC = Path("/proc")


def pids() -> Iterator[int]:
    """Every process id, in no particular order."""
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            yield int(entry.name)


def argv0(pid: int) -> str:
    """The program a process runs as it named itself (argv[0]); "" if it is gone or unreadable."""
    try:
        return os.fsdecode((PROC / str(pid) / "cmdline").read_bytes().split(b"\0", 1)[0])
    except OSError:
        return ""


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), or None."""
    try:
        return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def alive(pid: int) -> bool:
    """Running, not a zombie (a killed process stays one until its parent, or init, reaps it)."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def children(pid: int, named: str | None = None) -> list[int]:
    """Live (not zombie) processes whose parent is `pid`; with `named`, only those whose
    program (argv[0]) has that file name."""
    found = []
    for child in pids():
        fields = _stat(child)
        if fields is not None and fields[0] != "Z" and int(fields[1]) == pid \
                and (named is None or Path(argv0(child)).name == named):
            found.append(child)
    return found


def named(name: str) -> list[int]:
    """Live processes whose program (argv[0]) has the file name `name`."""
    return [pid for pid in pids() if Path(argv0(pid)).name == name and alive(pid)]
