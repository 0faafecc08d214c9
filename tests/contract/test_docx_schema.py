"""Every DOCX vanban writes or ships validates against ECMA-376 (../shared/ooxml-xsd), and still
does once Word's own library, python-docx, has opened and saved it again.

Word calls a file whose parts break the schema damaged and offers to repair it; LibreOffice
opens it without a word, so the conversion tests alone would never notice.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

import docx
import pytest

from tests.conftest import EXAMPLES, ROOT, example
from tests.layout.conftest import type_variants, variants
from tests.ooxml import assert_valid, require_schemas

TEMPLATES = sorted((ROOT / "templates").glob("*.docx"))
LONG_SUBJECT = (
    "Về việc bãi bỏ Quyết định số 68/2010/QĐ-UBND ngày 20 tháng 12 năm 2010 của Ủy ban nhân "
    "dân tỉnh ban hành Quy định về trình tự, thủ tục giao đất, cho thuê đất, chuyển mục đích "
    "sử dụng đất, thu hồi đất để thực hiện các dự án đầu tư trên địa bàn tỉnh và các văn bản "
    "sửa đổi, bổ sung")


def everything() -> dict[str, dict]:
    """Payloads that use every feature at once: a decision and a letter."""
    decision = example("quyet_dinh")
    decision.update(
        issuer={"parent": "Ủy ban nhân dân tỉnh Bình Minh",
                "name": ["Ban Chỉ đạo chuyển đổi số", "tỉnh Bình Minh"], "code": "BCĐ"},
        subject=LONG_SUBJECT, place="Thành phố Hồ Chí Minh", date="2026-11-18",
        urgency="thuong_khan", secrecy="mat", circulation="Lưu hành nội bộ",
        drafter={"code": "pl", "copies": 30}, contact="Số 1 Lê Lợi; ĐT: 0200 3888 999",
        archive=None, enactment="QUYẾT ĐỊNH:")
    decision["body"] = [
        {"part": "Quy định chung", "children": [
            {"article": "Phạm vi điều chỉnh", "children": [{"text": "Quy định chung."}]},
            {"heading": "Nhiệm vụ", "children": [
                {"item": "Hỗ trợ người dân.", "children": [
                    {"bullets": ["ý một", {"text": "ý hai", "children": [
                        {"bullets": ["ý nhỏ"], "label": "+"}]}]}]}]}]},
        {"part": "Tổ chức thực hiện", "label": "Chương II", "children": [
            {"article": "Thành lập Ban gồm các ông (bà) có tên sau:", "children": [
                {"bullets": ["Ông A", "Bà B"]}]},
            {"table": {"columns": ["STT", "Họ và tên"], "widths": [1, 5],
                       "rows": [["1", "Nguyễn Văn A"], ["2", ""]]}, "label": "Danh sách:"}]},
    ]
    decision["appendices"] = [
        {"title": "Danh sách", "body": [{"table": {"columns": ["A", "B"], "rows": [["1", "2"]]}}]},
        {"title": "Lịch", "label": "Phụ lục II", "body": "I. Thời gian\nSáng thứ Bảy."},
    ]
    letter = example("cong_van")
    letter.update(subject="Tổ chức Tết Trồng cây năm 2027 và các hoạt động hưởng ứng",
                  urgency="hoa_toc", contact="ĐT: 0200 3888 999", number=None, date=None,
                  drafter={"code": "ccvc"})
    return {"everything_decision": decision, "everything_letter": letter}


def cases() -> dict[str, dict]:
    out = {path.stem: example(path.stem) for path in sorted(EXAMPLES.glob("*.json"))}
    out.update(variants())
    out.update(type_variants())
    out.update(everything())
    return out


def resaved(data: bytes) -> bytes:
    out = io.BytesIO()
    docx.Document(io.BytesIO(data)).save(out)
    return out.getvalue()


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.stem for p in TEMPLATES])
def test_every_template_is_valid(path: Path):
    data = path.read_bytes()
    assert_valid(data, f"templates/{path.name}")
    assert_valid(resaved(data), f"templates/{path.name} saved again")


@pytest.mark.parametrize(("name", "payload"), list(cases().items()), ids=list(cases()))
def test_every_document_is_valid(client, name, payload):
    require_schemas()
    response = client.post("/v1/documents?format=docx", json=copy.deepcopy(payload))
    assert response.status_code == 200, response.data[:300]
    assert_valid(response.data, name)
    assert_valid(resaved(response.data), f"{name} saved again")


def test_a_broken_part_is_named_with_its_line():
    """The check itself: a table property out of order is found and located."""
    require_schemas()
    from tests.ooxml import schema_errors

    data = (ROOT / "templates" / "ke_hoach.docx").read_bytes()
    document = docx.Document(io.BytesIO(data))
    tbl_pr = document.tables[0]._tbl.tblPr
    tbl_pr.append(tbl_pr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
                              "tblInd"))          # moved after tblLook, as before the fix
    out = io.BytesIO()
    document.save(out)
    errors = schema_errors(out.getvalue())
    assert errors and errors[0].startswith("word/document.xml:")
    assert "tblInd" in errors[0]
