"""The clerk form's inputs as data, and the translation both ways: inputs → the API's payload,
the contract's error paths (`signer.name`, `to.2`, `signers.1.name`) → the inputs and lines they
came from.

What a type uses comes from the registry (schemas/registry.py: `DocType.inputs()`, each input a
`Field` with its path, label, kind and hint); this module adds only how the page lays them out
(section, width, the form's own wording where it says more) and the few inputs the registry
does not describe (the quyền hạn lines, a phụ lục, the contact line). An input is drawn once per
distinct description of its path: the công điện's "Nơi nhận điện" is the same `to` as a công
văn's "Kính gửi", under its own label. The page shows each input for the types that use it, and
a new type needs no branch here or in the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from schemas.registry import TYPES, Field
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
BLOCKS = 4          # signature blocks and parties offered; the page shows one more as each fills

# How an input's text becomes the contract's value (the registry's kinds, plus the form's own).
TEXT = "text"            # one line, stripped; left out when blank
TEXTAREA = "textarea"    # several lines, stripped at the ends
RAW = "raw"              # kept as typed or pasted: its lines are its structure (nội dung)
LINES = "lines"          # a list, one item per non-blank line (errors name the line)
NAMES = "names"          # a name: one line, or a list of lines where the clerk broke it (§3.3)
DATE = "date"            # dd/mm/yyyy (service/web/dates.py)
DATETIME = "datetime"    # dd/mm/yyyy hh:mm, or text printed as typed
BOOL = "bool"            # a checkbox
SIGNERS = "signers"      # blocks of heading, chức vụ, họ tên
PARTIES = "parties"      # blocks of heading, tên, người đại diện, chức vụ, other lines
ATTACHMENT = "attachment"  # loại, trích yếu, nội dung, dòng "Kèm theo"
SELECT = "select"        # a choice among options
OTHER = "other"          # read by code of its own (quyền hạn, files, format)

# The page's sections, in order, and what their box says.
SECTIONS: dict[str, str] = {
    "issuer": "Cơ quan ban hành",
    "numbering": "Số, địa danh và ngày",
    "address": "Trích yếu và nơi gửi",
    "own": "Thông tin riêng của loại văn bản",
    "basis": "Thẩm quyền và căn cứ",
    "body": "",
    "attachment": "Văn bản ban hành kèm theo",
    "appendix": "Phụ lục (nếu có)",
    "recipients": "Nơi nhận và lưu",
    "signer": "Người ký",
}


@dataclass(frozen=True)
class Input:
    """One input of the form: what the clerk sees, and the contract path it fills."""

    name: str                           # the HTML name; its id is f-<name>
    label: str
    path: str | None = None             # None: not a field of the payload
    kind: str = OTHER
    types: tuple[str, ...] | None = None   # the types that use it; None: every type
    section: str | None = None
    width: str = ""
    rows: int = 3
    required: tuple[str, ...] | None = ()  # the types that need it; None: every type
    hints: tuple[tuple[str, tuple[str, ...] | None], ...] = ()   # (hint, the types it is for)
    parts: tuple[Input, ...] = ()       # a block's inputs (signers, parties, attachment)
    choices: tuple[tuple[str, str], ...] = ()

    def used_by(self, doc_type: str) -> bool:
        return self.types is None or doc_type in self.types

    @property
    def always_required(self) -> bool:
        """Needed by every type that uses it (the page marks it so without a script)."""
        return self.required is None or (bool(self.required) and self.required == self.types)

    def part(self, sub: str, block: int | None = None) -> str:
        """The name of one of a block's inputs: signers_2_name, attachment_subject."""
        return f"{self.name}_{block}_{sub}" if block is not None else f"{self.name}_{sub}"

    @property
    def blocks(self) -> range:
        return range(1, BLOCKS + 1) if self.kind in (SIGNERS, PARTIES) else range(0)


# How the page lays out each contract path, and where the form says more than the registry's
# short hint (the registry's label is the field's name everywhere: form, sheet, GET /v1/types).
_LAYOUT: dict[str, dict[str, Any]] = {
    "issuer.parent": {"name": "issuer_parent", "kind": NAMES, "section": "issuer",
                      "width": "half", "rows": 2,
                      "hint": "Cơ quan cấp trên trực tiếp, nếu có (ví dụ UBND tỉnh Bình Minh)."},
    "issuer.name": {"name": "issuer_name", "kind": NAMES, "section": "issuer", "width": "half",
                    "rows": 2, "hint": "Ví dụ Ủy ban nhân dân phường An Bình. Tự ngắt dòng khi "
                                       "in; xuống dòng ở đây để tự chọn chỗ ngắt."},
    "issuer.code": {"name": "issuer_code", "section": "issuer", "width": "narrow"},
    "unit_code": {"section": "issuer", "width": "narrow",
                  "hint": "Ví dụ VX: số ký hiệu thành UBND-VX."},
    "number": {"section": "numbering", "width": "narrow"},
    "place": {"section": "numbering", "width": "narrow"},
    "date": {"section": "numbering", "width": "narrow", "hint": "Ngày/tháng/năm, ví dụ "
                                                                  "01/12/2026."},
    "subject": {"section": "address", "rows": 2,
                "hint": "Tóm tắt nội dung, ví dụ: Triển khai chuyển đổi số năm 2026. Công văn "
                        "tự in “V/v” ở đầu."},
    "to": {"section": "address"},
    "authority": {"section": "basis"},
    "bases": {"section": "basis", "rows": 4},
    "body": {"kind": RAW, "section": "body", "rows": 14,
             "hint": "Dán từ Word. Đầu dòng quyết định cấu trúc: Phần I, Chương I, Mục 1 (tên ở "
                     "dòng sau); I., II.; 1., 2.; a), b) (điểm); - và + (ý); văn bản có điều "
                     "dùng Điều 1., Điều 2. Dấu ./. ở cuối tự thêm."},
    "recipients": {"section": "recipients", "width": "wide", "rows": 4,
                   "hint": "Mỗi dòng một nơi, ví dụ: Như trên. Dấu gạch đầu dòng và ; tự thêm."},
    "archive": {"section": "recipients", "width": "narrow"},
    "signer.title": {"name": "signer_title", "section": "signer", "width": "half",
                     "hint": "Ví dụ: Phó Chủ tịch (tự in chữ hoa)."},
    "signer.name": {"name": "signer_name", "section": "signer", "width": "half",
                    "hint": "Ví dụ: Lê Thị Thu Hà."},
}
_SECTION_OF_KIND = {SIGNERS: "signer", ATTACHMENT: "attachment"}

# A block's inputs: (name, label, hint, width); the second quyền hạn line shows once the first
# is used (form.js), as the main signer's does.
_SIGNER_PARTS = (("heading", "Dòng trên cùng", "Ví dụ THƯ KÝ, CHỦ TỌA, ĐẠI DIỆN BÊN A", ""),
                 *((f"{part}_{level}", f"{label}, dòng {level}", None,
                    f"{width} level-{level}")
                   for level in SIGNER_LEVELS
                   for part, label, width in (("mode", "quyền hạn ký", "narrow"),
                                              ("of", "thay cho", "wide"))),
                 ("title", "Chức vụ", None, "half"), ("name", "Họ và tên", None, "half"))
_MODE_PART = re.compile(r"(mode|of)_(\d)")
_PARTY_PARTS = (("heading", "Tiêu đề", "Ví dụ BÊN A (BÊN THUÊ)", "half"),
                ("name", "Tên", None, "half"), ("representative", "Người đại diện", None, "half"),
                ("title", "Chức vụ", None, "half"),
                ("lines", "Các dòng khác", "Mỗi dòng một dòng: Địa chỉ: …, Điện thoại: …", ""))
_ATTACHABLE = tuple((k, TYPE_NAMES[k]) for k, t in TYPES.items() if t.attachable)


# How the form reads dates and times, said instead of the contract's ISO form (2026-01-15T08:00)
# a registry hint may give for the API's callers.
_KIND_HINTS = {DATE: "Ngày/tháng/năm, ví dụ 01/12/2026.",
               DATETIME: "Giờ và ngày/tháng/năm, ví dụ 08:00 15/01/2026; hoặc ghi như muốn in."}
_CONTRACT_FORM = re.compile(r"\d{4}-\d{2}-\d{2}")

# Registry kinds the form reads as another: a person's name and title are two text inputs,
# a number (số, số ngày nghỉ) is text the contract checks.
_KINDS = {"person": TEXT, "number": TEXT}


def _hint(text: str | None) -> tuple[tuple[str, None], ...]:
    """One hint for every type that uses the input."""
    return ((text, None),) if text else ()


def _parts(name: str, kind: str) -> tuple[Input, ...]:
    if kind == SIGNERS:
        return tuple(Input(sub, label, kind=SELECT if sub.startswith("mode_") else TEXT,
                           width=width, hints=_hint(hint), choices=tuple(MODE_NAMES.items()))
                     for sub, label, hint, width in _SIGNER_PARTS)
    if kind == PARTIES:
        return tuple(Input(sub, label, kind=LINES if sub == "lines" else TEXT, width=width,
                           hints=_hint(hint)) for sub, label, hint, width in _PARTY_PARTS)
    if kind == ATTACHMENT:
        return (Input("type", "Văn bản kèm theo là", kind=SELECT, choices=_ATTACHABLE,
                      width="half"),
                Input("subject", "Tên văn bản kèm theo", kind=TEXTAREA, rows=2, width="wide",
                      hints=_hint("Ví dụ: Quy chế làm việc của Ủy ban nhân dân xã.")),
                Input("body", "Nội dung văn bản kèm theo", kind=RAW, rows=10,
                      hints=_hint("Dán từ Word: Chương I, Điều 1. … như phần nội dung.")),
                Input("reference", "Dòng “Kèm theo …”", kind=TEXT, width="wide",
                      hints=_hint("Để trống: tự ghi theo số, ngày và cơ quan của văn bản "
                                  "này.")))
    return ()


def _registry_inputs() -> list[Input]:
    """One input per label and kind of each path the registry's types use, in the order the
    types list them, with the types that use it, need it, and the hint each type gives."""
    variants: dict[str, list[tuple[Field, list[Field], list[str]]]] = {}
    for key, doc_type in TYPES.items():
        for f in doc_type.inputs():
            found = variants.setdefault(f.path, [])
            same = next((v for v in found if (v[0].label, v[0].kind) == (f.label, f.kind)), None)
            if same is None:
                found.append((f, [f], [key]))
            else:
                same[1].append(f)
                same[2].append(key)
    out = []
    for path, found in variants.items():
        layout = _LAYOUT.get(path, {})
        base = layout.get("name", path.replace(".", "_"))
        for number, (f, described, keys) in enumerate(found, 1):
            kind = layout.get("kind", _KINDS.get(f.kind, f.kind))
            name = base if number == 1 else f"{base}_{number}"
            hints: dict[str, list[str]] = {_KIND_HINTS[kind]: list(keys)} \
                if kind in _KIND_HINTS else {}
            for key, g in zip(keys, described, strict=True):
                hint = layout.get("hint", g.hint)
                if hint and not _CONTRACT_FORM.search(hint):
                    hints.setdefault(hint, []).append(key)
            section = layout.get("section", _SECTION_OF_KIND.get(kind, "own"))
            needed = [k for k, g in zip(keys, described, strict=True) if g.required]
            out.append(Input(
                name, f.label, path, kind, _every(keys), section, layout.get("width", ""),
                layout.get("rows", 3), _every(needed) if needed else (),
                tuple((hint, _every(list(dict.fromkeys(types)))) for hint, types in hints.items()),
                _parts(name, kind)))
    return out


def _every(keys: list[str]) -> tuple[str, ...] | None:
    """The keys, or None when they are every type (and so need no showing or hiding)."""
    return None if len(keys) == len(TYPES) else tuple(keys)


def _types_with(path: str) -> tuple[str, ...]:
    return tuple(k for k, t in TYPES.items() if any(f.path == path for f in t.inputs()))


_SIGNING = _types_with("signer.name")

# The inputs the registry does not describe: the form's own.
FORM_INPUTS: tuple[Input, ...] = (
    Input("type", "Loại văn bản", "type"),
    Input("appendix_title", "Tên phụ lục", "appendices.0.title", TEXT, section="appendix",
          width="wide", hints=_hint("In hoa khi in. Phụ lục sang trang mới, đánh số trang "
                                    "riêng, có dòng “Kèm theo …”.")),
    Input("appendix_body", "Nội dung phụ lục", "appendices.0.body", RAW, section="appendix",
          rows=6, hints=_hint("Dán từ Word như phần nội dung. Nhiều phụ lục: tải lên tệp "
                              "JSON.")),
    Input("number_auto", "Lấy số tiếp theo trong sổ đăng ký khi tải về"),
    # Độ khẩn and độ mật (nd30-spec §4, ô 10), in the contract's order; a test checks them.
    Input("urgency", "Độ khẩn", "urgency", SELECT, section="numbering", width="narrow",
          choices=(("khan", "Khẩn"), ("thuong_khan", "Thượng khẩn"), ("hoa_toc", "Hỏa tốc"))),
    Input("secrecy", "Độ mật", "secrecy", SELECT, section="numbering", width="narrow",
          choices=(("mat", "Mật"), ("toi_mat", "Tối mật"), ("tuyet_mat", "Tuyệt mật"))),
    Input("contact", "Địa chỉ, điện thoại, email (cuối trang đầu)", "contact", TEXT,
          section="recipients", width="wide",
          hints=_hint("Không bắt buộc. In cỡ 11 dưới một đường kẻ ở cuối trang đầu.")),
    *(Input(f"signer_{part}_{level}", f"{label}, dòng {level}" if part == "mode"
            else f"{label} (dòng {level})", types=_SIGNING)
      for level in SIGNER_LEVELS
      for part, label in (("mode", "Quyền hạn ký"), ("of", "Thay cho"))),
    Input("format", "Định dạng tệp"),
    # What the clerk keeps (service/web/saved.py): which profile, its name, a usual signer.
    Input("profile_id", "Cơ quan đã lưu"),
    Input("profile_name", "Tên gọi để lưu"),
    Input("signer_pick", "Người ký thường dùng"),
    Input("draft_id", "Bản nháp đang sửa"),
    Input("payload_file", "Tệp JSON"),
    Input("sheet", "Bảng tính (CSV hoặc XLSX)"),
    Input("base_file", "Tệp JSON mẫu (không bắt buộc)"),
    Input("name_column", "Cột đặt tên tệp"),
    Input("merged_pdf", "Gộp một tệp PDF để in"),
)
REGISTRY_INPUTS: tuple[Input, ...] = tuple(_registry_inputs())
INPUTS: tuple[Input, ...] = (FORM_INPUTS[0], *REGISTRY_INPUTS, *FORM_INPUTS[1:])
URGENCY = next(i for i in INPUTS if i.name == "urgency")
SECRECY = next(i for i in INPUTS if i.name == "secrecy")


def _labels(inputs: Iterable[Input]) -> dict[str, str]:
    """Every input's label by name, a block's inputs named by their block."""
    out: dict[str, str] = {}
    for i in inputs:
        out[i.name] = i.label
        for p in i.parts:
            if i.blocks:
                for block in i.blocks:
                    out[i.part(p.name, block)] = f"{i.label} {block}: {p.label.lower()}"
            else:
                out[i.part(p.name)] = p.label
    return out


LABELS: dict[str, str] = _labels(INPUTS)
FILE_INPUTS = ("payload_file", "sheet", "base_file")
# Every name a post may carry that the page gives back as typed.
TEXT_INPUTS = (*(name for name in LABELS if name not in FILE_INPUTS), "date_blank")


def in_section(section: str) -> list[Input]:
    return [i for i in INPUTS if i.section == section]


def section_types(section: str) -> tuple[str, ...] | None:
    """The types that use some input of a section (None: every type; the box shows for them)."""
    inputs = in_section(section)
    if any(i.types is None for i in inputs):
        return None
    return tuple(k for k in TYPES if any(i.used_by(k) for i in inputs))


# --- Form → payload ----------------------------------------------------------------------------

_BY_CODE = {"appendix_title", "appendix_body"}       # read below, together

@dataclass
class Translation:
    """The payload the form describes, and what is needed to put errors back on its inputs."""

    payload: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)   # by input: the form's own checks
    lines: dict[str, list[int]] = field(default_factory=dict)    # by input: item → its line
    levels: list[int] = field(default_factory=list)              # on_behalf item → signer level
    blocks: dict[str, list[int]] = field(default_factory=dict)   # by input: item → its block
    block_levels: dict[str, list[int]] = field(default_factory=dict)  # a block's on_behalf
    names: dict[str, str] = field(default_factory=dict)          # path → the input that filled it


def translate(form: Mapping[str, str]) -> Translation:
    """The payload for POST /v1/documents that these form fields describe.

    Inputs the chosen type does not use are left out, whatever they hold, so a clerk who
    switches type (or has no JS to hide them) is never refused for them. Blank optional
    inputs are left out too; blank required ones are sent so the contract names them.
    """
    def text(name: str) -> str:
        return form.get(name, "").strip()

    t = Translation(payload={})
    doc_type = text("type")
    if doc_type:
        t.payload["type"] = doc_type
    else:
        t.errors["type"] = ["Hãy chọn loại văn bản."]
    known = doc_type in TYPES
    required = ({f.path for f in TYPES[doc_type].inputs() if f.required} if known else
                {"issuer.name", "issuer.code", "place", "subject", "signer.name"})

    for i in INPUTS:
        if i.kind == OTHER or i.name in _BY_CODE or (known and not i.used_by(doc_type)) or (
                not known and i.types is not None):
            continue
        t.names[i.path] = i.name
        value = _read(i, form, t, blank_day=form.get("date_blank") == "1")
        if value is not None or i.path in required:
            put(t.payload, i.path, "" if value is None else value)
    if form.get("number_auto") == "1":
        # The register numbers it as it enters it (Điều 15): nothing typed may say otherwise.
        if "number" in t.payload:
            t.errors["number"] = ["Đã chọn lấy số tiếp theo trong sổ: hãy xóa số đã gõ, hoặc "
                                  "bỏ chọn lấy số."]
        t.payload["number"] = "auto"
    if "date" not in t.payload:
        t.payload["date"] = None     # blank day and month: the văn thư writes them (§3.5)
    # One phụ lục from the form (a JSON upload may carry several); sent when either input has
    # something, so a title without content, or content without a title, is named.
    if text("appendix_title") or text("appendix_body"):
        t.payload["appendices"] = [{"title": text("appendix_title"),
                                    "body": form.get("appendix_body", "")}]
    if "signer" in t.payload:
        t.payload["signer"]["on_behalf"], t.levels = _on_behalf(
            lambda part, level: form.get(f"signer_{part}_{level}", ""),
            lambda level: f"signer_mode_{level}", t)
    return t


def _read(i: Input, form: Mapping[str, str], t: Translation, *, blank_day: bool) -> Any:
    """An input's contract value, or None when it says nothing."""
    raw = form.get(i.name, "")
    if i.kind == LINES:
        numbered = numbered_lines(raw)
        t.lines[i.name] = [number for number, _ in numbered]
        return [line for _, line in numbered]
    if i.kind == RAW:
        return raw if raw.strip() else None
    if i.kind == BOOL:
        return True if raw == "1" else None
    if i.kind == SELECT:
        return raw or None
    if i.kind in (SIGNERS, PARTIES):
        return _blocks(i, form, t)
    if i.kind == ATTACHMENT:
        parts = {p.name: form.get(i.part(p.name), "").strip() for p in i.parts}
        if not parts["subject"] and not parts["body"]:
            return None
        return {k: v for k, v in parts.items() if v or k != "reference"}
    raw = raw.strip()
    if not raw:
        if i.kind == DATE and i.path == "date" and not blank_day:
            t.errors[i.name] = ["Hãy gõ ngày ban hành (ngày/tháng/năm), hoặc đánh dấu "
                                "“để trống ngày”."]
        return None
    if i.kind == NAMES:
        return name_lines(raw)
    if i.kind == DATE:
        try:
            return dates.parse(raw, blank_day=blank_day and i.path == "date").contract
        except dates.DateRefused as exc:
            t.errors[i.name] = [str(exc)]
            return None
    if i.kind == DATETIME:
        try:
            return dates.moment(raw)
        except dates.DateRefused as exc:
            t.errors[i.name] = [str(exc)]
            return None
    return raw


def _blocks(i: Input, form: Mapping[str, str], t: Translation) -> list[dict[str, Any]] | None:
    """The signature blocks or parties filled in, in order; empty ones are skipped."""
    out, where = [], []
    for block in i.blocks:
        entry: dict[str, Any] = {}
        for p in i.parts:
            value = form.get(i.part(p.name, block), "")
            if p.kind == LINES:
                numbered = numbered_lines(value)
                t.lines[i.part(p.name, block)] = [n for n, _ in numbered]
                if numbered:
                    entry[p.name] = [line for _, line in numbered]
            elif value.strip() and not _MODE_PART.fullmatch(p.name):
                entry[p.name] = value.strip()
        if i.kind == SIGNERS:
            on_behalf, levels = _on_behalf(
                lambda part, level, block=block: form.get(i.part(f"{part}_{level}", block), ""),
                lambda level, block=block: i.part(f"mode_{level}", block), t)
            if on_behalf:
                entry["on_behalf"] = on_behalf
                t.block_levels[i.part("", block)] = levels
        if entry:
            # The name is what a block needs: sent blank so the contract names it.
            out.append({"name": "", **entry})
            where.append(block)
    t.blocks[i.name] = where
    return out or None


def _on_behalf(value: Callable[[str, int], str], mode_input: Callable[[int], str],
               t: Translation) -> tuple[list[dict[str, str]], list[int]]:
    """The quyền hạn lines (TM./KT./… and whom for) a signer's inputs give, with the level
    each came from; a "thay cho" without its mode is the form's own error."""
    on_behalf, levels = [], []
    for level in SIGNER_LEVELS:
        mode, of = value("mode", level).strip(), value("of", level).strip()
        if mode:
            on_behalf.append({"mode": mode, "of": of})
            levels.append(level)
        elif of:
            t.errors[mode_input(level)] = [
                "Hãy chọn thay mặt, ký thay… cho dòng này, hoặc xóa ô “thay cho” bên cạnh."]
    return on_behalf, levels


def put(payload: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path (`issuer.name`), making the objects on the way."""
    *parents, last = path.split(".")
    for part in parents:
        payload = payload.setdefault(part, {})
    payload[last] = value


def numbered_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines with their line numbers (1-based), so an error can say "Dòng 3"."""
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1)
            if line.strip()]


def name_lines(text: str) -> str | list[str]:
    """One line lets the service break the name; several lines force the clerk's breaks."""
    lines = [line for _, line in numbered_lines(text)]
    return lines if len(lines) > 1 else text


# --- Errors → inputs ---------------------------------------------------------------------------

_BY_PATH: dict[str, Input] = {}
for _input in INPUTS:
    if _input.path:
        _BY_PATH.setdefault(_input.path, _input)      # a JSON upload's errors: the first variant
_WHOLE = {"issuer": "issuer_name", "signer": "signer_name", "appendices": "appendix_title",
          "signer.on_behalf": "signer_mode_1"}
_ON_BEHALF = re.compile(r"signer\.on_behalf\.(\d+)\.(mode|of)")
# Input name → contract path, for the form's own checks of a batch's base.
PATH_OF: dict[str, str] = {i.name: i.path for i in INPUTS if i.path} | {
    f"signer_{part}_{level}": "signer.on_behalf" for level in SIGNER_LEVELS
    for part in ("mode", "of")}


def _input(path: str, t: Translation | None) -> Input | None:
    if t is not None and path in t.names:
        return next(i for i in INPUTS if i.name == t.names[path])
    return _BY_PATH.get(path)


def locate(path: str, t: Translation | None) -> tuple[str, str] | None:
    """The input a contract path belongs to and a prefix naming the line, or None.

    Without a translation (a JSON upload) list items are named by position instead of line.
    """
    if path in _WHOLE:
        return _WHOLE[path], ""
    m = _ON_BEHALF.fullmatch(path)
    if m:
        index = int(m[1])
        level = t.levels[index] if t is not None and index < len(t.levels) else index + 1
        return f"signer_{m[2]}_{level}", ""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):      # the longest path an input fills
        i = _input(".".join(parts[:cut]), t)
        if i is not None:
            return _within(i, parts[cut:], t)
    return None


def _within(i: Input, rest: list[str], t: Translation | None) -> tuple[str, str]:
    """Where inside an input a path's rest points: a line, a block's input, a body block."""
    if not rest:
        return i.name, ""
    if i.kind == LINES and rest[0].isdigit():
        return i.name, _line(i.name, int(rest[0]), t)
    if i.kind in (RAW, ATTACHMENT) and i.path.endswith("body") and rest[0].isdigit():
        return i.name, f"Khối {rest[0]}: "      # a block inside a JSON body: body.2.heading …
    if i.kind in (SIGNERS, PARTIES) and rest[0].isdigit():
        index = int(rest[0])
        blocks = t.blocks.get(i.name, []) if t is not None else []
        block = blocks[index] if index < len(blocks) else index + 1
        if len(rest) == 4 and rest[1] == "on_behalf" and rest[2].isdigit():
            levels = t.block_levels.get(i.part("", block), []) if t is not None else []
            index = int(rest[2])
            level = levels[index] if index < len(levels) else index + 1
            return i.part(f"{rest[3]}_{level}", block), ""
        if len(rest) == 1 or rest[1] not in {p.name for p in i.parts}:
            return i.part("name", block), ""
        name = i.part(rest[1], block)
        if len(rest) > 2 and rest[2].isdigit():
            return name, _line(name, int(rest[2]), t)
        return name, ""
    if i.kind == ATTACHMENT and rest[0] in {p.name for p in i.parts}:
        name = i.part(rest[0])
        if rest[0] == "body" and len(rest) > 1:
            return name, f"Khối {rest[1]}: "
        return name, ""
    return i.name, ""


def _line(name: str, index: int, t: Translation | None) -> str:
    lines = t.lines.get(name, []) if t is not None else []
    return f"Dòng {lines[index]}: " if index < len(lines) else f"Mục {index + 1}: "


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

