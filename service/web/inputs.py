"""The clerk form's inputs as data, and the translation both ways: inputs → the API's payload,
the contract's error paths (`signer.name`, `to.2`) → the inputs and lines they came from.

Each input is described once (its label, the contract path it fills, how its text is read, the
types that use it); the page draws the type-specific ones from these descriptions, and the
spreadsheet headings of a batch come from the same labels, so a new type's input needs no
branch in the code or the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from schemas import TYPES, DocType
from service.web import dates

# --- What the page shows ----------------------------------------------------------------------

TYPE_NAMES: dict[str, str] = {key: (t.name or "CÔNG VĂN").capitalize() for key, t in TYPES.items()}

# Quyền hạn ký (nd30-spec §3.8), in the contract's order; a test checks the keys against it.
MODE_NAMES: dict[str, str] = {
    "TM": "TM. — Thay mặt",
    "KT": "KT. — Ký thay",
    "Q": "Q. — Quyền",
    "TL": "TL. — Thừa lệnh",
    "TUQ": "TUQ. — Thừa ủy quyền",
}
SIGNER_LEVELS = (1, 2)

# How an input's text becomes the contract's value.
TEXT = "text"        # one line, stripped; left out when blank
LINES = "lines"      # a list, one item per non-blank line (errors name the line)
NAMES = "names"      # a name: one line, or a list of lines where the clerk broke it (§3.3)
RAW = "raw"          # kept as typed or pasted: its lines are its structure (nội dung)
OTHER = "other"      # read by code of its own (date, quyền hạn, files, choices)


@dataclass(frozen=True)
class Input:
    """One input of the form: what the clerk sees, and the contract path it fills."""

    name: str                           # the HTML name; its id is f-<name>
    label: str
    path: str | None = None             # None: not a field of the payload
    kind: str = OTHER
    hint: str | None = None
    used_by: Callable[[DocType], bool] | None = None   # None: every type
    section: str | None = None          # where a type's own input sits on the page
    width: str = ""
    rows: int = 3

    @property
    def types(self) -> tuple[str, ...] | None:
        """The type keys that use this input; None when every type does."""
        if self.used_by is None:
            return None
        return tuple(key for key, t in TYPES.items() if self.used_by(t))


def _decides(t: DocType) -> bool:
    return t.decides


# The inputs only some types use, drawn by the page from this list into their section.
TYPE_INPUTS: tuple[Input, ...] = (
    Input("unit_code", "Viết tắt đơn vị soạn thảo", "unit_code", TEXT,
          "Ví dụ VX: số ký hiệu thành UBND-VX.", lambda t: t.abbrev is None, "issuer", "narrow"),
    Input("to", "Kính gửi", "to", LINES, "Mỗi dòng một nơi. Công văn và tờ trình bắt buộc có.",
          lambda t: t.allows_to, "address"),
    Input("authority", "Thẩm quyền ban hành", "authority", TEXT,
          "Ví dụ: Chủ tịch Ủy ban nhân dân xã Tân Phú (tự in chữ hoa).", _decides, "basis"),
    Input("bases", "Căn cứ ban hành", "bases", LINES,
          "Mỗi dòng một căn cứ, ví dụ: Căn cứ Luật Tổ chức chính quyền địa phương. Dấu ; và . "
          "ở cuối tự thêm.", _decides, "basis", rows=4),
)

INPUTS: tuple[Input, ...] = (
    Input("type", "Loại văn bản", "type"),
    Input("issuer_parent", "Cơ quan chủ quản", "issuer.parent", NAMES),
    Input("issuer_name", "Cơ quan ban hành", "issuer.name", NAMES),
    Input("issuer_code", "Viết tắt tên cơ quan ban hành", "issuer.code", TEXT),
    TYPE_INPUTS[0],
    Input("number", "Số văn bản", "number", TEXT),
    Input("place", "Địa danh", "place", TEXT),
    Input("date", "Ngày ban hành", "date"),
    Input("subject", "Trích yếu", "subject", TEXT),
    *TYPE_INPUTS[1:],
    Input("body", "Nội dung", "body", RAW),
    Input("appendix_title", "Tên phụ lục", "appendices.0.title"),
    Input("appendix_body", "Nội dung phụ lục", "appendices.0.body"),
    Input("recipients", "Nơi nhận", "recipients", LINES),
    Input("archive", "Lưu", "archive", TEXT),
    Input("contact", "Địa chỉ, điện thoại, email (cuối trang đầu)", "contact", TEXT),
    Input("signer_mode_1", "Quyền hạn ký, dòng 1"),
    Input("signer_of_1", "Thay cho (dòng 1)"),
    Input("signer_mode_2", "Quyền hạn ký, dòng 2"),
    Input("signer_of_2", "Thay cho (dòng 2)"),
    Input("signer_title", "Chức vụ người ký", "signer.title", TEXT),
    Input("signer_name", "Họ và tên người ký", "signer.name", TEXT),
    Input("format", "Định dạng tệp"),
    Input("payload_file", "Tệp JSON"),
    Input("sheet", "Bảng tính (CSV hoặc XLSX)"),
    Input("base_file", "Tệp JSON mẫu (không bắt buộc)"),
    Input("name_column", "Cột đặt tên tệp"),
    Input("merged_pdf", "Gộp một tệp PDF để in"),
)
LABELS: dict[str, str] = {i.name: i.label for i in INPUTS}
FILE_INPUTS = ("payload_file", "sheet", "base_file")
TEXT_INPUTS = tuple(name for name in LABELS if name not in FILE_INPUTS)
# Sent even when blank, so the contract names what is missing beside its input.
_ALWAYS = {"issuer.name", "issuer.code", "place", "subject", "signer.name"}


def section_types(section: str) -> tuple[str, ...]:
    """The types that use some input of a section (the section shows only for them)."""
    return tuple(key for key in TYPES
                 if any(key in (i.types or ()) for i in TYPE_INPUTS if i.section == section))


# --- Form → payload ----------------------------------------------------------------------------

@dataclass
class Translation:
    """The payload the form describes, and what is needed to put errors back on its inputs."""

    payload: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)   # by input: the form's own checks
    lines: dict[str, list[int]] = field(default_factory=dict)    # list item → its textarea line
    levels: list[int] = field(default_factory=list)              # on_behalf item → signer level


def translate(form: Mapping[str, str]) -> Translation:
    """The payload for POST /v1/documents that these form fields describe.

    Inputs the chosen type does not use are left out, whatever they hold, so a clerk who
    switches type (or has no JS to hide them) is never refused for them. Blank optional
    inputs are left out too; blank required ones are sent so the contract names them.
    """
    def text(name: str) -> str:
        return form.get(name, "").strip()

    t = Translation(payload={})
    doc_type = TYPES.get(text("type"))
    if text("type"):
        t.payload["type"] = text("type")
    else:
        t.errors["type"] = ["Hãy chọn loại văn bản."]

    for i in INPUTS:
        if i.kind == OTHER or (i.used_by is not None and (doc_type is None
                                                          or not i.used_by(doc_type))):
            continue
        if i.kind == LINES:
            numbered = _lines(form.get(i.name, ""))
            put(t.payload, i.path, [line for _, line in numbered])
            t.lines[i.path] = [number for number, _ in numbered]
        elif i.kind == RAW:
            put(t.payload, i.path, form.get(i.name, ""))
        elif text(i.name) or i.path in _ALWAYS:
            put(t.payload, i.path, _name_lines(text(i.name)) if i.kind == NAMES
                else text(i.name))
    t.payload["date"] = _date(text("date"), blank_day=form.get("date_blank") == "1",
                              errors=t.errors)
    # One phụ lục from the form (a JSON upload may carry several); sent when either input has
    # something, so a title without content, or content without a title, is named.
    if text("appendix_title") or text("appendix_body"):
        t.payload["appendices"] = [{"title": text("appendix_title"),
                                    "body": form.get("appendix_body", "")}]

    on_behalf = []
    for level in SIGNER_LEVELS:
        mode, of = text(f"signer_mode_{level}"), text(f"signer_of_{level}")
        if mode:
            on_behalf.append({"mode": mode, "of": of})
            t.levels.append(level)
        elif of:
            t.errors[f"signer_mode_{level}"] = [
                "Hãy chọn thay mặt, ký thay… cho dòng này, hoặc xóa ô “thay cho” bên cạnh."]
    t.payload.setdefault("signer", {})["on_behalf"] = on_behalf
    return t


def put(payload: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path (`issuer.name`), making the objects on the way."""
    *parents, last = path.split(".")
    for part in parents:
        payload = payload.setdefault(part, {})
    payload[last] = value


def _lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines with their line numbers (1-based), so an error can say "Dòng 3"."""
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1)
            if line.strip()]


def _name_lines(text: str) -> str | list[str]:
    """One line lets the service break the name; several lines force the clerk's breaks."""
    lines = [line for _, line in _lines(text)]
    return lines if len(lines) > 1 else text


def _date(raw: str, *, blank_day: bool, errors: dict[str, list[str]]) -> str | None:
    """The contract's date from the clerk's dd/mm/yyyy; "để trống ngày" keeps month and year
    (nd30-spec §3.5). Nothing is guessed: what dates.parse cannot be sure of is an error."""
    if not raw:
        if not blank_day:
            errors["date"] = ["Hãy gõ ngày ban hành (ngày/tháng/năm), hoặc đánh dấu "
                              "“để trống ngày”."]
        return None
    try:
        return dates.parse(raw, blank_day=blank_day).contract
    except dates.DateRefused as exc:
        errors["date"] = [str(exc)]
        return None


# --- Errors → inputs ---------------------------------------------------------------------------

BY_PATH: dict[str, str] = {i.path: i.name for i in INPUTS if i.path} | {
    # A whole object or list missing is said beside the input a clerk fills first for it.
    "issuer": "issuer_name", "signer": "signer_name", "appendices": "appendix_title",
    "signer.on_behalf": "signer_mode_1",
}
_LIST_INPUTS = {i.path for i in INPUTS if i.kind == LINES}
_ON_BEHALF = re.compile(r"signer\.on_behalf\.(\d+)\.(mode|of)")


def locate(path: str, t: Translation | None) -> tuple[str, str] | None:
    """The input a contract path belongs to and a prefix naming the line, or None.

    Without a translation (a JSON upload) list items are named by position instead of line.
    """
    if path in BY_PATH:
        return BY_PATH[path], ""
    head, _, rest = path.partition(".")
    if head in _LIST_INPUTS and rest.isdigit():
        index = int(rest)
        if t is not None and index < len(t.lines.get(head, [])):
            return BY_PATH[head], f"Dòng {t.lines[head][index]}: "
        return BY_PATH[head], f"Mục {index + 1}: "
    if head == "body":                      # a block inside a JSON body: body.2.heading …
        return "body", f"Khối {rest.split('.')[0]}: " if rest else ""
    m = _ON_BEHALF.fullmatch(path)
    if m:
        index = int(m[1])
        level = t.levels[index] if t is not None and index < len(t.levels) else index + 1
        return f"signer_{m[2]}_{level}", ""
    return None


@dataclass(frozen=True)
class Problem:
    """One line of the summary at the top: where (a label, and an input to jump to) and what."""

    where: str
    message: str
    anchor: str | None = None


def place_errors(fields: dict[str, list[str]], t: Translation | None,
                 ) -> tuple[dict[str, list[str]], list[Problem]]:
    """Errors by input (shown beside it) and the summary listing every one of them.

    The form's own checks on an input replace the contract's for the same input: they speak
    of what the clerk sees (a date field, a checkbox), not of JSON.
    """
    own = t.errors if t is not None else {}
    by_input: dict[str, list[str]] = {name: list(msgs) for name, msgs in own.items()}
    unplaced: list[Problem] = []
    for path, messages in fields.items():
        spot = locate(path, t)
        if t is None or spot is None or spot[0] not in LABELS:
            # A JSON upload's errors are not the inputs' (the file was sent, not the form).
            unplaced.extend(Problem(path_label(path), m) for m in messages)
        elif spot[0] not in own:
            by_input.setdefault(spot[0], []).extend(spot[1] + m for m in messages)
    placed = [Problem(LABELS[name], m, f"f-{name}") for name in LABELS
              for m in by_input.get(name, [])]
    return by_input, placed + unplaced


def path_label(path: str) -> str:
    """A contract path as the clerk may know it, keeping the path for whoever wrote the JSON."""
    if path == "_payload":
        return "Dữ liệu"
    spot = locate(path, None)
    return f"{LABELS[spot[0]]} ({path})" if spot and spot[0] in LABELS else path
