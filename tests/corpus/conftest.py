"""Fixtures the corpus tests share."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def pdf_client() -> Iterator[Any]:
    """A client whose app converts to PDF; one converter for the module, closed after."""
    convert = pytest.importorskip("service.convert", reason="service.convert not there yet")
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not installed")
    from service import create_app
    from service.config import Settings

    settings = Settings.from_env(pdf_enabled=True)
    converter = convert.create_converter(settings)
    try:
        yield create_app(settings, converter=converter).test_client()
    finally:
        converter.close()
