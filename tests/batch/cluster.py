"""A local Celery cluster for the tests: a redis-server that can be stopped and started again on
the same port, and `celery -A service.worker worker` processes on the test's database."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from service.batch.tasks import make_celery
from service.config import Settings
from tests.conftest import ROOT, batch_settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(*processes: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM to all (a Celery worker's warm shutdown), then wait; SIGKILL what lingers."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Redis:
    """redis-server on 127.0.0.1:port, persistence off unless `appendonly`."""

    def __init__(self, root: Path, appendonly: bool = False) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed (scripts/install-system-deps.sh "
                        "installs it)")
        self.binary, self.root, self.appendonly = binary, root, appendonly
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes" if self.appendonly else "no", "--dir", str(self.root)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError("redis-server did not start")
            time.sleep(0.05)

    def stop(self, kill: bool = False) -> None:
        if self.process is not None:
            if kill:
                self.process.kill()
            stop(self.process)
            self.process = None


def celery_settings(root: Path, redis_url: str, database_url: str | None = None,
                    **batch: Any) -> Settings:
    settings = batch_settings(root, database_url, **batch)
    return dataclasses.replace(settings, batch=dataclasses.replace(
        settings.batch, backend="celery", redis_url=redis_url))


class Workers:
    """Worker processes (one task at a time each) on `settings`' database and broker."""

    def __init__(self, root: Path, settings: Settings, **env: str) -> None:
        self.root, self.settings = root, settings
        self.env = {**os.environ, "VANBAN_PDF_ENABLED": "0", "VANBAN_BATCH_BACKEND": "celery",
                    "VANBAN_BATCH_REDIS_URL": settings.batch.redis_url,
                    "VANBAN_DATABASE_URL": settings.database.url,
                    "VANBAN_BATCH_OUTPUT_DIR": str(settings.batch.output_dir),
                    "VANBAN_BATCH_LEASE": str(settings.batch.lease or 180), **env}
        self.processes: dict[str, subprocess.Popen] = {}
        self.control = make_celery(settings)

    def start(self, *names: str, cwd: Path | None = None, **env: str) -> list[str]:
        """Start workers and wait until each answers a ping; their full names."""
        for name in names:
            log = (self.root / f"{name}.log").open("ab")
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "service.worker", "worker", "-c", "1",
                 "-n", f"{name}@%h", "--loglevel=INFO", "--without-gossip", "--without-mingle"],
                cwd=cwd or ROOT, env={**self.env, "PYTHONPATH": str(ROOT), **env},
                stdout=log, stderr=subprocess.STDOUT)
        wanted = {f"{name}@{socket.gethostname()}" for name in names}
        deadline = time.monotonic() + 60
        while True:
            answered = {next(iter(r)) for r in self.control.control.ping(timeout=0.5)}
            if wanted <= answered:
                return sorted(wanted)
            if time.monotonic() > deadline or any(self.processes[n].poll() is not None
                                                  for n in names):
                raise AssertionError(f"workers not ready: {answered}; logs: {self.logs()}")

    def kill(self, name: str) -> None:
        """SIGKILL the worker's main process (its pool process is left to notice)."""
        self.processes[name].send_signal(signal.SIGKILL)
        self.processes[name].wait()

    def logs(self) -> dict[str, str]:
        return {name: (self.root / f"{name}.log").read_text(errors="replace")[-3000:]
                for name in self.processes}

    def close(self) -> None:
        self.control.close()
        stop(*self.processes.values())
