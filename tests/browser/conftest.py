"""Fixtures of the browser tests: the app served on a free port, one chromium per module, a
page at 1366 × 768 or 414 × 896 that must log no error, and the screenshot folder. Playwright
is imported inside them, so this file loads even where the tests skip (tests/browser/support.py
says why)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service import create_app
from service.config import Settings


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The app on 127.0.0.1 and a free port, in a thread, with one warm LibreOffice: the preview
    and the PDF the clerk sees are the ones that print."""
    from service.config import PoolSettings
    from tests.browser.support import serving

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed (scripts/install-system-deps.sh)")
    app = create_app(Settings.from_env({}, pdf_enabled=True,
                                       pool=PoolSettings(size=1, timeout=60.0)))
    try:
        with serving(app) as url:
            yield url
    finally:
        app.extensions["vanban.pipeline"].converter.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, sync_api

    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page at 1366 × 768 that must log no error."""
    from tests.browser.support import checked_page

    with checked_page(browser) as page:
        yield page


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A phone's page, 414 × 896, touch, that must log no error."""
    from tests.browser.support import PHONE, checked_page

    with checked_page(browser, viewport=PHONE, is_mobile=True, has_touch=True) as page:
        yield page


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("VANBAN_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
