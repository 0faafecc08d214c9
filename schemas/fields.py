"""Field types shared by the payload schemas: NFC text, Vietnamese error messages, limits."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from marshmallow import ValidationError, fields, validate

# Characters XML 1.0 cannot carry: they would corrupt the DOCX, so they are refused (422).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

MESSAGES = {
    "required": "Thiếu trường bắt buộc.",
    "null": "Không được để trống (null).",
    "validator_failed": "Giá trị không hợp lệ.",
    "invalid": "Sai kiểu dữ liệu.",
}


@dataclass(frozen=True)
class Limits:
    """The payload's configurable sizes (`settings.limits`, VANBAN_LIMITS_*); the defaults are
    the v1 contract's. Short fields (names, codes, trích yếu) keep fixed lengths: they must fit
    the printed layout, whatever a server allows."""

    body_chars: int = 500_000       # a body sent as pasted text
    block_chars: int = 20_000       # one text, item, article or bullet
    blocks: int = 5000              # blocks in the body's top level
    children: int = 1000            # children of one block, bullets of one bullets block
    depth: int = 6                  # levels of blocks inside blocks
    recipients: int = 500           # nơi nhận entries
    table_rows: int = 2000
    table_columns: int = 20
    cell_chars: int = 5000


# The limits in force while a payload is checked; `using(limits)` sets them for one check.
# A context variable rather than schema state: the schemas are built once, at import.
LIMITS: ContextVar[Limits] = ContextVar("vanban_limits", default=Limits())  # noqa: B039 (frozen)


@contextmanager
def using(limits: Limits | None) -> Iterator[Limits]:
    token = LIMITS.set(limits or Limits())
    try:
        yield LIMITS.get()
    finally:
        LIMITS.reset(token)


def limit(name: str) -> int:
    """The named limit in force now (a field of Limits)."""
    return getattr(LIMITS.get(), name)


def deeper_than(value: Any, levels: int) -> bool:
    """True when JSON `value` nests lists and objects more than `levels` deep. Iterative, so a
    hostile payload cannot exhaust the stack here, as it would in any recursive reader."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > levels:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def max_nesting(limits: Limits | None = None) -> int:
    """How deep a payload's raw JSON may nest: a block level takes two (object, children list),
    a table or bullets a few more; generous, yet far below what would exhaust the stack."""
    return 4 * (limits or LIMITS.get()).depth + 8


class _Vietnamese:
    """Mixin: the field's errors in Vietnamese, the language of our users."""

    default_error_messages = MESSAGES


class Text(_Vietnamese, fields.String):
    """A string kept literal and NFC-normalised; control characters refused.

    `multiline=False` folds runs of white space (a subject pasted with a line break prints
    on one line); `multiline=True` keeps line breaks (a body pasted from Word).
    """

    default_error_messages = {
        **MESSAGES,
        "invalid": "Phải là chuỗi ký tự.",
        "control": "Chứa ký tự điều khiển không hợp lệ (vị trí {pos}).",
        "blank": "Không được để trống.",
        "too_long": "Dài quá {max} ký tự.",
    }

    def __init__(self, *, multiline: bool = False, max_length: int | str = 2000,
                 allow_blank: bool = False, **kwargs: Any) -> None:
        """`max_length` is a number of characters, or the name of a configurable Limits field."""
        super().__init__(**kwargs)
        self.multiline = multiline
        self.max_length = max_length
        self.allow_blank = allow_blank

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        bad = _XML_INVALID.search(text)
        if bad:
            raise self.make_error("control", pos=bad.start() + 1)
        text = unicodedata.normalize("NFC", text)
        if self.multiline:
            text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n")
                             .replace("\r", "\n").split("\n")).strip("\n")
        else:
            text = " ".join(text.split())
        if not text and not self.allow_blank:
            raise self.make_error("blank")
        most = limit(self.max_length) if isinstance(self.max_length, str) else self.max_length
        if len(text) > most:
            raise self.make_error("too_long", max=most)
        return text


class Code(Text):
    """An abbreviation inside the ký hiệu (UBND, VX, QĐ): letters and digits, no spaces (§3.4)."""

    default_error_messages = {
        **Text.default_error_messages,
        "code": "Chỉ gồm chữ và số, không có khoảng trắng (ví dụ UBND).",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=30, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(r"[^\W_]+(?:-[^\W_]+)*", text):
            raise self.make_error("code")
        return text


class Nested(_Vietnamese, fields.Nested):
    default_error_messages = {**MESSAGES, "type": "Phải là một đối tượng JSON."}


class List(_Vietnamese, fields.List):
    default_error_messages = {**MESSAGES, "invalid": "Phải là một danh sách."}


class PartialDate(NamedTuple):
    """Ngày ban hành as given: parts left None are blanks for the văn thư (nd30-spec §3.5)."""

    year: int | None
    month: int | None
    day: int | None


class DateText(_Vietnamese, fields.Field):
    """`YYYY-MM-DD`, `YYYY-MM`, `YYYY` or null, checked to be a real calendar date."""

    default_error_messages = {
        **MESSAGES,
        "invalid": "Ngày phải theo dạng YYYY-MM-DD, YYYY-MM hoặc YYYY và là ngày có thật.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> PartialDate:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
        if not m:
            raise self.make_error("invalid")
        year, month, day = (int(g) if g else None for g in m.groups())
        try:
            if month is not None:
                date(year, month, day or 1)
        except ValueError as exc:
            raise self.make_error("invalid") from exc
        return PartialDate(year, month, day)


class Number(_Vietnamese, fields.Field):
    """Số văn bản: a positive integer, as a JSON number or a string of digits."""

    default_error_messages = {**MESSAGES, "invalid": "Số văn bản phải là số nguyên dương."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int) or not 1 <= value <= 999_999:
            raise self.make_error("invalid")
        return value


def one_of(choices: list[str]) -> validate.OneOf:
    return validate.OneOf(choices, error="Phải là một trong: {choices}.")


def length(max_items: int | str, min_items: int = 0) -> validate.Validator:
    """A list's length: at most `max_items`, a number or the name of a configurable limit."""
    if isinstance(max_items, str):
        return LimitedLength(max_items, min_items)
    return validate.Length(min=min_items, max=max_items,
                           error=f"Số phần tử phải từ {min_items} đến {max_items}.")


class LimitedLength(validate.Validator):
    """Like validate.Length, with `max` read from the limits in force (so the OpenAPI
    description, which reads `min`/`max`/`equal`, shows the limit the server applies)."""

    equal = None

    def __init__(self, name: str, min_items: int = 0) -> None:
        self.name = name
        self.min = min_items

    @property
    def max(self) -> int:
        return limit(self.name)

    def __call__(self, value: Any) -> Any:
        if not self.min <= len(value) <= self.max:
            raise ValidationError(f"Số phần tử phải từ {self.min} đến {self.max}.")
        return value


class Lines(List):
    """A list of lines, or one line as a plain string (a batch column fills it so)."""

    def __init__(self, max_length: int = 500, **kwargs: Any) -> None:
        super().__init__(Text(max_length=max_length), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list:
        if isinstance(value, str):
            value = [value]
        return super()._deserialize(value, attr, data, **kwargs)


_MOMENT = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2})?)?")


class Moment(Text):
    """A time of day and date (`2026-01-15T08:00`), a date, or text to print as written
    ("sáng thứ Hai, ngày 15/01/2026"); an ISO form that is no real date is refused."""

    default_error_messages = {
        **Text.default_error_messages,
        "moment": "Ngày giờ phải theo dạng YYYY-MM-DDTHH:MM và là ngày giờ có thật.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any,
                     **kwargs: Any) -> str | date | datetime:
        text = super()._deserialize(value, attr, data, **kwargs)
        m = _MOMENT.fullmatch(text)
        if not m:
            return text
        parts = [int(g) for g in m.groups() if g is not None]
        try:
            return datetime(*parts) if len(parts) == 5 else date(*parts)
        except ValueError as exc:
            raise self.make_error("moment") from exc
