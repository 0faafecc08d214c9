"""The register's next number on the clerk form: said under the số for the issuer and year
typed, taken when "lấy số tiếp theo" is ticked (one number for the DOCX and its PDF together),
and shown in a preview without being taken."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.conftest import docx_lines, open_docx
from tests.contract.test_form import QUYET_DINH, Page, TextPdf, post


@pytest.fixture
def client(make_app):
    return make_app(converter=TextPdf()).test_client()


def numbered(response) -> str:
    assert response.status_code == 200, Page(response.get_data(as_text=True)).summary
    data = response.data
    if response.mimetype == "application/zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = archive.read(archive.namelist()[0])
    return next(line for line in docx_lines(open_docx(data)) if line.startswith("Số:"))


def test_the_next_number_is_said_and_taken_in_turn(client):
    auto = {**QUYET_DINH, "number": "", "number_auto": "1"}
    echo = client.get("/so-tiep-theo", query_string={"issuer_code": "UBND",
                                                     "date": "05/01/2026"}).get_json()
    assert echo == {"text": "Số tiếp theo trong sổ của UBND năm 2026: 01"}
    assert numbered(post(client, auto)) == "Số: 01/QĐ-UBND"
    assert numbered(post(client, {**auto, "format": "both"})) == "Số: 02/QĐ-UBND"  # one number
    assert numbered(post(client, auto)) == "Số: 03/QĐ-UBND"
    # A preview shows the number the download would take, and takes none.
    preview = post(client, {**auto, "action": "preview"})
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Số tiếp theo trong sổ của UBND năm 2026: 04" in html
    assert numbered(post(client, auto)) == "Số: 04/QĐ-UBND"
    register = client.get("/v1/register?issuer=UBND&year=2026").get_json()
    assert [e["number"] for e in register["entries"]] == [1, 2, 3, 4]


def test_a_secret_document_counts_in_its_own_series(client):
    auto = {**QUYET_DINH, "number": "", "number_auto": "1"}
    assert numbered(post(client, auto)) == "Số: 01/QĐ-UBND"
    echo = client.get("/so-tiep-theo", query_string={"issuer_code": "UBND", "date": "05/01/2026",
                                                     "secrecy": "mat"}).get_json()
    assert echo["text"].endswith(": 01")


def test_a_number_typed_and_the_next_one_asked_for_is_said_beside_the_number(client):
    page = Page(post(client, {**QUYET_DINH, "number_auto": "1"}).get_data(as_text=True))
    assert page.errors == {"number": "Lỗi: Đã chọn lấy số tiếp theo trong sổ: hãy xóa số đã "
                                     "gõ, hoặc bỏ chọn lấy số."}
    assert page.error_beside("number") and page.values["number_auto"] == "1"


def test_without_an_issuer_code_nothing_is_said(client):
    assert client.get("/so-tiep-theo").get_json() == {"text": None}
