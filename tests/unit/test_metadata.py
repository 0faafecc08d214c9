"""Phụ lục VI metadata (nd30-spec §8): the field table, the record of a payload, its limits."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from xml.etree import ElementTree

import pytest

import schemas
from service.model import metadata
from service.model.build import build
from tests.conftest import example
from tests.ooxml import schema_errors

# nd30-spec §8, as written there: field, type, length; groups with their parts.
SPEC = """
FileCode.OrganId String 13; FileCode.FileCatalog Number 4; FileCode.FileNotation String 20;
DocOrdinal Number 3; TypeName String 100; CodeNumber String 11; CodeNotation String 30;
IssuedDate Date 10; OrganName String 200; Subject String 500; Language String 30;
PageAmount Number 3; Description String 500; SignerInfo.Position String 100;
SignerInfo.FullName String 50; To.OrganId String 13; To.OrganName String 200;
Priority Number 1; IssuedAmount Number 3; DueDate Date 10
"""


def table() -> list[tuple[str, str, int]]:
    out = []
    for spec in metadata.FIELDS:
        for field in spec.children or (spec,):
            name = f"{spec.name}.{field.name}" if spec.children else spec.name
            out.append((name, field.kind.capitalize(), field.length))
    return out


def test_the_field_table_is_the_spec_s():
    expected = [(name, kind, int(length)) for name, kind, length in
                (item.split() for item in SPEC.replace("\n", " ").split(";"))]
    assert table() == expected


def record(payload: dict) -> dict:
    return build(schemas.validate(payload)).record


def test_record_of_a_plan():
    values = record(example("ke_hoach"))
    assert values["TypeName"] == "Kế hoạch"
    assert (values["CodeNumber"], values["CodeNotation"]) == ("15", "KH-UBND")
    assert values["IssuedDate"] == date(2026, 2, 6)
    assert values["OrganName"] == "Ủy ban nhân dân phường An Bình"
    assert values["SignerInfo"] == {"Position": "Phó Chủ tịch", "FullName": "Lê Thị Thu Hà"}
    assert values["Language"] == "Tiếng Việt" and values["Priority"] == 0
    assert values["PageAmount"] is None                       # only a PDF knows it
    names = [to["OrganName"] for to in values["To"]]
    assert "Sở Khoa học và Công nghệ" in names
    assert not any(n.startswith(("Lưu", "Như")) for n in names)
    assert list(values) == [spec.name for spec in metadata.FIELDS]


def test_record_of_a_letter_with_everything_the_payload_can_add():
    payload = example("cong_van")
    payload.update(urgency="hoa_toc", drafter={"code": "pl", "copies": 30}, metadata={
        "organ_id": "000.00.00.H41", "file_notation": "01.CCVC", "ordinal": 12,
        "description": "Gửi kèm bản điện tử", "due_date": "2026-04-15"})
    values = record(payload)
    assert values["TypeName"] == "Công văn"
    assert values["Subject"].startswith("cập nhật cơ sở dữ liệu")   # the trích yếu, no "V/v"
    assert values["FileCode"] == {"OrganId": "000.00.00.H41", "FileCatalog": 2026,
                                  "FileNotation": "01.CCVC"}
    assert (values["DocOrdinal"], values["Priority"], values["IssuedAmount"]) == (12, 3, 30)
    assert values["DueDate"] == date(2026, 4, 15)
    assert values["To"][0]["OrganName"] == "Các sở, ban, ngành thuộc tỉnh"   # Kính gửi first


def test_unnumbered_and_undated_leave_those_fields_empty():
    payload = example("ke_hoach")
    payload.update(number=None, date="2026-02")
    values = record(payload)
    assert values["CodeNumber"] is None and values["CodeNotation"] == "KH-UBND"
    assert values["IssuedDate"] is None


def test_a_symbol_splits_into_number_and_notation():
    payload = example("quyet_dinh")
    payload["symbol"] = "63/2025/QĐ-UBND"
    values = record(payload)
    assert (values["CodeNumber"], values["CodeNotation"]) == ("63", "2025/QĐ-UBND")


def test_every_value_fits_its_length():
    payload = example("ke_hoach")
    payload["subject"] = "Triển khai nhiệm vụ " * 45                # 900 characters
    payload["signer"]["name"] = "Nguyễn Thị Hoàng Anh Minh Châu Bảo Ngọc Phương Thảo Vy"
    values = record(payload)
    assert len(values["Subject"]) <= 500 and values["Subject"].endswith("…")
    assert len(values["SignerInfo"]["FullName"]) <= 50
    limits = dict((name, length) for name, _, length in table())
    for name, value in metadata.flat(values):
        key = ".".join(part for part in name.split(".") if not part.isdigit())
        assert len(str(value if not isinstance(value, date) else value.isoformat())) \
            <= limits[key], name


@pytest.mark.parametrize(("field", "value"), [
    ("ordinal", 1000), ("file_year", 20260), ("organ_id", "0" * 14),
    ("file_notation", "x" * 21), ("due_date", "2026-02-30"), ("extra", 1),
])
def test_bad_metadata_is_refused_naming_the_field(field, value):
    payload = example("ke_hoach")
    payload["metadata"] = {field: value}
    with pytest.raises(schemas.ValidationError) as caught:
        schemas.validate(payload)
    assert f"metadata.{field}" in caught.value.fields


def test_xml_has_one_element_per_filled_field():
    values = record(example("ke_hoach"))
    root = ElementTree.fromstring(metadata.to_xml(values))
    ns = {"m": metadata.NAMESPACE}
    assert root.tag == f"{{{metadata.NAMESPACE}}}OutgoingDocument"
    assert root.findtext("m:CodeNotation", namespaces=ns) == "KH-UBND"
    assert root.findtext("m:IssuedDate", namespaces=ns) == "2026-02-06"
    assert root.findtext("m:SignerInfo/m:FullName", namespaces=ns) == "Lê Thị Thu Hà"
    assert len(root.findall("m:To", ns)) == len(values["To"])
    assert root.find("m:PageAmount", ns) is None               # empty fields are left out


def test_the_docx_carries_the_record_as_custom_properties(client):
    response = client.post("/v1/documents", json=example("ke_hoach"))
    with zipfile.ZipFile(io.BytesIO(response.data)) as package:
        root = ElementTree.fromstring(package.read("docProps/custom.xml"))
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
    props = {p.get("name"): (p[0].tag.rsplit("}", 1)[1], p[0].text)
             for p in root.iter(f"{ns}property")}
    assert props["TypeName"] == ("lpwstr", "Kế hoạch")
    assert props["IssuedDate"] == ("filetime", "2026-02-06T00:00:00Z")
    assert props["Priority"] == ("i4", "0")
    assert props["SignerInfo.FullName"] == ("lpwstr", "Lê Thị Thu Hà")
    assert props["To.2.OrganName"] == ("lpwstr", "Sở Khoa học và Công nghệ")
    assert "PageAmount" not in props
    assert not [e for e in schema_errors(response.data) if e.startswith("docProps/")]


@pytest.mark.parametrize("accept", ["application/json", "application/xml"])
def test_format_metadata_without_pdf(client, accept):
    response = client.post("/v1/documents?format=metadata", json=example("quyet_dinh"),
                           headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    if accept == "application/json":
        assert response.json["CodeNotation"] == "QĐ-UBND"
        assert response.json["PageAmount"] is None              # no PDF on this server
        assert response.json["IssuedDate"] == "2026-01-05"
    else:
        assert b"<CodeNotation>Q\xc4\x90-UBND</CodeNotation>" in response.data


def test_format_metadata_names_bad_fields(client):
    payload = example("quyet_dinh")
    del payload["subject"]
    response = client.post("/v1/documents?format=metadata", json=payload)
    assert response.status_code == 422 and "subject" in response.json["error"]["fields"]
