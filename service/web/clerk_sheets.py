"""Spreadsheets for people: the XLSX template of a type and base with Vietnamese headings, those
headings read back to field paths, each cell read as the form reads its input, and a failed row
named by its row, its column and the value in it ("Dòng 4, cột Số văn bản: “2O3” — …").

The headings are the labels of the inputs the form shows for the type (service/web/inputs.py,
from the registry), so the sheet, the form and GET /v1/types speak of a field by one name; a
sheet with field paths for headings (`number`, `signer.name`, `recipients.0`) is read as before.
A column whose heading starts with "_" is a note that fills nothing (envelope.NOTE_PREFIX).
"""

from __future__ import annotations

import dataclasses
import io
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from schemas import DocumentSchema
from schemas.registry import TYPES
from service.batch import envelope, sheets
from service.errors import UploadError
from service.web import dates
from service.web.inputs import (
    BOOL,
    DATE,
    DATETIME,
    INPUTS,
    LINES,
    NAMES,
    RAW,
    SELECT,
    TEXT,
    TEXTAREA,
    Input,
    name_lines,
    numbered_lines,
)

NAME_COLUMN = "_Tên tệp"        # the template's column naming each file (a note: fills nothing)
_CELL_KINDS = (TEXT, TEXTAREA, RAW, LINES, NAMES, DATE, DATETIME, BOOL, SELECT)
# What the base's agency is, whoever the row is: left to the form, not a column of the template.
_NOT_COLUMNS = ("issuer.", "unit_code", "appendices.", "contact")
_YES, _NO = {"x", "có", "co", "1", "true", "đúng", "yes"}, {"không", "khong", "0", "false", "sai",
                                                            "no"}
_CONTRACT_FIELDS = {f.data_key or name for name, f in DocumentSchema().fields.items()}
_SHOWN = 60                     # characters of a bad value said back to the clerk


def heading_key(text: str) -> str:
    """A heading as compared: NFC, case and spacing ignored, a trailing "*" dropped."""
    text = unicodedata.normalize("NFC", str(text)).strip().rstrip("*").strip()
    return re.sub(r"\s+", " ", text).casefold()


def columns(doc_type: str) -> list[Input]:
    """The template's columns for a type: each input the form shows for it that one cell can
    hold, the agency's own left to the base."""
    return [i for i in INPUTS if _one_cell(i, doc_type)
            and not i.path.startswith(_NOT_COLUMNS) and i.path != "type"]


def _by_heading(doc_type: str | None) -> dict[str, Input]:
    """The inputs a heading may name for this type (any type's when the base has none)."""
    out: dict[str, Input] = {}
    for i in INPUTS:
        if _one_cell(i, doc_type):
            out.setdefault(heading_key(i.label), i)
    return out


def _one_cell(i: Input, doc_type: str | None) -> bool:
    """Whether `i` fills a field from one cell, for this type (any type when None)."""
    return bool(i.path) and i.kind in _CELL_KINDS and (doc_type is None or i.used_by(doc_type))


# --- The template ------------------------------------------------------------------------------

def template(doc_type: str, base: Mapping[str, Any]) -> tuple[bytes, str]:
    """The XLSX a batch of `doc_type` accepts as it is, and its file name. Its first sheet has
    one column per input (the heading its label, the field path in the heading's note), every
    cell text so Excel reads neither a date nor a number its own way; the second says what
    each column is for and what the base holds there, which an empty cell keeps."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    cols = columns(doc_type)
    headings = [i.label for i in cols] + [NAME_COLUMN]
    sheet.append(headings)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F3")
    for number, (heading, i) in enumerate(zip(headings, [*cols, None], strict=True), 1):
        cell = sheet.cell(row=1, column=number)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        note = (f"Trường: {i.path}. {_hint(i, doc_type)}" if i is not None else
                "Tên tệp của văn bản dòng này (ghi chú: không in vào văn bản). "
                "Để trống: tên theo số ký hiệu.")
        cell.comment = Comment(note.strip(), "vanban", width=320, height=120)
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = 40 if i is not None and i.kind in (
            TEXTAREA, RAW, LINES) else max(16, min(32, len(heading) + 4))
        # Text, as typed: 01/12/2026 stays 1 December whatever the computer's language.
        sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    guide = book.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Trường", "Mẫu đang điền (ô để trống giữ nội dung này)", "Cách ghi"])
    for cell in guide[1]:
        cell.font, cell.fill = bold, fill
    for i in cols:
        guide.append([i.label, i.path, _shown(envelope.lookup(dict(base), i.path)),
                      _hint(i, doc_type)])
    guide.append([NAME_COLUMN, "(ghi chú)", "", "Tên tệp trong tệp ZIP; không in vào văn bản."])
    guide.append([])
    guide.append(["Mỗi dòng của trang “Danh sách” là một văn bản; dòng 1 là tiêu đề, giữ "
                  "nguyên. Cột nào không cần có thể xóa. Ngày ghi ngày/tháng/năm (01/12/2026); "
                  "nhiều dòng trong một ô (Kính gửi, Nơi nhận…): xuống dòng bằng Alt+Enter."])
    for letter, width in zip("ABCD", (28, 22, 48, 60), strict=True):
        guide.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), f"bang-tinh-{doc_type.replace('_', '-')}.xlsx"


def _hint(i: Input, doc_type: str) -> str:
    hints = [hint for hint, types in i.hints if types is None or doc_type in types]
    if i.kind == LINES:
        hints.append("Nhiều dòng trong một ô: Alt+Enter giữa các dòng.")
    if i.kind == BOOL:
        hints.append("Ghi x (hoặc có) để chọn.")
    if i.kind == SELECT:
        hints.append("Một trong: " + ", ".join(label for _, label in i.choices) + ".")
    return " ".join(hints)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, dict):
        return ""
    return str(value)


# --- Reading a sheet back ----------------------------------------------------------------------

@dataclass
class Read:
    """The rows with field paths for keys, and what naming a row's problem needs."""

    rows: list[dict[str, Any]]
    columns: dict[str, str] = field(default_factory=dict)       # path → heading as in the sheet
    cells: list[dict[str, str]] = field(default_factory=list)   # by row: path → the value typed
    refused: list[dict[str, str]] = field(default_factory=list)  # by row: path → the form's word

    def note(self) -> dict[str, Any]:
        return {"columns": self.columns, "cells": self.cells, "refused": self.refused}

    def fail_refused(self, batch: envelope.BatchRequest) -> envelope.BatchRequest:
        """The batch with each row whose cell the form could not read (a day the month lacks,
        a two-digit year) failing alone with the form's word, never made with a guess."""
        items = [item if not refused else dataclasses.replace(
                     item, payload=None, error={p: [m] for p, m in refused.items()})
                 for item, refused in zip(batch.items, self.refused, strict=True)]
        return dataclasses.replace(batch, items=items)


def read(rows: list[dict[str, Any]], doc_type: str | None) -> Read:
    """The sheet's rows with its headings as field paths and its cells as the contract takes
    them (lines split, dates and times read as the form reads them, "x" for a box). A heading
    that is neither a label, a field path nor a note is refused, naming it."""
    by_heading = _by_heading(doc_type)
    headings = dict.fromkeys(key for row in rows for key in row if key != sheets.ROW_KEY)
    path_of: dict[str, tuple[str, Input | None]] = {}
    unknown = []
    for heading in headings:
        if heading.startswith(envelope.NOTE_PREFIX):
            continue
        i = by_heading.get(heading_key(heading))
        if i is not None:
            path_of[heading] = (i.path, i)
        elif heading.split(".")[0] in _CONTRACT_FIELDS:
            path_of[heading] = (heading, next((j for j in INPUTS if j.path == heading), None))
        else:
            unknown.append(heading)
    if unknown:
        known = ", ".join(i.label for i in columns(doc_type)[:6]) if doc_type else "Số văn bản"
        raise UploadError(
            "Bảng tính có cột không rõ: " + ", ".join(f"“{h}”" for h in unknown) + ". Tiêu đề "
            f"phải là tên một ô của biểu mẫu (ví dụ {known}), hoặc bắt đầu bằng _ nếu chỉ để "
            "ghi chú. Tải bảng tính mẫu để có đủ tiêu đề.")
    out = Read([], {path: heading for heading, (path, _) in path_of.items()})
    for row in rows:
        converted: dict[str, Any] = {sheets.ROW_KEY: row.get(sheets.ROW_KEY)}
        typed: dict[str, str] = {}
        refused: dict[str, str] = {}
        for heading, value in row.items():
            if heading == sheets.ROW_KEY:
                continue
            if heading not in path_of:
                converted[heading] = value             # a note column
                continue
            path, i = path_of[heading]
            typed[path] = _shown(envelope.plain(value))[:_SHOWN]
            try:
                converted[path] = cell(value, i)
            except dates.DateRefused as exc:
                converted[path] = _shown(envelope.plain(value))
                refused[path] = str(exc)
        out.rows.append(converted)
        out.cells.append(typed)
        out.refused.append(refused)
    return out


def cell(value: Any, i: Input | None) -> Any:
    """A cell's value as the contract takes it, read as the form reads this input."""
    if i is None:
        return envelope.plain(value)
    if i.kind == DATE and isinstance(value, datetime | date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    if i.kind == DATETIME and isinstance(value, datetime):
        return f"{value:%Y-%m-%dT%H:%M}"
    value = envelope.plain(value)
    if not isinstance(value, str):
        return str(value) if i.kind in (TEXT, TEXTAREA, NAMES) and i.path != "number" else value
    text = value.strip()
    if i.kind == LINES:
        return [line for _, line in numbered_lines(text)]
    if i.kind == NAMES:
        return name_lines(text)
    if i.kind == DATE:
        return dates.parse(text, blank_day=False).contract
    if i.kind == DATETIME:
        return dates.moment(text)
    if i.kind == BOOL:
        if text.casefold() in _YES:
            return True
        if text.casefold() in _NO:
            return False
        return text
    if i.kind == SELECT:
        return next((key for key, label in i.choices
                     if heading_key(label) == heading_key(text)), text)
    return text


# --- Naming a failed row -----------------------------------------------------------------------

def row_messages(error: Mapping[str, Any], index: int, note: Mapping[str, Any],
                 path_label: Callable[[str], str]) -> list[str]:
    """What went wrong with one item, each message naming the column and the value it came
    from when a column filled that field ("cột Số văn bản: “2O3” — …")."""
    cols: dict[str, str] = note.get("columns", {})
    cells = _at(note.get("cells"), index)
    refused = _at(note.get("refused"), index)
    out = []
    for path, messages in error.get("fields", {}).items():
        column = max((c for c in cols if path == c or path.startswith(c + ".")), key=len,
                     default=None)
        if column is None:
            out.extend(f"{path_label(path)}: {m}" for m in messages)
            continue
        said = [refused[column]] if column in refused else messages
        value = cells.get(column)
        # A path for heading is said with its label too: "cột Số văn bản (number)".
        heading = path_label(column) if cols[column] == column else cols[column]
        where = f"cột {heading}" + (f": “{value}”" if value else " (để trống)")
        out.extend(f"{where} — {m}" for m in said)
    if "message" in error:
        out.append(error["message"])
    return out


def _at(items: Any, index: int) -> dict[str, str]:
    return items[index] if isinstance(items, list) and index < len(items) else {}


def type_of(base: Any) -> str | None:
    """The base's type key when it names one the registry has."""
    kind = base.get("type") if isinstance(base, Mapping) else None
    return kind if isinstance(kind, str) and kind in TYPES else None
