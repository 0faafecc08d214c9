"""Schemathesis against the app's own /openapi.json, in process (WSGI): whatever it generates
from the description, valid or not, no operation answers with a 5xx.

DOCX only (no LibreOffice), auth on with a key sent on every call, a bounded number of
examples per operation so the run stays well under a minute.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from service import create_app
from service.auth import digest
from service.config import AuthSettings, Settings

KEY = "schemathesis-key-" + "7" * 30


def build_app(where: Path) -> Flask:
    return create_app(Settings.from_env(
        {"VANBAN_DATABASE_URL": f"sqlite:///{where / 'vanban.sqlite3'}",
         "VANBAN_BATCH_OUTPUT_DIR": str(where / "batches"),
         # Generated batches are small; a few items are enough to exercise the envelope.
         "VANBAN_BATCH_MAX_ITEMS": "5",
         # Small list limits, which /openapi.json then states: schemathesis's negative cases
         # fill a list to maxItems + 1 by copying an item, and 5001 blocks of 1001 children
         # each exhaust the machine's memory before a request is sent.
         "VANBAN_LIMITS_BLOCKS": "4", "VANBAN_LIMITS_CHILDREN": "3",
         "VANBAN_LIMITS_RECIPIENTS": "4", "VANBAN_LIMITS_TABLE_ROWS": "4",
         "VANBAN_LIMITS_TABLE_COLUMNS": "3"},
        pdf_enabled=False, secret_key="s" * 32,
        auth=AuthSettings(enabled=True, keys=f"fuzz:{digest(KEY).hex()}")))


@schemathesis.serializer("application/pdf")
def _as_is(ctx: object, value: object) -> bytes:
    """POST /v1/verify takes a file: generated bodies are sent as the bytes they are."""
    return value if isinstance(value, bytes) else str(value).encode()


# Built at collection: schemathesis parametrizes from the loaded description (its fixture
# loader does not work with this pytest). The folder lives as long as the module object.
_WORKDIR = tempfile.TemporaryDirectory(prefix="vanban-schemathesis-")
APP = build_app(Path(_WORKDIR.name))
# Examples and fuzzing; the coverage phase enumerates every boundary of every field of the
# payload (thousands of cases for this contract), which the hostile tests cover by hand.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}},
                                      "generation": {"mode": "all", "deterministic": True,
                                                     "no-shrink": True}})
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP, config=CONFIG)


@pytest.fixture(scope="module", autouse=True)
def _stop_the_runner() -> Iterator[None]:
    yield
    APP.extensions["vanban.batch"].close(timeout=5)


@schema.parametrize()
@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx(case: schemathesis.Case) -> None:
    response = case.call(headers={"X-API-Key": KEY})
    assert response.status_code < 500, (response.status_code, response.text[:500],
                                        case.as_curl_command())


def test_without_the_key_every_operation_is_401() -> None:
    client = APP.test_client()
    paths = schema.raw_schema["paths"]
    assert {"/v1/documents", "/v1/batches", "/v1/types"} <= set(paths)
    for path, operations in paths.items():
        for method in operations:
            url = path.replace("{job_id}", "0" * 32)
            assert client.open(url, method=method.upper()).status_code == 401, (method, path)
