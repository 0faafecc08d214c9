"""Ngày ban hành as the clerk types it (service/web/dates.py): dd/mm/yyyy only, nothing guessed,
a year in 1945–2100, and the date said back as it will print, beside the field."""

from __future__ import annotations

import pytest

from service.web import dates
from tests.conftest import docx_lines, open_docx
from tests.contract.test_form import QUYET_DINH, Page, post

NBSP8 = "\u00a0" * 8


@pytest.mark.parametrize(("typed", "blank", "contract", "printed"), [
    ("01/12/2026", False, "2026-12-01", "ngày 01 tháng 12 năm 2026"),
    ("1/12/2026", False, "2026-12-01", "ngày 01 tháng 12 năm 2026"),
    ("01122026", False, "2026-12-01", "ngày 01 tháng 12 năm 2026"),
    (" 5 - 3 - 2026 ", False, "2026-03-05", "ngày 05 tháng 3 năm 2026"),
    ("29.02.2028", False, "2028-02-29", "ngày 29 tháng 02 năm 2028"),
    ("01/01/1945", False, "1945-01-01", "ngày 01 tháng 01 năm 1945"),
    ("31/12/2100", False, "2100-12-31", "ngày 31 tháng 12 năm 2100"),
    ("01/12/2026", True, "2026-12", f"ngày {NBSP8} tháng 12 năm 2026"),
    ("12/2026", True, "2026-12", f"ngày {NBSP8} tháng 12 năm 2026"),
], ids=["padded", "one-digit-day", "digits", "spaces-and-dashes", "leap-day", "first-year",
        "last-year", "blank-day", "month-and-year"])
def test_what_is_read_and_what_will_print(typed, blank, contract, printed):
    when = dates.parse(typed, blank_day=blank)
    assert (when.contract, when.printed) == (contract, printed)


@pytest.mark.parametrize(("typed", "message"), [
    ("01/12/26", "Năm phải đủ 4 chữ số (ví dụ 01/12/2026), không viết tắt “26”."),
    ("01/12/0026", "Năm 26 nằm ngoài khoảng 1945–2100."),
    ("01/12/2101", "Năm 2101 nằm ngoài khoảng 1945–2100."),
    ("12/31/2026", "Tháng 31 không có: tháng từ 1 đến 12 (ngày/tháng/năm, ví dụ 01/12/2026)."),
    ("31/04/2026", "Tháng 4 năm 2026 không có ngày 31 (chỉ đến ngày 30)."),
    ("29/02/2026", "Tháng 2 năm 2026 không có ngày 29 (chỉ đến ngày 28)."),
    ("1122026", "Không rõ là ngày nào: hãy gõ có dấu /, ví dụ 01/12/2026."),
    ("2026-12-01", "Hãy gõ ngày theo ngày/tháng/năm, ví dụ 01/12/2026."),
    ("12/2026", "Hãy gõ ngày theo ngày/tháng/năm, ví dụ 01/12/2026."),
    ("mồng 1 tháng 12", "Hãy gõ ngày theo ngày/tháng/năm, ví dụ 01/12/2026."),
], ids=["two-digit-year", "year-26", "past-2100", "month-first", "april-31", "not-leap",
        "seven-digits", "iso-order", "no-day", "words"])
def test_what_is_refused_is_said_and_never_guessed(typed, message):
    with pytest.raises(dates.DateRefused) as refused:
        dates.parse(typed)
    assert str(refused.value) == message


def test_a_two_digit_year_is_refused_beside_the_field_and_nothing_prints(client):
    response = post(client, {**QUYET_DINH, "date": "01/12/26"})
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert page.errors == {"date": "Lỗi: Năm phải đủ 4 chữ số (ví dụ 01/12/2026), không viết "
                                   "tắt “26”."}
    assert page.error_beside("date") and page.values["date"] == "01/12/26"


def test_the_page_says_back_the_date_as_it_will_print(client):
    html = post(client, {**QUYET_DINH, "number": "x", "date": "01/12/2026"}).get_data(
        as_text=True)
    assert "Sẽ in: <strong>ngày 01 tháng 12 năm 2026</strong>" in html
    html = post(client, {**QUYET_DINH, "number": "x", "date": "12/2026", "date_blank": "1"}
                ).get_data(as_text=True)
    assert f"Sẽ in: <strong>ngày {NBSP8} tháng 12 năm 2026</strong>" in html


def test_the_echo_answers_as_the_submission_reads(client):
    def ask(value: str, blank: str = "0") -> dict:
        return client.get("/ngay", query_string={"value": value, "blank": blank}).get_json()

    assert ask("01122026") == {"printed": "ngày 01 tháng 12 năm 2026", "error": None,
                               "text": "01/12/2026"}
    assert ask("01/12/26")["error"].startswith("Năm phải đủ 4 chữ số")
    assert ask("") == {"printed": None, "error": None, "text": None}
    assert ask("01/12/2026", "1") == {"printed": f"ngày {NBSP8} tháng 12 năm 2026",
                                      "error": None, "text": None}


def test_the_document_prints_the_date_the_page_said(client):
    lines = docx_lines(open_docx(post(client, {**QUYET_DINH, "date": "01122026"}).data))
    assert "Tân Phú, ngày 01 tháng 12 năm 2026" in lines
