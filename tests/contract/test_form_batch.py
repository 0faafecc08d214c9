"""Tạo hàng loạt from the clerk's form: the fields filled in (or a JSON file) are the base, a CSV
or XLSX fills it row by row; the batch page shows progress, each failed row by its spreadsheet
row number in Vietnamese, and the ZIP (and merged PDF) to download. A bad upload or base is said
beside its input with everything typed kept."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable
from typing import Any

import openpyxl
import pymupdf
import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.web import form
from tests.batch.conftest import TextPdfConverter, docx_text, gate, read_zip
from tests.conftest import example
from tests.contract.test_form import QUYET_DINH, Page, token

HEADER = ["number", "signer.name", "_ho_ten"]
GOOD_ROWS = [["31", "Nguyễn Thị Mai", "Lê Văn An"], ["32", "Phạm Văn Hùng", "Trần Thị Bích"],
             ["33", "Đỗ Minh Tâm", "Võ Văn Cường"]]


@pytest.fixture
def client(make_app: Callable[..., Flask]) -> FlaskClient:
    return make_app().test_client()


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode("utf-8-sig")        # as Excel's "CSV UTF-8" saves it


def xlsx_bytes(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post_batch(client: FlaskClient, sheet: tuple[bytes, str] | None, *,
               fields: dict[str, str] | None = None, **extra: Any):
    data: dict[str, Any] = {"csrf_token": token(client), **(fields or BASE), **extra}
    data["action"] = "batch"
    if sheet is not None:
        data["sheet"] = (io.BytesIO(sheet[0]), sheet[1])
    return client.post("/lo", data=data, content_type="multipart/form-data")


# The quyết định of test_form, with no số and no signer: every row brings its own.
BASE = {**QUYET_DINH, "number": "", "signer_name": ""}


def finish(client: FlaskClient, page_url: str, timeout: float = 20.0) -> str:
    """Poll the batch (as batch.js does) until it is over; the batch page's HTML then."""
    job_id = page_url.rsplit("/", 1)[-1]
    deadline = time.monotonic() + timeout
    while client.get(f"/v1/batches/{job_id}").get_json()["status"] not in {"done", "failed"}:
        assert time.monotonic() < deadline, "batch not finished in time"
        time.sleep(0.05)
    response = client.get(page_url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def link(html: str, text: str) -> str:
    m = re.search(r'<a class="button[^"]*" href="([^"]+)" download>' + re.escape(text), html)
    assert m, f"no link {text!r}"
    return m[1]


def plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- The section on the form -------------------------------------------------------------------

def test_the_form_offers_a_batch_section_with_an_example_sheet(client):
    html = client.get("/").get_data(as_text=True)
    page = Page(html)
    for name in ("sheet", "base_file", "name_column", "merged_pdf"):
        assert f"label:f-{name}" in page.order and f"input:f-{name}" in page.order, name
    assert 'formaction="/lo"' in html and ">Tạo hàng loạt</button>" in html
    for heading in ("Số văn bản", "Trích yếu", "Họ và tên người ký", "_Tên tệp"):
        assert f'<th scope="col">{heading}</th>' in html              # the example's headings
    assert 'formaction="/lo/mau"' in html and "Tải bảng tính mẫu (XLSX)" in html
    assert "schemas/examples" not in html                            # said for a clerk
    assert "merged_pdf=1" in page.disabled                # no PDF on this server: no merging
    assert "<script>" not in html and "style=" not in html


# --- A good batch ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_form_and_a_sheet_make_one_document_per_row(client, kind):
    sheet = (csv_bytes(GOOD_ROWS), "khen-thuong.csv") if kind == "csv" else \
        (xlsx_bytes([[int(r[0]), r[1], r[2]] for r in GOOD_ROWS]), "khen-thuong.xlsx")
    response = post_batch(client, sheet, name_column="_ho_ten")
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    page_url = response.headers["Location"]
    assert re.fullmatch(r"/lo/[0-9a-f]{32}", page_url)

    html = finish(client, page_url)
    assert "<progress" in html and 'value="3"' in html and "Đã xong" in html
    assert "http-equiv" not in html                           # over: no more refreshing
    assert "văn bản lỗi" not in html
    zip_url = link(html, "Tải tệp ZIP (3 văn bản DOCX)")
    files = read_zip(client.get(zip_url).data)
    assert sorted(files) == ["Le-Van-An.docx", "Tran-Thi-Bich.docx", "Vo-Van-Cuong.docx"]
    text = docx_text(files["Tran-Thi-Bich.docx"])
    # The row's values, and the form's for everything else.
    assert "Số: 32/QĐ-UBND" in text and "Phạm Văn Hùng" in text
    assert "Về việc thành lập Tổ công nghệ số cộng đồng" in text and "KT. CHỦ TỊCH" in text
    assert "Nguyễn Thị Mai" not in text


def test_a_bad_row_fails_alone_and_is_named_by_its_row_in_the_sheet(client):
    rows = [GOOD_ROWS[0], ["ba mươi hai", "Phạm Văn Hùng", "Trần Thị Bích"], GOOD_ROWS[2]]
    response = post_batch(client, (csv_bytes(rows), "lo.csv"), name_column="_ho_ten")
    html = finish(client, response.headers["Location"])
    text = plain(html)
    assert "1 văn bản lỗi, chưa được tạo" in text
    # Row 3 of the sheet (row 1 holds the headers), with the name the clerk knows it by.
    assert ("Dòng 3 (Trần Thị Bích) : cột Số văn bản (number): “ba mươi hai” — Số văn bản "
            "phải là số nguyên dương.") in text
    files = read_zip(client.get(link(html, "Tải tệp ZIP (2 văn bản DOCX)")).data)
    assert sorted(files) == ["Le-Van-An.docx", "Vo-Van-Cuong.docx", "errors.json"]
    assert json.loads(files["errors.json"])[0]["index"] == 1


def test_a_base_from_a_json_file_instead_of_the_fields(client):
    base = json.dumps(example("quyet_dinh"), ensure_ascii=False).encode()
    response = post_batch(client, (csv_bytes(GOOD_ROWS[:2]), "lo.csv"),
                          fields={"format": "docx"},              # the form left empty
                          base_file=(io.BytesIO(base), "mau.json"))
    assert response.status_code == 303, plain(response.get_data(as_text=True))[:2000]
    html = finish(client, response.headers["Location"])
    files = read_zip(client.get(link(html, "Tải tệp ZIP (2 văn bản DOCX)")).data)
    assert len(files) == 2
    texts = [docx_text(data) for data in files.values()]
    assert any("Nguyễn Thị Mai" in t and "Số: 31/" in t for t in texts)
    assert all(example("quyet_dinh")["subject"] in t for t in texts)


def test_a_merged_pdf_to_print_when_the_server_makes_pdf(make_app):
    client = make_app(converter=TextPdfConverter(pages=1)).test_client()
    response = post_batch(client, (csv_bytes(GOOD_ROWS), "lo.csv"),
                          fields={**BASE, "format": "pdf"}, merged_pdf="1")
    assert response.status_code == 303, plain(response.get_data(as_text=True))[:2000]
    html = finish(client, response.headers["Location"])
    merged = client.get(link(html, "Tải một tệp PDF gộp để in"))
    assert merged.mimetype == "application/pdf"
    pdf = pymupdf.open(stream=merged.data, filetype="pdf")
    assert [page.get_text().strip() for page in pdf] == ["so 31 trang 1", "so 32 trang 1",
                                                         "so 33 trang 1"]
    assert len(read_zip(client.get(link(html, "Tải tệp ZIP (3 văn bản PDF)")).data)) == 3


# --- While it runs ----------------------------------------------------------------------------

def test_while_it_runs_the_page_shows_the_progress_and_refreshes_without_js(make_app):
    app = make_app()
    held = gate(app, allowed=1)
    client = app.test_client()
    try:
        response = post_batch(client, (csv_bytes(GOOD_ROWS), "lo.csv"))
        page_url = response.headers["Location"]
        job_id = page_url.rsplit("/", 1)[-1]
        deadline = time.monotonic() + 10
        while client.get(f"/v1/batches/{job_id}").get_json()["done"] < 1:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        html = client.get(page_url).get_data(as_text=True)
        assert "Đang tạo văn bản" in html
        assert '<progress id="batch-progress" max="3" value="1">' in html
        assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
        assert f'data-status-url="/v1/batches/{job_id}"' in html     # what batch.js polls
        assert "Tải tệp ZIP" not in html
        assert "<script>" not in html
    finally:
        held.allow(None)
    html = finish(client, page_url)
    assert "data-status-url" not in html and "Tải tệp ZIP (3 văn bản DOCX)" in html
    assert client.get("/form/static/batch.js").status_code == 200


def test_an_unknown_batch_says_so_in_vietnamese(client):
    response = client.get("/lo/" + "0" * 32)
    assert response.status_code == 404
    assert "Không tìm thấy lô văn bản này" in response.get_data(as_text=True)


# --- Refusals: beside the input, everything typed kept ------------------------------------------

def broken_xlsx() -> bytes:
    return b"PK\x03\x04" + b"\0" * 60


@pytest.mark.parametrize(("sheet", "status", "message"), [
    (None, 400, "Hãy chọn tệp bảng tính"),
    ((b"x", "lo.xls"), 400, "Không đọc tệp .xls"),
    ((b"%PDF-1.7", "lo.pdf"), 400, "cần CSV hoặc XLSX"),
    ((broken_xlsx(), "lo.xlsx"), 400, "Tệp XLSX bị hỏng"),
    ((b"number,signer.name\n31,Tr\xe2n V\xe3n\n", "lo.csv"), 400, "phải mã hóa UTF-8"),
    ((csv_bytes([]), "lo.csv"), 422, "chưa có dòng nào"),
    ((csv_bytes(GOOD_ROWS * 2), "lo.csv"), 413, "vượt giới hạn 4 văn bản"),
    ((csv_bytes(GOOD_ROWS * 40), "lo.csv"), 413, "Bảng tính lớn quá 2 KB"),
], ids=["none", "xls", "pdf", "broken-xlsx", "not-utf8", "header-only", "too-many-rows",
        "too-big"])
def test_a_bad_upload_is_named_beside_the_file_input_and_nothing_typed_is_lost(
        make_app, sheet, status, message):
    client = make_app(max_items=4, max_request_bytes=2_000).test_client()
    response = post_batch(client, sheet, name_column="_ho_ten")
    assert response.status_code == status
    page = Page(response.get_data(as_text=True))
    assert page.error_beside("sheet")
    assert message in page.errors["sheet"]
    assert message in page.summary and "Lô văn bản chưa được tạo" in page.summary
    for name in ("subject", "issuer_name", "bases", "signer_of_2", "type"):
        assert page.values[name] == BASE[name].replace("\r\n", "\n"), name
    assert page.values["name_column"] == "_ho_ten"


def test_a_post_over_the_batch_limit_is_named_beside_the_file_input(make_app):
    client = make_app(max_request_bytes=2_000).test_client()     # + the form's own 2 MB
    big = csv_bytes(GOOD_ROWS) + b"," * 2_100_000
    response = post_batch(client, (big, "lo.csv"))
    assert response.status_code == 413
    page = Page(response.get_data(as_text=True))
    assert page.error_beside("sheet")
    assert "vượt quá 2 MB nên chưa được đọc" in page.errors["sheet"]
    assert "Lô văn bản chưa được tạo: 1 chỗ cần sửa" in page.summary


def test_what_the_base_lacks_and_no_column_fills_is_said_beside_its_field(client):
    fields = {**BASE, "subject": "", "issuer_code": "UB ND"}
    response = post_batch(client, (csv_bytes(GOOD_ROWS), "lo.csv"), fields=fields)
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    # The số and người ký are blank too, but every row fills them: not errors.
    assert sorted(page.errors) == ["issuer_code", "subject"]
    assert page.error_beside("subject") and page.error_beside("issuer_code")
    assert "Không được để trống" in page.errors["subject"]
    assert "hãy chọn lại tệp" in response.get_data(as_text=True)    # files are not kept
    assert page.values["issuer_code"] == "UB ND" and page.values["body"] == \
        BASE["body"].replace("\r\n", "\n")
    # A column that fills the trích yếu makes the same base good.
    rows = [[*row, f"Về việc khen thưởng {row[2]}"] for row in GOOD_ROWS]
    response = post_batch(client, (csv_bytes(rows, [*HEADER, "subject"]), "lo.csv"),
                          fields={**fields, "issuer_code": "UBND"})
    assert response.status_code == 303


@pytest.mark.parametrize(("content", "message"), [
    (b"{\"type\": ", "Tệp không phải JSON hợp lệ"),
    (b"[1, 2]", "phải là một văn bản"),
    (json.dumps({**example("quyet_dinh"), "place": ""}).encode(), "place"),
], ids=["broken", "a-list", "invalid-field"])
def test_a_bad_base_file_is_named_beside_its_input(client, content, message):
    response = post_batch(client, (csv_bytes(GOOD_ROWS), "lo.csv"),
                          base_file=(io.BytesIO(content), "mau.json"))
    assert response.status_code in (400, 422)
    page = Page(response.get_data(as_text=True))
    assert page.error_beside("base_file")
    assert message in page.errors["base_file"]
    assert page.values["subject"] == BASE["subject"]


def test_merging_needs_pdf_and_is_said_beside_the_box(make_app):
    client = make_app(converter=TextPdfConverter()).test_client()
    response = post_batch(client, (csv_bytes(GOOD_ROWS), "lo.csv"), merged_pdf="1")
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert form.MERGE_NEEDS_PDF in page.errors["merged_pdf"]
    assert page.values["merged_pdf"] == "1"


def test_a_batch_post_without_the_pages_token_is_refused(client):
    client.get("/")
    response = client.post("/lo", data={**BASE, "csrf_token": "x" * 43, "sheet": (
        io.BytesIO(csv_bytes(GOOD_ROWS)), "lo.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert form.CSRF_REFUSED in response.get_data(as_text=True)
    assert runner_jobs(client) == 0


def runner_jobs(client: FlaskClient) -> int:
    store = client.application.extensions["vanban.batch"].store
    return len(store.unfinished()) + (len(list(store.outputs.root.glob("*"))) if
                                      store.outputs.root.exists() else 0)


def test_a_batch_makes_one_format_and_says_so_beside_the_choice(make_app):
    client = make_app(converter=TextPdfConverter()).test_client()
    response = post_batch(client, (csv_bytes(GOOD_ROWS), "lo.csv"),
                          fields={**BASE, "format": "both"})
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert page.errors["format"] == f"Lỗi: {form.BATCH_ONE_FORMAT}"
    assert page.values["format"] == "both"
