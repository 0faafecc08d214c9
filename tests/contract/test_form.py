"""The clerk's form at `/`: it builds the API's payload, downloads the file, keeps what was typed
on every error, puts each error beside its input, previews page 1, and refuses forged posts."""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from typing import Any

import pymupdf
import pytest
from flask import Flask
from flask.testing import FlaskClient

from schemas.document import SIGNER_MODES
from schemas.registry import TYPES
from service import create_app
from service.config import Settings
from service.convert import DocxSource, docx_bytes
from service.errors import ConverterBusy
from service.pipeline import DOCX, PDF
from service.web import form, inputs, preview
from tests.conftest import ROOT, docx_lines, example, open_docx
from tests.ooxml import assert_valid

FONT = ROOT / "fonts" / "LiberationSerif-Regular.ttf"
NBSP8 = "\u00a0" * 8


class TextPdf:
    """A converter without LibreOffice: the DOCX's lines drawn on A4 pages with PyMuPDF, so the
    preview gets a real PDF whose page 1 carries the document's first lines."""

    def __init__(self) -> None:
        self.calls = 0

    def to_pdf(self, docx: DocxSource, options: Any = None) -> bytes:
        self.calls += 1
        pdf = pymupdf.open()
        page, y = pdf.new_page(width=595, height=842), 60.0      # A4 in points
        for line in docx_lines(open_docx(docx_bytes(docx))):
            if y > 800:
                page, y = pdf.new_page(width=595, height=842), 60.0
            page.insert_text((60, y), line[:90], fontsize=11, fontname="serif",
                             fontfile=str(FONT))
            y += 16
        return pdf.tobytes()

    def ready(self) -> bool:
        return True

    def close(self) -> None:
        pass


class BusyConverter(TextPdf):
    def to_pdf(self, docx: DocxSource, options: Any = None) -> bytes:
        raise ConverterBusy(retry_after=3)


class Page(HTMLParser):
    """What a browser would submit from a page (input values, checked boxes, selected options,
    textarea text) and where each error paragraph sits relative to the inputs."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self.disabled: set[str] = set()
        self.order: list[str] = []          # "label:x", "error:x", "input:x" in document order
        self.errors: dict[str, str] = {}
        self.summary = ""
        self._textarea: str | None = None
        self._select: str | None = None
        self._error: str | None = None
        self._in_summary = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input":
            self.order.append(f"input:{a.get('id', '')}")
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name] = a.get("value", "on")
                if "disabled" in a:
                    self.disabled.add(f"{name}={a.get('value')}")
            elif a.get("type") != "file":
                self.values[name] = a.get("value", "")
        elif tag == "textarea":
            self._textarea, self.values[name] = name, ""
            self.order.append(f"input:{a.get('id', '')}")
        elif tag == "select":
            self._select = name
            self.values.setdefault(name, "")
            self.order.append(f"input:{a.get('id', '')}")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "label" and a.get("for"):
            self.order.append(f"label:{a['for']}")
        elif tag == "p" and "error" in a.get("class", "").split():
            self._error = a["id"].removesuffix("-error").removeprefix("f-")
            self.errors[self._error] = ""
            self.order.append(f"error:{self._error}")
        elif tag == "div" and (a.get("id") == "summary" or self._in_summary):
            self._in_summary += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # As a browser reads it: CRLF as LF, and the newline right after the tag dropped.
            text = self.values[self._textarea].replace("\r\n", "\n").replace("\r", "\n")
            self.values[self._textarea] = text.removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "p":
            self._error = None
        elif tag == "div" and self._in_summary:
            self._in_summary -= 1

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.values[self._textarea] += data
        if self._error is not None:
            self.errors[self._error] += data
        if self._in_summary:
            self.summary += data

    def error_beside(self, name: str) -> bool:
        """The error comes after the input's label and before the input, nothing in between."""
        i = self.order.index(f"error:{name}")
        return (self.order[i - 1] == f"label:f-{name}"
                and self.order[i + 1] == f"input:f-{name}")


@pytest.fixture(scope="module")
def converter() -> TextPdf:
    return TextPdf()


@pytest.fixture(scope="module")
def pdf_app(converter: TextPdf) -> Flask:
    return create_app(Settings.from_env({}, pdf_enabled=False), converter=converter)


def token(client: FlaskClient) -> str:
    client.get("/")
    return client.get_cookie(form.CSRF_COOKIE).value


def post(client: FlaskClient, data: dict[str, Any], **kwargs: Any):
    return client.post("/", data={"csrf_token": token(client), **data},
                       content_type="multipart/form-data", **kwargs)


def lines_of(payload_list: list[str] | None) -> str:
    # Browsers send textarea lines with CRLF; the form must take them as a clerk typed them.
    return "\r\n".join(payload_list or [])


def fields_for(payload: dict[str, Any]) -> dict[str, str]:
    """The form filled in as a clerk would to make this payload."""
    issuer, signer = payload["issuer"], payload["signer"]
    data = {
        "type": payload["type"], "issuer_parent": issuer.get("parent") or "",
        "issuer_name": issuer["name"], "issuer_code": issuer["code"],
        "number": str(payload.get("number") or ""), "unit_code": payload.get("unit_code", ""),
        "place": payload["place"], "date": typed_date(payload["date"]),
        "subject": payload["subject"],
        "to": lines_of(payload.get("to")), "authority": payload.get("authority", ""),
        "bases": lines_of(payload.get("bases")), "body": payload["body"].replace("\n", "\r\n"),
        "recipients": lines_of(payload.get("recipients")), "archive": payload.get("archive", ""),
        "signer_title": signer.get("title") or "", "signer_name": signer["name"],
        "format": "docx", "action": "download",
    }
    for level, entry in enumerate(signer.get("on_behalf", []), 1):
        data[f"signer_mode_{level}"], data[f"signer_of_{level}"] = entry["mode"], entry["of"]
    return data


def typed_date(iso: str) -> str:
    """The contract's YYYY-MM-DD as a clerk types it: dd/mm/yyyy."""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


QUYET_DINH = {
    "type": "quyet_dinh", "issuer_parent": "", "issuer_name": "Ủy ban nhân dân xã Tân Phú",
    "issuer_code": "UBND", "number": "7", "place": "Tân Phú", "date": "05/01/2026",
    "subject": "Về việc thành lập Tổ công nghệ số cộng đồng",
    "authority": "Chủ tịch Ủy ban nhân dân xã Tân Phú",
    "bases": "Căn cứ Luật Tổ chức chính quyền địa phương\r\n\r\n"
             "Theo đề nghị của Chánh Văn phòng",
    "body": "Điều 1. Thành lập Tổ công nghệ số cộng đồng xã.\r\n"
            "Điều 2. Nhiệm vụ của Tổ\r\n1. Hướng dẫn người dân.\r\na) Tại nhà văn hóa ấp.\r\n"
            "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.",
    "recipients": "Như Điều 3\r\nChủ tịch UBND xã", "archive": "VT, VP",
    "signer_mode_1": "TM", "signer_of_1": "Ủy ban nhân dân", "signer_mode_2": "KT",
    "signer_of_2": "Chủ tịch", "signer_title": "Phó Chủ tịch", "signer_name": "Trần Văn Bình",
    "format": "docx", "action": "download",
}


# --- The page ----------------------------------------------------------------------------------

def test_the_page_is_vietnamese_html_with_every_input(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html
    page = Page(html)
    groups = {i.name for i in inputs.INPUTS if i.parts}       # blocks: each of their inputs
    # Shown once there is something kept to choose (test_form_keeps.py).
    kept = {"profile_id", "signer_pick", "draft_id"}
    for name in inputs.LABELS:
        if name not in {"format", *groups, *kept}:
            assert f"label:f-{name}" in page.order, name
            assert f"input:f-{name}" in page.order, name
            assert inputs.LABELS[name] in html, name
    for name in inputs.TYPE_NAMES.values():                    # every type of the registry
        assert f">{name}</option>" in html
    assert page.values["csrf_token"] == client.get_cookie(form.CSRF_COOKIE).value
    assert page.values["format"] == "docx"
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", page.values["date"])     # today, ready to use
    # Offline intranets: nothing may load from another host, nor run inline.
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<script>" not in html and "style=" not in html
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    for asset in ("form.css", "form.js"):
        assert client.get(f"/form/static/{asset}").status_code == 200


def test_type_specific_inputs_say_which_types_use_them(client):
    html = client.get("/").get_data(as_text=True)
    # Read from the registry: đơn vị soạn thảo for the types without an abbreviation (công
    # văn, thư công), Kính gửi for the types that have one.
    letters = [k for k, t in TYPES.items() if t.abbrev is None]
    addressed = [k for k, t in TYPES.items() if t.allows_to]
    assert letters == ["cong_van", "thu_cong"] and "bao_cao" in addressed
    assert f'data-types="{" ".join(letters)}"' in html
    assert f'data-types="{" ".join(addressed)}"' in html
    names = ", ".join(inputs.TYPE_NAMES[k] for k in addressed)
    assert re.search(r"Chỉ dùng cho:\s+" + re.escape(names) + r"\.", html)


def test_every_quyen_han_of_the_contract_is_offered():
    assert list(inputs.MODE_NAMES) == SIGNER_MODES


def test_without_pdf_the_page_says_there_is_no_preview(client):
    page = Page(client.get("/").get_data(as_text=True))
    assert "format=pdf" in page.disabled
    html = client.get("/").get_data(as_text=True)
    assert form.PDF_OFF in html
    assert 'value="preview"' not in html


# --- Valid submissions -------------------------------------------------------------------------

@pytest.mark.parametrize("doc_type", ["cong_van", "bao_cao"])
def test_the_form_makes_the_same_document_as_the_api(client, doc_type):
    payload = example(doc_type)
    from_api = client.post("/v1/documents", json=payload)
    from_form = post(client, fields_for(payload))
    assert from_form.status_code == 200, from_form.get_data(as_text=True)[:2000]
    assert from_form.mimetype == DOCX
    assert from_form.headers["Content-Disposition"] == from_api.headers["Content-Disposition"]
    assert docx_lines(open_docx(from_form.data)) == docx_lines(open_docx(from_api.data))


def test_a_quyet_dinh_typed_in_the_form_comes_out_as_typed(client):
    response = post(client, QUYET_DINH)
    assert response.status_code == 200
    assert 'filename="07-QD-UBND.docx"' in response.headers["Content-Disposition"]
    lines = docx_lines(open_docx(response.data))
    for expected in [
        "ỦY BAN NHÂN DÂN", "XÃ TÂN PHÚ", "Số: 07/QĐ-UBND", "Tân Phú, ngày 05 tháng 01 năm 2026",
        "QUYẾT ĐỊNH", "Về việc thành lập Tổ công nghệ số cộng đồng",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN PHÚ", "Căn cứ Luật Tổ chức chính quyền địa phương;",
        "Theo đề nghị của Chánh Văn phòng.", "Điều 1. Thành lập Tổ công nghệ số cộng đồng xã.",
        "Điều 2. Nhiệm vụ của Tổ", "1. Hướng dẫn người dân.", "a) Tại nhà văn hóa ấp.",
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký./.", "- Như Điều 3;",
        "- Chủ tịch UBND xã;", "- Lưu: VT, VP.", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH", "Trần Văn Bình",
    ]:
        assert expected in lines, expected


def test_issuer_lines_typed_on_two_lines_break_there(client):
    data = {**QUYET_DINH, "issuer_name": "Ủy ban nhân dân xã\r\nTân Phú"}
    lines = docx_lines(open_docx(post(client, data).data))
    assert lines[:2] == ["ỦY BAN NHÂN DÂN XÃ", "TÂN PHÚ"]


@pytest.mark.parametrize(("date", "blank", "expected"), [
    ("18/03/2026", "", "Tân Phú, ngày 18 tháng 3 năm 2026"),
    ("18032026", "", "Tân Phú, ngày 18 tháng 3 năm 2026"),
    ("1.2.2026", "", "Tân Phú, ngày 01 tháng 02 năm 2026"),
    ("18/03/2026", "1", f"Tân Phú, ngày {NBSP8} tháng 3 năm 2026"),
    ("03/2026", "1", f"Tân Phú, ngày {NBSP8} tháng 3 năm 2026"),
    ("", "1", f"Tân Phú, ngày {NBSP8} tháng {NBSP8} năm 20{NBSP8[:4]}"),
], ids=["dd/mm/yyyy", "digits-only", "dots", "blank-day", "month-only", "all-blank"])
def test_the_date_and_the_blank_left_for_the_van_thu(client, date, blank, expected):
    response = post(client, {**QUYET_DINH, "date": date, "date_blank": blank})
    assert response.status_code == 200, Page(response.get_data(as_text=True)).errors
    lines = docx_lines(open_docx(response.data))
    assert expected in lines, lines[:10]


@pytest.mark.parametrize("doc_type", ["ke_hoach", "thong_bao"])
def test_inputs_the_type_does_not_use_are_ignored(client, doc_type):
    data = {**QUYET_DINH, "type": doc_type, "to": "Sở Nội vụ", "unit_code": "VX",
            "authority": "Chủ tịch Ủy ban nhân dân xã", "bases": "Căn cứ Luật Tổ chức",
            "body": "I. MỤC ĐÍCH\r\n1. Nâng cao chất lượng."}
    response = post(client, data)
    assert response.status_code == 200, Page(response.get_data(as_text=True)).errors
    text = "\n".join(docx_lines(open_docx(response.data)))
    assert "Sở Nội vụ" not in text and "Kính gửi" not in text
    assert "Căn cứ Luật" not in text and "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ" not in text
    assert "UBND-VX" not in text
    assert "I. MỤC ĐÍCH" in text


def test_pdf_download_uses_the_converter(pdf_app, converter):
    client = pdf_app.test_client()
    before = converter.calls
    response = post(client, {**QUYET_DINH, "format": "pdf"})
    assert response.status_code == 200
    assert response.mimetype == PDF
    assert 'filename="07-QD-UBND.pdf"' in response.headers["Content-Disposition"]
    with pymupdf.open(stream=response.data, filetype="pdf") as pdf:
        assert "Trần Văn Bình" in "".join(page.get_text() for page in pdf)
    assert converter.calls == before + 1


# --- Errors ------------------------------------------------------------------------------------

def test_a_contact_line_and_a_phu_luc_typed_in_the_form(client):
    data = {**QUYET_DINH, "contact": "Số 1 Lê Lợi; ĐT: 0234.3822.123",
            "appendix_title": "Danh sách thành viên",
            "appendix_body": "1. Nguyễn Văn An, tổ trưởng\r\n2. Trần Thị Bình, thành viên"}
    response = post(client, data)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    document = open_docx(response.data)
    lines = docx_lines(document)
    start = lines.index("Phụ lục")
    assert lines[start + 1:start + 3] == [
        "DANH SÁCH THÀNH VIÊN",
        "(Kèm theo Quyết định số 07/QĐ-UBND ngày 05 tháng 01 năm 2026 của Ủy ban nhân dân xã "
        "Tân Phú)"]
    assert "2. Trần Thị Bình, thành viên./." in lines
    footer = document.sections[0].first_page_footer
    assert [p.text for p in footer.paragraphs if p.text] == ["Số 1 Lê Lợi; ĐT: 0234.3822.123"]


def test_a_phu_luc_without_its_title_is_named_beside_the_title(client):
    data = {**QUYET_DINH, "appendix_body": "Nội dung phụ lục"}
    page = Page(post(client, data).get_data(as_text=True))
    assert list(page.errors) == ["appendix_title"] and page.error_beside("appendix_title")
    assert page.values["appendix_body"] == "Nội dung phụ lục"


def test_errors_sit_beside_their_inputs_and_nothing_typed_is_lost(client):
    data = {**QUYET_DINH, "signer_name": "  ", "issuer_code": "UB ND", "date": "31/02/2026",
            "number": "12a", "body": "\r\nĐiều 1. Nội dung <b>đậm</b> & \"trích\"\r\n\r\n- ý"}
    response = post(client, data)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    page = Page(response.get_data(as_text=True))
    assert page.errors == {
        "signer_name": "Lỗi: Không được để trống.",
        "issuer_code": "Lỗi: Chỉ gồm chữ và số, không có khoảng trắng (ví dụ UBND).",
        "date": "Lỗi: Tháng 2 năm 2026 không có ngày 31 (chỉ đến ngày 28).",
        "number": "Lỗi: Số văn bản phải là số nguyên dương.",
    }
    for name in page.errors:
        assert page.error_beside(name), name
    assert "4 chỗ cần sửa" in page.summary
    for name, typed in data.items():
        if name not in ("action",):
            assert page.values.get(name, "") == typed.replace("\r\n", "\n"), name


def test_a_line_error_names_the_line_the_clerk_typed_it_on(client):
    data = {**QUYET_DINH, "type": "cong_van", "to": "Sở Nội vụ\r\n\r\nSở Tài chính\x07"}
    page = Page(post(client, data).get_data(as_text=True))
    assert page.errors["to"] == "Lỗi: Dòng 3: Chứa ký tự điều khiển không hợp lệ (vị trí 13)."


@pytest.mark.parametrize(("levels", "field", "message"), [
    ({"signer_mode_2": "KT", "signer_of_2": ""}, "signer_of_2", "Không được để trống."),
    ({"signer_mode_1": "", "signer_of_1": "Chủ tịch"}, "signer_mode_1",
     "Hãy chọn thay mặt, ký thay… cho dòng này, hoặc xóa ô “thay cho” bên cạnh."),
], ids=["mode-without-whom", "whom-without-mode"])
def test_signer_level_errors_land_on_that_level(client, levels, field, message):
    data = {**QUYET_DINH, "signer_mode_1": "", "signer_of_1": "", "signer_mode_2": "",
            "signer_of_2": "", **levels}
    page = Page(post(client, data).get_data(as_text=True))
    assert page.errors == {field: f"Lỗi: {message}"}


def test_a_type_must_be_chosen_and_required_per_type_fields_are_named(client):
    page = Page(post(client, {**QUYET_DINH, "type": ""}).get_data(as_text=True))
    assert page.errors == {"type": "Lỗi: Hãy chọn loại văn bản."}
    page = Page(post(client, {**QUYET_DINH, "type": "to_trinh", "to": ""})
                .get_data(as_text=True))
    assert set(page.errors) == {"to"}
    assert page.error_beside("to")


def test_no_date_needs_the_blank_box_ticked(client):
    page = Page(post(client, {**QUYET_DINH, "date": ""}).get_data(as_text=True))
    assert page.errors == {
        "date": "Lỗi: Hãy gõ ngày ban hành (ngày/tháng/năm), hoặc đánh dấu “để trống ngày”."}


def test_pdf_asked_of_a_server_without_pdf_is_refused_beside_the_choice(client):
    response = post(client, {**QUYET_DINH, "format": "pdf"})
    assert response.status_code == 406
    page = Page(response.get_data(as_text=True))
    assert page.errors["format"] == "Lỗi: Máy chủ này chưa bật xuất PDF; hãy yêu cầu DOCX."
    assert page.values["body"] == QUYET_DINH["body"].replace("\r\n", "\n")


def test_a_busy_converter_is_said_in_vietnamese_and_the_form_kept():
    client = create_app(Settings.from_env({}, pdf_enabled=False),
                        converter=BusyConverter()).test_client()
    response = post(client, {**QUYET_DINH, "format": "pdf"})
    assert response.status_code == 503
    page = Page(response.get_data(as_text=True))
    assert "Hệ thống đang bận, vui lòng thử lại sau ít giây." in page.summary
    assert page.values["signer_name"] == "Trần Văn Bình"


def test_too_large_a_post_is_answered_with_the_page():
    app = create_app(Settings.from_env({}, pdf_enabled=False, max_request_bytes=4_000_000))
    client = app.test_client()
    response = post(client, {**QUYET_DINH, "body": "x" * 4_100_000})
    assert response.status_code == 413
    assert "vượt quá 4 MB" in Page(response.get_data(as_text=True)).summary


# --- CSRF --------------------------------------------------------------------------------------

@pytest.mark.parametrize("forge", ["no-token", "wrong-token", "no-cookie"])
def test_a_post_without_the_pages_token_is_refused(client, forge):
    real = token(client)
    data = dict(QUYET_DINH, csrf_token={"no-token": "", "wrong-token": "A" * 43,
                                        "no-cookie": real}[forge])
    if forge == "no-cookie":
        client.delete_cookie(form.CSRF_COOKIE)
    response = client.post("/", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    page = Page(response.get_data(as_text=True))
    assert form.CSRF_REFUSED in page.summary
    assert page.values["signer_name"] == "Trần Văn Bình"          # kept, to send again
    # The page comes back with a good token: sending it again works.
    retry = client.post("/", data={**QUYET_DINH, "csrf_token": page.values["csrf_token"]},
                        content_type="multipart/form-data")
    assert retry.status_code == 200 and retry.mimetype == DOCX


def test_the_json_api_needs_no_form_token(client):
    client.delete_cookie(form.CSRF_COOKIE)
    assert client.post("/v1/documents", json=example("ke_hoach")).status_code == 200


# --- JSON upload -------------------------------------------------------------------------------

def upload(content: bytes, name: str = "van-ban.json") -> dict[str, Any]:
    return {"action": "json", "format": "docx", "payload_file": (io.BytesIO(content), name)}


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["utf8", "utf8-bom"])
def test_an_uploaded_json_is_sent_as_it_is(client, bom):
    payload = example("quyet_dinh")                 # a body of blocks the form cannot show
    response = post(client, upload(bom + json.dumps(payload).encode()))
    assert response.status_code == 200
    api = client.post("/v1/documents", json=payload)
    assert docx_lines(open_docx(response.data)) == docx_lines(open_docx(api.data))


def test_an_uploaded_json_with_errors_lists_them_with_their_paths(client):
    payload = example("cong_van")
    payload["tyep"] = "x"
    del payload["signer"]["name"]
    typed = {"subject": "Điều đã gõ vào ô trích yếu"}
    response = post(client, {**typed, **upload(json.dumps(payload).encode())})
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert page.errors == {}                        # the inputs did not make this payload
    assert "Họ và tên người ký (signer.name): Thiếu trường bắt buộc." in page.summary
    assert "tyep: Trường không có trong hợp đồng dữ liệu" in page.summary
    assert page.values["subject"] == typed["subject"]


@pytest.mark.parametrize(("content", "message"), [
    (b'{"type": "cong_van",\n "issuer": }', "Tệp không phải JSON hợp lệ (dòng 2, cột 12)."),
    ("{}".encode("utf-16"), "Tệp phải là văn bản JSON mã hóa UTF-8."),
    (None, "Hãy chọn một tệp JSON trước khi bấm “Tạo từ tệp JSON”."),
], ids=["not-json", "not-utf8", "no-file"])
def test_an_unreadable_upload_is_named_beside_the_file_input(client, content, message):
    data = upload(content) if content is not None else {"action": "json"}
    response = post(client, data)
    assert response.status_code == 400
    page = Page(response.get_data(as_text=True))
    assert page.errors == {"payload_file": f"Lỗi: {message}"}


# --- Preview -----------------------------------------------------------------------------------

LONG_BODY = "\r\n".join(f"Điều {n}. Nội dung điều {n} của quyết định." for n in range(1, 61))


def preview_images(html: str) -> list[tuple[str, pymupdf.Pixmap]]:
    """(alt text, image) of each page the preview shows."""
    return [(alt, pymupdf.Pixmap(base64.b64decode(data))) for data, alt in re.findall(
        r'<img src="data:image/png;base64,([^"]+)" width="\d+" height="\d+"\s+alt="([^"]+)"',
        html)]


def dark_pixels(pix: pymupdf.Pixmap) -> int:
    return sum(1 for v in pix.samples[::pix.n] if v < 128)


def test_preview_shows_every_page(pdf_app, converter):
    client = pdf_app.test_client()
    before = converter.calls
    response = post(client, {**QUYET_DINH, "action": "preview", "body": LONG_BODY})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert converter.calls == before + 1
    shown = preview_images(html)
    total = len(shown)
    assert total >= 2, "the long body should run over several pages"
    assert f"Xem trước: {total} trang" in html
    for number, (alt, pix) in enumerate(shown, 1):
        assert alt == f"Trang {number}/{total} của văn bản sẽ tải về"
        assert (pix.width, round(pix.height, -1)) == (910, 1290)   # A4 at 110 dpi: sharp at 100 %
        assert dark_pixels(pix) > 200, f"page {number} looks blank"
    assert Page(html).values["signer_name"] == "Trần Văn Bình"        # ready to download


def test_preview_alone_for_the_script_that_swaps_it_in(pdf_app):
    response = post(pdf_app.test_client(), {**QUYET_DINH, "action": "preview"},
                    headers={form.PART_HEADER: form.PREVIEW_PART})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<aside class="preview has-pages" id="preview"')
    assert "<form" not in html and len(preview_images(html)) == 1
    assert response.headers["Cache-Control"] == "no-store"


def test_a_long_document_previews_its_first_pages_and_says_so(pdf_app, converter):
    pdf = converter.to_pdf(pdf_app.extensions["vanban.pipeline"].generate(
        {**example("quyet_dinh")}).content)
    pages = preview.page_pngs(pdf, max_pages=1)
    assert pages.total == pymupdf.open(stream=pdf, filetype="pdf").page_count
    width, height = pages.images[0].size
    assert len(pages.images) == 1 and width == 910 and abs(height - 1286) <= 1


def test_preview_of_an_invalid_form_shows_the_errors_instead(pdf_app, converter):
    before = converter.calls
    response = post(pdf_app.test_client(), {**QUYET_DINH, "action": "preview", "place": ""})
    assert response.status_code == 422
    assert Page(response.get_data(as_text=True)).errors == {"place": "Lỗi: Không được để trống."}
    assert converter.calls == before


def test_preview_without_pdf_checks_the_fields_and_says_why_no_image(client):
    response = post(client, {**QUYET_DINH, "action": "preview"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert form.PDF_OFF in html and "data:image/png" not in html
    assert post(client, {**QUYET_DINH, "action": "preview", "place": ""}).status_code == 422


# --- Both formats from one press ---------------------------------------------------------------

def test_both_formats_from_one_press_in_one_zip(pdf_app, converter):
    from service.batch.results import unicode_path
    client = pdf_app.test_client()
    before = converter.calls
    response = post(client, {**QUYET_DINH, "format": "both"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert 'filename="07-QD-UBND.zip"' in response.headers["Content-Disposition"]
    assert "filename*=UTF-8''07-Q%C4%90-UBND.zip" in response.headers["Content-Disposition"]
    assert converter.calls == before + 1                   # one conversion, of that DOCX
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["07-QD-UBND.docx", "07-QD-UBND.pdf"]
        assert [unicode_path(i) for i in infos] == ["07-QĐ-UBND.docx", "07-QĐ-UBND.pdf"]
        docx, pdf = (archive.read(i) for i in infos)
    assert_valid(docx)
    lines = docx_lines(open_docx(docx))
    assert "Số: 07/QĐ-UBND" in lines
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        printed = "".join(page.get_text() for page in document)
    assert all(line[:90] in printed for line in lines if line.strip()), "not that DOCX's PDF"


def test_both_formats_need_a_server_that_makes_pdf(client):
    response = post(client, {**QUYET_DINH, "format": "both"})
    assert response.status_code == 406
    assert "chưa bật xuất PDF" in Page(response.get_data(as_text=True)).errors["format"]
