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

from schemas.registry import TYPES as REGISTRY
from service import create_app
from service.config import DatabaseSettings, Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "schemas" / "examples"
TYPES = tuple(REGISTRY)                 # schemas/examples holds one payload for each


def blank_pdf(pages: int = 1) -> bytes:
    """A real PDF of blank A4 pages: what a converter test double returns (the pipeline reads
    the PDF it gets back: pages, metadata, signatures)."""
    import pymupdf

    with pymupdf.open() as doc:
        for _ in range(pages):
            doc.new_page(width=595, height=842)
        return doc.tobytes()


def example(name: str) -> dict:
    """A fresh copy of schemas/examples/<name>.json (tests may change it)."""
    return copy.deepcopy(_examples()[name])


def signer_names(payload: dict) -> list[str]:
    """The names a payload signs with: its signer's, or each of its signers'."""
    return [s["name"] for s in payload.get("signers") or [payload["signer"]]]


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


_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
_BR = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}br"


def docx_lines(document: docx.document.Document) -> list[str]:
    """Every paragraph's text in reading order: header table, body (with its tables), footer."""
    out: list[str] = []

    def walk(element: object) -> Iterator[str]:
        for child in element.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                # A line break inside a paragraph (an evenly broken name or trích yếu) reads
                # as the space it stands for.
                yield "".join(" " if node.tag == _BR else node.text or ""
                              for node in child.iter(_T, _BR))
            elif tag in ("tbl", "tr", "tc"):
                yield from walk(child)

    out.extend(walk(document.element.body))
    return out


def batch_settings(root: Path, database_url: str | None = None, **batch: Any) -> Settings:
    """DOCX-only settings with the database (a SQLite file unless `database_url` says), the old
    job store's place and the outputs under `root`."""
    settings = Settings.from_env({}, pdf_enabled=False)
    database = DatabaseSettings(url=database_url or f"sqlite:///{root / 'vanban.sqlite3'}")
    batch = {"db": root / "jobs.sqlite3", "output_dir": root / "out", **batch}
    return dataclasses.replace(settings, database=database,
                               batch=dataclasses.replace(settings.batch, **batch))


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """make_app(**batch settings, converter=None, database_url=None) → an app on this test's
    job store; its runner is closed after the test."""
    apps: list[Flask] = []

    def make(converter: Any = None, settings: Settings | None = None,
             database_url: str | None = None, **batch: Any) -> Flask:
        settings = settings or batch_settings(tmp_path, database_url, **batch)
        app = create_app(settings, converter=converter)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["vanban.batch"].close(timeout=5)


@pytest.fixture(scope="session", autouse=True)
def _var_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """What the service keeps by default (the database, batch outputs) goes to a temporary
    folder, never to the work tree's var/."""
    from service import config

    patch = pytest.MonkeyPatch()
    patch.setattr(config, "VAR", tmp_path_factory.mktemp("var"))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """A PostgreSQL cluster for the session (tests/postgres.py); skips saying why it cannot
    start."""
    from tests import postgres as pg

    cluster = pg.start()
    if isinstance(cluster, str):
        pytest.skip(cluster)
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres: Any) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped after it."""
    from service.db import close_database

    url = postgres.create_database()
    yield url
    close_database(url)
    postgres.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The test once on a SQLite file and once on PostgreSQL (skipped when it cannot start)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'vanban.sqlite3'}"
    return request.getfixturevalue("postgres_url")
