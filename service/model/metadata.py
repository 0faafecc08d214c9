"""Phụ lục VI metadata of an outgoing document: the fields with their types and lengths.

The field table is nd30-spec §8 (NĐ30 Phụ lục VI Phần II Mục I), in its order and under its
names. `record()` fills it from validated data and the built document; `to_xml()` writes it
as XML. A record is a plain nested dict (str, int, date, None; a dict for a group, a list for
To), so the PDF's XMP and the DOCX's custom properties can be written from it by code that
knows nothing of NĐ30. PageAmount is the real page count of the PDF: only the pipeline knows
it, so a record built here leaves it None until then (`with_pages`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.etree import ElementTree

STRING, NUMBER, DATE, GROUP = "string", "number", "date", "group"
NAMESPACE = "urn:vanban:nd30:phu-luc-vi#"   # of the XMP properties and the XML elements
PREFIX = "vbpl6"
TITLE = "NĐ30/2020/NĐ-CP Phụ lục VI: thông tin đầu ra của văn bản đi"
LANGUAGE = "Tiếng Việt"
# Mức độ khẩn (Priority, one digit): 0 thường, then khẩn, thượng khẩn, hỏa tốc (nd30-spec §4).
PRIORITY = {None: 0, "khan": 1, "thuong_khan": 2, "hoa_toc": 3}


@dataclass(frozen=True)
class Field:
    name: str
    label: str                          # the decree's Vietnamese name of the field
    kind: str                           # string | number | date | group
    length: int = 0                     # characters (string), digits (number), 10 (date)
    children: tuple[Field, ...] = ()
    repeated: bool = False              # To: one entry per recipient


FIELDS: tuple[Field, ...] = (
    Field("FileCode", "Mã hồ sơ", GROUP, children=(
        Field("OrganId", "Mã định danh của cơ quan, tổ chức", STRING, 13),
        Field("FileCatalog", "Năm hình thành hồ sơ", NUMBER, 4),
        Field("FileNotation", "Số và ký hiệu hồ sơ", STRING, 20))),
    Field("DocOrdinal", "Số thứ tự văn bản trong hồ sơ", NUMBER, 3),
    Field("TypeName", "Tên loại văn bản", STRING, 100),
    Field("CodeNumber", "Số của văn bản", STRING, 11),
    Field("CodeNotation", "Ký hiệu của văn bản", STRING, 30),
    Field("IssuedDate", "Ngày, tháng, năm văn bản", DATE, 10),
    Field("OrganName", "Tên cơ quan, tổ chức ban hành văn bản", STRING, 200),
    Field("Subject", "Trích yếu nội dung", STRING, 500),
    Field("Language", "Ngôn ngữ", STRING, 30),
    Field("PageAmount", "Số lượng trang của văn bản", NUMBER, 3),
    Field("Description", "Ghi chú", STRING, 500),
    Field("SignerInfo", "Thông tin người ký", GROUP, children=(
        Field("Position", "Chức vụ", STRING, 100),
        Field("FullName", "Họ tên", STRING, 50))),
    Field("To", "Nơi nhận", GROUP, repeated=True, children=(
        Field("OrganId", "Mã định danh của cơ quan, tổ chức", STRING, 13),
        Field("OrganName", "Tên cơ quan, tổ chức", STRING, 200))),
    Field("Priority", "Mức độ khẩn", NUMBER, 1),
    Field("IssuedAmount", "Số lượng bản phát hành", NUMBER, 3),
    Field("DueDate", "Hạn văn bản", DATE, 10),
)

# Nơi nhận lines that name no recipient: "Như trên", "Như Điều 3", the file copy "Lưu: VT".
_NOT_A_RECIPIENT = re.compile(r"(như\s|lưu\s*:)", re.IGNORECASE)


def record(data: Mapping[str, Any], number_line: str, type_name: str | None) -> dict[str, Any]:
    """The Phụ lục VI record of a document from its validated data (`schemas.validate`), the
    số line as printed and the tên loại (None: công văn). PageAmount is left None."""
    given = data.get("metadata") or {}
    number, _, notation = number_line.removeprefix("Số:").strip().partition("/")
    when = data.get("date")
    issued = date(when.year, when.month, when.day) if when and when.day else None
    # Several blocks (nd30-spec §6): the one in the Mẫu's signing place, on the right (the
    # chủ tọa, the issuing party), or a joint document's first issuer's.
    signers = data.get("signers") or []
    signer = data.get("signer") or (signers[0] if data.get("issuers") else signers[-1])
    on_behalf = signer.get("on_behalf") or []
    position = signer.get("title") or (on_behalf[-1]["of"] if on_behalf else None)
    file_code = None
    if given.get("file_notation"):
        file_code = {"OrganId": given.get("organ_id"),
                     "FileCatalog": given.get("file_year") or (when.year if when else None),
                     "FileNotation": given["file_notation"]}
    drafter = data.get("drafter") or {}
    values = {
        "FileCode": file_code,
        "DocOrdinal": given.get("ordinal"),
        "TypeName": (type_name or "công văn").capitalize(),
        "CodeNumber": number if number.strip("\u00a0 ").isdigit() else None,
        "CodeNotation": notation or None,
        "IssuedDate": issued,
        "OrganName": " - ".join(_name(i["name"])
                                for i in data.get("issuers") or [data["issuer"]]),
        "Subject": data["subject"],
        "Language": LANGUAGE,
        "PageAmount": None,
        "Description": given.get("description"),
        "SignerInfo": {"Position": position, "FullName": signer["name"]},
        "To": [{"OrganId": None, "OrganName": name} for name in _recipients(data)],
        "Priority": PRIORITY[data.get("urgency")],
        "IssuedAmount": drafter.get("copies"),
        "DueDate": given.get("due_date"),
    }
    return fit(values)


def with_pages(values: Mapping[str, Any], pages: int) -> dict[str, Any]:
    """The record with PageAmount, the page count of the PDF it describes."""
    return fit({**values, "PageAmount": pages})


def fit(values: Mapping[str, Any], fields: tuple[Field, ...] = FIELDS) -> dict[str, Any]:
    """Every field of the table in its order, each value within its length: a string cut at
    a word with "…" (the printed text keeps it whole), a number with too many digits left
    out rather than falsified."""
    out: dict[str, Any] = {}
    for spec in fields:
        value = values.get(spec.name)
        if spec.kind == GROUP:
            if spec.repeated:
                value = [fit(item, spec.children) for item in value or ()]
            elif value is not None:
                value = fit(value, spec.children)
        elif value is not None and spec.kind == STRING:
            value = _cut(str(value), spec.length)
        elif value is not None and spec.kind == NUMBER and len(str(value)) > spec.length:
            value = None
        out[spec.name] = value
    return out


def _cut(text: str, length: int) -> str:
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    head = text[:length - 1]
    if " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:") + "…"


def _name(name: str | list[str]) -> str:
    return " ".join(name) if isinstance(name, list) else name


def _recipients(data: Mapping[str, Any]) -> list[str]:
    """Kính gửi first, then the nơi nhận that name a recipient, each once (nd30-spec §3.10)."""
    out: list[str] = []
    for line in [*(data.get("to") or ()), *(data.get("recipients") or ())]:
        name = re.sub(r"^[-–+]\s*", "", line.strip()).rstrip(";.,").strip()
        if name and not _NOT_A_RECIPIENT.match(name + " ") and name not in out:
            out.append(name)
    return out


def to_json(values: Mapping[str, Any]) -> dict[str, Any]:
    """The record with dates as ISO 8601 text (YYYY-MM-DD, the 10 characters of the table)."""
    return {k: (v.isoformat() if isinstance(v, date) else
                [to_json(i) for i in v] if isinstance(v, list) else
                to_json(v) if isinstance(v, dict) else v) for k, v in values.items()}


def to_xml(values: Mapping[str, Any], root: str = "OutgoingDocument") -> bytes:
    """The record as XML, one element per field under its Phụ lục VI name; empty fields are
    left out."""
    element = ElementTree.Element(f"{{{NAMESPACE}}}{root}")
    _xml_fields(element, to_json(values))
    return ElementTree.tostring(element, encoding="utf-8", xml_declaration=True,
                                default_namespace=NAMESPACE)


def _xml_fields(parent: ElementTree.Element, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            if item is None:
                continue
            child = ElementTree.SubElement(parent, f"{{{NAMESPACE}}}{name}")
            if isinstance(item, dict):
                _xml_fields(child, item)
            else:
                child.text = str(item)


def flat(values: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """The filled fields as (dotted name, value): `SignerInfo.FullName`, `To.2.OrganName`
    (numbered from 1), for stores of flat name/value pairs such as DOCX custom properties."""
    out: list[tuple[str, Any]] = []
    for name, value in values.items():
        if isinstance(value, list):
            for n, item in enumerate(value, start=1):
                out.extend(flat(item, f"{prefix}{name}.{n}."))
        elif isinstance(value, dict):
            out.extend(flat(value, f"{prefix}{name}."))
        elif value is not None:
            out.append((prefix + name, value))
    return out
