"""gunicorn.conf.py sizes workers, threads and timeouts from the pool's settings, without
importing the service (see its docstring), so its mirrored defaults must match service.config."""

from __future__ import annotations

import runpy

import pytest

from service.config import PoolSettings
from service.convert.soffice import ipc_socket_name
from tests.conftest import ROOT

CONFIG = ROOT / "gunicorn.conf.py"


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict:
    for name in ("VANBAN_POOL_SIZE", "VANBAN_POOL_QUEUE_SIZE", "VANBAN_POOL_TIMEOUT",
                 "VANBAN_POOL_START_TIMEOUT", "VANBAN_THREADS", "VANBAN_WORKERS",
                 "VANBAN_MAX_REQUESTS", "VANBAN_GRACEFUL_TIMEOUT", "VANBAN_WORKER_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_mirrored_defaults_match_the_pool_settings(monkeypatch):
    config, pool = load(monkeypatch), PoolSettings()
    assert config["POOL_SIZE"] == pool.size
    assert config["POOL_QUEUE_SIZE"] == pool.queue_size
    assert config["POOL_TIMEOUT"] == pool.timeout
    assert config["POOL_START_TIMEOUT"] == pool.start_timeout


def test_sized_to_the_pool(monkeypatch):
    config = load(monkeypatch, VANBAN_POOL_SIZE="3", VANBAN_POOL_QUEUE_SIZE="10",
                  VANBAN_POOL_TIMEOUT="20", VANBAN_POOL_START_TIMEOUT="45")
    assert config["worker_class"] == "gthread" and config["preload_app"] is False
    # Every running and every queued conversion holds a thread, and some are left over, so the
    # pool's own 503 fires before gthread queues anything, and health checks still answer.
    assert config["threads"] > 3 + 10
    assert config["timeout"] > 45             # a slow pool start is not mistaken for a hang
    assert config["graceful_timeout"] > 20    # a conversion in flight may finish
    assert config["max_requests"] == 0 and config["control_socket_disable"] is True


def test_env_overrides(monkeypatch):
    config = load(monkeypatch, VANBAN_THREADS="7", VANBAN_WORKERS="2", VANBAN_MAX_REQUESTS="1000",
                  VANBAN_POOL_SIZE="0")
    assert (config["threads"], config["workers"]) == (7, 2)
    assert (config["max_requests"], config["max_requests_jitter"]) == (1000, 100)
    assert config["POOL_SIZE"] == config["CORES"]     # 0 = one per core, as in the pool


def test_orphan_cleanup_names_the_same_socket_as_the_pool(monkeypatch):
    config = load(monkeypatch)
    url = "file:///tmp/vanban-soffice-abc/profile"
    assert config["ipc_socket_name"](url) == ipc_socket_name(url)
    assert config["leftover_soffice"]("VANBAN_GUNICORN_WORKER", 0) == {}
