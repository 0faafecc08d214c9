"""Every type of the registry from the clerk form: its example payload typed into the inputs the
page shows for it (its own fields included: the meeting facts and two signers of a biên bản,
the person of a giấy giới thiệu, the parties of a hợp đồng…) makes the document the API makes.
What the form cannot type (blocks and tables in the body, joint issuers, a copy block, and
anything the registry does not list among the type's inputs) is left out of both, so the
comparison stays exact."""

from __future__ import annotations

import re
from typing import Any

import pytest

from schemas.document import SECRECY, URGENCY
from schemas.registry import TYPES
from service.web import inputs
from tests.conftest import docx_lines, example, open_docx
from tests.contract.test_form import Page, post
from tests.ooxml import assert_valid

_ISO = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?:T(\d{2}):(\d{2}))?")


def typeable(doc_type: str) -> dict[str, Any]:
    """The type's example, less what the form has no input for."""
    payload = example(doc_type)
    if isinstance(payload.get("body"), list):
        numbered = TYPES[doc_type].numbering == "articles"
        payload["body"] = ("Điều 1. Phạm vi áp dụng.\nĐiều 2. Hiệu lực thi hành." if numbered
                           else "I. MỤC ĐÍCH\n1. Nâng cao chất lượng phục vụ.\n- ý thứ nhất")
    if "issuers" in payload:                        # joint documents: the JSON upload's
        payload["issuer"] = payload.pop("issuers")[0]
        payload["signer"] = {k: v for k, v in payload.pop("signers")[0].items()
                             if k != "heading"}
    used = {i.path.split(".")[0] for i in inputs.INPUTS if i.path and i.used_by(doc_type)}
    return {key: value for key, value in payload.items() if key in used}


def typed(value: Any, kind: str) -> str:
    """A contract value as a clerk types it into an input of this kind."""
    if isinstance(value, list):
        return "\r\n".join(value)
    if value is True:
        return "1"
    text = str(value)
    m = _ISO.fullmatch(text)
    if m and kind in (inputs.DATE, inputs.DATETIME):
        year, month, day, hour, minute = m.groups()
        when = f"{day}/{month}/{year}" if day else f"{month}/{year}"
        return f"{hour}:{minute} {when}" if hour else when
    return text.replace("\n", "\r\n")


def lookup(payload: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(payload, dict) or part not in payload:
            return None
        payload = payload[part]
    return payload


def fields_for(payload: dict[str, Any]) -> dict[str, str]:
    """The form filled in as a clerk would to make this payload: each input the page shows
    for its type, read from the payload by the input's contract path."""
    doc_type = payload["type"]
    data = {"type": doc_type, "format": "docx", "action": "download"}
    for i in inputs.INPUTS:
        if not i.path or not i.used_by(doc_type) or i.name in ("type", "format"):
            continue
        value = lookup(payload, i.path)
        if value is None:
            continue
        if i.parts and i.blocks:
            for block, entry in enumerate(value, 1):
                for p in i.parts:
                    if entry.get(p.name) is not None:
                        data[i.part(p.name, block)] = typed(entry[p.name], p.kind)
                for level, line in enumerate(entry.get("on_behalf", []), 1):
                    data[i.part(f"mode_{level}", block)] = line["mode"]
                    data[i.part(f"of_{level}", block)] = line["of"]
        elif i.parts:
            for p in i.parts:
                if value.get(p.name) is not None:
                    data[i.part(p.name)] = typed(value[p.name], p.kind)
        else:
            data[i.name] = typed(value, i.kind)
    if payload.get("date") is None or len(payload["date"]) == 7:
        data["date_blank"] = "1"
    for level, entry in enumerate(payload.get("signer", {}).get("on_behalf", []), 1):
        data[f"signer_mode_{level}"], data[f"signer_of_{level}"] = entry["mode"], entry["of"]
    return data


@pytest.mark.parametrize("doc_type", list(TYPES))
def test_every_type_from_the_form_is_the_apis_document(client, doc_type):
    payload = typeable(doc_type)
    from_api = client.post("/v1/documents", json=payload)
    assert from_api.status_code == 200, from_api.get_json()
    response = post(client, fields_for(payload))
    assert response.status_code == 200, Page(response.get_data(as_text=True)).summary
    assert response.headers["Content-Disposition"] == from_api.headers["Content-Disposition"]
    assert docx_lines(open_docx(response.data)) == docx_lines(open_docx(from_api.data))
    assert_valid(response.data)


def test_a_type_shows_its_own_inputs_and_not_the_others(client):
    html = client.get("/").get_data(as_text=True)
    page = Page(html)
    for doc_type, t in TYPES.items():
        for f in t.fields:
            shown = [i for i in inputs.INPUTS if i.path == f.path and i.used_by(doc_type)]
            assert len(shown) == 1, (doc_type, f.path)
            i = shown[0]
            assert i.label == f.label
            names = ([i.part(p.name, 1) for p in i.parts] if i.blocks else
                     [i.part(p.name) for p in i.parts] if i.parts else [i.name])
            for name in names:
                assert f"input:f-{name}" in page.order, name
    # The giấy giới thiệu has no trích yếu nor nội dung (Mẫu 1.8); the biên bản two signers.
    subject = next(i for i in inputs.INPUTS if i.path == "subject")
    assert "giay_gioi_thieu" not in subject.types and "cong_van" in subject.types
    assert "Không dùng cho: Giấy giới thiệu, Giấy nghỉ phép." in " ".join(html.split())


def test_a_bien_ban_signer_missing_is_named_beside_its_block(client):
    data = fields_for(typeable("bien_ban"))
    data["signers_2_name"] = ""
    response = post(client, data)
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert list(page.errors) == ["signers_2_name"] and page.error_beside("signers_2_name")
    assert page.values["meeting_venue"] == example("bien_ban")["meeting"]["venue"]


@pytest.mark.parametrize(("typed_time", "printed"), [
    ("08:00 15/01/2026", "08 giờ 00, ngày 15 tháng 01 năm 2026"),
    ("8h30 ngày 15/01/2026", "08 giờ 30, ngày 15 tháng 01 năm 2026"),
    ("sáng thứ Năm, ngày 15/01/2026", "sáng thứ Năm, ngày 15/01/2026"),
], ids=["time-then-day", "8h30", "as-typed"])
def test_a_giay_moi_time_typed_the_vietnamese_way(client, typed_time, printed):
    data = {**fields_for(typeable("giay_moi")), "time": typed_time}
    response = post(client, data)
    assert response.status_code == 200, Page(response.get_data(as_text=True)).errors
    assert printed in "\n".join(docx_lines(open_docx(response.data)))


def test_a_time_that_cannot_be_is_refused_beside_it(client):
    data = {**fields_for(typeable("giay_moi")), "time": "08:00 15/01/26"}
    page = Page(post(client, data).get_data(as_text=True))
    assert page.errors == {"time": "Lỗi: Năm phải đủ 4 chữ số (ví dụ 01/12/2026), không viết "
                                   "tắt “26”."}


def test_the_urgency_and_secrecy_offered_are_the_contracts():
    assert [key for key, _ in inputs.URGENCY.choices] == URGENCY
    assert [key for key, _ in inputs.SECRECY.choices] == SECRECY
