"""Batches of the further types: a giấy mời or a giấy giới thiệu per person, from rows or a
spreadsheet, as at reporting time (the batch machinery is generic: payload rows)."""

from __future__ import annotations

import io
import json

import openpyxl

from schemas.registry import TYPES
from tests.batch.conftest import docx_text, read_zip, wait_status
from tests.conftest import example

PEOPLE = [("Ông Trần Văn Minh, Trưởng ấp Bình An", "Trần Văn Minh", "Tran-Van-Minh"),
          ("Bà Nguyễn Thị Lan, Trưởng ấp Tân Lập", "Nguyễn Thị Lan", "Nguyen-Thi-Lan"),
          ("Ông Lê Văn Hậu, Chủ tịch Ủy ban MTTQ Việt Nam xã", "Lê Văn Hậu", "Le-Van-Hau")]


def finish(client, response) -> tuple[dict, dict[str, bytes]]:
    assert response.status_code == 202, response.get_json()
    urls = response.get_json()
    status = wait_status(client, urls["status_url"])
    return status, read_zip(client.get(urls["result_url"]).data)


def test_one_giay_moi_per_person_from_rows(batch_client):
    rows = [{"number": 18 + n, "invitees": person, "_ten": name}
            for n, (person, name, _) in enumerate(PEOPLE)]
    response = batch_client.post("/v1/batches", json={
        "base": example("giay_moi"), "rows": rows, "name_column": "_ten"})
    status, files = finish(batch_client, response)
    assert (status["total"], status["done"], status["failed"]) == (3, 3, 0), status["errors"]
    for n, (person, _, file) in enumerate(PEOPLE):
        text = docx_text(files[f"{file}.docx"])
        assert f"Ủy ban nhân dân xã Tân Phú trân trọng kính mời: {person}" in text
        assert f"Số: {18 + n}/GM-UBND" in text
        assert not any(other in text for other, _, _ in PEOPLE if other != person)


def test_giay_gioi_thieu_per_person_from_a_spreadsheet_with_their_titles(batch_client):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["number", "person.name", "person.title", "sent_to", "valid_until"])
    sheet.append([31, "Phan Thị Ngọc", "Công chức Văn phòng - Thống kê", "Sở Nội vụ",
                  "2026-03-31"])
    sheet.append([32, "Võ Thị Thanh", "Công chức Tài chính - Kế toán", "Sở Tài chính",
                  "2026-04-30"])
    sheet.append([33, "Hồ Văn Nam", "Chuyên viên", "Sở Y tế", "2026-02-30"])   # no such day
    data = io.BytesIO()
    book.save(data)
    response = batch_client.post("/v1/batches", content_type="multipart/form-data", data={
        "base": json.dumps(example("giay_gioi_thieu"), ensure_ascii=False),
        "file": (io.BytesIO(data.getvalue()), "gioi-thieu.xlsx")})
    status, files = finish(batch_client, response)
    assert (status["done"], status["failed"]) == (2, 1)
    [error] = status["errors"]
    assert list(error["fields"]) == ["valid_until"]
    first = docx_text(files["31-GGT-UBND.docx"])
    assert "Ông (bà) Phan Thị Ngọc" in first and "Được cử đến: Sở Nội vụ" in first
    assert "Chức vụ: Công chức Văn phòng - Thống kê" in first
    assert "Giấy này có giá trị đến hết ngày 31 tháng 3 năm 2026./." in first
    assert "Võ Thị Thanh" in docx_text(files["32-GGT-UBND.docx"])


def test_every_type_runs_in_a_batch(batch_client):
    response = batch_client.post("/v1/batches", json={"items": [example(k) for k in TYPES]})
    status, files = finish(batch_client, response)
    assert (status["done"], status["failed"]) == (len(TYPES), 0), status["errors"]
    assert len([name for name in files if name.endswith(".docx")]) == len(TYPES)
