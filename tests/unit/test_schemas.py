"""The payload contract: every invalid field named by its path, in Vietnamese, all at once."""

import unicodedata

import pytest

import schemas
from service.errors import ValidationError
from tests.conftest import TYPES, example


def errors_of(payload: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        schemas.validate(payload)
    return info.value.fields


@pytest.mark.parametrize("name", TYPES)
def test_every_example_is_valid(name):
    assert schemas.validate(example(name))["type"] == name


@pytest.mark.parametrize(("alias", "key"), [("plan", "ke_hoach"), ("report", "bao_cao"),
                                            ("decision", "quyet_dinh")])
def test_aliases(alias, key):
    payload = example(key)
    payload["type"] = alias
    assert schemas.validate(payload)["type"] == key


def test_all_problems_at_once_by_path():
    payload = example("ke_hoach")
    payload.update(number="abc", date="2023-02-30", typo=1, place="")
    payload["issuer"] = {"name": "x", "code": "U B"}
    payload["signer"]["on_behalf"][0]["mode"] = "XX"
    payload["body"][1]["children"][0]["children"].append({"foo": 1})
    fields = errors_of(payload)
    assert set(fields) == {"number", "date", "typo", "place", "issuer.code",
                           "signer.on_behalf.0.mode", "body.1.children.0.children.2"}
    assert fields["typo"] == ["Trường không có trong hợp đồng dữ liệu (kiểm tra chính tả)."]
    assert fields["date"][0].startswith("Ngày phải theo dạng")


def test_missing_required_fields():
    fields = errors_of({"type": "cong_van"})
    assert set(fields) == {"issuer", "place", "subject", "body", "signer", "to"}
    assert fields["body"] == ["Thiếu trường bắt buộc."]


@pytest.mark.parametrize(("change", "field"), [
    ({"to": []}, "to"),                              # công văn needs Kính gửi
    ({"authority": "CHỦ TỊCH"}, "authority"),          # only decisions
    ({"type": "ke_hoach", "to": ["Sở A"]}, "to"),       # kế hoạch has no Kính gửi
    ({"type": "ke_hoach"}, "unit_code"),              # unit code is for công văn only
])
def test_per_type_rules(change, field):
    payload = example("cong_van")
    payload.update(change)
    assert field in errors_of(payload)


@pytest.mark.parametrize(("value", "ok"), [
    ("2026", True), ("2026-02", True), ("2026-02-28", True), (None, True),
    ("2026-13", False), ("2026-02-29", False), ("26-02-2026", False), (20260228, False),
])
def test_dates(value, ok):
    payload = example("ke_hoach")
    payload["date"] = value
    if ok:
        schemas.validate(payload)
    else:
        assert "date" in errors_of(payload)


@pytest.mark.parametrize(("value", "parsed"), [(7, 7), ("15", 15), (None, None)])
def test_number_int_or_digit_string(value, parsed):
    payload = example("ke_hoach")
    payload["number"] = value
    assert schemas.validate(payload)["number"] == parsed


@pytest.mark.parametrize("value", [0, -3, "12a", True, 1.5])
def test_bad_numbers(value):
    payload = example("ke_hoach")
    payload["number"] = value
    assert errors_of(payload)["number"] == ["Số văn bản phải là số nguyên dương."]


def test_text_is_nfc_and_whitespace_folded():
    payload = example("ke_hoach")
    payload["subject"] = unicodedata.normalize("NFD", "Kế hoạch   năm\n2026")
    subject = schemas.validate(payload)["subject"]
    assert subject == "Kế hoạch năm 2026"
    assert unicodedata.is_normalized("NFC", subject)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\ufffe"])
def test_control_characters_are_refused(char):
    payload = example("ke_hoach")
    payload["signer"]["name"] = f"Lê{char}Hà"
    assert errors_of(payload)["signer.name"] == [
        "Chứa ký tự điều khiển không hợp lệ (vị trí 3)."]


def test_table_shape_is_checked():
    payload = example("to_trinh")
    table = payload["body"][2]["children"][0]["table"]
    table["rows"][1] = ["chỉ một ô"]
    table["widths"] = [1, 2]
    fields = errors_of(payload)
    assert fields["body.2.children.0.table.rows.1"] == ["Mỗi dòng phải có 3 ô."]
    assert "body.2.children.0.table.widths" in fields


def test_widths_and_copies_must_be_positive():
    payload = example("to_trinh")
    payload["body"][2]["children"][0]["table"]["widths"] = [1, 0, -2]
    payload["drafter"] = {"code": "PL", "copies": 0}
    fields = errors_of(payload)
    assert fields["body.2.children.0.table.widths.1"] == ["Độ rộng phải lớn hơn 0."]
    assert fields["body.2.children.0.table.widths.2"] == ["Độ rộng phải lớn hơn 0."]
    assert fields["drafter.copies"] == ["Phải là số nguyên dương."]


def test_body_must_not_be_empty_or_too_deep():
    payload = example("ke_hoach")
    payload["body"] = []
    assert errors_of(payload)["body"] == ["Nội dung không được để trống."]
    deep: dict = {"text": "đáy"}
    for _ in range(7):
        deep = {"heading": "tầng", "children": [deep]}
    payload["body"] = [deep]
    assert "Nội dung lồng quá" in errors_of(payload)["body"][0]


def test_appendices_are_checked_field_by_field():
    payload = example("quyet_dinh")
    payload["appendices"] = [{"body": "x"}, {"title": "T", "body": [], "extra": 1}]
    fields = errors_of(payload)
    assert fields["appendices.0.title"] == ["Thiếu trường bắt buộc."]
    assert fields["appendices.1.body"] == ["Nội dung không được để trống."]
    assert "appendices.1.extra" in fields
    payload["appendices"] = [{"title": "T", "body": "x"}] * 21
    assert "appendices" in errors_of(payload)


def test_a_block_needs_exactly_one_kind():
    payload = example("ke_hoach")
    payload["body"] = [{"text": "a", "heading": "b"}, "chuỗi"]
    fields = errors_of(payload)
    assert fields["body.0"][0].startswith("Khối nội dung phải có đúng một")
    assert fields["body.1"] == ["Mỗi khối nội dung phải là một đối tượng JSON."]


def test_payload_must_be_an_object():
    assert errors_of([1, 2]) == {"_payload": ["Dữ liệu phải là một đối tượng JSON."]}
