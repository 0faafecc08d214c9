"""Mail merge from an uploaded CSV or XLSX, and uploads that try to hurt: zip bombs, traversal
names, entity bombs, oversize files, too many rows, wrong encodings."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import openpyxl
import pytest

from tests.batch.conftest import docx_text, read_zip, wait_status
from tests.conftest import example

BASE = example("quyet_dinh")


def upload(client, filename: str, data: bytes, **form: str):
    fields = {"base": json.dumps(BASE, ensure_ascii=False), **form,
              "file": (io.BytesIO(data), filename)}
    return client.post("/v1/batches", data=fields, content_type="multipart/form-data")


def finish(client, response) -> tuple[dict, dict[str, bytes]]:
    assert response.status_code == 202, response.get_json()
    urls = response.get_json()
    status = wait_status(client, urls["status_url"])
    return status, read_zip(client.get(urls["result_url"]).data)


def xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def error_of(response) -> dict:
    return response.get_json()["error"]


# -- the spreadsheets that should work -------------------------------------------------------------

@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8-sig", ","), ("utf-8", ";"),
                                                     ("utf-16", "\t")],
                         ids=["excel-csv-utf8", "semicolon", "excel-unicode-text"])
def test_csv_rows_fill_the_base(batch_client, encoding, delimiter):
    text = delimiter.join(["number", "signer.name", "subject", "_ghi_chu"]) + "\r\n"
    text += delimiter.join(["41", "Võ Thị Ngọc Ánh", "Khen thưởng bà Ánh", "đợt 1"]) + "\r\n"
    text += "\r\n"                                        # a blank line between rows is skipped
    text += delimiter.join(["42", "Đặng Quốc Việt", "", ""]) + "\r\n"
    status, files = finish(batch_client, upload(batch_client, "khen-thuong.csv",
                                                text.encode(encoding)))
    assert (status["done"], status["failed"]) == (2, 0), status["errors"]
    first, second = docx_text(files["41-QD-UBND.docx"]), docx_text(files["42-QD-UBND.docx"])
    assert "Võ Thị Ngọc Ánh" in first and "Khen thưởng bà Ánh" in first
    assert "Đặng Quốc Việt" in second
    assert BASE["subject"].split()[-1] in second            # an empty cell keeps the base's value
    assert "đợt 1" not in first                             # "_" columns are notes


def test_a_name_column_that_is_not_a_note_fills_the_payload_and_is_named_as_unknown(
        batch_client):
    """Only "_" columns stay out of the document; any other column is a field path, and one the
    contract does not know fails its rows loudly rather than vanishing."""
    data = xlsx([["number", "Tên tệp"], [51, "Xuân"], [52, "Phúc"]])
    response = upload(batch_client, "danh-sach.xlsx", data, name_column="Tên tệp")
    status, _ = finish(batch_client, response)
    assert status["failed"] == 2
    assert {path for e in status["errors"] for path in e["fields"]} == {"Tên tệp"}


def test_xlsx_rows_fill_the_base_with_numbers_and_dates_as_excel_stores_them(batch_client):
    data = xlsx([["number", "date", "signer.name", "subject", "_ten"],
                 [51.0, date(2026, 3, 9), "Hồ Thị Xuân", "=CONCAT(\"độc\",\"hại\")", "Xuân"],
                 [52, "2026-04", "Lý Văn Phúc", "Khen thưởng ông Phúc", "Phúc"]])
    status, files = finish(batch_client, upload(batch_client, "danh-sach.xlsx", data,
                                                name_column="_ten"))
    assert (status["done"], status["failed"]) == (2, 0), status["errors"]
    first, second = docx_text(files["Xuan.docx"]), docx_text(files["Phuc.docx"])
    assert "Số: 51/QĐ-UBND" in first and "ngày 09 tháng 3 năm 2026" in first
    assert "Hồ Thị Xuân" in first
    # The formula was neither evaluated nor printed: with no cached value the cell is empty.
    assert "CONCAT" not in first and "độchại" not in first
    assert BASE["subject"] in first.replace("\n", " ")
    assert "Số: 52/QĐ-UBND" in second and "tháng 4 năm 2026" in second


def test_a_bad_spreadsheet_row_fails_alone(batch_client):
    text = "number,signer.name\n61,Ngô Văn Tài\nsáu mươi hai,Bùi Thị Lan\n63,Mai Văn Hòa\n"
    status, files = finish(batch_client, upload(batch_client, "rows.csv", text.encode()))
    assert (status["done"], status["failed"]) == (2, 1)
    # Named by its row in the sheet too (the header is row 1), in the status and errors.json.
    assert status["errors"] == [{"index": 1, "row": 3, "fields": {
        "number": ["Số văn bản phải là số nguyên dương."]}}]
    assert json.loads(files["errors.json"]) == status["errors"]
    assert sorted(f for f in files if f.endswith(".docx")) == ["61-QD-UBND.docx",
                                                               "63-QD-UBND.docx"]


def test_the_upload_form_is_checked_like_the_json_envelope(batch_client):
    response = batch_client.post("/v1/batches", data={"base": "{not json", "merged_pdf": "có",
                                                       "fromat": "pdf"},
                                 content_type="multipart/form-data")
    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert set(fields) == {"base", "file", "merged_pdf", "fromat"}
    assert "JSON không hợp lệ" in fields["base"][0]


# -- hostile uploads ---------------------------------------------------------------------------

def zip_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_bomb_xlsx_is_413_before_it_is_unpacked(make_app):
    client = make_app(max_sheet_bytes=1024 * 1024).test_client()
    real = zipfile.ZipFile(io.BytesIO(xlsx([["number"], [1]])))
    members = {info.filename: real.read(info) for info in real.infolist()}
    members["xl/media/padding.bin"] = b"\0" * (8 * 1024 * 1024)    # 8 MB, packs to ~8 kB
    bomb = zip_with(members)
    assert len(bomb) < 64 * 1024
    response = upload(client, "bomb.xlsx", bomb)
    assert response.status_code == 413
    assert error_of(response)["code"] == "upload_too_large"
    assert "giải nén" in error_of(response)["message"]


@pytest.mark.parametrize("member", ["../../etc/cron.d/x", "/etc/passwd", "xl\\..\\evil.xml",
                                    "C:/Windows/evil.xml"],
                         ids=["dotdot", "absolute", "backslash", "drive"])
def test_an_xlsx_with_a_traversal_member_name_is_400(batch_client, member):
    real = zipfile.ZipFile(io.BytesIO(xlsx([["number"], [1]])))
    members = {info.filename: real.read(info) for info in real.infolist()}
    members[member] = b"x"
    response = upload(batch_client, "rows.xlsx", zip_with(members))
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_upload"
    assert "đường dẫn không an toàn" in error_of(response)["message"]


@pytest.mark.parametrize("name", ["../rows.csv", "../../etc/rows.csv", "sub/rows.csv",
                                  "C:rows.csv", ".."],
                         ids=["dotdot", "deeper", "folder", "drive", "bare"])
def test_an_upload_whose_name_is_a_path_is_400(batch_client, name):
    """(A backslash cannot reach the view: multipart quoting reads it as an escape.)"""
    response = upload(batch_client, name, b"number\n1\n")
    assert response.status_code == 400
    assert "Tên tệp" in error_of(response)["message"]


def test_an_xml_entity_bomb_in_an_xlsx_is_400(batch_client):
    real = zipfile.ZipFile(io.BytesIO(xlsx([["number"], [1]])))
    members = {info.filename: real.read(info) for info in real.infolist()}
    laughs = ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                        for i in range(8))
              + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t></is></c></row>'
              "</sheetData></worksheet>")
    members["xl/worksheets/sheet1.xml"] = laughs.encode()
    response = upload(batch_client, "rows.xlsx", zip_with(members))
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_upload"


def test_an_upload_over_the_size_limit_is_413(make_app):
    client = make_app(max_request_bytes=64 * 1024).test_client()
    big = b"number,body\n" + b"".join(b"%d,%s\n" % (n, b"x" * 1000) for n in range(1, 100))
    response = upload(client, "rows.csv", big)
    assert response.status_code == 413


def test_more_rows_than_allowed_is_413(make_app):
    client = make_app(max_items=5).test_client()
    response = upload(client, "rows.csv", b"number\n" + b"".join(b"%d\n" % n for n in range(9)))
    assert response.status_code == 413
    assert error_of(response)["code"] == "batch_too_large"


def test_a_sheet_padded_with_a_million_empty_rows_is_read_quickly(make_app):
    """The declared dimension and a far-away cell are not a reason to walk every row."""
    client = make_app(max_items=5).test_client()
    real = zipfile.ZipFile(io.BytesIO(xlsx([["number"], [1]])))
    members = {info.filename: real.read(info) for info in real.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>9</v></c></row>'
                          "</sheetData>")
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    response = upload(client, "rows.xlsx", zip_with(members))
    assert response.status_code == 202, response.get_json()
    status = wait_status(client, response.get_json()["status_url"])
    assert status["total"] == 1                 # the far cell is past the scan of blank rows


@pytest.mark.parametrize(("name", "data", "words"), [
    ("rows.csv", "number,signer.name\n1,Bùi\n".encode("cp1258"), "UTF-8"),
    ("rows.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, ".xlsx hoặc .csv"),
    ("rows.xlsx", b"PK\x03\x04 not really a zip", "bị hỏng"),
    ("rows.csv", b"", "trống"),
    ("rows.csv", b"number,number\n1,2\n", "lặp lại"),
    ("rows.csv", b"number\n1,2\n", "không có tiêu đề"),
    ("rows.pdf", b"%PDF-1.7", "CSV hoặc XLSX"),
], ids=["not-utf8", "old-xls", "broken-xlsx", "empty", "duplicate-header", "headless-column",
        "other-kind"])
def test_an_unreadable_spreadsheet_is_400_saying_why(batch_client, name, data, words):
    response = upload(batch_client, name, data)
    assert response.status_code == 400
    assert words in error_of(response)["message"]
