"""Map a corpus `.fields.json` (../shared/corpus) to a v1 `POST /v1/documents` payload.

Driven by the fields only; the few quirks of particular extractions are handled by general
rules, each commented where it applies. Nothing here copies corpus text into the project.
"""

from __future__ import annotations

import re
from typing import Any

from schemas.registry import TYPES

DEFAULT_ENACTMENT = "QUYẾT ĐỊNH:"
_SIGNER_MODE = re.compile(r"^(TM|KT|Q|TL|TUQ)\.\s*(.+)$")
_ARCHIVE = re.compile(r"^Lưu\s*:\s*(.+?)\s*[.;]?$")
# "<n>/<ABBR>-<CODE>" or, for công văn, "<n>/<CODE>-<UNIT>": the ký hiệu the service computes.
_COMPUTED = re.compile(r"^(\d+)/([^\W_]+)-([^\W_]+)$")
_DASH = re.compile(r"^[-–]\s*")


def issuer_code(fields: dict[str, Any]) -> tuple[str, str | None]:
    """(issuer.code, unit_code) read off the ký hiệu: `…/QĐ-UBND` → UBND, `4240/UBND-VX` →
    (UBND, VX) for a công văn."""
    notation = fields["number_symbol"].rsplit("/", 1)[-1]
    head, _, tail = notation.partition("-")
    if fields["document_type"] == "cong_van":
        return head, tail or None
    return tail or head, None


def number_or_symbol(fields: dict[str, Any]) -> dict[str, Any]:
    """`number` when the ký hiệu is the computed one, else the whole text as `symbol`."""
    text = fields["number_symbol"]
    m = _COMPUTED.match(text)
    code, unit = issuer_code(fields)
    abbrev = TYPES[fields["document_type"]].abbrev
    expected = (code, unit) if abbrev is None else (abbrev, code)
    # The number must read as the service prints it (padded below 10 only): "031" stays text.
    if m and (m.group(2), m.group(3)) == expected and f"{int(m.group(1)):02d}" == m.group(1):
        return {"number": int(m.group(1))}
    return {"symbol": text}


def subject(fields: dict[str, Any]) -> str:
    """Trích yếu; the service prints the "V/v " of a công văn itself."""
    text = fields["trich_yeu"]
    if fields["document_type"] == "cong_van":
        text = re.sub(r"^V/v\s+", "", text)
    return text


def recipients(lines: list[str]) -> tuple[list[str], str | None, list[str]]:
    """(items, archive, rest): dashes and endings stripped, the "Lưu: …" line as `archive`.

    Quirks: a line without a leading dash continues the item above, the source cell having
    wrapped it (15: "- VPCP: …, Cổng TTĐTCP," / "Trợ lý …;" / "các Vụ: …;");
    a line without a dash after the "Lưu" line is ô 12 (01: "Huy (23 bản)") and is returned
    in `rest` for the caller to handle; a "Lưu" line without its colon (14: "- Lưu VT, VP,
    CĐS") stays an ordinary item, since `archive` would print "Lưu: …".
    """
    items: list[str] = []
    archive: str | None = None
    rest: list[str] = []
    for raw in lines:
        line = raw.strip()
        dashed = bool(_DASH.match(line))
        text = _DASH.sub("", line)
        if archive is not None and not dashed:
            rest.append(text)
            continue
        m = _ARCHIVE.match(text)
        if m:
            archive = m.group(1)
            continue
        if not dashed and items:
            items[-1] = f"{items[-1]} {text}"
            continue
        items.append(text)
    return [_strip_end(i) for i in items], archive, rest


def _strip_end(text: str) -> str:
    return re.sub(r"[;.]$", "", text.rstrip())


def drafter(rest: list[str]) -> dict[str, Any] | None:
    """Ô 12 from a line like "Huy (23 bản)": code and number of copies."""
    for line in rest:
        m = re.fullmatch(r"([^\W\d_]+)\s*\.?\s*\((\d+)(?:\s*bản)?\)", line)
        if m:
            return {"code": m.group(1), "copies": int(m.group(2))}
    return None


def signer(fields: dict[str, Any]) -> dict[str, Any]:
    """collective_line and title_lines → on_behalf [{mode, of}] + title; name as is."""
    src = fields["signer"]
    lines = [src["collective_line"]] if src.get("collective_line") else []
    lines += src.get("title_lines") or []
    on_behalf: list[dict[str, str]] = []
    title: list[str] = []
    for line in lines:
        m = _SIGNER_MODE.match(line.strip())
        if m and not title:
            on_behalf.append({"mode": m.group(1), "of": m.group(2)})
        else:
            title.append(line.strip())
    out: dict[str, Any] = {"name": src["name"], "on_behalf": on_behalf}
    if title:
        out["title"] = " ".join(title)
    return out


def body_lines(fields: dict[str, Any]) -> list[str]:
    """The body as a clerk would paste it: enacting sentence (when not the default line),
    intro, each section's heading and paragraphs, closing."""
    lines: list[str] = []
    enacting = fields.get("enacting_lines") or []
    lines += [s for s in enacting if s.strip() != DEFAULT_ENACTMENT]
    lines += fields.get("body_intro") or []
    for section in fields.get("body_sections") or []:
        lines.append(section["heading"])
        lines += section.get("paragraphs") or []
    lines += fields.get("closing") or []
    return lines


def enactment(fields: dict[str, Any]) -> dict[str, Any]:
    """Decisions: the default "QUYẾT ĐỊNH:" line, or none when the document enacts by a
    sentence (QPPL form of 2025), which then opens the body."""
    if fields["document_type"] != "quyet_dinh":
        return {}
    enacting = [s.strip() for s in fields.get("enacting_lines") or []]
    if DEFAULT_ENACTMENT in enacting:
        return {}
    return {"enactment": None}


def build_payload(fields: dict[str, Any]) -> dict[str, Any]:
    """The v1 payload for one corpus document."""
    code, unit = issuer_code(fields)
    issuer: dict[str, Any] = {"name": fields["issuer_name"], "code": code}
    if fields.get("issuer_parent"):
        issuer["parent"] = fields["issuer_parent"]
    items, archive, rest = recipients(fields.get("recipients") or [])
    payload: dict[str, Any] = {
        "type": fields["document_type"],
        "issuer": issuer,
        **number_or_symbol(fields),
        "place": fields["place"],
        "date": fields["date"],
        "subject": subject(fields),
        **enactment(fields),
        "body": "\n".join(body_lines(fields)),
        "recipients": items,
        "signer": signer(fields),
    }
    if unit:
        payload["unit_code"] = unit
    if fields.get("kinh_gui"):
        payload["to"] = list(fields["kinh_gui"])
    if fields.get("issuing_authority_line"):
        payload["authority"] = fields["issuing_authority_line"]
    bases = [*(fields.get("legal_bases") or []), *(fields.get("proposal_basis") or [])]
    if bases:
        payload["bases"] = bases
    if archive:
        payload["archive"] = archive
    mark = drafter(rest)
    if mark:
        payload["drafter"] = mark
    return payload
