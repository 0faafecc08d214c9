"""Faults an operator meets, done for real, with nothing lost: the broker restarted without
persistence mid-batch, a worker killed mid-task. The job store is the truth; what the broker
lost is sent again once nothing has moved for a lease (here 3 s)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from service import create_app
from service.db.models import BatchItem
from tests.batch.cluster import Redis, Workers, celery_settings
from tests.batch.conftest import docx_text, read_zip, wait_status
from tests.conftest import example
from tests.ooxml import assert_valid

LEASE = 3.0


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[Redis]:
    server = Redis(tmp_path)
    server.start()
    yield server
    server.stop()


def every_document_once(client, status: dict, count: int) -> None:
    """The ZIP holds `count` documents, each valid, each its own number, none twice."""
    files = read_zip(client.get(status["result_url"]).data)
    assert len(files) == count
    numbers = set()
    for name, data in files.items():
        assert_valid(data)
        text = docx_text(data)
        number = int(name.split("-")[0])
        assert f"Người ký {number}" in text
        numbers.add(number)
    assert numbers == set(range(1, count + 1))


def batch_of(count: int, slow: set[int] = frozenset()) -> dict:
    """`count` rows; those in `slow` carry a long body (a second or more to render)."""
    rows = []
    for n in range(1, count + 1):
        row = {"number": n, "signer.name": f"Người ký {n}"}
        if n in slow:
            row["body"] = "\n".join(f"{i}. Nội dung điều khoản thứ {i} của văn bản dài."
                                    for i in range(1, 1500))
        rows.append(row)
    return {"base": example("quyet_dinh"), "rows": rows}


def test_a_batch_finishes_after_the_broker_restarts_empty(tmp_path, redis):
    settings = celery_settings(tmp_path, redis.url, lease=LEASE)
    workers = Workers(tmp_path, settings)
    app = create_app(settings)
    try:
        workers.start("w1", "w2")
        client = app.test_client()
        urls = client.post("/v1/batches", json=batch_of(150)).get_json()
        wait_status(client, urls["status_url"], until=lambda s: s["done"] >= 30, timeout=60)
        redis.stop(kill=True)                   # the queue goes with it: no persistence
        redis.start()
        restarted = time.monotonic()
        left = 150 - client.get(urls["status_url"]).get_json()["done"]
        assert left > 0, "the batch finished before the broker went away"
        # Bound: a lease without progress, a sweep, then the rest at the workers' pace.
        status = wait_status(client, urls["status_url"], timeout=LEASE * 4 + 60)
        took = time.monotonic() - restarted
        assert (status["status"], status["done"], status["failed"]) == ("done", 150, 0), \
            workers.logs()
        every_document_once(client, status, 150)
        print(f"{left} items left at the restart; finished {took:.1f} s after it")
    finally:
        app.extensions["vanban.batch"].close()
        workers.close()


def test_items_in_flight_on_a_killed_worker_are_made_within_the_lease(tmp_path, redis):
    settings = celery_settings(tmp_path, redis.url, lease=LEASE)
    workers = Workers(tmp_path, settings)
    app = create_app(settings)
    store = app.extensions["vanban.batch"].store
    try:
        w1, _w2 = workers.start("w1", "w2")
        client = app.test_client()
        slow = set(range(5, 41, 5))
        urls = client.post("/v1/batches", json=batch_of(40, slow)).get_json()

        def w1_on_a_slow_item() -> bool:
            with store.database.read() as db:
                return any(index + 1 in slow for index in db.scalars(
                    select(BatchItem.idx).where(BatchItem.state == "running",
                                                BatchItem.worker == w1)))

        deadline = time.monotonic() + 60
        while not w1_on_a_slow_item():
            assert time.monotonic() < deadline, "w1 never took a slow item"
            time.sleep(0.02)
        workers.kill("w1")                      # kill -9 of the worker's main process
        killed = time.monotonic()
        status = wait_status(client, urls["status_url"], timeout=LEASE * 4 + 60)
        took = time.monotonic() - killed
        assert (status["status"], status["done"], status["failed"]) == ("done", 40, 0), \
            workers.logs()
        every_document_once(client, status, 40)
        # Not the broker's visibility timeout (an hour): the lease, and what w2 had left.
        assert took < LEASE * 4 + 45
        print(f"finished {took:.1f} s after the kill")
    finally:
        app.extensions["vanban.batch"].close()
        workers.close()
