"""Hostile input: each test sends something meant to hurt, and the service must answer it with a
clear 4xx and then still make a normal document (checked after every test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.config import Settings
from service.pipeline import DOCX
from tests.conftest import docx_lines, example, open_docx


@pytest.fixture(scope="session")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    where = tmp_path_factory.mktemp("hostile")
    settings = Settings.from_env({"VANBAN_DATABASE_URL": f"sqlite:///{where / 'db.sqlite3'}",
                                  "VANBAN_BATCH_OUTPUT_DIR": str(where / "batches")},
                                 pdf_enabled=False)
    app = create_app(settings)
    yield app
    app.extensions["vanban.batch"].close(timeout=5)


@pytest.fixture
def client(hostile_app: Flask) -> Iterator[FlaskClient]:
    client = hostile_app.test_client()
    yield client
    # Whatever came before, the service still answers an ordinary request in full.
    payload = example("cong_van")
    response = client.post("/v1/documents", json=payload)
    assert response.status_code == 200 and response.mimetype == DOCX
    assert payload["signer"]["name"] in docx_lines(open_docx(response.data))


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The one JSON error shape, with this status (and code)."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    error = response.get_json()["error"]
    assert error["message"] and isinstance(error["message"], str)
    if code is not None:
        assert error["code"] == code
    return error
