"""A PDF cut to some of its pages: the phụ lục of a document as a file of their own."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

# Document-wide entries of the catalogue a page range keeps: the XMP packet, the colour
# profile and the language (what makes a PDF/A one stays with its pages).
_KEPT = ("/Metadata", "/OutputIntents", "/Lang", "/MarkInfo")


def select_pages(pdf: bytes, start: int, stop: int) -> bytes:
    """Pages start…stop-1 (0-based) of `pdf` as a new PDF, with its document information."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    writer.append(reader, pages=(start, stop), import_outline=False)
    root = reader.trailer["/Root"]
    for key in _KEPT:
        if key in root:
            writer.root_object[NameObject(key)] = root.raw_get(key).clone(writer)
    if reader.metadata:
        writer.add_metadata(dict(reader.metadata))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
