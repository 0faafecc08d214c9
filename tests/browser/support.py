"""What the browser tests share: Debian's chromium driven by Playwright (the importing module
is skipped, saying why, when either is missing), the screen sizes, pages that must log no
error, and what a văn thư types for a quyết định. The fixtures are in conftest.py.

Screenshots go to $VANBAN_SCREENSHOTS when set (to look at), else to the test's tmp dir.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (scripts/install-system-deps.sh)",
                allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")

# Headless and quiet: no GPU, no calls home, no first-run pages; --no-sandbox because CI is root.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREEN = {"width": 1366, "height": 768}
PHONE = {"width": 414, "height": 896}

BODY = ("Điều 1. Thành lập Tổ công nghệ số cộng đồng xã Tân Phú.\n"
        "Điều 2. Nhiệm vụ của Tổ\n"
        "1. Hướng dẫn người dân cài đặt, sử dụng dịch vụ công trực tuyến.\n"
        "a) Hỗ trợ tại nhà văn hóa các ấp.\n"
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.")


def new_page(browser: Any, **options: Any) -> Any:
    options = {"viewport": SCREEN, "locale": "vi-VN", **options}
    context = browser.new_context(accept_downloads=True, **options)
    context.set_default_timeout(15_000)
    return context.new_page()


@contextlib.contextmanager
def checked_page(browser: Any, **options: Any) -> Iterator[Any]:
    """A page (new_page's options) that must log no error: a resource the
    Content-Security-Policy blocked, a script error or a failed load would all show up here."""
    page = new_page(browser, **options)
    problems: list[str] = []

    def console(message: Any) -> None:
        # The form itself answers 422 (or 400…) on purpose when it shows errors; Chromium logs
        # that status too. Anything else, the page's own scripts and styles included, counts.
        if message.type == "error" and message.location.get("url") != page.url:
            problems.append(f"{message.location.get('url')}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    yield page
    page.context.close()
    assert problems == []


def fill_quyet_dinh(page: Any) -> None:
    """What a văn thư types for a quyết định, field by field, by the visible labels."""
    by_label(page, "Loại văn bản").select_option(label="Quyết định")
    # By role: the label's text also holds the "*" (hidden from the accessible name).
    page.get_by_role("textbox", name="Cơ quan ban hành", exact=True).fill(
        "Ủy ban nhân dân xã Tân Phú")
    by_label(page, "Viết tắt tên cơ quan ban hành").fill("UBND")
    by_label(page, "Số văn bản").fill("7")
    by_label(page, "Địa danh").fill("Tân Phú")
    by_label(page, "Ngày ban hành").fill("05/01/2026")
    by_label(page, "Trích yếu").fill("Về việc thành lập Tổ công nghệ số cộng đồng")
    by_label(page, "Thẩm quyền ban hành").fill("Chủ tịch Ủy ban nhân dân xã Tân Phú")
    by_label(page, "Căn cứ ban hành").fill(
        "Căn cứ Luật Tổ chức chính quyền địa phương\nTheo đề nghị của Chánh Văn phòng")
    page.get_by_role("textbox", name="Nội dung", exact=True).fill(BODY)
    by_label(page, "Nơi nhận").fill("Như Điều 3\nChủ tịch UBND xã")
    by_label(page, "Lưu", exact=True).fill("VT, VP")
    by_label(page, "Quyền hạn ký, dòng 1").select_option("TM")
    by_label(page, "Thay cho (dòng 1)").fill("Ủy ban nhân dân")
    by_label(page, "Quyền hạn ký, dòng 2").select_option("KT")
    by_label(page, "Thay cho (dòng 2)").fill("Chủ tịch")
    by_label(page, "Chức vụ người ký").fill("Phó Chủ tịch")
    by_label(page, "Họ và tên người ký").fill("Trần Văn Bình")


def by_label(page: Any, text: str, *, exact: bool = True) -> Any:
    """The input whose label is `text` (its "*" for required aside): the page's labels share
    words ("Nơi nhận", "Nơi nhận điện"), so a label is matched whole unless told; of two types'
    inputs with one label (giấy mời's and biên bản's "Địa điểm") the one shown."""
    pattern = rf"^\s*{re.escape(text)}\s*\*?\s*$" if exact else re.escape(text)
    labels = page.locator("label", has_text=re.compile(pattern, re.IGNORECASE))
    shown = page.locator("label:visible", has_text=re.compile(pattern, re.IGNORECASE))
    label = shown.first if shown.count() else labels.first
    return page.locator(f'[id="{label.get_attribute("for")}"]')


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """`app` on 127.0.0.1 and a free port, in a thread, until the block ends; its address."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def download_lines(page: Any, tmp_path: Path) -> list[str]:
    """Press "Tải về" and read the DOCX that comes down, line by line."""
    from tests.conftest import docx_lines, open_docx

    with page.expect_download() as info:
        page.get_by_role("button", name="Tải về").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    return docx_lines(open_docx(saved.read_bytes()))
