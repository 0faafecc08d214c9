"""The v1 HTTP contract: status codes, headers, error shape, file contents, OpenAPI."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

import pytest
from openapi_spec_validator import validate as validate_spec

from service import create_app
from service.config import Settings
from service.convert import DocxSource, PdfOptions, docx_bytes
from service.pipeline import DOCX
from tests.conftest import TYPES, blank_pdf, docx_lines, example, open_docx, signer_names


@pytest.mark.parametrize("doc_type", TYPES)
def test_each_type_renders(client, doc_type):
    payload = example(doc_type)
    response = client.post("/v1/documents", json=payload)
    assert response.status_code == 200, response.json
    assert response.mimetype == DOCX
    lines = docx_lines(open_docx(response.data))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert "Độc lập - Tự do - Hạnh phúc" in lines
    assert any(line.startswith("Số: ") for line in lines)
    assert set(signer_names(payload)) <= set(lines)
    body_end = [line for line in lines if line.endswith("./.")]
    assert len(body_end) == 1


def test_content_disposition_has_ascii_and_utf8_names(client):
    response = client.post("/v1/documents", json=example("quyet_dinh"))
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="07-QD-UBND.docx"; ')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "07-QĐ-UBND.docx"
    assert disposition.isascii()


def test_unnumbered_document_keeps_the_blank_for_the_van_thu(client):
    payload = example("ke_hoach")
    payload["number"] = None
    payload["date"] = "2026-02"
    lines = docx_lines(open_docx(client.post("/v1/documents", json=payload).data))
    assert "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/KH-UBND" in lines
    assert "An Bình, ngày \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0 tháng 02 năm 2026" \
        in lines


@pytest.mark.parametrize("text", [
    "{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{{ ''.__class__.__mro__ }}",
    "<w:p>&amp; </w:t>]]>", "a & b < c > d \"e\" 'f'", "{%p endfor %}",
])
def test_user_text_is_printed_literally(client, text):
    payload = example("thong_bao")
    payload["subject"] = f"Trích yếu {text}"
    payload["body"] = [{"text": f"Nội dung {text}"}, {"heading": text}]
    payload["signer"]["name"] = f"Người ký {text}"
    response = client.post("/v1/documents", json=payload)
    assert response.status_code == 200
    lines = docx_lines(open_docx(response.data))
    folded = " ".join(text.split())
    assert f"Trích yếu {folded}" in lines
    assert f"Nội dung {folded}" in lines
    assert f"Người ký {folded}" in lines


def test_text_comes_out_nfc(client):
    payload = example("ke_hoach")
    payload["subject"] = unicodedata.normalize("NFD", "Kế hoạch tuyên truyền")
    lines = docx_lines(open_docx(client.post("/v1/documents", json=payload).data))
    assert "Kế hoạch tuyên truyền" in lines


def test_validation_errors_name_every_field(client):
    payload = example("cong_van")
    payload.update(tyep="cong_van", date="2026-02-30")
    payload["signer"] = {"title": "Giám đốc"}
    payload["subject"] = "V/v \x07"
    response = client.post("/v1/documents", json=payload)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid_payload"
    assert error["message"] == "Dữ liệu không hợp lệ."
    assert set(error["fields"]) == {"tyep", "date", "signer.name", "subject"}


@pytest.mark.parametrize(("data", "content_type", "status", "code"), [
    (b"{not json", "application/json", 400, "bad_payload"),
    (b"\xff\xfe", "application/json", 400, "bad_payload"),
    (b"[1, 2]", "application/json", 422, "invalid_payload"),
    (b"type=ke_hoach", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    (b"{}", "text/plain", 415, "unsupported_media_type"),
])
def test_unreadable_requests(client, data, content_type, status, code):
    response = client.post("/v1/documents", data=data, content_type=content_type)
    assert response.status_code == status
    assert response.json["error"]["code"] == code


def test_too_large(client, app):
    limit = app.extensions["vanban.settings"].max_request_bytes
    body = b'{"subject": "' + b"x" * limit + b'"}'
    response = client.post("/v1/documents", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize(("query", "accept", "status"), [
    ("", None, 200), ("?format=docx", None, 200), ("", DOCX, 200), ("", "*/*", 200),
    ("?format=pdf", None, 406), ("", "application/pdf", 406), ("", "image/png", 406),
    ("?format=odt", None, 406),
])
def test_format_negotiation_without_pdf(client, query, accept, status):
    headers = {"Accept": accept} if accept else {}
    response = client.post(f"/v1/documents{query}", json=example("ke_hoach"), headers=headers)
    assert response.status_code == status
    if status == 406:
        assert response.json["error"]["code"] == "unsupported_format"


class RecordingConverter:
    """Test double for the PDF pool: records what it was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[bytes, PdfOptions | None]] = []

    def to_pdf(self, docx: DocxSource, options: PdfOptions | None = None) -> bytes:
        self.calls.append((docx_bytes(docx), options))
        return blank_pdf()


@pytest.mark.parametrize(("query", "accept", "pdfa"), [
    ("?format=pdf", None, False), ("?format=pdf&pdfa=1", None, True),
    ("", "application/pdf", False),
])
def test_pdf_goes_through_the_converter(query, accept, pdfa):
    converter = RecordingConverter()
    client = create_app(Settings.from_env({}), converter=converter).test_client()
    headers = {"Accept": accept} if accept else {}
    response = client.post(f"/v1/documents{query}", json=example("bao_cao"), headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert 'filename="48-BC-UBND.pdf"' in response.headers["Content-Disposition"]
    docx_bytes, options = converter.calls[0]
    assert options == PdfOptions(pdfa=pdfa)
    assert "Kính gửi: Ủy ban nhân dân tỉnh" in docx_lines(open_docx(docx_bytes))


def test_types(client):
    types = {t["type"]: t for t in client.get("/v1/types").json["types"]}
    assert set(types) == set(TYPES)
    assert types["to_trinh"]["abbreviation"] == "TTr"
    assert types["cong_van"]["abbreviation"] is None
    assert "to" in types["cong_van"]["required"]
    assert types["ke_hoach"]["aliases"] == ["plan"]


def test_openapi_is_generated_from_the_schemas(client):
    spec = client.get("/openapi.json").json
    validate_spec(spec)
    body = spec["components"]["schemas"]["Document"]["properties"]["body"]
    assert body["oneOf"][0] == {"type": "string"}
    assert {"$ref": "#/components/schemas/ArticleBlock"} in body["oneOf"][1]["items"]["oneOf"]
    operation = spec["paths"]["/v1/documents"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Document"}
    properties = spec["components"]["schemas"]["Document"]["properties"]
    assert {"type", "issuer", "number", "symbol", "unit_code", "place", "date", "subject", "to",
            "authority", "bases", "body", "recipients", "archive", "signer", "urgency",
            "secrecy", "circulation", "drafter"} <= set(properties)
    assert set(spec["components"]["schemas"]["Signer"]["properties"]) == {
        "name", "title", "on_behalf"}
    assert {"400", "413", "415", "422"} <= set(operation["responses"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and b"swagger" in docs.data.lower()


def test_unknown_route_and_method_use_the_error_shape(client):
    assert client.get("/v2/nothing").json["error"]["code"] == "not_found"
    response = client.get("/v1/documents")
    assert response.status_code == 405
    assert response.json["error"]["message"].startswith("Phương thức")
