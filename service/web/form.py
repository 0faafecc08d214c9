"""The clerk's form at `/`: HTML fields in, the API's own payload to the pipeline, the file out,
or the form again with every error beside its field and everything typed still in place.

The form builds exactly the payload POST /v1/documents takes (schemas/document.py), so the
rules live in one place; this module only translates: form → payload, and the ValidationError's
dotted paths (`signer.name`, `to.2`) → the inputs they came from. A JSON file uploaded instead
is sent to the pipeline as it is (it does not fill the form: a JSON body may hold blocks,
tables and fields the form has no inputs for).

Batch upload (issue 4, part 2: a spreadsheet + a base, progress bar, ZIP) is not here yet; it
belongs on this page as its own section once POST /v1/batches exists, see form.html.
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, render_template, request
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from schemas import TYPES
from service.errors import (
    PayloadError,
    UnsupportedFormatError,
    ValidationError,
    VanbanError,
)
from service.pipeline import Pipeline
from service.web import preview
from service.web.documents import file_response
from service.web.errors import status_of

log = logging.getLogger("vanban.web.form")

# The folder is "pages", not "templates": templates/ is the DOCX templates' folder.
blp = Blueprint("form", __name__, template_folder="pages", static_folder="pages/static",
                static_url_path="/form/static")

# --- What the page shows ----------------------------------------------------------------------

TYPE_NAMES: dict[str, str] = {key: (t.name or "CÔNG VĂN").capitalize() for key, t in TYPES.items()}

# Which types use a type-specific input, read from the registry so a new type needs no edit here.
ONLY_FOR: dict[str, tuple[str, ...]] = {
    "unit_code": tuple(k for k, t in TYPES.items() if t.abbrev is None),
    "to": tuple(k for k, t in TYPES.items() if t.allows_to),
    "authority": tuple(k for k, t in TYPES.items() if t.numbering == "articles"),
    "bases": tuple(k for k, t in TYPES.items() if t.numbering == "articles"),
}

# Quyền hạn ký (nd30-spec §3.8), in the contract's order; a test checks the keys against it.
MODE_NAMES: dict[str, str] = {
    "TM": "TM. — Thay mặt",
    "KT": "KT. — Ký thay",
    "Q": "Q. — Quyền",
    "TL": "TL. — Thừa lệnh",
    "TUQ": "TUQ. — Thừa ủy quyền",
}
SIGNER_LEVELS = (1, 2)

LABELS: dict[str, str] = {
    "type": "Loại văn bản",
    "issuer_parent": "Cơ quan chủ quản",
    "issuer_name": "Cơ quan ban hành",
    "issuer_code": "Viết tắt tên cơ quan ban hành",
    "unit_code": "Viết tắt đơn vị soạn thảo",
    "number": "Số văn bản",
    "place": "Địa danh",
    "date": "Ngày ban hành",
    "subject": "Trích yếu",
    "to": "Kính gửi",
    "authority": "Thẩm quyền ban hành",
    "bases": "Căn cứ ban hành",
    "body": "Nội dung",
    "recipients": "Nơi nhận",
    "archive": "Lưu",
    "signer_mode_1": "Quyền hạn ký, dòng 1",
    "signer_of_1": "Thay cho (dòng 1)",
    "signer_mode_2": "Quyền hạn ký, dòng 2",
    "signer_of_2": "Thay cho (dòng 2)",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Họ và tên người ký",
    "format": "Định dạng tệp",
    "payload_file": "Tệp JSON",
}
TEXT_INPUTS = tuple(name for name in LABELS if name != "payload_file")
DEFAULT_FORMAT = "docx"

CSRF_COOKIE = "vanban_form"
CSRF_REFUSED = ("Biểu mẫu đã hết hạn hoặc không được gửi từ trang này, nên văn bản chưa được "
                "tạo. Nội dung bạn đã nhập vẫn còn bên dưới: hãy kiểm tra rồi bấm lại.")
PDF_OFF = ("Máy chủ này chưa bật xuất PDF nên không xem trước được. Hãy tải tệp DOCX về và "
           "mở bằng Word để xem.")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_ON_BEHALF = re.compile(r"signer\.on_behalf\.(\d+)\.(mode|of)")


def init_app(app: Flask) -> None:
    """Join the form to the app (the JSON API's blueprints are untouched, CSRF included)."""
    app.register_blueprint(blp)


# --- Form → payload ----------------------------------------------------------------------------

@dataclass
class Translation:
    """The payload the form describes, and what is needed to put errors back on its inputs."""

    payload: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)   # by input: the form's own checks
    lines: dict[str, list[int]] = field(default_factory=dict)    # list item → its textarea line
    levels: list[int] = field(default_factory=list)              # on_behalf item → signer level


def translate(form: MultiDict[str, str]) -> Translation:
    """The payload for POST /v1/documents that these form fields describe.

    Inputs the chosen type does not use are left out, whatever they hold, so a clerk who
    switches type (or has no JS to hide them) is never refused for them. Blank optional
    inputs are left out too; blank required ones are sent so the contract names them.
    """
    def text(name: str) -> str:
        return form.get(name, "").strip()

    t = Translation(payload={})
    doc_type = text("type")
    uses = {name: doc_type in types for name, types in ONLY_FOR.items()}
    if doc_type:
        t.payload["type"] = doc_type
    else:
        t.errors["type"] = ["Hãy chọn loại văn bản."]

    issuer: dict[str, Any] = {"name": _name_lines(text("issuer_name")),
                              "code": text("issuer_code")}
    if text("issuer_parent"):
        issuer["parent"] = _name_lines(text("issuer_parent"))
    t.payload["issuer"] = issuer
    if text("number"):
        t.payload["number"] = text("number")
    if uses["unit_code"] and text("unit_code"):
        t.payload["unit_code"] = text("unit_code")
    t.payload["place"] = text("place")
    t.payload["date"] = _date(text("date"), blank_day=form.get("date_blank") == "1",
                              errors=t.errors)
    t.payload["subject"] = text("subject")
    for name, used in (("to", uses["to"]), ("bases", uses["bases"]), ("recipients", True)):
        if used:
            numbered = _lines(form.get(name, ""))
            t.payload[name] = [line for _, line in numbered]
            t.lines[name] = [number for number, _ in numbered]
    if uses["authority"] and text("authority"):
        t.payload["authority"] = text("authority")
    t.payload["body"] = form.get("body", "")       # kept as pasted: its lines are its structure
    if text("archive"):
        t.payload["archive"] = text("archive")

    on_behalf = []
    for level in SIGNER_LEVELS:
        mode, of = text(f"signer_mode_{level}"), text(f"signer_of_{level}")
        if mode:
            on_behalf.append({"mode": mode, "of": of})
            t.levels.append(level)
        elif of:
            t.errors[f"signer_mode_{level}"] = [
                "Hãy chọn thay mặt, ký thay… cho dòng này, hoặc xóa ô “thay cho” bên cạnh."]
    signer: dict[str, Any] = {"name": text("signer_name"), "on_behalf": on_behalf}
    if text("signer_title"):
        signer["title"] = text("signer_title")
    t.payload["signer"] = signer
    return t


def _lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines with their line numbers (1-based), so an error can say "Dòng 3"."""
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1)
            if line.strip()]


def _name_lines(text: str) -> str | list[str]:
    """One line lets the service break the name; several lines force the clerk's breaks."""
    lines = [line for _, line in _lines(text)]
    return lines if len(lines) > 1 else text


def _date(raw: str, *, blank_day: bool, errors: dict[str, list[str]]) -> str | None:
    """The contract's date from the date input (YYYY-MM-DD, or dd/mm/yyyy typed by hand where a
    browser shows a plain text box); "để trống ngày" keeps month and year (nd30-spec §3.5)."""
    if not raw:
        if not blank_day:
            errors["date"] = ["Hãy chọn ngày ban hành, hoặc đánh dấu “để trống ngày”."]
        return None
    m = (re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw)
         or re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", raw))
    try:
        if m is None:
            raise ValueError(raw)
        parts = [int(p) for p in m.groups()]
        year, month, day = parts if parts[0] > 31 else parts[::-1]
        when = date(year, month, day)
    except ValueError:
        errors["date"] = ["Ngày không hợp lệ: chọn trong lịch, hoặc gõ ngày/tháng/năm "
                          "(ví dụ 06/02/2026)."]
        return None
    return f"{when:%Y-%m}" if blank_day else when.isoformat()


# --- Errors → inputs ---------------------------------------------------------------------------

_BY_PATH = {
    "type": "type", "issuer": "issuer_name", "issuer.parent": "issuer_parent",
    "issuer.name": "issuer_name", "issuer.code": "issuer_code", "number": "number",
    "unit_code": "unit_code", "place": "place", "date": "date", "subject": "subject",
    "to": "to", "authority": "authority", "bases": "bases", "body": "body",
    "recipients": "recipients", "archive": "archive", "signer": "signer_name",
    "signer.name": "signer_name", "signer.title": "signer_title",
    "signer.on_behalf": "signer_mode_1",
}
_LIST_INPUTS = ("to", "bases", "recipients")


def locate(path: str, t: Translation | None) -> tuple[str, str] | None:
    """The input a contract path belongs to and a prefix naming the line, or None.

    Without a translation (a JSON upload) list items are named by position instead of line.
    """
    if path in _BY_PATH:
        return _BY_PATH[path], ""
    head, _, rest = path.partition(".")
    if head in _LIST_INPUTS and rest.isdigit():
        index = int(rest)
        if t is not None and index < len(t.lines.get(head, [])):
            return head, f"Dòng {t.lines[head][index]}: "
        return head, f"Mục {index + 1}: "
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
    of what the clerk sees (a date picker, a checkbox), not of JSON.
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


# --- CSRF --------------------------------------------------------------------------------------
# A double-submit token: a random value in a SameSite cookie and the same value in a hidden
# input; a cross-site page can send neither. It needs no server secret, so it holds across
# gunicorn workers and restarts (the settings carry no secret key, and one made up per process
# would refuse forms served by a sibling worker). The JSON API's blueprints never see it.

def csrf_token() -> str:
    """The token for this browser: its cookie's, or a new one set on the way out."""
    if "csrf_token" not in g:
        token = request.cookies.get(CSRF_COOKIE, "")
        if not _TOKEN.fullmatch(token):
            token = secrets.token_urlsafe(32)
            g.new_csrf_token = token
        g.csrf_token = token
    return g.csrf_token


def csrf_ok() -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.form.get("csrf_token", "")
    return bool(_TOKEN.fullmatch(cookie)) and hmac.compare_digest(cookie, sent)


@blp.after_request
def _headers(response: Response) -> Response:
    token = g.get("new_csrf_token")
    if token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="Lax",
                            secure=request.is_secure, path="/")
    if response.mimetype == "text/html":
        # What a clerk typed must not linger in a shared computer's cache; and the page works
        # offline by design, so nothing may load from elsewhere.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")
    return response


# --- Views -------------------------------------------------------------------------------------

def pipeline() -> Pipeline:
    return current_app.extensions["vanban.pipeline"]


def page(values: dict[str, str], *, errors: dict[str, list[str]] | None = None,
         summary: list[Problem] | None = None, preview_png: bytes | None = None,
         preview_note: str | None = None, status: int = 200) -> tuple[str, int]:
    """The form, filled with `values`, with errors beside their inputs and a summary on top."""
    pdf_enabled = pipeline().converter is not None
    html = render_template(
        "form.html", values=values, errors=errors or {}, summary=summary or [],
        labels=LABELS, type_names=TYPE_NAMES, only_for=ONLY_FOR, mode_names=MODE_NAMES,
        signer_levels=SIGNER_LEVELS, pdf_enabled=pdf_enabled, csrf_token=csrf_token(),
        preview_png=base64.b64encode(preview_png).decode() if preview_png else None,
        preview_note=preview_note or (None if pdf_enabled else PDF_OFF),
        max_mb=max(1, (current_app.config["MAX_CONTENT_LENGTH"] or 0) // 1_000_000))
    return html, status


@blp.get("/")
def show() -> tuple[str, int]:
    return page({"date": date.today().isoformat(), "format": DEFAULT_FORMAT})


@blp.post("/")
def submit() -> Response | tuple[str, int]:
    values = {name: request.form.get(name, "") for name in (*TEXT_INPUTS, "date_blank")}
    if not csrf_ok():
        log.info("form refused: CSRF token missing or wrong")
        return page(values, summary=[Problem("Biểu mẫu", CSRF_REFUSED)], status=400)
    fmt = values["format"] or DEFAULT_FORMAT
    action = request.form.get("action", "download")
    t: Translation | None = None
    try:
        if action == "json":
            payload = read_upload(request.files.get("payload_file"))
        else:
            t = translate(request.form)
            payload = t.payload
            if t.errors:
                # Check the rest too, so every problem shows at once, not one round at a time.
                raise ValidationError(contract_errors(payload))
        if action == "preview":
            return show_preview(values, payload)
        return file_response(pipeline().generate(payload, fmt))
    except ValidationError as exc:
        errors, summary = place_errors(exc.fields, t)
        return page(values, errors=errors, summary=summary, status=422)
    except PayloadError as exc:             # the uploaded file is not a readable JSON object
        return page(values, errors={"payload_file": [exc.public]},
                    summary=[Problem(LABELS["payload_file"], exc.public, "f-payload_file")],
                    status=400)
    except UnsupportedFormatError as exc:
        return page(values, errors={"format": [exc.public]},
                    summary=[Problem(LABELS["format"], exc.public, "f-format-docx")],
                    status=406)
    except VanbanError as exc:              # PDF busy, timed out, failed; render failed
        status = status_of(exc)
        (log.error if status >= 500 else log.info)("form: %s: %s", exc.code, exc.detail)
        return page(values, summary=[Problem("Máy chủ", exc.public)], status=status)


def contract_errors(payload: Any) -> dict[str, list[str]]:
    """What the contract finds wrong with a payload, or nothing."""
    try:
        pipeline().document(payload)
    except ValidationError as exc:
        return exc.fields
    return {}


def show_preview(values: dict[str, str], payload: Any) -> tuple[str, int]:
    """Page 1 as an image beside the form; the clerk downloads once it looks right."""
    if pipeline().converter is None:
        pipeline().document(payload)        # still check the fields before saying why no image
        return page(values)
    pdf = pipeline().generate(payload, "pdf").content
    return page(values, preview_png=preview.first_page_png(pdf))


def read_upload(upload: FileStorage | None) -> Any:
    """The uploaded JSON payload; PayloadError (in Vietnamese) when there is none or it is not
    JSON. A BOM is allowed: Notepad on Windows writes one."""
    if upload is None or not upload.filename:
        raise PayloadError("Hãy chọn một tệp JSON trước khi bấm “Tạo từ tệp JSON”.")
    raw = upload.read()
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise PayloadError("Tệp phải là văn bản JSON mã hóa UTF-8.", detail=str(exc)) from exc
    except json.JSONDecodeError as exc:
        raise PayloadError(f"Tệp không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno}).",
                           detail=str(exc)) from exc


@blp.errorhandler(RequestEntityTooLarge)
def too_large(exc: RequestEntityTooLarge) -> tuple[str, int]:
    # The request was not read, so there are no values to give back; say what the limit is.
    limit = max(1, (current_app.config["MAX_CONTENT_LENGTH"] or 0) // 1_000_000)
    message = (f"Dữ liệu gửi lên vượt quá {limit} MB nên chưa được đọc. Hãy gửi tệp nhỏ hơn, "
               "hoặc chia nội dung thành nhiều văn bản.")
    return page({"format": DEFAULT_FORMAT}, summary=[Problem("Biểu mẫu", message)], status=413)
