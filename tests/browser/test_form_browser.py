"""The clerk's form in a real browser (Debian's chromium driven by Playwright): fill, submit,
download, open the file; an error beside its field with the typed text kept; the preview; the
page without JS; and the page at 1366 × 768.

Screenshots go to $VANBAN_SCREENSHOTS when set (to look at), else to the test's tmp dir.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service import create_app
from service.config import Settings
from tests.conftest import docx_lines, open_docx
from tests.contract.test_form import TextPdf

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

BODY = ("Điều 1. Thành lập Tổ công nghệ số cộng đồng xã Tân Phú.\n"
        "Điều 2. Nhiệm vụ của Tổ\n"
        "1. Hướng dẫn người dân cài đặt, sử dụng dịch vụ công trực tuyến.\n"
        "a) Hỗ trợ tại nhà văn hóa các ấp.\n"
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The app on 127.0.0.1 and a free port, in a thread; the PDF comes from a stand-in
    converter so the preview works without LibreOffice."""
    from werkzeug.serving import make_server

    app = create_app(Settings.from_env({}, pdf_enabled=False), converter=TextPdf())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page at 1366 × 768 that must log no error."""
    with checked_page(browser) as page:
        yield page


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("VANBAN_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def fill_quyet_dinh(page: Any) -> None:
    """What a văn thư types for a quyết định, field by field, by the visible labels."""
    page.get_by_label("Loại văn bản").select_option(label="Quyết định")
    # By role: the label's text also holds the "*" (hidden from the accessible name).
    page.get_by_role("textbox", name="Cơ quan ban hành", exact=True).fill(
        "Ủy ban nhân dân xã Tân Phú")
    page.get_by_label("Viết tắt tên cơ quan ban hành").fill("UBND")
    page.get_by_label("Số văn bản").fill("7")
    page.get_by_label("Địa danh").fill("Tân Phú")
    page.get_by_label("Ngày ban hành").fill("05/01/2026")
    page.get_by_label("Trích yếu").fill("Về việc thành lập Tổ công nghệ số cộng đồng")
    page.get_by_label("Thẩm quyền ban hành").fill("Chủ tịch Ủy ban nhân dân xã Tân Phú")
    page.get_by_label("Căn cứ ban hành").fill(
        "Căn cứ Luật Tổ chức chính quyền địa phương\nTheo đề nghị của Chánh Văn phòng")
    page.get_by_role("textbox", name="Nội dung", exact=True).fill(BODY)
    page.get_by_label("Nơi nhận").fill("Như Điều 3\nChủ tịch UBND xã")
    page.get_by_label("Lưu", exact=True).fill("VT, VP")
    page.get_by_label("Quyền hạn ký, dòng 1").select_option("TM")
    page.get_by_label("Thay cho (dòng 1)").fill("Ủy ban nhân dân")
    page.get_by_label("Quyền hạn ký, dòng 2").select_option("KT")
    page.get_by_label("Thay cho (dòng 2)").fill("Chủ tịch")
    page.get_by_label("Chức vụ người ký").fill("Phó Chủ tịch")
    page.get_by_label("Họ và tên người ký").fill("Trần Văn Bình")


def test_a_clerk_fills_the_form_and_downloads_the_docx(page, base_url, tmp_path, shots):
    page.goto(base_url)
    page.screenshot(path=str(shots / "form-1366x768.png"))
    fill_quyet_dinh(page)
    # Only the quyết định's own inputs show; the letter's are hidden.
    assert page.get_by_label("Căn cứ ban hành").is_visible()
    assert not page.get_by_label("Kính gửi").is_visible()
    assert not page.get_by_label("Viết tắt đơn vị soạn thảo").is_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải về").click()
    download = info.value
    assert download.suggested_filename == "07-QĐ-UBND.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    lines = docx_lines(open_docx(saved.read_bytes()))
    for expected in [
        "ỦY BAN NHÂN DÂN", "XÃ TÂN PHÚ", "Số: 07/QĐ-UBND", "Tân Phú, ngày 05 tháng 01 năm 2026",
        "QUYẾT ĐỊNH", "Về việc thành lập Tổ công nghệ số cộng đồng",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN PHÚ", "Căn cứ Luật Tổ chức chính quyền địa phương;",
        "Điều 1. Thành lập Tổ công nghệ số cộng đồng xã Tân Phú.",
        "a) Hỗ trợ tại nhà văn hóa các ấp.",
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký./.", "- Lưu: VT, VP.",
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Bình",
    ]:
        assert expected in lines, expected


def test_an_error_shows_beside_its_field_and_the_typed_text_stays(page, base_url, shots):
    page.goto(base_url)
    fill_quyet_dinh(page)
    page.get_by_label("Họ và tên người ký").fill("")
    page.get_by_label("Viết tắt tên cơ quan ban hành").fill("UB ND")
    page.get_by_role("button", name="Tải về").click()

    summary = page.locator("#summary")
    summary.wait_for()
    assert "2 chỗ cần sửa" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "summary"
    name_input = page.get_by_label("Họ và tên người ký")
    error = page.locator("#f-signer_name-error")
    assert " ".join(error.text_content().split()) == "Lỗi: Không được để trống."
    assert name_input.get_attribute("aria-invalid") == "true"
    # Beside the field: right above its input, at the same left edge.
    box, input_box = error.bounding_box(), name_input.bounding_box()
    assert 0 <= input_box["y"] - (box["y"] + box["height"]) < 12
    assert abs(box["x"] - input_box["x"]) < 2
    assert "Chỉ gồm chữ và số" in page.locator("#f-issuer_code-error").inner_text()
    # Everything typed is still there, line breaks and all, and the type's fields still show.
    assert page.get_by_role("textbox", name="Nội dung", exact=True).input_value() == BODY
    assert page.get_by_label("Viết tắt tên cơ quan ban hành").input_value() == "UB ND"
    assert page.get_by_label("Thay cho (dòng 2)").input_value() == "Chủ tịch"
    assert page.get_by_label("Căn cứ ban hành").is_visible()
    page.screenshot(path=str(shots / "error-1366x768.png"))
    name_input.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "error-at-field-1366x768.png"))

    # Following the summary's link lands on the input; fixing it downloads the file.
    page.get_by_role("link", name="Họ và tên người ký").click()
    assert page.evaluate("document.activeElement.id") == "f-signer_name"
    assert error.bounding_box()["y"] >= 0              # the message is on screen, not above it
    name_input.fill("Trần Văn Bình")
    page.get_by_label("Viết tắt tên cơ quan ban hành").fill("UBND")
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải về").click()
    assert info.value.suggested_filename == "07-QĐ-UBND.docx"


def test_preview_shows_page_one_before_downloading(page, base_url, shots):
    page.goto(base_url)
    fill_quyet_dinh(page)
    page.get_by_role("button", name="Xem trước").click()
    image = page.get_by_role("img", name="Ảnh trang 1 của văn bản sẽ tải về")
    image.wait_for()
    # Loaded, not blocked by the page's own Content-Security-Policy: A4 at 80 dpi.
    assert image.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]") == [
        True, 662, 936]
    box = image.bounding_box()                  # beside the form, whole, on one screen
    assert box["x"] > SCREEN["width"] / 2 and box["y"] + box["height"] <= SCREEN["height"]
    page.screenshot(path=str(shots / "preview-1366x768.png"))
    stale = page.locator("#preview-stale")
    assert not stale.is_visible()
    page.get_by_label("Trích yếu").fill("Về việc sửa sau khi xem trước")
    assert stale.is_visible()


def test_without_javascript_every_field_shows_and_the_unused_are_ignored(browser, base_url,
                                                                          tmp_path):
    page = new_page(browser, java_script_enabled=False)
    try:
        page.goto(base_url)
        fill_quyet_dinh(page)
        page.get_by_label("Loại văn bản").select_option(label="Kế hoạch")
        assert page.get_by_label("Kính gửi").is_visible()
        page.get_by_label("Kính gửi").fill("Sở Nội vụ")
        page.get_by_role("textbox", name="Nội dung", exact=True).fill(
            "I. MỤC ĐÍCH\n1. Nâng cao chất lượng phục vụ.")
        with page.expect_download() as info:
            page.get_by_role("button", name="Tải về").click()
        saved = tmp_path / "ke-hoach.docx"
        info.value.save_as(saved)
        text = "\n".join(docx_lines(open_docx(saved.read_bytes())))
        assert "KẾ HOẠCH" in text and "I. MỤC ĐÍCH" in text
        assert "Sở Nội vụ" not in text and "Căn cứ Luật" not in text
    finally:
        page.context.close()


def test_the_page_fits_a_1366_screen_with_the_download_button_in_reach(page, base_url):
    page.goto(base_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    button = page.get_by_role("button", name="Tải về")
    box = button.bounding_box()
    assert box["y"] + box["height"] <= SCREEN["height"]        # the bar sticks to the bottom
    page.get_by_label("Loại văn bản").select_option(label="Công văn")
    assert page.get_by_label("Kính gửi").is_visible()
    assert page.get_by_label("Viết tắt đơn vị soạn thảo").is_visible()
    assert not page.get_by_label("Căn cứ ban hành").is_visible()
