"""Validated payload → Document: applies the NĐ30 rules (nd30.py) to every element."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from schemas.fields import PartialDate
from schemas.registry import TYPES, DocType
from service.model import metadata, nd30
from service.model.body_text import is_article_title, parse
from service.model.document import (
    Appendix,
    Attachment,
    Copy,
    Document,
    Introduction,
    Invitation,
    Issuer,
    LeaveGrant,
    Meeting,
    Metadata,
    Paragraph,
    Party,
    Signer,
    Stamp,
    Table,
)

URGENCY = {"khan": ("KHẨN", 20.0), "thuong_khan": ("THƯỢNG KHẨN", 40.0),
           "hoa_toc": ("HỎA TỐC", 30.0)}                      # §4: box sizes in mm
SECRECY = {"mat": "MẬT", "toi_mat": "TỐI MẬT", "tuyet_mat": "TUYỆT MẬT"}


def build(data: dict[str, Any]) -> Document:
    """Build the document model from data that `schemas.validate` accepted."""
    doc_type = TYPES[data["type"]]
    issuers = data["issuers"] or [data["issuer"]]
    number_line = _number_line(data, doc_type, "-".join(i["code"] for i in issuers))
    when: PartialDate = data["date"] or PartialDate(None, None, None)
    subject = data["subject"] or ""
    if doc_type.name is None:
        subject = "V/v " + re.sub(r"^v/v[:\s]*", "", subject, flags=re.IGNORECASE)
    urgency = URGENCY.get(data["urgency"] or "")
    drafter = data["drafter"]
    printed = [_issuer(i) for i in issuers]
    as_written = " và ".join(_written(i["name"]) for i in issuers)
    stem = number_line.removeprefix("Số:").strip()
    file_stem = _filename_stem(stem, doc_type, subject, issuers[0]["code"])
    signers = tuple(_signer(s, s["heading"]) for s in data["signers"])
    body = data["body"]
    closes = not doc_type.closing_line
    parts = _PARTS[doc_type.opening](data, as_written, body is None) if doc_type.opening \
        else {}
    cited = _cited(number_line.removeprefix("Số: "), when, electronic=bool(data.get("sign")))
    return Document(
        type=doc_type.key,
        type_name=_type_name(data, doc_type),
        parent_lines=printed[0].parent_lines,
        issuer_lines=printed[0].issuer_lines,
        number_line=number_line,
        date_line=nd30.date_line(data["place"], *when) if data["place"] else "",
        subject=subject,
        to=_to_lines(data["to"]) if doc_type.allows_to else (),
        authority=data["authority"].upper() if data["authority"] else None,
        bases=tuple(nd30.with_endings(data["bases"])),
        enactment=data.get("enactment", doc_type.enactment) if doc_type.decides else None,
        body=_paragraphs(body, doc_type.numbering, close=closes) if body is not None else (),
        recipients=tuple(nd30.recipient_lines(
            data["recipients"] or doc_type.default_recipients, data["archive"])),
        drafter=(f"{drafter['code'].upper()}.({drafter['copies']})" if drafter
                 and drafter["copies"] else f"{drafter['code'].upper()}." if drafter else None),
        contact=data["contact"],
        appendices=tuple(_appendices(data["appendices"], doc_type, *cited, as_written)),
        signer=_signer(data["signer"]) if data["signer"] else None,
        stamps_top=(Stamp(data["circulation"].upper()),) if data["circulation"] else (),
        stamps_left=tuple(s for s in (
            Stamp(SECRECY[data["secrecy"]]) if data["secrecy"] else None,
            Stamp(urgency[0], urgency[1]) if urgency else None) if s),
        filename=_ascii(file_stem),
        filename_utf8=file_stem,
        metadata=Metadata(
            title=subject or doc_type.printed_name or "",
            author=" - ".join(" ".join(i.issuer_lines) for i in printed),
            subject=f"{doc_type.name or 'CÔNG VĂN'}: {subject}" if subject
            else doc_type.name or "",
            keywords=", ".join(filter(None, [doc_type.name or "CÔNG VĂN", stem.strip()]))),
        record=metadata.record(data, number_line, doc_type.name),
        co_issuers=tuple(printed[1:]),
        signers=signers,
        signer_rows=_rows(signers),
        addressees=tuple(nd30.dash_items(data["to"])) if "to" in doc_type.own else (),
        parties=tuple(Party(p["heading"].upper(), p["name"], p["representative"], p["title"],
                            tuple(p["lines"])) for p in data["parties"]),
        attachment=_attachment(data["attachment"], doc_type, *cited, data["authority"],
                               as_written) if data["attachment"] else None,
        copy=_copy(data["copy"]) if data["copy"] else None,
        **parts,
    )


def _type_name(data: dict, doc_type: DocType) -> str | None:
    """Tên loại (ô 5a) in caps; a thư công may name itself ("Thư chúc mừng")."""
    if doc_type.name is None:
        return None
    return (data["title"] or doc_type.printed_name).upper()


def _number_line(data: dict, doc_type: DocType, codes: str) -> str:
    if data["symbol"]:
        return f"Số: {data['symbol']}"
    return nd30.symbol_line(data["number"], nd30.notation(doc_type.abbrev, codes,
                                                          data["unit_code"]))


def _issuer(issuer: dict) -> Issuer:
    parent = tuple(nd30.agency_lines(issuer["parent"])) if issuer["parent"] else ()
    return Issuer(parent, tuple(nd30.agency_lines(issuer["name"])))


def _written(name: str | list[str]) -> str:
    """An agency's name as the payload writes it, for a sentence ("… trân trọng kính mời:")."""
    return " ".join(name) if isinstance(name, list) else name


def _signer(signer: dict, heading: str | None = None) -> Signer:
    lines = nd30.signer_lines([(o["mode"], o["of"]) for o in signer["on_behalf"]],
                              signer["title"])
    return Signer(tuple([heading.upper()] if heading else []) + tuple(lines), signer["name"])


def _rows(signers: tuple[Signer, ...]) -> tuple[tuple[Signer, ...], ...]:
    """Side-by-side blocks, at most three to a row, the rows as even as they can be."""
    if not signers:
        return ()
    per = math.ceil(len(signers) / math.ceil(len(signers) / 3))
    return tuple(signers[i:i + per] for i in range(0, len(signers), per))


def _strip_lead(text: str | None, lead: str) -> str | None:
    """A value whose label the template prints: "Tới dự Hội nghị …" → "Hội nghị …"."""
    if text is None:
        return None
    return re.sub(rf"^{lead}[:\s]*", "", text, flags=re.IGNORECASE) or text


def _cong_dien(data: dict, issuer: str, no_body: bool) -> dict:
    """Mẫu 1.6: "<SENDER> điện:", in caps; the sender is the issuer unless given."""
    return {"sender": (data["sender"] or issuer).upper()}


def _giay_moi(data: dict, issuer: str, no_body: bool) -> dict:
    """Mẫu 1.7; without notes below, the Địa điểm line closes the text with "./."."""
    venue = nd30.close_body(data["venue"]) if no_body else data["venue"]
    return {"invitation": Invitation(
        issuer=issuer, line=data["invitation"], invitees=_to_lines(data["invitees"]),
        event=_strip_lead(data["event"], "Tới dự"), chair=data["chair"],
        time=nd30.moment_words(data["time"]), venue=venue)}


def _giay_gioi_thieu(data: dict, issuer: str, no_body: bool) -> dict:
    person = data["person"]
    return {"introduction": Introduction(
        issuer=issuer, name=person["name"], title=person["title"], sent_to=data["sent_to"],
        purpose=data["purpose"],
        valid_until=nd30.date_words(*(data["valid_until"] or PartialDate(None, None, None))))}


def _giay_nghi_phep(data: dict, issuer: str, no_body: bool) -> dict:
    person, leave = data["person"], data["leave"]
    days = leave["days"] or nd30.days_between(leave["from"], leave["to"])
    return {"leave": LeaveGrant(
        issuer=issuer, name=person["name"], title=person["title"],
        request_date=nd30.date_words(*data["request_date"]) if data["request_date"] else None,
        days=nd30.number_text(days).strip() or nd30.NUMBER_BLANK, start=nd30.date_words(
            *leave["from"]), end=nd30.date_words(*leave["to"]), place=leave["place"],
        counted_as=leave["counted_as"], confirmation=data["confirmation"])}


def _bien_ban(data: dict, issuer: str, no_body: bool) -> dict:
    meeting = data["meeting"]
    return {"meeting": Meeting(
        started_at=nd30.moment_words(meeting["started_at"]), venue=meeting["venue"],
        attendees=_to_lines(meeting["attendees"]), chair=meeting["chair"],
        secretary=meeting["secretary"], ended_at=nd30.moment_words(meeting["ended_at"]))}


# The Mẫu's own opening lines (registry `opening`) → the model's values for them.
_PARTS: dict[str, Callable[[dict, str, bool], dict]] = {
    "cong_dien": _cong_dien, "giay_moi": _giay_moi, "giay_gioi_thieu": _giay_gioi_thieu,
    "giay_nghi_phep": _giay_nghi_phep, "bien_ban": _bien_ban,
}


def _cited(stem: str, when: PartialDate, *, electronic: bool) -> tuple[str, PartialDate]:
    """How "(Kèm theo … số … ngày …)" names this document: by its số ký hiệu and date on
    paper; in an electronic document, which carries them in its digital signature, with the
    number and the date left unfilled (nd30-spec §4, §8; Mẫu 1.3 and 2.2)."""
    if not electronic:
        return stem, when
    notation = stem.split("/", 1)[1] if "/" in stem else ""
    return f"{nd30.NUMBER_BLANK}/{notation}", PartialDate(None, None, None)


def _attachment(attachment: dict, doc_type: DocType, number: str, when: PartialDate,
                authority: str | None, issuer: str) -> Attachment:
    """Mẫu 1.3: "(Kèm theo Quyết định số … ngày … của …)" names the deciding authority as
    the payload writes it (or the issuer, when the authority is given in capitals, which
    cannot be put back in sentence case), with the blanks of an unnumbered draft."""
    attached = TYPES[attachment["type"]]
    who = authority if authority and not authority.isupper() else issuer
    reference = attachment["reference"] or (
        f"(Kèm theo {doc_type.name.capitalize()} số {number} "
        f"{nd30.date_words(*when)} của {who})")
    return Attachment(attached.name, attachment["subject"], reference,
                      _paragraphs(attachment["body"], attached.numbering))


def _copy(copy: dict) -> Copy:
    """Mẫu 3.1: the copying agency, `Số: 08/SY-UBND`, SAO Y and its own date and signer."""
    form, abbrev = nd30.COPY_FORMS[copy["form"]]
    return Copy(form=form, issuer=_issuer(copy["issuer"]),
                number_line=nd30.symbol_line(copy["number"],
                                             nd30.notation(abbrev, copy["issuer"]["code"])),
                date_line=nd30.date_line(copy["place"],
                                         *(copy["date"] or PartialDate(None, None, None))),
                recipients=tuple(nd30.recipient_lines(copy["recipients"], copy["archive"])),
                signer=_signer(copy["signer"]))


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
            # A line with nothing under it is the article's whole provision, not its title,
            # even where its final full stop was left to the "./." (nd30-spec §3.7).
            titled = is_article_title(text) and bool(block["children"])
            out.append(Paragraph("article_title" if titled else "article",
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
                issuer: str) -> list[Appendix]:
    """Phụ lục: "Phụ lục" alone, or I, II… when there are several (§4); the reference line
    names this document by `number` and date as its header prints them, blanks and all."""
    kind = doc_type.name.capitalize() if doc_type.name else "Văn bản"
    reference = f"(Kèm theo {kind} số {number} {nd30.date_words(*when)} của {issuer})"
    out = []
    for n, appendix in enumerate(appendices, start=1):
        label = appendix["label"] or (f"Phụ lục {nd30.roman(n)}" if len(appendices) > 1
                                      else "Phụ lục")
        out.append(Appendix(label, appendix["title"].upper(), reference,
                            _paragraphs(appendix["body"], "sections")))
    return out


def _paragraphs(body: str | list[dict], scheme: str, *, close: bool = True,
                ) -> tuple[Paragraph, ...]:
    """A body (the text's, a phụ lục's), pasted text or blocks, as its printed paragraphs,
    ending with "./." unless the Mẫu's own closing line carries it."""
    blocks = parse(body) if isinstance(body, str) else body
    paragraphs = flatten(blocks, scheme)
    return tuple(_close(paragraphs) if close else paragraphs)


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
