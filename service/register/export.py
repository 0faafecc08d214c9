"""The yearly register as a spreadsheet (`python -m service register export`): the columns of
the sổ đăng ký văn bản đi that the system knows (NĐ30 Phụ lục IV), one row per entry."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from service.register import Entry

COLUMNS = ("Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung",
           "Người ký", "Nơi nhận văn bản", "Số lượng bản", "Ghi chú", "Độ mật", "Mã đăng ký")


def rows(entries: Iterable[Entry]) -> Iterable[list[str | int]]:
    for entry in entries:
        record = entry.record
        signer = record.get("SignerInfo") or {}
        issued = entry.issued
        yield [entry.symbol,
               "/".join(reversed(issued.split("-"))) if issued else "",
               f"{record.get('TypeName') or ''}: {entry.subject}",
               " ".join(filter(None, [signer.get("Position"), signer.get("FullName")])),
               "; ".join(to["OrganName"] for to in record.get("To") or ()),
               record.get("IssuedAmount") or "",
               record.get("Description") or "",
               "Mật" if entry.series == "mat" else "",
               entry.id]


def to_csv(entries: Iterable[Entry]) -> bytes:
    """UTF-8 with a byte-order mark, so a spreadsheet opens the Vietnamese text as it is."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows(entries))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(entries: Iterable[Entry], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(entries):
        sheet.append(row)
    for column, width in zip("ABCDEFGHI", (16, 12, 60, 28, 50, 8, 30, 8, 34), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
