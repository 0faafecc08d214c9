"""The NĐ30 text rules as pure functions: số and ký hiệu, date line, labels, endings, signers.

Each rule cites the section of ../shared/nd30-spec.md it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

# Wide enough for a văn thư to write a number or a day by hand (nd30-spec §3.4, §3.5).
NUMBER_BLANK = "\u00a0" * 8
DAY_BLANK = "\u00a0" * 8


def number_text(number: int | None) -> str:
    """Số văn bản: below 10 padded to two digits (§3.4); None leaves a blank for the văn thư."""
    if number is None:
        return NUMBER_BLANK
    return f"{number:02d}"


def symbol_line(number: int | None, notation: str) -> str:
    """`Số: 05/KH-UBND`, or `Số:         /KH-UBND` when unnumbered (§3.4, §7)."""
    return f"Số: {number_text(number)}/{notation}"


def notation(type_abbrev: str | None, issuer_code: str, unit_code: str | None = None) -> str:
    """Ký hiệu: `<LOẠI>-<CQ>` for named types, `<CQ>-<đơn vị>` for công văn (§3.4, §7).

    Mixed-case type abbreviations (TTr, QyĐ, CTr) are kept as written (§5).
    """
    if type_abbrev is None:
        return f"{issuer_code}-{unit_code}" if unit_code else issuer_code
    return f"{type_abbrev}-{issuer_code}"


def date_line(place: str, year: int | None, month: int | None = None,
              day: int | None = None) -> str:
    """`Hà Nội, ngày 05 tháng 3 năm 2020`: day below 10 and months 1–2 padded (§3.5).

    Parts left None are blanks for the văn thư: `…, ngày      tháng 02 năm 2023`.
    """
    return f"{place}, {date_words(year, month, day)}"


def date_words(year: int | None, month: int | None = None, day: int | None = None) -> str:
    """`ngày 05 tháng 3 năm 2020`, blanks for the parts left None (as in date_line)."""
    day_s = f"{day:02d}" if day is not None else DAY_BLANK
    month_s = DAY_BLANK if month is None else f"{month:02d}" if month <= 2 else str(month)
    year_s = str(year) if year is not None else "20" + "\u00a0" * 4
    return f"ngày {day_s} tháng {month_s} năm {year_s}"


def moment_words(value: str | date | datetime) -> str:
    """A time as the Mẫu write it: `08 giờ 30, ngày 15 tháng 01 năm 2026` (Mẫu 1.9's
    "… giờ …, ngày … tháng … năm …", the date padded as in §3.5); text is kept as written."""
    if isinstance(value, datetime):
        return f"{value.hour:02d} giờ {value.minute:02d}, " + \
            date_words(value.year, value.month, value.day)
    if isinstance(value, date):
        return date_words(value.year, value.month, value.day)
    return value


def days_between(start: Sequence[int | None], end: Sequence[int | None]) -> int | None:
    """Days of leave from `start` to `end`, both included; None when either is partial."""
    if None in (*start, *end):
        return None
    return (date(*end) - date(*start)).days + 1


# Bản sao (§4, §7): the form printed in ô 1 of the copy block and its ký hiệu abbreviation.
COPY_FORMS = {"sao_y": ("SAO Y", "SY"), "sao_luc": ("SAO LỤC", "SL"),
              "trich_sao": ("TRÍCH SAO", "TrS")}


_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]

# Điểm letters follow the Vietnamese alphabet (§3.7): a, b, c, d, đ, e, …
_VI_LETTERS = "abcdđeghiklmnopqrstuvxy"


def roman(n: int) -> str:
    out = []
    for value, sym in _ROMAN:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def letter(n: int) -> str:
    """1 → a, 5 → đ; past y the letters double (aa, ab…) as long lists sometimes need."""
    n -= 1
    size = len(_VI_LETTERS)
    if n < size:
        return _VI_LETTERS[n]
    return letter(n // size) + _VI_LETTERS[n % size]


# Numbering schemes by depth (1-based); beyond the last entry the last one repeats.
# Plans, reports, letters: I., 1., a), -, + (§3.7 "variant without chương/điều").
# Decisions: Điều 1., 1., a), -, + (§3.7 table).
SCHEMES: dict[str, tuple[str, ...]] = {
    "sections": ("roman", "arabic", "letter", "dash", "plus"),
    "articles": ("article", "arabic", "letter", "dash", "plus"),
}


def label(kind: str, n: int) -> str:
    """The printed label for the n-th sibling of a numbering kind."""
    if kind == "roman":
        return f"{roman(n)}."
    if kind == "arabic":
        return f"{n}."
    if kind == "letter":
        return f"{letter(n)})"
    if kind == "article":
        return f"Điều {n}."
    if kind == "dash":
        return "-"
    if kind == "plus":
        return "+"
    raise ValueError(kind)


def scheme_kind(scheme: str, depth: int) -> str:
    kinds = SCHEMES[scheme]
    return kinds[min(depth, len(kinds)) - 1]


def with_endings(items: Sequence[str], middle: str = ";", last: str = ".") -> list[str]:
    """Căn cứ and list endings: ";" after each, "." after the last, where the caller left the
    ending off (§3.7, §3.10). An ending the caller wrote is kept as written."""
    out = []
    for i, item in enumerate(items):
        text = item.rstrip()
        if not text.endswith((";", ".", ":", ",", "!", "?")):
            text += last if i == len(items) - 1 else middle
        out.append(text)
    return out


_DASH = re.compile(r"^[-–]\s*")


def dash_items(items: Sequence[str]) -> list[str]:
    """`- item;` lines: the leading dash added once, endings as in `with_endings` (§3.10)."""
    bare = [_DASH.sub("", item.strip()) for item in items]
    return [f"- {text}" for text in with_endings(bare)]


# Every nơi nhận ends with the văn thư's copy, at least (§3.10): `- Lưu: VT.`
ARCHIVE = "VT"
_ARCHIVE_ITEM = re.compile(r"^[-–]?\s*lưu\b", re.IGNORECASE)


def archive_line(archive: str) -> str:
    """The last nơi nhận item: `Lưu: VT, NV.` (§3.10)."""
    text = archive.strip().rstrip(".;")
    if not text.lower().startswith("lưu"):
        text = f"Lưu: {text}"
    return f"{text}."


def recipient_lines(recipients: Sequence[str], archive: str | None) -> list[str]:
    """Nơi nhận (ô 9b): `- item;` lines ending with the Lưu line, which is never missing
    (§3.10): `archive`, else a "Lưu …" line the caller put last among the items, else VT."""
    items = list(recipients)
    if archive is None and items and _ARCHIVE_ITEM.match(items[-1].strip()):
        archive = _DASH.sub("", items.pop().strip())
    return dash_items([*items, archive_line(archive or ARCHIVE)])


def close_body(text: str) -> str:
    """The body ends with "./." (§3.7, every Mẫu); added when the caller left it off."""
    stripped = text.rstrip()
    if stripped.endswith("./."):
        return stripped
    if stripped.endswith("./"):             # the mark half typed
        return stripped + "."
    if stripped.endswith((".", ";", ":", ",")):
        stripped = stripped[:-1]
    return stripped + "./."


SIGNER_MODES = ("TM", "KT", "Q", "TL", "TUQ")


def signer_lines(on_behalf: Sequence[tuple[str, str]], title: str | None) -> list[str]:
    """Ô 7a: `TM. ỦY BAN NHÂN DÂN` / `KT. CHỦ TỊCH` / `PHÓ CHỦ TỊCH`, all in caps (§3.8)."""
    lines = [f"{mode.upper()}. {of.upper()}" for mode, of in on_behalf]
    if title:
        lines.append(title.upper())
    return lines


# Words that start the place part of an agency name; a văn thư breaks the line before them
# ("ỦY BAN NHÂN DÂN" / "THỊ XÃ HỒNG LĨNH"), nd30-spec §3.3 and §7.
_PLACE_WORDS = ("THÀNH PHỐ", "THỊ XÃ", "THỊ TRẤN", "TỈNH", "HUYỆN", "QUẬN", "XÃ", "PHƯỜNG",
                "ĐẶC KHU")
_PLACE_BREAK = re.compile(r"\s+(?=(?:{})\s)".format("|".join(_PLACE_WORDS)))


def agency_lines(name: str | Sequence[str]) -> list[str]:
    """Agency name in caps, broken where a văn thư breaks it; a list forces the breaks."""
    if not isinstance(name, str):
        return [line.strip().upper() for line in name if line.strip()]
    text = " ".join(name.split()).upper()
    parts = _PLACE_BREAK.split(text, maxsplit=1)
    if len(parts) == 2 and len(parts[0].split()) >= 2:  # "UBND TỈNH …" stays on one line
        return parts
    return [text]
