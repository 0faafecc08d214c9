"""POST /v1/batches and what follows: the envelope checked, mail merge from JSON rows, a bad row
failing alone, progress, the ZIP's names, the merged PDF, 404 and 409."""

from __future__ import annotations

import io
import zipfile

import pymupdf
import pytest
from pypdf import PdfReader

from service.batch.results import unicode_path
from tests.batch.conftest import (
    TextPdfConverter,
    docx_text,
    gate,
    read_zip,
    wait_status,
)
from tests.conftest import example


def post(client, body):
    return client.post("/v1/batches", json=body)


def run(client, body) -> tuple[dict, dict[str, bytes]]:
    """Submit, wait, fetch: (final status, the ZIP's files)."""
    response = post(client, body)
    assert response.status_code == 202, response.get_json()
    status = wait_status(client, response.get_json()["status_url"])
    result = client.get(response.get_json()["result_url"])
    assert result.status_code == 200
    assert result.mimetype == "application/zip"
    return status, read_zip(result.data)


# -- the envelope ---------------------------------------------------------------------------------

BASE = example("quyet_dinh")


@pytest.mark.parametrize(("body", "path", "words"), [
    ([BASE], "_batch", "đối tượng JSON"),
    ({}, "items", "Thiếu danh sách"),
    ({"items": [BASE], "rows": [{}], "base": BASE}, "items", "không gửi cả hai"),
    ({"items": BASE}, "items", "danh sách"),
    ({"items": []}, "items", "không được rỗng"),
    ({"rows": [{"number": 1}]}, "base", "Thiếu văn bản mẫu"),
    ({"base": [], "rows": [{"number": 1}]}, "base", "đối tượng JSON"),
    ({"base": BASE, "rows": [{"number": 1}, "hai"]}, "rows.1", "đối tượng"),
    ({"items": [BASE], "format": "odt"}, "format", "docx hoặc pdf"),
    ({"items": [BASE], "merged_pdf": True}, "merged_pdf", "format là pdf"),
    ({"items": [BASE], "merged_pdf": "yes"}, "merged_pdf", "true hoặc false"),
    ({"items": [BASE], "fromat": "pdf"}, "fromat", "kiểm tra chính tả"),
    ({"base": BASE, "rows": [{"number": 1}], "name_column": "ho_ten"}, "name_column",
     "Không dòng nào có cột 'ho_ten'"),
], ids=["not-object", "empty", "both", "items-not-list", "items-empty", "rows-without-base",
        "base-not-object", "row-not-object", "format", "merged-needs-pdf", "merged-not-bool",
        "typo", "name-column-absent"])
def test_a_bad_envelope_is_422_naming_the_field(batch_client, body, path, words):
    response = post(batch_client, body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_payload"
    assert words in " ".join(error["fields"][path]), error["fields"]


def test_every_envelope_problem_is_named_at_once(batch_client):
    response = post(batch_client, {"items": [BASE], "format": "odt", "merged_pdf": 1, "x": 0})
    assert set(response.get_json()["error"]["fields"]) == {"format", "merged_pdf", "x"}


def test_more_items_than_allowed_is_413_saying_the_limit(make_app):
    client = make_app(max_items=3).test_client()
    response = post(client, {"base": BASE, "rows": [{"number": n} for n in range(1, 5)]})
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "batch_too_large"
    assert "4 văn bản" in error["message"] and "giới hạn 3" in error["message"]


def test_a_request_over_the_batch_size_limit_is_413(make_app):
    client = make_app(max_request_bytes=10_000).test_client()
    response = post(client, {"items": [BASE] * 10})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_a_batch_may_be_larger_than_one_document_request(make_app):
    """The service's 2 MiB limit is for one document; a batch has its own."""
    client = make_app().test_client()
    long = dict(BASE, body="Nội dung dài của văn bản. " * 4000)       # ~100 kB each
    response = post(client, {"items": [long] * 25})                   # ~2.6 MB
    assert response.status_code == 202, response.get_json()


def test_pdf_is_refused_at_once_when_this_service_cannot_make_pdfs(batch_client):
    response = post(batch_client, {"items": [BASE], "format": "pdf"})
    assert response.status_code == 406
    assert response.get_json()["error"]["code"] == "unsupported_format"


def test_unknown_and_malformed_ids_are_404(batch_client):
    for job_id in ("0" * 32, "../../etc/passwd", "abc"):
        for suffix in ("", "/result", "/result/merged.pdf"):
            response = batch_client.get(f"/v1/batches/{job_id}{suffix}")
            assert response.status_code == 404, (job_id, suffix)
    body = batch_client.get(f"/v1/batches/{'0' * 32}").get_json()
    assert body["error"]["code"] == "batch_not_found"


# -- making the documents ------------------------------------------------------------------------

def test_a_list_of_payloads_becomes_a_zip_named_by_so_ky_hieu(batch_client):
    items = [example("ke_hoach"), example("quyet_dinh"), example("cong_van")]
    status, files = run(batch_client, {"items": items})
    assert status["status"] == "done"
    assert (status["total"], status["done"], status["failed"], status["errors"]) == (3, 3, 0, [])
    assert sorted(files) == ["07-QD-UBND.docx", "15-KH-UBND.docx", "212-SNV-CCVC.docx"]
    assert example("ke_hoach")["subject"] in docx_text(files["15-KH-UBND.docx"])
    assert "Trần Văn Bình" in docx_text(files["07-QD-UBND.docx"])


def test_json_rows_fill_the_base_by_dotted_path(batch_client):
    rows = [{"number": 31, "signer.name": "Nguyễn Thị Mai", "subject": "Khen thưởng bà Mai"},
            {"number": 32, "signer.name": "Phạm Văn Hùng", "subject": "Khen thưởng ông Hùng",
             "recipients.2": "Phòng Nội vụ"}]
    status, files = run(batch_client, {"base": BASE, "rows": rows})
    assert status["done"] == 2
    first, second = docx_text(files["31-QD-UBND.docx"]), docx_text(files["32-QD-UBND.docx"])
    assert "Nguyễn Thị Mai" in first and "Khen thưởng bà Mai" in first
    assert "Phạm Văn Hùng" in second and "Khen thưởng ông Hùng" in second
    assert "Phòng Nội vụ" in second and "Phòng Nội vụ" not in first
    assert "Trần Văn Bình" not in first + second           # the base's signer was replaced


def test_a_bad_row_fails_alone_with_its_error(batch_client):
    rows = [{"number": 1}, {"number": "mười"}, {"number": 3, "signer.name.first": "An"},
            {"number": 4, "signer.name": ""}, {"number": 5}]
    status, files = run(batch_client, {"base": BASE, "rows": rows})
    assert status["status"] == "done"
    assert (status["total"], status["done"], status["failed"]) == (5, 2, 3)
    errors = {e["index"]: e for e in status["errors"]}
    assert errors[1]["fields"] == {"number": ["Số văn bản phải là số nguyên dương."]}
    assert "không phải đối tượng" in errors[2]["fields"]["signer.name.first"][0]
    assert errors[3]["fields"] == {"signer.name": ["Không được để trống."]}
    assert sorted(name for name in files if name.endswith(".docx")) == \
        ["01-QD-UBND.docx", "05-QD-UBND.docx"]
    assert "errors.json" in files and "mười" not in files["errors.json"].decode()
    assert '"index": 1' in files["errors.json"].decode()


def test_a_payload_that_is_not_an_object_fails_alone(batch_client):
    status, _ = run(batch_client, {"items": [BASE, "not a document", 42]})
    assert (status["done"], status["failed"]) == (1, 2)
    assert [e["index"] for e in status["errors"]] == [1, 2]
    assert all("_payload" in e["fields"] for e in status["errors"])


def test_progress_counts_while_running_and_409_until_done(make_app):
    app = make_app()
    calls = gate(app, allowed=2)
    client = app.test_client()
    rows = [{"number": n} for n in range(1, 6)] + [{"number": 0}]
    response = post(client, {"base": BASE, "rows": rows})
    urls = response.get_json()
    assert response.headers["Location"] == urls["status_url"]

    status = wait_status(client, urls["status_url"], until=lambda s: s["done"] == 2)
    assert (status["status"], status["total"], status["done"], status["failed"]) == \
        ("running", 6, 2, 0)
    held = client.get(urls["result_url"])
    assert held.status_code == 409
    assert held.get_json()["error"]["code"] == "batch_not_finished"
    assert "2/6" in held.get_json()["error"]["message"]

    calls.allow(None)
    status = wait_status(client, urls["status_url"])
    assert (status["status"], status["done"], status["failed"]) == ("done", 5, 1)
    assert sorted(calls.calls) == [0, 1, 2, 3, 4, 5]       # each item made exactly once
    assert client.get(urls["result_url"]).status_code == 200


def test_zip_names_from_a_column_are_unique_ascii_with_the_vietnamese_name_alongside(
        batch_client):
    rows = [{"number": 1, "_ten": "Nguyễn Văn An"}, {"number": 2, "_ten": "Nguyễn Văn An"},
            {"number": 3, "_ten": "nguyen van an"}, {"number": 4, "_ten": "Đỗ Thị Bé/../x"},
            {"number": 5}]
    response = post(batch_client, {"base": BASE, "rows": rows, "name_column": "_ten"})
    wait_status(batch_client, response.get_json()["status_url"])
    data = batch_client.get(response.get_json()["result_url"]).data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names == ["Nguyen-Van-An.docx", "Nguyen-Van-An-2.docx", "nguyen-van-an-3.docx",
                         "Do-Thi-Be-x.docx", "05-QD-UBND.docx"]
        assert all(info.flag_bits & 0x800 for info in infos)
        assert [unicode_path(i) for i in infos] == [
            "Nguyễn Văn An.docx", "Nguyễn Văn An-2.docx", "nguyen van an-3.docx",
            "Đỗ Thị Bé-x.docx", "05-QĐ-UBND.docx"]
        assert "Số: 02/QĐ-UBND" in docx_text(archive.read("Nguyen-Van-An-2.docx"))


def test_unnumbered_documents_are_named_by_type_and_subject(batch_client):
    unnumbered = dict(BASE, number=None)
    _, files = run(batch_client, {"items": [unnumbered, unnumbered]})
    assert sorted(files) == sorted(["QD-Ve-viec-thanh-lap-To-cong-nghe-so-cong-dong-xa-Tan-Phu"
                                    + suffix + ".docx" for suffix in ("", "-2")])


def test_merged_pdf_has_every_page_in_order(make_app):
    converter = TextPdfConverter(pages=2)
    client = make_app(converter=converter).test_client()
    rows = [{"number": n} for n in (3, 1, 2)] + [{"number": "x"}]
    response = post(client, {"base": BASE, "rows": rows, "format": "pdf", "merged_pdf": True})
    urls = response.get_json()
    wait_status(client, urls["status_url"])
    merged = client.get(urls["merged_url"])
    assert merged.status_code == 200 and merged.mimetype == "application/pdf"
    with pymupdf.open(stream=merged.data, filetype="pdf") as pdf:
        texts = [page.get_text().strip() for page in pdf]
    assert texts == [f"so {n:02d} trang {p}" for n in (3, 1, 2) for p in (1, 2)]
    files = read_zip(client.get(urls["result_url"]).data)
    assert sum(len(PdfReader(io.BytesIO(files[name])).pages) for name in files
               if name.endswith(".pdf")) == 6
    assert converter.calls == 3


def test_merged_pdf_is_404_when_it_was_not_asked_for(make_app):
    client = make_app(converter=TextPdfConverter()).test_client()
    response = post(client, {"items": [BASE], "format": "pdf"})
    urls = response.get_json()
    assert "merged_url" not in urls
    wait_status(client, urls["status_url"])
    assert client.get(f"{urls['result_url']}/merged.pdf").status_code == 404


@pytest.mark.soffice
def test_merged_pdf_of_real_documents_has_their_pages(tmp_path):
    """Through LibreOffice: the merged PDF's pages are the documents' pages, in order."""
    import dataclasses
    import shutil

    from service import create_app
    from service.config import PoolSettings
    from tests.conftest import batch_settings

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (scripts/install-system-deps.sh)")
    settings = dataclasses.replace(batch_settings(tmp_path), pdf_enabled=True,
                                   pool=PoolSettings(size=1, restart_after=0))
    app = create_app(settings)
    try:
        client = app.test_client()
        items = [example("ke_hoach"), example("quyet_dinh"), example("to_trinh")]
        response = post(client, {"items": items, "format": "pdf", "merged_pdf": True})
        urls = response.get_json()
        status = wait_status(client, urls["status_url"], timeout=120)
        assert (status["done"], status["failed"]) == (3, 0), status["errors"]
        files = read_zip(client.get(urls["result_url"]).data)
        merged = client.get(urls["merged_url"]).data
    finally:
        app.extensions["vanban.batch"].close()
        app.extensions["vanban.pipeline"].converter.close()
    with pymupdf.open(stream=merged, filetype="pdf") as pdf:
        merged_pages = [page.get_text() for page in pdf]
    singles = []
    for name in ("15-KH-UBND.pdf", "07-QD-UBND.pdf"):
        with pymupdf.open(stream=files[name], filetype="pdf") as pdf:
            singles.append([page.get_text() for page in pdf])
    third = next(name for name in files if name.endswith(".pdf") and name not in
                 ("15-KH-UBND.pdf", "07-QD-UBND.pdf"))
    with pymupdf.open(stream=files[third], filetype="pdf") as pdf:
        singles.append([page.get_text() for page in pdf])
    assert merged_pages == [text for pages in singles for text in pages]
    assert "KẾ HOẠCH" in merged_pages[0] and "QUYẾT ĐỊNH" in merged_pages[len(singles[0])]
