"""The Celery backend: a local redis-server and two `celery -A service.worker worker` processes
share one batch through the job store; an unreachable broker is a clear 503."""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from service import create_app
from service.batch.tasks import make_celery
from service.config import Settings
from service.db.models import BatchJob
from tests.batch.conftest import docx_text, read_zip, wait_status
from tests.conftest import ROOT, batch_settings, example


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def celery_settings(root: Path, redis_url: str) -> Settings:
    settings = batch_settings(root)
    return dataclasses.replace(settings, batch=dataclasses.replace(
        settings.batch, backend="celery", redis_url=redis_url))


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


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (scripts/install-system-deps.sh installs it)")
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise AssertionError("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(server)


@pytest.fixture
def workers(tmp_path: Path, redis_url: str) -> Iterator[list[str]]:
    """Two worker processes, one task at a time each, on this test's store and broker."""
    settings = celery_settings(tmp_path, redis_url)
    env = {**os.environ, "VANBAN_PDF_ENABLED": "0", "VANBAN_BATCH_BACKEND": "celery",
           "VANBAN_BATCH_REDIS_URL": redis_url, "VANBAN_DATABASE_URL": settings.database.url,
           "VANBAN_BATCH_OUTPUT_DIR": str(settings.batch.output_dir)}
    names = ["w1", "w2"]
    processes = []
    for name in names:
        log = (tmp_path / f"{name}.log").open("wb")
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "service.worker", "worker", "-c", "1",
             "-n", f"{name}@%h", "--loglevel=INFO", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
    control = make_celery(settings)
    try:
        deadline = time.monotonic() + 40
        while len(replies := control.control.ping(timeout=0.5)) < len(names):
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                logs = {n: (tmp_path / f"{n}.log").read_text()[-2000:] for n in names}
                raise AssertionError(f"workers not ready: {replies}; logs: {logs}")
        yield [next(iter(reply)) for reply in replies]
    finally:
        control.close()
        stop(*processes)


def test_one_batch_is_split_across_two_worker_processes(tmp_path, redis_url, workers):
    app = create_app(celery_settings(tmp_path, redis_url))
    try:
        client = app.test_client()
        rows = [{"number": n, "signer.name": f"Người ký {n}"} for n in range(1, 21)]
        rows[6]["number"] = "bảy"                         # fails alone, on whichever worker
        response = client.post("/v1/batches", json={"base": example("quyet_dinh"),
                                                    "rows": rows})
        assert response.status_code == 202, response.get_json()
        status = wait_status(client, response.get_json()["status_url"], timeout=40)
        assert (status["status"], status["done"], status["failed"]) == ("done", 19, 1)
        assert status["errors"] == [{"index": 6, "fields": {
            "number": ["Số văn bản phải là số nguyên dương."]}}]
        by_worker = Counter(app.extensions["vanban.batch"].store.workers(status["id"]).values())
        assert set(by_worker) == set(workers), by_worker          # both took part
        assert sum(by_worker.values()) == 19
        files = read_zip(client.get(response.get_json()["result_url"]).data)
        assert "Người ký 12" in docx_text(files["12-QD-UBND.docx"])
    finally:
        app.extensions["vanban.batch"].close()


def test_an_unreachable_broker_is_503_and_the_batch_is_marked_failed(tmp_path):
    app = create_app(celery_settings(tmp_path, f"redis://127.0.0.1:{free_port()}/0"))
    try:
        client = app.test_client()
        started = time.monotonic()
        response = client.post("/v1/batches", json={"items": [example("quyet_dinh")]})
        assert time.monotonic() - started < 15
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "queue_unavailable"
        store = app.extensions["vanban.batch"].store
        with store.database.read() as db:
            (job_id,) = db.scalars(select(BatchJob.id)).all()
        assert store.job(job_id).status == "failed"
    finally:
        app.extensions["vanban.batch"].close()
