"""Map a corpus `.fields.json` (../shared/corpus) to a v1 `POST /v1/documents` payload.

Driven by the fields only; the few quirks of particular extractions are handled by general
rules, each commented where it applies. Nothing here copies corpus text into the project.
"""

from __future__ import annotations

import re
from typing import Any

from schemas.registry import TYPES

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


# An authority_prefix that is a whole line ("KT. BỘ TRƯỞNG"), not a summary ("TM.+KT.").
_PREFIX_LINE = re.compile(r"^(TM|KT|Q|TL|TUQ)\.\s+[^\W\d_]")


def signer(fields: dict[str, Any]) -> dict[str, Any]:
    """collective_line, authority_prefix (when a whole line) and title_lines → on_behalf
    [{mode, of}] + title; name as is."""
    src = fields["signer"]
    lines = [src["collective_line"]] if src.get("collective_line") else []
    prefix = (src.get("authority_prefix") or "").strip()
    if _PREFIX_LINE.match(prefix) and prefix not in (src.get("title_lines") or []):
        lines.append(prefix)
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


def default_enactment(fields: dict[str, Any]) -> str | None:
    """The type's own enactment line: "QUYẾT ĐỊNH:", "QUYẾT NGHỊ:" (nd30-spec §3.7)."""
    return TYPES[fields["document_type"]].enactment


def body_lines(fields: dict[str, Any]) -> list[str]:
    """The body as a clerk would paste it: enacting sentence (when not the default line),
    intro, each section's heading and paragraphs, closing."""
    lines: list[str] = []
    enacting = fields.get("enacting_lines") or []
    lines += [s for s in enacting if s.strip() != default_enactment(fields)]
    lines += fields.get("body_intro") or []
    for section in fields.get("body_sections") or []:
        lines.append(section["heading"])
        lines += section.get("paragraphs") or []
    lines += fields.get("closing") or []
    return lines


def enactment(fields: dict[str, Any]) -> dict[str, Any]:
    """Decisions and resolutions: the type's default line, or none when the document enacts
    by a sentence (QPPL form of 2025), which then opens the body."""
    default = default_enactment(fields)
    if default is None:
        return {}
    enacting = [s.strip() for s in fields.get("enacting_lines") or []]
    if default in enacting:
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
    # A căn cứ ending with "," leads into the enactment line ("Căn cứ ý kiến biểu quyết của
    # …,"), so it comes after the proposal (45), which the extraction lists apart.
    legal = fields.get("legal_bases") or []
    leading = [b for b in legal if b.rstrip().endswith(",")]
    bases = [*(b for b in legal if b not in leading), *(fields.get("proposal_basis") or []),
             *leading]
    if bases:
        payload["bases"] = bases
    if archive:
        payload["archive"] = archive
    mark = drafter(rest)
    if mark:
        payload["drafter"] = mark
    return payload


# --- corpus/types: the fields of the further types ------------------------------------------

_ATTACHABLE = {t.name: key for key, t in TYPES.items() if t.attachable}


def attached_body(sections: list[dict[str, Any]]) -> str:
    """An attached quy chế's chương and điều as a clerk would paste them."""
    lines: list[str] = []
    for chapter in sections:
        lines += [chapter["label"], chapter["heading"]]
        for article in chapter.get("articles") or []:
            lines.append(article["heading"])
            lines += article.get("paragraphs") or []
    return "\n".join(lines)


def build_types_payload(fields: dict[str, Any]) -> dict[str, Any]:
    """The v1 payload for a document of corpus/types: as build_payload, plus the công điện's
    sender and addressees and the text a quyết định issues (Mẫu 1.3)."""
    attached = fields.get("attached")
    if attached:
        fields = {**fields, "document_type": "quyet_dinh"}
    payload = build_payload(fields)
    if fields.get("sender_line"):
        payload["sender"] = re.sub(r"\s+điện:\s*$", "", fields["sender_line"].strip())
    if fields.get("addressees"):
        payload["to"] = [_strip_end(_DASH.sub("", line.strip())) for line in fields["addressees"]]
    if attached:
        payload["attachment"] = {"type": _ATTACHABLE[attached["title"]],
                                 "subject": attached["trich_yeu"],
                                 "reference": attached["reference_line"],
                                 "body": attached_body(attached["body_sections"])}
    return payload
