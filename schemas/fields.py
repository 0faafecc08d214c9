"""Field types shared by the payload schemas: NFC text, Vietnamese error messages, limits."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any, NamedTuple

from marshmallow import fields, validate

# Characters XML 1.0 cannot carry: they would corrupt the DOCX, so they are refused (422).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

MESSAGES = {
    "required": "Thiếu trường bắt buộc.",
    "null": "Không được để trống (null).",
    "validator_failed": "Giá trị không hợp lệ.",
    "invalid": "Sai kiểu dữ liệu.",
}


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

    def __init__(self, *, multiline: bool = False, max_length: int = 2000,
                 allow_blank: bool = False, **kwargs: Any) -> None:
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
        if len(text) > self.max_length:
            raise self.make_error("too_long", max=self.max_length)
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


def length(max_items: int, min_items: int = 0) -> validate.Length:
    return validate.Length(min=min_items, max=max_items,
                           error=f"Số phần tử phải từ {min_items} đến {max_items}.")
