"""Fixtures for the batch tests: an app per test on its own job store, a converter double that
makes real (small) PDFs without LibreOffice, pipeline call counters and gates, and helpers to
wait for a batch and read its ZIP."""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile
from collections.abc import Callable
from typing import Any

import pymupdf
import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.convert import DocxSource, docx_bytes
from tests.conftest import docx_lines, open_docx


class TextPdfConverter:
    """A converter double: a PDF of `pages` pages, each carrying the DOCX's "Số:" line as text,
    so a merged PDF can be read back in order. Made with PyMuPDF, no LibreOffice."""

    def __init__(self, pages: int = 2) -> None:
        self.pages = pages
        self.calls = 0

    def to_pdf(self, docx: DocxSource, options: Any = None) -> bytes:
        self.calls += 1
        line = next(line for line in docx_lines(open_docx(docx_bytes(docx)))
                    if line.startswith("Số"))
        number = re.sub(r"\D", "", line.split("/")[0])   # PyMuPDF's base font is Latin-1 only
        document = pymupdf.open()
        for page in range(self.pages):
            document.new_page().insert_text((72, 72), f"so {number} trang {page + 1}")
        return document.tobytes()

    def ready(self) -> bool:
        return True

    def close(self) -> None:
        pass


class Crash(BaseException):
    """Ends a runner thread the way a killed process would: nothing recorded for its item."""


class Gate:
    """Wraps a pipeline's generate: counts calls by the payload's number, and lets through only
    as many calls as have been allowed (the rest wait), to hold a batch part-way."""

    def __init__(self, generate: Callable[..., Any], allowed: int | None = None) -> None:
        self.generate = generate
        self.calls: list[Any] = []
        self._allowed = allowed
        self._cond = threading.Condition()
        self.abort = False

    def allow(self, more: int | None) -> None:
        with self._cond:
            self._allowed = None if more is None else (self._allowed or 0) + more
            self._cond.notify_all()

    def crash(self) -> None:
        """The calls waiting, and any after, end their thread as a killed process would."""
        with self._cond:
            self.abort = True
            self._cond.notify_all()

    def __call__(self, payload: Any, fmt: str = "docx", **kwargs: Any) -> Any:
        with self._cond:
            self._cond.wait_for(lambda: self.abort or self._allowed is None or self._allowed > 0)
            if self.abort:
                raise Crash
            if self._allowed is not None:
                self._allowed -= 1
            self.calls.append(payload.get("number") if isinstance(payload, dict) else None)
        return self.generate(payload, fmt, **kwargs)


@pytest.fixture
def batch_client(make_app: Callable[..., Flask]) -> FlaskClient:
    return make_app().test_client()


def gate(app: Flask, allowed: int | None = None) -> Gate:
    """Put a Gate around the app's pipeline (the runner calls the same object)."""
    pipeline = app.extensions["vanban.pipeline"]
    wrapper = Gate(pipeline.generate, allowed)
    pipeline.generate = wrapper
    return wrapper


def wait_status(client: FlaskClient, url: str, until: Callable[[dict], bool] | None = None,
                timeout: float = 20.0) -> dict:
    """Poll a batch's status until it is finished (or `until` holds)."""
    until = until or (lambda s: s["status"] in {"done", "failed"})
    deadline = time.monotonic() + timeout
    while True:
        status = client.get(url).get_json()
        if until(status):
            return status
        if time.monotonic() > deadline:
            raise AssertionError(f"batch not there after {timeout} s: {status}")
        time.sleep(0.05)


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {info.filename: archive.read(info) for info in archive.infolist()}


def docx_text(data: bytes) -> str:
    return "\n".join(docx_lines(open_docx(data)))
