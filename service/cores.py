"""How many CPU cores this process may really use: the default size of the LibreOffice pool.

os.cpu_count() is the host's count: in a container limited with `docker run --cpus 2` or a
Kubernetes CPU limit it may say 64, and a pool of 64 soffice processes would share two cores'
worth of time. This reads the affinity mask (cpusets) and the cgroup CPU quota (v2 `cpu.max`,
v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`).

Standard library only: gunicorn.conf.py loads this file by its path, so the gunicorn master
sizes its threads from the same count without importing the service.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")


def available_cores(cgroup: Path = CGROUP) -> int:
    """CPUs in this process's affinity mask, capped by its cgroup's CPU quota; at least 1."""
    cores = len(os.sched_getaffinity(0))
    quota = _quota(cgroup)
    if quota is not None:
        cores = min(cores, max(1, math.ceil(quota)))
    return max(1, cores)


def _quota(cgroup: Path) -> float | None:
    """The CPU quota in cores, or None when there is none (or it cannot be read)."""
    try:
        limit, period = (cgroup / "cpu.max").read_text().split()       # v2: "max 100000"
        return None if limit == "max" else int(limit) / int(period)
    except (OSError, ValueError):
        pass
    try:
        limit = int((cgroup / "cpu" / "cpu.cfs_quota_us").read_text())  # v1: -1 = none
        period = int((cgroup / "cpu" / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return limit / period if limit > 0 and period > 0 else None
