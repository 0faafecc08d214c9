"""Batches for people (service/web/clerk_sheets.py): the XLSX template of the chosen type and
base, with Vietnamese headings, taken back as it is; dates, times, lines and boxes read as the
form reads them; a failed row named by its row, its column and the value in it."""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
import pytest

from schemas.registry import TYPES
from service.web import clerk_sheets
from tests.batch.conftest import docx_text, read_zip
from tests.contract.test_form import Page, token
from tests.contract.test_form_batch import finish, link, plain
from tests.contract.test_form_types import fields_for, typeable


@pytest.fixture
def client(make_app):
    return make_app().test_client()


GIAY_MOI = {**fields_for(typeable("giay_moi")), "number": "", "invitees": ""}


def template(client, fields: dict[str, str]) -> openpyxl.Workbook:
    response = client.post("/lo/mau", data={"csrf_token": token(client), **fields},
                           content_type="multipart/form-data")
    assert response.status_code == 200, plain(response.get_data(as_text=True))[:500]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="bang-tinh-giay-moi.xlsx"' in response.headers["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.data))


def upload(client, book: openpyxl.Workbook, fields: dict[str, str], **extra: Any):
    out = io.BytesIO()
    book.save(out)
    data = {"csrf_token": token(client), **fields, "action": "batch", **extra,
            "sheet": (io.BytesIO(out.getvalue()), "giay-moi.xlsx")}
    return client.post("/lo", data=data, content_type="multipart/form-data")


def test_the_template_of_a_type_heads_its_columns_in_vietnamese(client):
    book = template(client, GIAY_MOI)
    sheet, guide = book["Danh sách"], book["Hướng dẫn"]
    headings = [c.value for c in sheet[1]]
    assert headings == [i.label for i in clerk_sheets.columns("giay_moi")] + ["_Tên tệp"]
    for heading in ("Số văn bản", "Kính mời", "Thời gian", "Địa điểm", "Họ và tên người ký"):
        assert heading in headings, heading
    assert "Cơ quan ban hành" not in headings              # the agency stays the base's
    assert "Trường: invitees" in sheet.cell(row=1, column=headings.index("Kính mời") + 1
                                            ).comment.text
    assert sheet.column_dimensions["A"].number_format == "@"    # typed text stays as typed
    rows = {r[0].value: r for r in guide.iter_rows(min_row=2) if r[0].value}
    assert rows["Địa điểm"][2].value == GIAY_MOI["venue"]        # what the base holds there
    assert rows["Thời gian"][1].value == "time"


@pytest.mark.parametrize("doc_type", ["giay_gioi_thieu", "bien_ban", "quyet_dinh", "cong_van"])
def test_every_type_has_its_own_columns(doc_type):
    labels = [i.label for i in clerk_sheets.columns(doc_type)]
    own = [f.label for f in TYPES[doc_type].fields if f.kind in ("text", "lines", "date")]
    assert set(own) <= set(labels)
    assert ("Trích yếu" in labels) == (TYPES[doc_type].subject != "none")


def test_the_template_filled_in_is_a_batch_as_it_is(client):
    book = template(client, GIAY_MOI)
    sheet = book["Danh sách"]
    headings = [c.value for c in sheet[1]]

    def row(**cells: Any) -> list[Any]:
        return [cells.get(h) for h in headings]

    sheet.append(row(**{"Số văn bản": "31", "Kính mời": "Ông Lê Văn An\nTrưởng ấp Bình An",
                        "Thời gian": "08:00 15/01/2026", "_Tên tệp": "Lê Văn An"}))
    sheet.append(row(**{"Số văn bản": 32, "Kính mời": "Bà Trần Thị Bích",
                        "Độ khẩn": "Khẩn", "_Tên tệp": "Trần Thị Bích"}))
    sheet.append(row(**{"Số văn bản": "2O3", "Kính mời": "Ông Võ Văn Cường",
                        "_Tên tệp": "Võ Văn Cường"}))                   # row 4: not a number
    sheet.append(row(**{"Số văn bản": "34", "Kính mời": "Bà Ngô Thị Dung",
                        "Thời gian": "08:00 15/13/2026", "_Tên tệp": "Ngô Thị Dung"}))
    response = upload(client, book, GIAY_MOI)
    assert response.status_code == 303, plain(response.get_data(as_text=True))[:2000]
    html = finish(client, response.headers["Location"])
    text = plain(html)
    assert ("Dòng 4 (Võ Văn Cường) : cột Số văn bản: “2O3” — Số văn bản phải là số nguyên "
            "dương.") in text
    assert ("Dòng 5 (Ngô Thị Dung) : cột Thời gian: “08:00 15/13/2026” — Tháng 13 không có: "
            "tháng từ 1 đến 12") in text
    files = read_zip(client.get(link(html, "Tải tệp ZIP (2 văn bản DOCX)")).data)
    assert sorted(files) == ["Le-Van-An.docx", "Tran-Thi-Bich.docx", "errors.json"]
    first, second = docx_text(files["Le-Van-An.docx"]), docx_text(files["Tran-Thi-Bich.docx"])
    assert "Số: 31/GM-UBND" in first and "Ông Lê Văn An" in first and "Trưởng ấp Bình An" in first
    assert "08 giờ 00, ngày 15 tháng 01 năm 2026" in first
    assert "Số: 32/GM-UBND" in second and "KHẨN" in second
    assert GIAY_MOI["venue"] in second                         # an empty cell keeps the base
    assert [e["row"] for e in json.loads(files["errors.json"])] == [4, 5]


def test_a_heading_that_names_nothing_is_said_beside_the_sheet(client):
    book = openpyxl.Workbook()
    book.active.append(["Số văn bản", "Ho ten nguoi moi"])
    book.active.append(["31", "Lê Văn An"])
    response = upload(client, book, GIAY_MOI)
    assert response.status_code == 400
    page = Page(response.get_data(as_text=True))
    assert page.error_beside("sheet")
    assert "Bảng tính có cột không rõ: “Ho ten nguoi moi”" in page.errors["sheet"]


def test_the_template_needs_a_type(client):
    response = client.post("/lo/mau", data={"csrf_token": token(client), "type": ""},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert Page(response.get_data(as_text=True)).errors["type"].startswith("Lỗi: Hãy chọn loại")
