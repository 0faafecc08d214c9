"""GET /v1/types and /openapi.json describe every type from the registry: what the form, a
spreadsheet template and a caller need to fill one in."""

import pytest

from schemas.registry import TYPES
from tests.conftest import docx_lines, example, open_docx


def test_types_list_every_type_with_its_parts_and_own_fields(client):
    listed = {t["type"]: t for t in client.get("/v1/types").get_json()["types"]}
    assert list(listed) == list(TYPES)
    invitation = listed["giay_moi"]
    assert (invitation["name"], invitation["abbreviation"], invitation["mau"]) == (
        "GIẤY MỜI", "GM", "1.7")
    assert {"invitees", "time", "venue"} <= set(invitation["required"])
    fields = {f["path"]: f for f in invitation["fields"]}
    assert fields["invitees"] == {"path": "invitees", "label": "Kính mời", "kind": "lines",
                                  "required": True,
                                  "hint": "Người hoặc cơ quan được mời, mỗi dòng một"}
    assert fields["time"]["kind"] == "datetime" and not fields["chair"]["required"]
    assert invitation["parts"]["body"] == "optional"
    minutes = listed["bien_ban"]
    assert minutes["parts"] == {"subject": "required", "kinh_gui": False,
                                "authority_and_bases": False, "enactment": None,
                                "date_line": "optional", "signature": "several",
                                "body": "required", "opening": "bien_ban"}
    assert "place" not in minutes["required"] and "signers" in minutes["required"]
    assert [f["path"] for f in minutes["fields"]][:2] == ["meeting.started_at", "meeting.venue"]
    assert listed["giay_gioi_thieu"]["parts"]["subject"] == "none"
    assert listed["nghi_quyet"]["parts"]["enactment"] == "QUYẾT NGHỊ:"
    assert listed["quy_dinh"]["abbreviation"] == "QyĐ"            # mixed case as written
    assert listed["thu_cong"]["abbreviation"] is None and listed["hop_dong"]["mau"] is None


def test_openapi_documents_the_new_parts(client):
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    document = schemas["Document"]["properties"]
    assert {"issuers", "signers", "parties", "meeting", "person", "leave", "invitees",
            "attachment", "copy", "sender"} <= set(document)
    assert set(schemas["Meeting"]["properties"]) == {
        "started_at", "venue", "attendees", "chair", "secretary", "ended_at"}
    assert set(schemas["Copy"]["properties"]["form"]["enum"]) == {"sao_y", "sao_luc",
                                                                  "trich_sao"}
    assert "heading" in schemas["HeadedSigner"]["properties"]


INJECTION = "{{ 7*7 }} {%p endfor %} <w:p>&amp; x"


@pytest.mark.parametrize(("key", "path"), [
    ("giay_moi", ("invitees",)), ("giay_moi", ("venue",)), ("bien_ban", ("meeting", "chair")),
    ("hop_dong", ("parties", 0, "name")), ("cong_dien", ("sender",)),
    ("giay_gioi_thieu", ("person", "name")), ("quy_che", ("signers", 1, "heading")),
])
def test_their_text_is_printed_literally(client, key, path):
    payload = example(key)
    target = payload
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = f"Văn bản {INJECTION}"
    response = client.post("/v1/documents", json=payload)
    assert response.status_code == 200, response.json
    text = "".join(docx_lines(open_docx(response.data))).upper()
    # Compared without white space: a title too long for its block is broken into lines.
    assert "".join(INJECTION.upper().split()) in "".join(text.split()) and "49" not in text
