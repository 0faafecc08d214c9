"""Ngày ban hành in a real browser: an English-language chromium takes 01/12/2026 (and
01122026 typed key by key) as 1 December, says back "ngày 01 tháng 12 năm 2026" beside the field
before anything is sent, and a two-digit year is refused there and again by the server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.support import (  # skips w/o chromium
    by_label,
    checked_page,
    fill_quyet_dinh,
    sync_api,
)
from tests.conftest import docx_lines, open_docx


@pytest.fixture
def english(browser: Any) -> Iterator[Any]:
    with checked_page(browser, locale="en-US") as page:
        yield page


def test_an_english_browser_keeps_a_day_month_entry_as_typed(english, base_url, tmp_path,
                                                              shots):
    english.goto(base_url)
    assert english.evaluate("navigator.language") == "en-US"
    fill_quyet_dinh(english)
    date = by_label(english, "Ngày ban hành")
    date.fill("")
    date.press_sequentially("01122026")
    echo = english.locator("#f-date-echo")
    sync_api.expect(echo).to_have_text("Sẽ in: ngày 01 tháng 12 năm 2026")
    date.blur()
    sync_api.expect(date).to_have_value("01/12/2026")        # tidied, not reordered
    english.locator(".field:has(#f-date)").screenshot(path=str(shots / "date-en-US.png"))
    with english.expect_download() as info:
        english.get_by_role("button", name="Tải về").click()
    saved = tmp_path / "qd.docx"
    info.value.save_as(saved)
    assert "Tân Phú, ngày 01 tháng 12 năm 2026" in docx_lines(open_docx(saved.read_bytes()))


def test_a_two_digit_year_is_refused_as_it_is_typed_and_when_sent(english, base_url,
                                                                   shots):
    english.goto(base_url)
    fill_quyet_dinh(english)
    date = by_label(english, "Ngày ban hành")
    date.fill("01/12/26")
    echo = english.locator("#f-date-echo")
    sync_api.expect(echo).to_have_text(
        "Chưa đúng: Năm phải đủ 4 chữ số (ví dụ 01/12/2026), không viết tắt “26”.")
    assert "refused" in echo.get_attribute("class")
    english.get_by_role("button", name="Tải về").click()
    error = english.locator("#f-date-error")
    error.wait_for()
    assert "Năm phải đủ 4 chữ số" in error.inner_text()
    assert by_label(english, "Ngày ban hành").input_value() == "01/12/26"
    english.locator(".field:has(#f-date)").screenshot(path=str(shots / "date-refused.png"))
    # Ticking "để trống ngày" keeps the month and year and says so.
    date.fill("12/2026")
    by_label(english, "Để trống ngày", exact=False).check()
    sync_api.expect(echo).to_have_text("Sẽ in: ngày \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0"
                                       "\u00a0 tháng 12 năm 2026")
