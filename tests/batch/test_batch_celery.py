"""The Celery backend: a local redis-server and two `celery -A service.worker worker` processes
share one batch through the job store; an unreachable broker is a clear 503."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from service import create_app
from service.db.models import BatchJob
from tests.batch.cluster import Redis, Workers, celery_settings, free_port
from tests.batch.conftest import docx_text, read_zip, wait_status
from tests.conftest import example


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    redis = Redis(tmp_path)
    redis.start()
    yield redis.url
    redis.stop()


@pytest.fixture
def workers(tmp_path: Path, redis_url: str) -> Iterator[list[str]]:
    """Two worker processes, one task at a time each, on this test's store and broker."""
    cluster = Workers(tmp_path, celery_settings(tmp_path, redis_url))
    try:
        yield cluster.start("w1", "w2")
    finally:
        cluster.close()


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
