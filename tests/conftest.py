"""Shared fixtures: the app built from a test config, the example payloads, DOCX readers."""

from __future__ import annotations

import copy
import dataclasses
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.config import Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "schemas" / "examples"
TYPES = ("ke_hoach", "bao_cao", "quyet_dinh", "cong_van", "to_trinh", "thong_bao")


def example(name: str) -> dict:
    """A fresh copy of schemas/examples/<name>.json (tests may change it)."""
    return copy.deepcopy(_examples()[name])


_cache: dict[str, dict] = {}


def _examples() -> dict[str, dict]:
    if not _cache:
        for path in EXAMPLES.glob("*.json"):
            _cache[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return _cache


@pytest.fixture(scope="session")
def app() -> Flask:
    """The app without LibreOffice: DOCX only (PDF tests build their own)."""
    return create_app(Settings.from_env({}, pdf_enabled=False))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def docx_lines(document: docx.document.Document) -> list[str]:
    """Every paragraph's text in reading order: header table, body (with its tables), footer."""
    out: list[str] = []

    def walk(element: object) -> Iterator[str]:
        for child in element.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                yield "".join(t.text or "" for t in child.iter(
                    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))
            elif tag in ("tbl", "tr", "tc"):
                yield from walk(child)

    out.extend(walk(document.element.body))
    return out


def batch_settings(root: Path, **batch: Any) -> Settings:
    """DOCX-only settings with the job store and outputs under `root`."""
    settings = Settings.from_env({}, pdf_enabled=False)
    batch = {"db": root / "jobs.sqlite3", "output_dir": root / "out", **batch}
    return dataclasses.replace(settings, batch=dataclasses.replace(settings.batch, **batch))


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """make_app(**batch settings, converter=None) → an app on this test's job store; its runner
    is closed after the test."""
    apps: list[Flask] = []

    def make(converter: Any = None, settings: Settings | None = None, **batch: Any) -> Flask:
        app = create_app(settings or batch_settings(tmp_path, **batch), converter=converter)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["vanban.batch"].close(timeout=5)
