"""The pool's default size: cores in the affinity mask, capped by a cgroup CPU quota."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from service.cores import available_cores

MASK = len(os.sched_getaffinity(0))


def cgroup_v2(root: Path, text: str) -> Path:
    (root / "cpu.max").write_text(text)
    return root


def cgroup_v1(root: Path, quota: str, period: str = "100000") -> Path:
    (root / "cpu").mkdir()
    (root / "cpu" / "cpu.cfs_quota_us").write_text(quota)
    (root / "cpu" / "cpu.cfs_period_us").write_text(period)
    return root


@pytest.mark.parametrize(("text", "expected"), [
    ("max 100000\n", MASK),                 # no quota: the affinity mask
    ("150000 100000\n", min(MASK, 2)),      # docker --cpus 1.5: two processes, rounded up
    ("50000 100000\n", 1),                  # half a core: still one
    ("garbage", MASK),
])
def test_a_v2_quota_caps_the_count(tmp_path: Path, text: str, expected: int) -> None:
    assert available_cores(cgroup_v2(tmp_path, text)) == expected


@pytest.mark.parametrize(("quota", "expected"), [("-1", MASK), ("100000", 1)])
def test_a_v1_quota_caps_the_count(tmp_path: Path, quota: str, expected: int) -> None:
    assert available_cores(cgroup_v1(tmp_path, quota)) == expected


def test_no_cgroup_files_means_the_affinity_mask(tmp_path: Path) -> None:
    assert available_cores(tmp_path) == MASK
