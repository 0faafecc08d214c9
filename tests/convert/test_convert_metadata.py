"""Core properties read from the DOCX, and the creation date stamped into LibreOffice's PDF."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from service.convert.metadata import CoreProperties, core_properties, stamp_created

CREATED = datetime(2025, 3, 14, 8, 30, 15, tzinfo=UTC)


def pdf_like(info_date: bytes, xmp_date: bytes | None = None) -> bytes:
    """The bytes around the dates as LibreOffice 7.4 writes them (a PDF's shape, not a PDF)."""
    xmp = (b"<x:xmpmeta><xmp:CreateDate>" + xmp_date + b"</xmp:CreateDate></x:xmpmeta>"
           if xmp_date else b"")
    return (b"%PDF-1.6\n1 0 obj\n<</Type/Metadata/Subtype/XML>>\nstream\n" + xmp +
            b"\nendstream\nendobj\n2 0 obj\n<</Producer(LibreOffice 7.4)\n/CreationDate(" +
            info_date + b")>>\nendobj\nxref\n0 3\ntrailer\n<</Info 2 0 R>>\n%%EOF\n")


def test_core_properties_of_a_python_docx_document(kit: Any) -> None:
    props = core_properties(kit.make_docx(keywords="kế hoạch; văn thư", created=CREATED))
    assert props == CoreProperties(keywords="kế hoạch; văn thư", created=CREATED)


def test_blank_keywords_are_none(kit: Any) -> None:
    assert core_properties(kit.make_docx(keywords="  ")).keywords is None


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04broken", "không phải zip".encode()],
                         ids=["empty", "broken-zip", "text"])
def test_unreadable_packages_give_no_properties(data: bytes) -> None:
    assert core_properties(data) == CoreProperties()


@pytest.mark.parametrize(("info", "xmp", "info_after", "xmp_after"), [
    (b"D:20261128065910Z'", b"2026-11-28T06:59:10Z",
     b"D:20250314083015Z'", b"2025-03-14T08:30:15Z"),
    (b"D:20261128135910+07'00'", b"2026-11-28T13:59:10+07:00",
     b"D:20250314153015+07'00'", b"2025-03-14T15:30:15+07:00"),
    (b"D:20261128015910-05'00'", None, b"D:20250314033015-05'00'", None),
], ids=["utc", "hanoi", "new-york-no-xmp"])
def test_creation_date_is_stamped_in_the_zone_libreoffice_used(
        info: bytes, xmp: bytes | None, info_after: bytes, xmp_after: bytes | None) -> None:
    before = pdf_like(info, xmp)
    after = stamp_created(before, CREATED)
    assert after == pdf_like(info_after, xmp_after)
    assert len(after) == len(before), "byte offsets in the xref table must stay true"


def test_a_zone_aware_date_keeps_its_instant() -> None:
    hanoi = CREATED.astimezone(timezone(timedelta(hours=7)))
    assert stamp_created(pdf_like(b"D:20261128065910Z'"), hanoi) == \
        pdf_like(b"D:20250314083015Z'")


@pytest.mark.parametrize("pdf", [
    pdf_like(b"D:20261128065910Z'") + b"/CreationDate(D:20261128065910Z')",
    pdf_like(b"D:2026112806Z'"),
], ids=["two-info-dates", "unexpected-format"])
def test_a_pdf_not_shaped_as_expected_is_left_alone(pdf: bytes) -> None:
    assert stamp_created(pdf, CREATED) == pdf


def test_a_year_that_would_change_the_length_is_left_alone() -> None:
    pdf = pdf_like(b"D:20261128065910Z'")
    assert stamp_created(pdf, datetime(999, 1, 1, tzinfo=UTC)) == pdf
