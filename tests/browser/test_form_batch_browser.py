"""Tạo hàng loạt in a real browser (Debian's chromium driven by Playwright): fill the base on
the form, upload a CSV of five rows (one bad), watch the progress bar move (batch.js polling
the batch, no reload) and reach the end, download the ZIP and open it; the bad row is named by
its spreadsheet row. Screenshots at 1366 × 768 before and after go to $VANBAN_SCREENSHOTS."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest

from service import create_app
from tests.batch.conftest import Gate, docx_text, gate, read_zip
from tests.browser.support import (  # skips without chromium
    SCREEN,
    by_label,
    fill_quyet_dinh,
    serving,
    sync_api,
)
from tests.conftest import batch_settings

ROWS = [["number", "signer.name", "_ho_ten"],
        ["41", "Nguyễn Thị Mai", "Lê Văn An"],
        ["42", "Phạm Văn Hùng", "Trần Thị Bích"],
        ["bốn ba", "Đỗ Minh Tâm", "Võ Văn Cường"],        # row 4 of the sheet: not a number
        ["44", "Hoàng Thu Trang", "Ngô Thị Dung"],
        ["45", "Bùi Quốc Khánh", "Đặng Văn Em"]]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Gate]]:
    """The app on a free port in a thread, on its own job store, DOCX only; its pipeline behind
    a gate that lets nothing through until the test says so, to see the batch part-way."""
    app = create_app(batch_settings(tmp_path_factory.mktemp("batches")))
    held = gate(app, allowed=0)
    with serving(app) as url:
        yield url, held
        held.allow(None)
    app.extensions["vanban.batch"].close(timeout=5)


def sheet() -> dict[str, Any]:
    out = io.StringIO()
    csv.writer(out).writerows(ROWS)
    return {"name": "khen-thuong.csv", "mimeType": "text/csv",
            "buffer": out.getvalue().encode("utf-8-sig")}


def test_a_clerk_makes_a_batch_from_a_spreadsheet(page, served, tmp_path, shots):
    base_url, held = served
    page.goto(base_url)
    fill_quyet_dinh(page)
    by_label(page, "Số văn bản").fill("")
    by_label(page, "Họ và tên người ký").fill("")           # every row brings its own
    by_label(page, "Bảng tính (CSV hoặc XLSX)").set_input_files(sheet())
    by_label(page, "Cột đặt tên tệp").fill("_ho_ten")
    page.locator("#lo").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "batch-form-1366x768.png"))
    page.get_by_role("button", name="Tạo hàng loạt").click()

    page.wait_for_url("**/lo/*")
    bar = page.locator("#batch-progress")
    assert bar.get_attribute("max") == "5" and bar.get_attribute("value") == "0"
    assert "Đang tạo" in page.locator("#batch-title").inner_text()
    # batch.js moves the bar in place: a mark left on this page survives the update.
    page.evaluate("window.samePage = true")
    held.allow(2)
    # (An expect, not wait_for_function: the page's CSP forbids the eval that one needs.)
    sync_api.expect(bar).to_have_attribute("value", "2", timeout=10_000)     # .value reflects to it
    assert page.locator("#batch-done").inner_text() == "2"
    assert page.locator("#batch-over").inner_text() == "2"
    assert page.evaluate("window.samePage") is True
    assert page.get_by_role("link", name="Tải tệp ZIP").count() == 0
    page.screenshot(path=str(shots / "batch-running-1366x768.png"))

    held.allow(None)
    page.get_by_role("link", name="Tải tệp ZIP").wait_for(timeout=10_000)
    assert bar.get_attribute("value") == "5"
    assert page.locator("#batch-done").inner_text() == "4"
    assert page.locator("#batch-failed").inner_text() == "1"
    errors = page.locator("#batch-errors")
    assert "1 văn bản lỗi" in errors.inner_text()
    assert ("Dòng 4 (Võ Văn Cường): cột Số văn bản (number): “bốn ba” — Số văn bản phải là số "
            "nguyên dương."
            in " ".join(errors.inner_text().split()))
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    page.screenshot(path=str(shots / "batch-done-1366x768.png"))

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải tệp ZIP").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.suffix == ".zip"
    files = read_zip(saved.read_bytes())
    assert sorted(files) == ["Dang-Van-Em.docx",
                             "Le-Van-An.docx", "Ngo-Thi-Dung.docx", "Tran-Thi-Bich.docx",
                             "errors.json"]
    for name, number, signer in [("Le-Van-An.docx", "41", "Nguyễn Thị Mai"),
                                 ("Tran-Thi-Bich.docx", "42", "Phạm Văn Hùng"),
                                 ("Ngo-Thi-Dung.docx", "44", "Hoàng Thu Trang"),
                                 ("Dang-Van-Em.docx", "45", "Bùi Quốc Khánh")]:
        text = docx_text(files[name])
        assert f"Số: {number}/QĐ-UBND" in text and signer in text, name
        assert "Về việc thành lập Tổ công nghệ số cộng đồng" in text


def test_a_bad_sheet_is_named_beside_its_input_and_the_form_kept(page, served, shots):
    base_url, _ = served
    page.goto(base_url)
    fill_quyet_dinh(page)
    by_label(page, "Bảng tính (CSV hoặc XLSX)").set_input_files(
        {"name": "lo.xls", "mimeType": "application/vnd.ms-excel", "buffer": b"\xd0\xcf\x11\xe0"})
    page.get_by_role("button", name="Tạo hàng loạt").click()
    error = page.locator("#f-sheet-error")
    error.wait_for()
    assert "Không đọc tệp .xls" in error.inner_text()
    assert by_label(page, "Bảng tính (CSV hoặc XLSX)").get_attribute("aria-invalid") == "true"
    assert by_label(page, "Trích yếu").input_value() == \
        "Về việc thành lập Tổ công nghệ số cộng đồng"
    assert by_label(page, "Thay cho (dòng 2)").input_value() == "Chủ tịch"
    error.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "batch-error-1366x768.png"))


def test_a_vietnamese_headed_xlsx_from_the_template_with_a_bad_row(page, served, tmp_path,
                                                                   shots):
    base_url, held = served
    held.allow(None)
    page.goto(base_url)
    fill_quyet_dinh(page)
    by_label(page, "Số văn bản").fill("")
    by_label(page, "Họ và tên người ký").fill("")
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải bảng tính mẫu (XLSX)").click()
    assert info.value.suggested_filename == "bang-tinh-quyet-dinh.xlsx"
    saved = tmp_path / "mau.xlsx"
    info.value.save_as(saved)
    book = openpyxl.load_workbook(saved)
    sheet = book["Danh sách"]
    headings = [c.value for c in sheet[1]]
    for number, signer, name in [("41", "Nguyễn Thị Mai", "Lê Văn An"),
                                 ("2O3", "Phạm Văn Hùng", "Trần Thị Bích"),   # row 3: not a number
                                 ("43", "Đỗ Minh Tâm", "Võ Văn Cường")]:
        cells = {"Số văn bản": number, "Họ và tên người ký": signer, "_Tên tệp": name}
        sheet.append([cells.get(h) for h in headings])
    out = io.BytesIO()
    book.save(out)
    choose = page.get_by_role("button", name="Chọn tệp: Bảng tính (CSV hoặc XLSX)")
    assert choose.inner_text() == "Chọn tệp"            # in Vietnamese, whatever the browser
    by_label(page, "Bảng tính (CSV hoặc XLSX)").set_input_files(
        {"name": "khen-thuong.xlsx", "buffer": out.getvalue(),
         "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    sync_api.expect(page.locator('.file-name[data-for="f-sheet"]')).to_have_text(
        "khen-thuong.xlsx")
    page.locator("#lo").screenshot(path=str(shots / "batch-xlsx-1366x768.png"))
    page.get_by_role("button", name="Tạo hàng loạt").click()
    page.wait_for_url("**/lo/*")
    page.get_by_role("link", name="Tải tệp ZIP").wait_for(timeout=15_000)
    errors = " ".join(page.locator("#batch-errors").inner_text().split())
    assert ("Dòng 3 (Trần Thị Bích): cột Số văn bản: “2O3” — Số văn bản phải là số nguyên "
            "dương.") in errors
    page.screenshot(path=str(shots / "batch-xlsx-done-1366x768.png"))
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải tệp ZIP").click()
    files = read_zip(info.value.path().read_bytes())
    assert sorted(files) == ["Le-Van-An.docx", "Vo-Van-Cuong.docx", "errors.json"]
    assert "Số: 41/QĐ-UBND" in docx_text(files["Le-Van-An.docx"])
    # "Tạo lô khác" comes back to the form with the base as it was.
    page.get_by_role("link", name="Tạo lô khác").click()
    page.wait_for_url("**/#lo")
    sync_api.expect(by_label(page, "Trích yếu")).to_have_value(
        "Về việc thành lập Tổ công nghệ số cộng đồng")
    assert by_label(page, "Thay cho (dòng 2)").input_value() == "Chủ tịch"
