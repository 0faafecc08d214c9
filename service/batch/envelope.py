"""The batch request: checks the envelope and turns it into one payload per item (mail merge).

Two shapes reach here, from JSON or from an uploaded spreadsheet alike:

    {"items": [payload, …], "format"?, "merged_pdf"?, "name_column"?}
    {"base": payload, "rows": [{"signer.name": "…", …}, …], "format"?, …}

Only the envelope is checked here (422 naming its fields, all at once). The payloads are not:
each is validated when its item runs, so a bad row fails alone with its own error. A row that
cannot even fill the base (a path through a string, an index past a list's end) becomes an item
that fails at once with that error, again alone.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from schemas.fields import deeper_than
from service.batch.sheets import ROW_KEY
from service.errors import BatchTooLarge, ValidationError

FORMATS = ("docx", "pdf")
_KEYS = {"items", "base", "rows", "format", "merged_pdf", "name_column"}
# A column whose header starts with this is a note (or a file name) and never fills the base.
NOTE_PREFIX = "_"
# Levels of lists and objects a batch may nest. Items are copied and stored recursively, so a
# hostile envelope must stop here; real ones nest about 20 deep (an item's body at its limit).
MAX_NESTING = 100


@dataclass(frozen=True)
class Item:
    payload: Any                            # what the pipeline gets; None when `error` is set
    name: str | None = None                 # the name_column's value, for the file name
    error: dict[str, list[str]] | None = None   # the row could not fill the base
    row: int | None = None                  # its row in the spreadsheet it came from


@dataclass(frozen=True)
class BatchRequest:
    items: list[Item]
    format: str = "docx"
    merged_pdf: bool = False
    name_column: str | None = None


def parse(data: Any, *, max_items: int) -> BatchRequest:
    """Check the envelope and build the items; raise ValidationError naming every bad field,
    or BatchTooLarge when there are more than `max_items` documents."""
    if not isinstance(data, Mapping):
        raise ValidationError({"_batch": ["Dữ liệu phải là một đối tượng JSON."]})
    if deeper_than(data, MAX_NESTING):
        raise ValidationError({"_batch": [f"Dữ liệu lồng nhau quá {MAX_NESTING} cấp."]},
                              detail="batch nested too deep")
    problems: dict[str, list[str]] = {}

    def problem(path: str, message: str) -> None:
        problems.setdefault(path, []).append(message)

    for key in sorted(set(data) - _KEYS):
        problem(str(key), "Trường không có trong yêu cầu tạo lô (kiểm tra chính tả).")

    fmt = data.get("format", "docx")
    if fmt not in FORMATS:
        problem("format", "Phải là docx hoặc pdf.")
    merged = data.get("merged_pdf", False)
    if not isinstance(merged, bool):
        problem("merged_pdf", "Phải là true hoặc false.")
    elif merged and fmt != "pdf":
        problem("merged_pdf", "Chỉ gộp được thành một tệp PDF khi format là pdf.")
    name_column = data.get("name_column")
    if name_column is not None and (not isinstance(name_column, str) or not name_column.strip()):
        problem("name_column", "Phải là tên một cột (chuỗi ký tự).")
        name_column = None

    has_items, has_rows = "items" in data, "rows" in data or "base" in data
    if has_items and has_rows:
        problem("items", "Gửi hoặc items, hoặc base kèm rows, không gửi cả hai.")
    elif not has_items and not has_rows:
        problem("items", "Thiếu danh sách văn bản: gửi items, hoặc base kèm rows.")

    raw: list[Any] = []
    if has_items and not has_rows:
        raw = _list(data["items"], "items", problem)
    elif has_rows and not has_items:
        if not isinstance(data.get("base"), Mapping):
            problem("base", "Thiếu văn bản mẫu (một đối tượng JSON)." if "base" not in data
                    else "Phải là một đối tượng JSON.")
        raw = _list(data.get("rows"), "rows", problem)
        for index, row in enumerate(raw):
            if not isinstance(row, Mapping) or not all(isinstance(k, str) for k in row):
                problem(f"rows.{index}", "Mỗi dòng phải là một đối tượng {đường dẫn: giá trị}.")
        if (name_column is not None and raw and all(isinstance(r, Mapping) for r in raw)
                and not any(name_column in row for row in raw)):
            problem("name_column", f"Không dòng nào có cột '{name_column}'.")

    if len(raw) > max_items:
        raise BatchTooLarge(
            f"Lô có {len(raw)} văn bản, vượt giới hạn {max_items} văn bản mỗi lô; "
            "hãy chia thành nhiều lô.", detail=f"{len(raw)} items > {max_items}")
    if problems:
        raise ValidationError(problems, detail=f"invalid batch: {', '.join(sorted(problems))}")

    if has_items:
        items = [Item(payload, _name(lookup(payload, name_column))) for payload in raw]
    else:
        items = [_fill_row(data["base"], row, name_column) for row in raw]
    return BatchRequest(items, fmt, merged, name_column)


def _list(value: Any, path: str, problem: Callable[[str, str], None]) -> list[Any]:
    if not isinstance(value, list):
        problem(path, "Thiếu trường bắt buộc." if value is None else "Phải là một danh sách.")
        return []
    if not value:
        problem(path, "Danh sách không được rỗng.")
    return value


def _fill_row(base: Mapping[str, Any], row: Mapping[str, Any], name_column: str | None) -> Item:
    name = _name(row.get(name_column)) if name_column else None
    number = row.get(ROW_KEY)
    number = number if isinstance(number, int) and not isinstance(number, bool) else None
    try:
        return Item(fill(base, row), name, row=number)
    except ValidationError as exc:
        return Item(None, name, exc.fields, row=number)


def fill(base: Mapping[str, Any], row: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `base` with each of the row's values set at its dotted path (`signer.name`,
    `recipients.0`); intermediate objects are made as needed, an index may append to a list.
    Columns starting with "_" are notes and fill nothing. Raises ValidationError naming each
    path that cannot be set."""
    payload = copy.deepcopy(dict(base))
    problems: dict[str, list[str]] = {}
    for path, value in row.items():
        if path.startswith(NOTE_PREFIX):
            continue
        try:
            _set(payload, path, plain(value))
        except ValueError as exc:
            problems.setdefault(path, []).append(str(exc))
    if problems:
        raise ValidationError(problems, detail=f"row cannot fill the base: {sorted(problems)}")
    return payload


def _set(target: Any, path: str, value: Any) -> None:
    parts = path.split(".")
    if not all(part.strip() for part in parts):
        raise ValueError("Tên cột không phải đường dẫn hợp lệ (ví dụ: signer.name).")
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[:depth]) or "văn bản mẫu"
        if isinstance(target, list):
            if not part.isdigit() or int(part) > len(target):
                raise ValueError(f"'{where}' là danh sách {len(target)} phần tử: "
                                 f"chỉ điền được vị trí 0 đến {len(target)}.")
            index = int(part)
            if index == len(target):
                target.append(value if last else {})
            elif last:
                target[index] = value
            target = target[index]
        elif isinstance(target, dict):
            if last:
                target[part] = value
            else:
                target = target.setdefault(part, {})
        else:
            raise ValueError(f"'{where}' không phải đối tượng hay danh sách nên không điền "
                             f"được '{part}'.")


def plain(value: Any) -> Any:
    """A cell's value as the contract reads it: whole floats as ints (Excel stores 15 as 15.0),
    dates as ISO text."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def lookup(payload: Any, path: str | None) -> Any:
    """The value at a dotted path of a payload, or None when there is none."""
    if path is None:
        return None
    for part in path.split("."):
        if isinstance(payload, Mapping):
            payload = payload.get(part)
        elif isinstance(payload, list) and part.isdigit() and int(part) < len(payload):
            payload = payload[int(part)]
        else:
            return None
    return payload


def _name(value: Any) -> str | None:
    if value is None or isinstance(value, Mapping | list):
        return None
    text = str(plain(value)).strip()
    return text or None
