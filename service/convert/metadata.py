"""The PDF's metadata: the DOCX core properties LibreOffice mangles or drops, carried into the
PDF it writes, and further XMP properties (Phụ lục VI) embedded after it.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Protocol
from xml.etree import ElementTree

from lxml import etree
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata import model as xmp
from pyhanko.pdf_utils.metadata import xmp_xml
from pyhanko.pdf_utils.reader import PdfFileReader

log = logging.getLogger("vanban.convert")
# LibreOffice writes its dates as "D:20261128065910Z'", which pyHanko's reader warns about on
# every PDF it opens; the date itself is kept as written (stamp_created).
logging.getLogger("pyhanko.pdf_utils.metadata.info").setLevel(logging.ERROR)

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


class XmpField(Protocol):
    """One field of an XMP schema: `kind` string | number | date | group (a structure of
    `children`; `repeated`: an ordered array of them). service.model.metadata.Field is one."""

    name: str
    label: str
    kind: str
    children: tuple[XmpField, ...]
    repeated: bool


@dataclass(frozen=True)
class XmpSchema:
    namespace: str
    prefix: str
    title: str
    fields: tuple[XmpField, ...]


_XMP_TYPES = {"string": "Text", "number": "Integer", "date": "Date"}


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF, from its page tree."""
    return int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])


def embed_xmp(pdf: bytes, schema: XmpSchema, values: Mapping[str, Any]) -> bytes:
    """The PDF with `values` in its XMP packet under `schema`, appended as an incremental
    update (so nothing LibreOffice wrote moves, and signatures can follow). Title, author,
    subject and keywords are mirrored from the Info dictionary; a PDF/A also gets the
    extension-schema description PDF/A requires for properties outside the standard ones
    (ISO 19005-2, 6.6.2.3)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    etree.register_namespace(schema.prefix, schema.namespace)
    info = writer.document_meta_view
    meta = writer.document_meta
    meta.title, meta.author, meta.subject = info.title, info.author, info.subject
    meta.keywords = list(info.keywords)
    fields: dict[xmp.ExpandedName, xmp.XmpValue] = {}
    existing = writer.root.get_object().get("/Metadata")   # .get leaves a reference as it is
    existing = existing.get_object() if existing is not None else None
    if isinstance(existing, xmp_xml.MetadataStream):
        fields = {name: value for root in existing.xmp for name, value in root}
    fields.update(_properties(schema.namespace, schema.fields, values))
    if any(name.ns == xmp.NS["pdfaid"] for name in fields):
        described = fields.get(_SCHEMAS)
        entries = list(described.value.entries) if described is not None else []
        entries = [e for e in entries if _namespace_of(e) != schema.namespace]
        fields[_SCHEMAS] = xmp.XmpValue(xmp.XmpArray.unordered([*entries, _extension(schema)]))
    # pyHanko's writer merges this packet with the Info dictionary (title, dates, producer)
    # when it writes, into one rdf:Description.
    writer.root["/Metadata"] = writer.add_object(
        xmp_xml.MetadataStream.from_xmp([xmp.XmpStructure(fields)]))
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _name(namespace: str, local: str) -> xmp.ExpandedName:
    return xmp.ExpandedName(ns=namespace, local_name=local)


def _properties(namespace: str, fields: Sequence[XmpField],
                values: Mapping[str, Any]) -> dict[xmp.ExpandedName, xmp.XmpValue]:
    out = {}
    for spec in fields:
        value = values.get(spec.name)
        if value is None or value == []:
            continue
        if spec.kind == "group":
            items = [xmp.XmpValue(xmp.XmpStructure(_properties(namespace, spec.children, v)))
                     for v in (value if spec.repeated else [value])]
            out[_name(namespace, spec.name)] = (
                xmp.XmpValue(xmp.XmpArray.ordered(items)) if spec.repeated else items[0])
        else:
            text = value.isoformat() if isinstance(value, date) else str(value)
            out[_name(namespace, spec.name)] = xmp.XmpValue(text)
    return out


_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"
_TYPE = "http://www.aiim.org/pdfa/ns/type#"
_FIELD = "http://www.aiim.org/pdfa/ns/field#"
_SCHEMAS = xmp.ExpandedName(ns=_EXTENSION, local_name="schemas")


def _namespace_of(entry: xmp.XmpValue) -> str | None:
    """The namespace URI a pdfaExtension:schemas entry describes."""
    try:
        return entry.value[_name(_SCHEMA, "namespaceURI")].value
    except (KeyError, TypeError):
        return None


def _extension(schema: XmpSchema) -> xmp.XmpValue:
    """pdfaExtension:schemas describing `schema`: each property with its value type, and each
    structure as a value type of its own."""
    etree.register_namespace("pdfaType", _TYPE)
    etree.register_namespace("pdfaField", _FIELD)

    def text(value: str) -> xmp.XmpValue:
        return xmp.XmpValue(value)

    def struct(ns: str, **fields: xmp.XmpValue) -> xmp.XmpValue:
        return xmp.XmpValue(xmp.XmpStructure({_name(ns, k): v for k, v in fields.items()}))

    def value_type(spec: XmpField) -> str:
        if spec.kind != "group":
            return _XMP_TYPES[spec.kind]
        return f"seq {spec.name}" if spec.repeated else spec.name

    groups = [spec for spec in schema.fields if spec.kind == "group"]
    described = {
        "schema": text(schema.title),
        "namespaceURI": text(schema.namespace),
        "prefix": text(schema.prefix),
        "property": xmp.XmpValue(xmp.XmpArray.ordered([
            struct(_PROPERTY, name=text(spec.name), valueType=text(value_type(spec)),
                   category=text("external"), description=text(spec.label))
            for spec in schema.fields])),
    }
    if groups:
        described["valueType"] = xmp.XmpValue(xmp.XmpArray.ordered([
            struct(_TYPE, type=text(spec.name), namespaceURI=text(schema.namespace),
                   prefix=text(schema.prefix), description=text(spec.label),
                   field=xmp.XmpValue(xmp.XmpArray.ordered([
                       struct(_FIELD, name=text(child.name),
                              valueType=text(value_type(child)),
                              description=text(child.label))
                       for child in spec.children])))
            for spec in groups]))
    return struct(_SCHEMA, **described)
