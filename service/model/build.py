"""Validated payload → Document: applies the NĐ30 rules (nd30.py) to every element."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from schemas.fields import PartialDate
from schemas.registry import TYPES, DocType
from service.model import metadata, nd30
from service.model.body_text import is_article_title, parse
from service.model.document import (
    Appendix,
    Document,
    Metadata,
    Paragraph,
    Signer,
    Stamp,
    Table,
)

URGENCY = {"khan": ("KHẨN", 20.0), "thuong_khan": ("THƯỢNG KHẨN", 40.0),
           "hoa_toc": ("HỎA TỐC", 30.0)}                      # §4: box sizes in mm
SECRECY = {"mat": "MẬT", "toi_mat": "TỐI MẬT", "tuyet_mat": "TUYỆT MẬT"}
DEFAULT_ENACTMENT = "QUYẾT ĐỊNH:"                            # Mẫu 1.2


def build(data: dict[str, Any]) -> Document:
    """Build the document model from data that `schemas.validate` accepted."""
    doc_type = TYPES[data["type"]]
    issuer = data["issuer"]
    number_line = _number_line(data, doc_type)
    when: PartialDate = data["date"] or PartialDate(None, None, None)
    subject = data["subject"]
    if doc_type.name is None:
        subject = "V/v " + re.sub(r"^v/v[:\s]*", "", subject, flags=re.IGNORECASE)
    signer = data["signer"]
    urgency = URGENCY.get(data["urgency"] or "")
    drafter = data["drafter"]
    name_lines = nd30.agency_lines(issuer["name"])
    stem = number_line.removeprefix("Số:").strip()
    file_stem = _filename_stem(stem, doc_type, subject, issuer["code"])
    return Document(
        type=doc_type.key,
        type_name=doc_type.name,
        parent_lines=tuple(nd30.agency_lines(issuer["parent"])) if issuer["parent"] else (),
        issuer_lines=tuple(name_lines),
        number_line=number_line,
        date_line=nd30.date_line(data["place"], *when),
        subject=subject,
        to=_to_lines(data["to"]),
        authority=data["authority"].upper() if data["authority"] else None,
        bases=tuple(nd30.with_endings(data["bases"])),
        enactment=(data.get("enactment", DEFAULT_ENACTMENT)
                   if doc_type.numbering == "articles" else None),
        body=_paragraphs(data["body"], doc_type.numbering),
        recipients=tuple(nd30.recipient_lines(data["recipients"], data["archive"])),
        drafter=(f"{drafter['code'].upper()}.({drafter['copies']})" if drafter
                 and drafter["copies"] else f"{drafter['code'].upper()}." if drafter else None),
        contact=data["contact"],
        appendices=tuple(_appendices(data["appendices"], doc_type,
                                     number_line.removeprefix("Số: "), when, issuer["name"])),
        signer=Signer(
            lines=tuple(nd30.signer_lines([(o["mode"], o["of"]) for o in signer["on_behalf"]],
                                          signer["title"])),
            name=signer["name"]),
        stamps_top=(Stamp(data["circulation"].upper()),) if data["circulation"] else (),
        stamps_left=tuple(s for s in (
            Stamp(SECRECY[data["secrecy"]]) if data["secrecy"] else None,
            Stamp(urgency[0], urgency[1]) if urgency else None) if s),
        filename=_ascii(file_stem),
        filename_utf8=file_stem,
        metadata=Metadata(
            title=subject,
            author=" ".join(name_lines),
            subject=f"{doc_type.name or 'CÔNG VĂN'}: {subject}",
            keywords=", ".join(filter(None, [doc_type.name or "CÔNG VĂN", stem.strip()]))),
        record=metadata.record(data, number_line, doc_type.name),
    )


def _number_line(data: dict, doc_type: DocType) -> str:
    if data["symbol"]:
        return f"Số: {data['symbol']}"
    notation = nd30.notation(doc_type.abbrev, data["issuer"]["code"], data["unit_code"])
    return nd30.symbol_line(data["number"], notation)


def _to_lines(to: list[str]) -> tuple[str, ...]:
    """One recipient prints on the Kính gửi line itself; several as "- …;" lines (§3.10)."""
    if len(to) == 1:
        return (re.sub(r"^[-–]\s*", "", to[0]).rstrip(";"),)
    return tuple(nd30.dash_items(to))


def flatten(blocks: list[dict], scheme: str, depth: int = 1, bullet_level: int = 0,
            articles: list[int] | None = None) -> list[Paragraph]:
    """Blocks → printed paragraphs, numbering siblings by depth and scheme (§3.7).

    Phần and chương are not a numbering level: what they hold numbers as if they were not
    there, except that Điều numbers run on through the whole document (`articles`, shared)."""
    out: list[Paragraph] = []
    articles = [0] if articles is None else articles
    numbered = parts = 0
    for block in blocks:
        kind = block["kind"]
        given = block.get("label")
        if kind == "part":
            parts += 1
            word = "Chương" if scheme == "articles" else "Phần"
            out.append(Paragraph("part", given or f"{word} {nd30.roman(parts)}",
                                 block["part"].upper(), depth))
            out.extend(flatten(block["children"], scheme, depth, bullet_level, articles))
        elif kind in ("heading", "item"):
            numbered += 1
            text = block[kind]
            if scheme == "articles" and depth == 1 and kind == "heading":
                articles[0] += 1
                out.append(Paragraph("article_title",
                                     given or nd30.label("article", articles[0]), text, depth))
            else:
                num_kind = nd30.scheme_kind(scheme, depth)
                lbl = given if given is not None else nd30.label(num_kind, numbered)
                if kind == "heading":
                    level = _heading_level(lbl, num_kind)
                    out.append(Paragraph(f"heading{level}", lbl,
                                         text.upper() if level == 1 else text, depth))
                else:
                    out.append(Paragraph("item", lbl, text, depth))
            out.extend(flatten(block["children"], scheme, depth + 1, bullet_level))
        elif kind == "article":
            articles[0] += 1
            text = block["article"]
            out.append(Paragraph("article_title" if is_article_title(text) else "article",
                                 given or nd30.label("article", articles[0]), text, depth))
            out.extend(flatten(block["children"], scheme, depth + 1, bullet_level))
        elif kind == "text":
            out.append(Paragraph("text", given or "", block["text"], depth))
        elif kind == "bullets":
            marker = given or ("-" if bullet_level == 0 else "+")
            for item in block["bullets"]:
                out.append(Paragraph("bullet", marker, item["text"], depth))
                out.extend(flatten(item["children"], scheme, depth + 1, bullet_level + 1))
        elif kind == "table":
            spec = block["table"]
            if given:
                out.append(Paragraph("text", "", given, depth))
            out.append(Paragraph("table", depth=depth, table=Table(
                tuple(spec["columns"]), tuple(tuple(r) for r in spec["rows"]),
                tuple(spec["widths"]) if spec.get("widths") else None)))
    return out


def _heading_level(lbl: str, num_kind: str) -> int:
    """Style level from the label as printed: I. → 1, 1. → 2, a) → 3 (labels kept as written)."""
    if re.fullmatch(r"[IVXLC]+\.", lbl):
        return 1
    if re.fullmatch(r"\d+(\.\d+)*\.?", lbl):
        return 2
    if re.fullmatch(r"[a-zđ]+\)", lbl):
        return 3
    return {"roman": 1, "arabic": 2}.get(num_kind, 3)


def _appendices(appendices: list[dict], doc_type: DocType, number: str, when: PartialDate,
                issuer: str | list[str]) -> list[Appendix]:
    """Phụ lục: "Phụ lục" alone, or I, II… when there are several (§4); the reference line
    names this document by `number` and date as its header prints them, blanks and all."""
    issuer_name = " ".join(issuer) if isinstance(issuer, list) else issuer
    kind = doc_type.name.capitalize() if doc_type.name else "Văn bản"
    reference = f"(Kèm theo {kind} số {number} {nd30.date_words(*when)} của {issuer_name})"
    out = []
    for n, appendix in enumerate(appendices, start=1):
        label = appendix["label"] or (f"Phụ lục {nd30.roman(n)}" if len(appendices) > 1
                                      else "Phụ lục")
        out.append(Appendix(label, appendix["title"].upper(), reference,
                            _paragraphs(appendix["body"], "sections")))
    return out


def _paragraphs(body: str | list[dict], scheme: str) -> tuple[Paragraph, ...]:
    """A body (the text's or a phụ lục's), pasted text or blocks, as its printed paragraphs."""
    blocks = parse(body) if isinstance(body, str) else body
    return tuple(_close(flatten(blocks, scheme)))


def _close(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """End the body with "./." (§3.7), on its last text paragraph."""
    if paragraphs and paragraphs[-1].kind != "table":
        last = paragraphs[-1]
        paragraphs[-1] = Paragraph(last.kind, last.label, nd30.close_body(last.text), last.depth)
    else:
        paragraphs.append(Paragraph("text", "", "./."))
    return paragraphs


def _filename_stem(stem: str, doc_type: DocType, subject: str, code: str) -> str:
    """`15-KH-UBND` when numbered; otherwise the type and the subject."""
    if re.search(r"\d", stem.split("/")[0]):
        return stem.replace("/", "-")
    head = doc_type.abbrev or code
    return f"{head} {subject.removeprefix('V/v ')}"[:80].rstrip()


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-") or "van-ban"
