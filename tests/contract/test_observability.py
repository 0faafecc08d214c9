"""Request ids are echoed and logged; /metrics counts requests, documents and the pool."""

from __future__ import annotations

import io
import json
import logging
from collections import Counter

from service import create_app
from service.config import Settings
from service.convert import DocxSource
from service.web.observability import JsonFormatter
from tests.conftest import blank_pdf, example


def test_request_id_is_echoed_or_made(client):
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id <script>" + "x" * 200})
    assert made.headers["X-Request-ID"].isalnum()
    assert len(made.headers["X-Request-ID"]) == 32


def test_log_lines_are_json_with_the_request_id(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("vanban")
    logger.addHandler(handler)
    try:
        client.post("/v1/documents", json={"type": "ke_hoach"}, headers={"X-Request-ID": "r-42"})
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [e for e in lines if e["message"] == "request"]
    assert access and access[-1]["request_id"] == "r-42"
    assert access[-1]["status"] == 422 and access[-1]["route"] == "/v1/documents"
    assert all(e["request_id"] == "r-42" for e in lines)


class Pool:
    """Just what the metrics collector reads of the converter pool."""

    supervisor = type("S", (), {"queued": 3})()
    alive = 2
    restarts = Counter({"planned": 4, "crash": 1})

    def ready(self) -> bool:
        return True

    def to_pdf(self, docx: DocxSource, options: object = None) -> bytes:
        return blank_pdf()


def test_metrics():
    client = create_app(Settings.from_env({}), converter=Pool()).test_client()
    client.post("/v1/documents", json=example("cong_van"))
    client.post("/v1/documents?format=pdf", json=example("cong_van"))
    client.post("/v1/documents", json={})
    text = client.get("/metrics").get_data(as_text=True)
    assert 'vanban_http_requests_total{method="POST",route="/v1/documents",status="200"} 2.0' \
        in text
    assert 'vanban_http_requests_total{method="POST",route="/v1/documents",status="422"} 1.0' \
        in text
    assert 'vanban_documents_total{format="pdf",type="cong_van"} 1.0' in text
    assert 'vanban_documents_total{format="docx",type="cong_van"} 1.0' in text
    assert "vanban_http_request_duration_seconds_bucket" in text
    assert "vanban_converter_queue_depth 3.0" in text
    assert "vanban_converter_processes_alive 2.0" in text
    assert 'vanban_converter_restarts_total{reason="planned"} 4.0' in text


def test_metrics_show_the_progress_of_batches_under_way(make_app):
    from tests.batch.conftest import gate, wait_status

    app = make_app()
    held = gate(app, allowed=1)                    # one document made, the others held back
    client = app.test_client()
    response = client.post("/v1/batches", json={"base": example("quyet_dinh"),
                                                 "rows": [{"number": n} for n in (1, 2, 3)]})
    assert response.status_code == 202
    wait_status(client, response.json["status_url"], until=lambda s: s["done"] == 1)
    text = client.get("/metrics").get_data(as_text=True)
    assert 'vanban_batch_items{state="done"} 1.0' in text
    assert 'vanban_batch_items{state="failed"} 0.0' in text
    held.allow(None)
    wait_status(client, response.json["status_url"])
    text = client.get("/metrics").get_data(as_text=True)
    assert 'vanban_batch_items{state="done"} 0.0' in text   # a finished batch is no longer counted
