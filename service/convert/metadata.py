"""Carry the DOCX core properties that LibreOffice mangles or drops into the PDF it writes.

LibreOffice 7.4 copies title, author (issuer) and subject into the PDF Info dictionary (and the
XMP packet of a PDF/A) as they are, but
- splits keywords at every space, comma and semicolon ("kế hoạch; năm 2025" becomes
  "kế, hoạch, năm, 2025"), so the bridge sets the original string back before exporting;
- stamps the export time as CreationDate (vcl pdfwriter_impl.cxx, setupDocInfo() reads the
  system clock), so stamp_created() writes the DOCX's own creation date over it.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from xml.etree import ElementTree

log = logging.getLogger("vanban.convert")

CORE_PART = "docProps/core.xml"
CORE_PART_LIMIT = 1 << 20         # bytes; a real core.xml is well under 2 KiB
_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_DCTERMS = "{http://purl.org/dc/terms/}"

# LibreOffice writes "/CreationDate(D:20261128065910Z')" or "(D:20261128140000+07'00')"
# (pdfwriter_impl.cxx, GetDateTime) into the Info dictionary, and for PDF/A
# "<xmp:CreateDate>2026-11-28T07:00:02Z</xmp:CreateDate>" (or "+07:00") into the XMP packet.
_INFO_DATE = re.compile(rb"/CreationDate\(D:(\d{14})(Z'?|[+-](\d\d)'(\d\d)'?)\)")
_XMP_DATE = re.compile(
    rb"<xmp:CreateDate>(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(Z|[+-](\d\d):(\d\d))</xmp:CreateDate>")


@dataclass(frozen=True)
class CoreProperties:
    keywords: str | None = None
    created: datetime | None = None     # timezone-aware


def core_properties(docx: bytes) -> CoreProperties:
    """Keywords and creation date from the DOCX package; empty if it has none or is unreadable
    (whether the DOCX as a whole is readable is LibreOffice's call, not this function's)."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as package:
            if package.getinfo(CORE_PART).file_size > CORE_PART_LIMIT:
                return CoreProperties()
            root = ElementTree.fromstring(package.read(CORE_PART))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError,
            RuntimeError, NotImplementedError):
        return CoreProperties()
    keywords = root.findtext(f"{_CP}keywords")
    return CoreProperties(keywords=keywords.strip() or None if keywords else None,
                          created=_parse_w3cdtf(root.findtext(f"{_DCTERMS}created")))


def _parse_w3cdtf(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    # A W3CDTF date without a zone is read as UTC, the zone Word and python-docx write.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def stamp_created(pdf: bytes, created: datetime) -> bytes:
    """Put `created` in place of the export time LibreOffice wrote as the creation date.

    Each date is rewritten in the time zone LibreOffice wrote it in, so it keeps its length and
    every byte offset in the cross-reference table stays true; the Info date and the XMP date
    (PDF/A requires the two to agree) change together or not at all.
    """
    info = list(_INFO_DATE.finditer(pdf))
    xmp = list(_XMP_DATE.finditer(pdf))
    if len(info) != 1 or len(xmp) > 1:
        log.warning("PDF creation date left as exported: found %d Info and %d XMP dates",
                    len(info), len(xmp))
        return pdf
    edits: list[tuple[int, int, bytes]] = []
    try:
        for match, layout in [(m, "%Y%m%d%H%M%S") for m in info] + [(m, "%Y-%m-%dT%H:%M:%S")
                                                                     for m in xmp]:
            zone = _zone(match.group(2), match.group(3), match.group(4))
            edits.append((match.start(1), match.end(1),
                          created.astimezone(zone).strftime(layout).encode()))
    except (OverflowError, ValueError):
        return pdf
    if any(len(stamp) != end - start for start, end, stamp in edits):
        return pdf                      # a year outside 1000-9999 would shift every offset
    out = bytearray(pdf)
    for start, end, stamp in edits:
        out[start:end] = stamp
    return bytes(out)


def _zone(suffix: bytes, hours: bytes | None, minutes: bytes | None) -> timezone:
    if hours is None or minutes is None:
        return UTC
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-offset if suffix.startswith(b"-") else offset)
