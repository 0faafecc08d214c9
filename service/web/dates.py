"""Ngày ban hành as a clerk types it: dd/mm/yyyy, whatever the browser's language, never guessed.

A date picker shows and reads its value in the browser's language (mm/dd/yyyy in an English
one), and a year typed as "26" became year 26; so the form takes plain text in one order only,
day/month/year as Vietnamese offices write it, and refuses what it cannot read for certain
instead of swapping parts. The text that will print (nd30-spec §3.5) is said back beside the
field, so the clerk sees "ngày 01 tháng 12 năm 2026" before downloading.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from service.model.nd30 import date_words

FIRST_YEAR, LAST_YEAR = 1945, 2100     # the Republic's first documents … a sane horizon
EXAMPLE = "01/12/2026"
_SEP = r"\s*[/.\-]\s*"
_FULL = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d+)")
_MONTH = re.compile(rf"(\d{{1,2}}){_SEP}(\d+)")
_DIGITS = re.compile(r"\d{8}")          # 01122026: day, month, year as typed without slashes


class DateRefused(ValueError):
    """The text is not a date the form can be sure of; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class TypedDate:
    """What the clerk's text means: a day (None when left blank for the văn thư) of a month."""

    year: int
    month: int
    day: int | None

    @property
    def contract(self) -> str:
        """The API's date: YYYY-MM-DD, or YYYY-MM with the day left blank."""
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def text(self) -> str:
        """dd/mm/yyyy (mm/yyyy without a day): how the field shows it back."""
        if self.day is None:
            return f"{self.month:02d}/{self.year:04d}"
        return f"{self.day:02d}/{self.month:02d}/{self.year:04d}"

    @property
    def printed(self) -> str:
        """As the date line prints it: `ngày 01 tháng 12 năm 2026`."""
        return date_words(self.year, self.month, self.day)


def parse(raw: str, *, blank_day: bool = False) -> TypedDate:
    """The date in `raw` (d/m/yyyy, with "/", "." or "-", or ddmmyyyy); with `blank_day` the
    day is dropped and m/yyyy is enough. DateRefused says what is wrong."""
    text = raw.strip()
    m = _FULL.fullmatch(text)
    if m is None and _DIGITS.fullmatch(text):
        m = re.fullmatch(r"(\d\d)(\d\d)(\d{4})", text)
    if m is not None:
        day, month, year = m.groups()
    elif blank_day and (mm := _MONTH.fullmatch(text)):
        day, (month, year) = None, mm.groups()
    elif text.isdigit():
        raise DateRefused(f"Không rõ là ngày nào: hãy gõ có dấu /, ví dụ {EXAMPLE}.")
    else:
        raise DateRefused(f"Hãy gõ ngày theo ngày/tháng/năm, ví dụ {EXAMPLE}.")
    if len(year) != 4:
        raise DateRefused(f"Năm phải đủ 4 chữ số (ví dụ {EXAMPLE}), không viết tắt “{year}”.")
    y, mo = int(year), int(month)
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise DateRefused(f"Năm {y} nằm ngoài khoảng {FIRST_YEAR}–{LAST_YEAR}.")
    if not 1 <= mo <= 12:
        raise DateRefused(f"Tháng {mo} không có: tháng từ 1 đến 12 (ngày/tháng/năm, "
                          f"ví dụ {EXAMPLE}).")
    if day is None or blank_day:
        if day is not None:
            _check_day(int(day), mo, y)
        return TypedDate(y, mo, None)
    _check_day(int(day), mo, y)
    return TypedDate(y, mo, int(day))


def _check_day(day: int, month: int, year: int) -> None:
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DateRefused(f"Tháng {month} năm {year} không có ngày {day} (chỉ đến ngày {last}).")


def shown(when: date) -> str:
    """A date as the field shows it: dd/mm/yyyy."""
    return TypedDate(when.year, when.month, when.day).text


def echo(raw: str, *, blank_day: bool) -> tuple[str | None, str | None]:
    """(what will print, None) or (None, why it cannot) for the field's current text; nothing
    at all for an empty field without the blank-day box."""
    if not raw.strip():
        return (date_words(None), None) if blank_day else (None, None)
    try:
        return parse(raw, blank_day=blank_day).printed, None
    except DateRefused as exc:
        return None, str(exc)


_TIME = r"(\d{1,2})\s*(?::|h|giờ)\s*(\d{2})?\s*(?:phút)?"
_GLUE = r"[\s,]*(?:lúc|ngày)?[\s,]*"
_DAY = r"(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d+)"
_MOMENTS = (re.compile(rf"(?:ngày\s*)?{_DAY}", re.I),
            re.compile(rf"(?:lúc\s*)?{_TIME}{_GLUE}{_DAY}", re.I),
            re.compile(rf"(?:ngày\s*)?{_DAY}{_GLUE}{_TIME}", re.I))


def moment(raw: str) -> str:
    """A time the clerk typed (giấy mời's thời gian, biên bản's start and end): a day as
    dd/mm/yyyy, with a time (08:30, 8h30, 8 giờ 30) before or after it, becomes the contract's
    YYYY-MM-DD[THH:MM] so it prints as the Mẫu write it; any other text prints as typed
    ("sáng thứ Hai, ngày 15/01/2026"). A day or time that cannot be right is DateRefused."""
    text = raw.strip()
    for number, pattern in enumerate(_MOMENTS):
        m = pattern.fullmatch(text)
        if m is None:
            continue
        groups = m.groups()
        day = groups[0] if number != 1 else groups[2]
        hour, minute = (None, None) if number == 0 else (
            groups[:2] if number == 1 else groups[1:])
        when = parse(day)
        if hour is None:
            return when.contract
        h, mi = int(hour), int(minute or 0)
        if not (0 <= h <= 23 and 0 <= mi <= 59):
            raise DateRefused(f"Giờ {hour}:{minute or '00'} không có (giờ 0–23, phút 0–59).")
        return f"{when.contract}T{h:02d}:{mi:02d}"
    return text
