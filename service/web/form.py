"""The clerk's form at `/`: HTML fields in, the API's own payload to the pipeline, the file out,
or the form again with every error beside its field and everything typed still in place.

The form builds exactly the payload POST /v1/documents takes (schemas/document.py), so the
rules live in one place; this module only translates: form → payload, and the ValidationError's
dotted paths (`signer.name`, `to.2`) → the inputs they came from. A JSON file uploaded instead
is sent to the pipeline as it is (it does not fill the form: a JSON body may hold blocks,
tables and fields the form has no inputs for).

Its section "tạo hàng loạt" (POST /lo) makes a batch (mail merge) through the batch runner, as
POST /v1/batches does: the base is the document filled in above (the same translation) or an
uploaded JSON, the rows come from a CSV or XLSX whose first row holds field paths. The base is
checked first, less whatever a column fills, so a missing trích yếu is said once, beside its
input, rather than once per row. `/lo/<id>` shows the progress (batch.js polls GET
/v1/batches/{id}; without JS the page refreshes itself), each failed row by its spreadsheet row
number, and the links to the ZIP and the merged PDF.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hmac
import io
import json
import logging
import re
import secrets
import time
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from service.batch import envelope, runner_of, sheets
from service.batch.results import zip_info
from service.config import Settings
from service.errors import (
    BatchNotFound,
    PayloadError,
    UnsupportedFormatError,
    UploadTooLarge,
    ValidationError,
    VanbanError,
)
from service.model import nd30
from service.pipeline import Output, Pipeline
from service.web import clerk_sheets, dates, inputs, preview, saved
from service.web.documents import JsonRefused, attachment, file_response, loads_strict
from service.web.errors import status_of
from service.web.inputs import (
    LABELS,
    PATH_OF,
    TEXT_INPUTS,
    Problem,
    Translation,
    path_label,
    place_errors,
    translate,
)

log = logging.getLogger("vanban.web.form")

# The folder is "pages", not "templates": templates/ is the DOCX templates' folder.
blp = Blueprint("form", __name__, template_folder="pages", static_folder="pages/static",
                static_url_path="/form/static")

DEFAULT_FORMAT = "docx"
BOTH = "both"               # DOCX to edit and PDF to print, from one press, in one ZIP
KEEP_ACTIONS = ("draft_save", "profile_save", "profile_use", "signer_use")
# The inputs that choose what is kept; not themselves part of a draft or the last document.
KEEP_INPUTS = ("profile_id", "profile_name", "signer_pick", "draft_id")
PART_HEADER, PREVIEW_PART = "X-Vanban-Part", "preview"   # form.js: the preview alone, please

CSRF_COOKIE = "vanban_form"
CSRF_REFUSED = ("Biểu mẫu đã hết hạn hoặc không được gửi từ trang này, nên văn bản chưa được "
                "tạo. Nội dung bạn đã nhập vẫn còn bên dưới: hãy kiểm tra rồi bấm lại.")
PDF_OFF = ("Máy chủ này chưa bật xuất PDF nên không xem trước được. Hãy tải tệp DOCX về và "
           "mở bằng Word để xem.")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def init_app(app: Flask) -> None:
    """Join the form to the app (the JSON API's blueprints are untouched, CSRF included)."""
    app.register_blueprint(blp)


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
    return page_headers(response)


def page_headers(response: Response) -> Response:
    """The CSRF cookie a page handed out, and the headers every clerk's page carries."""
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
         summary: list[Problem] | None = None, pages: preview.Pages | None = None,
         preview_note: str | None = None, status: int = 200,
         batch_refused: bool = False, notice: str | None = None,
         fresh: bool = False, origin: str | None = None) -> tuple[str, int]:
    """The form, filled with `values`, with errors beside their inputs and a summary on top.

    `fresh` (the empty form) and `origin` (what a GET filled it from: a draft, the last
    document) tell form.js when what was typed in this tab since is to be put back on a
    reload; a page a post made is its own (a reload posts again)."""
    pdf_enabled = pipeline().converter is not None
    store, owner = keeps(), owner_of()
    profiles = store.profiles(owner)
    chosen = next((p for p in profiles if p.id == values.get("profile_id")), None)
    html = render_template(
        "form.html", values=values, errors=errors or {}, summary=summary or [],
        labels=LABELS, inputs=inputs, pdf_enabled=pdf_enabled, csrf_token=csrf_token(),
        batch_refused=batch_refused,
        pages=pages, preview_note=preview_note or (None if pdf_enabled else PDF_OFF),
        max_mb=max(1, (current_app.config["MAX_CONTENT_LENGTH"] or 0) // 1_000_000),
        max_rows=settings().batch.max_items,
        date_echo=dates.echo(values.get("date", ""), blank_day=values.get("date_blank") == "1"),
        next_number=next_number(values), notice=notice, fresh=fresh,
        origin=origin or ("" if fresh else secrets.token_hex(8)), profiles=profiles,
        picks=picks(chosen),
        profile=chosen, drafts=store.drafts(owner), last=store.last(owner))
    return html, status


# What clerks type again and again (nd30-spec §3.11: "Như trên" for the Kính gửi, "Như Điều …"
# for those a decision names, the Lưu line), before the chosen agency's own.
RECIPIENT_PICKS = ("Như trên",)
ARCHIVE_PICKS = ("VT", "VT, VP", "VT, Hồ sơ")


def picks(profile: saved.Profile | None) -> dict[str, list[str]]:
    """The pick lists under Nơi nhận and Lưu: the usual lines, then the agency's."""
    own = [line.strip() for line in (profile.agency.get("recipients", "") if profile else "")
           .splitlines() if line.strip()]
    archive = profile.agency.get("archive", "").strip() if profile else ""
    return {"recipients": list(dict.fromkeys([*RECIPIENT_PICKS, *own])),
            "archive": list(dict.fromkeys([*ARCHIVE_PICKS, *([archive] if archive else [])]))}


def next_number(values: dict[str, str]) -> str | None:
    """What the register would number this document now, said under the số (the same words
    form.js writes from GET /v1/register/next); None before an issuer code is typed."""
    register = pipeline().register
    code = values.get("issuer_code", "").strip()
    if register is None or not code:
        return None
    year_typed = re.search(r"(\d{4})\s*$", values.get("date", ""))
    year = int(year_typed[1]) if year_typed else date.today().year
    number = register.peek(code, year, bool(values.get("secrecy")))
    return f"Số tiếp theo trong sổ của {code} năm {year}: {nd30.number_text(number)}"


@blp.get("/")
def show() -> tuple[str, int]:
    """The form: empty (today's date), or a draft reopened (?nhap=<id>), or the last document
    made as the start of one like it (?tuong-tu=1). An empty form is `fresh`: form.js fills it
    with what was typed in this tab before a reload."""
    store, owner = keeps(), owner_of()
    start = {"date": dates.shown(date.today()), "format": DEFAULT_FORMAT}
    if request.args.get("nhap"):
        draft = store.draft(owner, request.args["nhap"])
        if draft is None:
            return page(start, notice="Không tìm thấy bản nháp này (có thể đã bị xóa).",
                        status=404)
        return page({**draft.values, "draft_id": draft.id},
                    notice=f"Đã mở bản nháp “{draft.title}”.",
                    origin=f"nhap:{draft.id}:{draft.updated}")
    if request.args.get("tuong-tu"):
        last = store.last(owner)
        if last is not None:
            return page({**saved.similar(last.values), **start},
                        notice=f"Văn bản tương tự “{last.title}”: hãy sửa số, ngày và những "
                               "gì khác đi.", origin=f"tuong-tu:{last.id}")
    return page(start, fresh=True)


@blp.app_template_filter("clock")
def clock(seconds: float) -> str:
    """A time as the clerk reads it: 14:05 01/12/2026 (this server's local time)."""
    return time.strftime("%H:%M %d/%m/%Y", time.localtime(seconds))


def keeps() -> saved.Saved:
    return saved.Saved(current_app.extensions["vanban.database"])


def owner_of() -> str:
    """Whose profiles and drafts these are: the API key's name, or everyone's when auth is off."""
    return g.get("api_key") or ""


def title_of(values: dict[str, str]) -> str:
    kind = inputs.TYPE_NAMES.get(values.get("type", ""), "Văn bản")
    subject = " ".join(values.get("subject", "").split())
    return f"{kind}: {subject[:120]}" if subject else kind


def keep(action: str, values: dict[str, str]) -> tuple[str, int]:
    """The actions that keep or fetch what the clerk keeps; the form comes back with the
    values as they now are, and a line saying what was done."""
    store, owner = keeps(), owner_of()
    try:
        return _keep(action, values, store, owner)
    except ValidationError as exc:
        return refused(values, {("profile_name" if path == "profile_name" else "draft_id"):
                                messages for path, messages in exc.fields.items()}, 422)


def _keep(action: str, values: dict[str, str], store: saved.Saved,
          owner: str) -> tuple[str, int]:
    if action == "draft_save":
        draft = store.save_draft(owner, _without_keeps(values), title_of(values),
                                 values.get("draft_id") or None)
        return page({**values, "draft_id": draft.id},
                    notice=f"Đã lưu bản nháp “{draft.title}”. Mở lại ở mục “Bản nháp”.")
    if action == "profile_save":
        profile = store.save_profile(owner, values.get("profile_name", ""), values)
        return page({**values, "profile_id": profile.id},
                    notice=f"Đã lưu cơ quan “{profile.name}” với {len(profile.signers)} người "
                           "ký thường dùng.")
    profile = store.profile(owner, values.get("profile_id", ""))
    if profile is None:
        return refused(values, {"profile_id": ["Hãy chọn một cơ quan đã lưu."]}, 422)
    if action == "signer_use":
        picked = values.get("signer_pick", "")
        index = int(picked) if picked.isdigit() else -1
        return page(saved.with_signer(values, profile, index),
                    notice="Đã điền người ký đã chọn.")
    return page(saved.with_profile(values, profile), notice=f"Đã điền cơ quan “{profile.name}”.")


def _without_keeps(values: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in values.items() if k not in KEEP_INPUTS}


@blp.post("/nhap/<draft_id>/xoa")
def delete_draft(draft_id: str) -> Response | tuple[str, int]:
    if not csrf_ok():
        return page({}, summary=[Problem("Biểu mẫu", CSRF_REFUSED)], status=400)
    keeps().delete_draft(owner_of(), draft_id)
    return redirect(url_for("form.show", _anchor="nhap"), code=303)


@blp.post("/co-quan/<profile_id>/xoa")
def delete_profile(profile_id: str) -> Response | tuple[str, int]:
    if not csrf_ok():
        return page({}, summary=[Problem("Biểu mẫu", CSRF_REFUSED)], status=400)
    keeps().delete_profile(owner_of(), profile_id)
    return redirect(url_for("form.show", _anchor="co-quan"), code=303)


@blp.get("/ngay")
def date_echo() -> Response:
    """What the date field's text will print, for form.js to say beside it as the clerk types
    (the same rules as the submission: dates.parse)."""
    raw, blank_day = request.args.get("value", ""), request.args.get("blank") == "1"
    printed, error = dates.echo(raw, blank_day=blank_day)
    # The text as the field should show it once the clerk leaves it (01122026 → 01/12/2026);
    # not with the day left blank, which would drop a day the clerk may still want.
    text = dates.parse(raw).text if printed and raw.strip() and not blank_day else None
    return jsonify({"printed": printed, "error": error, "text": text})


@blp.get("/so-tiep-theo")
def next_number_echo() -> Response:
    """The line under the số for form.js, as the issuer code, date or độ mật change (the
    register is only read: nothing is taken)."""
    return jsonify({"text": next_number(request.args.to_dict())})


@blp.post("/")
def submit() -> Response | tuple[str, int]:
    values = {name: request.form.get(name, "") for name in TEXT_INPUTS}
    if not csrf_ok():
        log.info("form refused: CSRF token missing or wrong")
        return page(values, summary=[Problem("Biểu mẫu", CSRF_REFUSED)], status=400)
    fmt = values["format"] or DEFAULT_FORMAT
    action = request.form.get("action", "download")
    t: Translation | None = None
    try:
        if action in KEEP_ACTIONS:
            return keep(action, values)
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
        response = (both_response(*pipeline().generate_both(payload)) if fmt == BOTH
                    else file_response(pipeline().generate(payload, fmt)))
        if t is not None:                   # made from the form: the start of one like it
            keeps().keep_last(owner_of(), _without_keeps(values), title_of(values))
        return response
    except ValidationError as exc:
        errors, summary = place_errors(exc.fields, t)
        return page(values, errors=errors, summary=summary, status=422)
    except PayloadError as exc:             # the uploaded file is not a readable JSON object
        return refused(values, {"payload_file": [exc.public]}, 400)
    except UnsupportedFormatError as exc:
        return refused(values, {"format": [exc.public]}, 406)
    except VanbanError as exc:              # PDF busy, timed out, failed; render failed
        status = status_of(exc)
        (log.error if status >= 500 else log.info)("form: %s: %s", exc.code, exc.detail)
        return page(values, summary=[Problem("Máy chủ", exc.public)], status=status)


def both_response(docx: Output, pdf: Output) -> Response:
    """The DOCX and the PDF in one ZIP named as they are (`07-QĐ-UBND.zip`), each entry with
    its Vietnamese name beside the ASCII one (service.batch.results.zip_info)."""
    when = time.localtime()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for output in (docx, pdf):
            archive.writestr(zip_info(output.filename, output.filename_utf8, when),
                             output.content)
    return attachment(out.getvalue(), "application/zip",
                      docx.filename.removesuffix(".docx") + ".zip",
                      docx.filename_utf8.removesuffix(".docx") + ".zip")


def contract_errors(payload: Any) -> dict[str, list[str]]:
    """What the contract finds wrong with a payload, or nothing."""
    try:
        pipeline().document(payload)
    except ValidationError as exc:
        return exc.fields
    return {}


def show_preview(values: dict[str, str], payload: Any) -> tuple[str, int]:
    """Every page as an image beside the form (after the buttons on a narrow screen); the clerk
    downloads once it looks right. form.js asks for the preview alone (PREVIEW_PART) and swaps
    it in, so the page does not reload and the clerk keeps their place."""
    if pipeline().converter is None:
        pipeline().document(payload)        # still check the fields before saying why no image
        return page(values)
    # A preview takes no number from the register: "auto" shows the next one.
    pages = preview.page_pngs(pipeline().generate(payload, "pdf", enter=False).content)
    if request.headers.get(PART_HEADER) == PREVIEW_PART:
        return render_template("preview.html", pages=pages), 200
    return page(values, pages=pages)


def read_upload(upload: FileStorage | None) -> Any:
    """The uploaded JSON payload; PayloadError (in Vietnamese) when there is none or it is not
    JSON. A BOM is allowed: Notepad on Windows writes one."""
    if upload is None or not upload.filename:
        raise PayloadError("Hãy chọn một tệp JSON trước khi bấm “Tạo từ tệp JSON”.")
    raw = upload.read()
    try:
        return loads_strict(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise PayloadError("Tệp phải là văn bản JSON mã hóa UTF-8.", detail=str(exc)) from exc
    except json.JSONDecodeError as exc:
        raise PayloadError(f"Tệp không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno}).",
                           detail=str(exc)) from exc
    except JsonRefused as exc:          # nested past the stack, a key twice, NaN …
        raise PayloadError(f"Tệp JSON không dùng được: {exc}", detail=str(exc)) from exc


@blp.errorhandler(RequestEntityTooLarge)
def too_large(exc: RequestEntityTooLarge) -> tuple[str, int]:
    # The request was not read, so there are no values to give back; say what the limit is.
    if request.endpoint == "form.batch":
        message = (f"Dữ liệu gửi lên vượt quá {size_text(batch_limit())} nên chưa được đọc. "
                   "Các ô đã điền không giữ lại được. Hãy chia bảng tính "
                   "thành nhiều tệp nhỏ hơn.")
        return refused({"format": DEFAULT_FORMAT}, {"sheet": [message]}, 413,
                       batch_refused=True)
    limit = max(1, (current_app.config["MAX_CONTENT_LENGTH"] or 0) // 1_000_000)
    message = (f"Dữ liệu gửi lên vượt quá {limit} MB nên chưa được đọc. Hãy gửi tệp nhỏ hơn, "
               "hoặc chia nội dung thành nhiều văn bản.")
    return page({"format": DEFAULT_FORMAT}, summary=[Problem("Biểu mẫu", message)], status=413)


# --- Tạo hàng loạt: a batch from a spreadsheet and a base ---------------------------------------

ROWS_FILE = "form-rows.json"    # beside the batch's documents: each item's spreadsheet row
BATCH_INPUTS = ("sheet", "base_file", "name_column", "merged_pdf", "format")
_ENVELOPE_INPUT = {"format": "format", "merged_pdf": "merged_pdf", "name_column": "name_column",
                   "rows": "sheet", "base": "base_file"}
NO_SHEET = "Hãy chọn tệp bảng tính (CSV hoặc XLSX) trước khi bấm “Tạo hàng loạt”."
NO_ROWS = ("Bảng tính chỉ có dòng tiêu đề, chưa có dòng nào để tạo văn bản. Dòng đầu là tên "
           "trường, mỗi dòng sau là một văn bản.")
MERGE_NEEDS_PDF = "Chỉ gộp được thành một tệp PDF khi chọn định dạng PDF ở trên."
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BATCH_ONE_FORMAT = ("Lô văn bản tạo một định dạng: hãy chọn DOCX hoặc PDF ở trên (với PDF có "
                    "thể gộp một tệp để in).")


def settings() -> Settings:
    return current_app.extensions["vanban.settings"]


def batch_limit() -> int:
    """A batch post may carry a spreadsheet as large as the batch API takes, plus the document
    fields the form always sends (so a sheet just over its limit is named, not the request)."""
    return settings().batch.max_request_bytes + (current_app.config["MAX_CONTENT_LENGTH"] or 0)


def covered(path: str, columns: set[str]) -> bool:
    """Whether a column of the sheet sets this path, a part of it, or all of it."""
    return any(path == c or path.startswith(c + ".") or c.startswith(path + ".")
               for c in columns)


class BatchRefused(Exception):
    """What is wrong with a batch post, by input; the page shows each beside its input."""

    def __init__(self, errors: dict[str, list[str]], summary: list[Problem],
                 status: int = 422) -> None:
        super().__init__(sorted(errors))
        self.errors, self.summary, self.status = errors, summary, status


@blp.post("/lo")
def batch() -> Response | tuple[str, int]:
    # The batch's own limit, before anything is read (as POST /v1/batches does).
    request.max_content_length = batch_limit()
    values = {name: request.form.get(name, "") for name in TEXT_INPUTS}
    if not csrf_ok():
        log.info("batch form refused: CSRF token missing or wrong")
        return page(values, summary=[Problem("Biểu mẫu", CSRF_REFUSED)], status=400)
    try:
        job_id = start_batch(values)
    except BatchRefused as exc:
        return page(values, errors=exc.errors, summary=exc.summary, status=exc.status,
                    batch_refused=True)
    except VanbanError as exc:              # the queue (Celery) unreachable, the store failing
        status = status_of(exc)
        (log.error if status >= 500 else log.info)("batch form: %s: %s", exc.code, exc.detail)
        return page(values, summary=[Problem("Máy chủ", exc.public)], status=status)
    return redirect(url_for("form.batch_status", job_id=job_id), code=303)


@blp.post("/lo/mau")
def batch_template() -> Response | tuple[str, int]:
    """The XLSX template of the chosen type, its guide showing what the form's base holds."""
    values = {name: request.form.get(name, "") for name in TEXT_INPUTS}
    if not csrf_ok():
        return page(values, summary=[Problem("Biểu mẫu", CSRF_REFUSED)], status=400)
    doc_type = values["type"]
    if doc_type not in inputs.TYPE_NAMES:
        return refused(values, {"type": [
            "Hãy chọn loại văn bản ở trên để tải bảng tính mẫu của loại đó."]}, 422)
    content, name = clerk_sheets.template(doc_type, translate(request.form).payload)
    return attachment(content, XLSX, name, name)


def start_batch(values: dict[str, str]) -> str:
    """Read the sheet and the base, check them, submit the batch; its id. Every problem found
    is raised at once as BatchRefused."""
    problems: dict[str, list[str]] = {}
    unplaced: list[Problem] = []            # base errors with no input of their own
    statuses: list[int] = []

    def refuse(name: str, message: str, status: int = 422) -> None:
        problems.setdefault(name, []).append(message)
        statuses.append(status)

    fmt = values["format"] or DEFAULT_FORMAT
    merged = values["merged_pdf"] == "1"
    if merged and fmt != "pdf":
        refuse("merged_pdf", MERGE_NEEDS_PDF)
    if fmt == BOTH:
        refuse("format", BATCH_ONE_FORMAT)
    if fmt == "pdf" and settings().batch.backend == "inline" and pipeline().converter is None:
        refuse("format", UnsupportedFormatError("Máy chủ này chưa bật xuất PDF; hãy chọn "
                                                "DOCX.").public, 406)

    rows: list[dict[str, Any]] | None = None
    upload = request.files.get("sheet")
    if upload is None or not upload.filename:
        refuse("sheet", NO_SHEET, 400)
    else:
        data = upload.read()
        limit = settings().batch.max_request_bytes
        try:
            if len(data) > limit:
                raise UploadTooLarge(f"Bảng tính lớn quá {size_text(limit)}; hãy chia thành "
                                     "nhiều tệp nhỏ hơn.")
            rows = sheets.read_rows(upload.filename, data, max_rows=settings().batch.max_items,
                                    max_unpacked=settings().batch.max_sheet_bytes)
        except PayloadError as exc:         # unreadable, unsafe, too large, too many rows
            refuse("sheet", exc.public, status_of(exc))
        if rows == []:
            refuse("sheet", NO_ROWS)

    t: Translation | None = None
    base_upload = request.files.get("base_file")
    if base_upload is not None and base_upload.filename:
        try:
            base = read_upload(base_upload)
        except PayloadError as exc:
            refuse("base_file", exc.public, 400)
            base = None
        if base is not None and not isinstance(base, dict):
            refuse("base_file", "Tệp JSON mẫu phải là một văn bản (đối tượng JSON {…}).")
    else:
        t = translate(request.form)
        base = t.payload

    sheet: clerk_sheets.Read | None = None
    if rows:
        try:
            sheet = clerk_sheets.read(rows, clerk_sheets.type_of(base))
            rows = sheet.rows
        except PayloadError as exc:        # a heading that names nothing
            refuse("sheet", exc.public, status_of(exc))
            rows = None
    if rows and isinstance(base, dict):
        # A base may leave out what every row fills (signer.name, number…): only the rest counts.
        columns = {key for row in rows for key in row if not key.startswith(envelope.NOTE_PREFIX)}
        fields = {path: messages for path, messages in contract_errors(base).items()
                  if not covered(path, columns)}
        if t is not None:
            own = {name: messages for name, messages in t.errors.items()
                   if not covered(PATH_OF.get(name, name), columns)}
            by_input, listed = place_errors(fields, dataclasses.replace(t, errors=own))
            for name, messages in by_input.items():
                for message in messages:
                    refuse(name, message)
            unplaced.extend(p for p in listed if p.anchor is None)
            if unplaced:
                statuses.append(422)
        else:
            for path, messages in fields.items():
                for message in messages:
                    refuse("base_file", f"{path_label(path)}: {message}")

    data_in: dict[str, Any] = {"base": base, "rows": rows, "format": fmt, "merged_pdf": merged}
    name_column = values["name_column"].strip()
    if sheet is not None:
        # Named as the sheet heads it ("Họ và tên") or as the template's own column.
        name_column = {clerk_sheets.heading_key(h): p for p, h in sheet.columns.items()}.get(
            clerk_sheets.heading_key(name_column), name_column)
        if not name_column and any(clerk_sheets.NAME_COLUMN in row for row in rows or []):
            name_column = clerk_sheets.NAME_COLUMN
    if name_column:
        data_in["name_column"] = name_column
    batch_in: envelope.BatchRequest | None = None
    if not problems and not unplaced:
        try:
            batch_in = envelope.parse(data_in, max_items=settings().batch.max_items)
        except ValidationError as exc:
            for path, messages in exc.fields.items():
                for message in messages:
                    refuse(_ENVELOPE_INPUT.get(path.split(".")[0], "sheet"), message)
        except PayloadError as exc:
            refuse("sheet", exc.public, status_of(exc))
    if batch_in is None or rows is None:
        summary = [Problem(LABELS[name], m, anchor(name)) for name in LABELS
                   for m in problems.get(name, [])]
        raise BatchRefused(problems, summary + unplaced, max(statuses))

    if sheet is not None:
        batch_in = sheet.fail_refused(batch_in)
    job = runner_of(current_app).submit(batch_in)
    # Which sheet row each item came from, for the status page (the store keeps no note columns).
    names = [row.get(data_in.get("name_column", "")) for row in rows]
    note = {"rows": [row.get(sheets.ROW_KEY) for row in rows],
            "names": [None if n is None else str(n) for n in names],
            **(sheet.note() if sheet is not None else {})}
    runner_of(current_app).store.outputs.put(job.id, ROWS_FILE,
                                             json.dumps(note, ensure_ascii=False).encode())
    log.info("batch form: batch %s of %d rows", job.id, len(rows))
    return job.id


def size_text(size: int) -> str:
    return f"{size // 1_000_000} MB" if size >= 1_000_000 else f"{max(1, size // 1000)} KB"


def anchor(name: str) -> str:
    return "f-format-docx" if name == "format" else f"f-{name}"


def refused(values: dict[str, str], errors: dict[str, list[str]], status: int,
            **shown: Any) -> tuple[str, int]:
    """The form again, `errors` beside their inputs and listed in the summary on top."""
    return page(values, errors=errors, status=status, summary=[
        Problem(LABELS[name], m, anchor(name)) for name, ms in errors.items() for m in ms],
        **shown)


@dataclass(frozen=True)
class RowError:
    """One failed document of a batch: where it came from, and what was wrong."""

    where: str
    messages: list[str]


def row_errors(job_id: str) -> list[RowError]:
    """The batch's failed items, each named by its spreadsheet row (when the form made it)."""
    store = runner_of(current_app).store
    note: dict[str, list[Any]] = {}
    with contextlib.suppress(OSError, ValueError):  # from the API: items by their position
        note = json.loads(store.outputs.read(job_id, ROWS_FILE).decode("utf-8"))
    names = note.get("names", [])
    out = []
    for error in store.errors(job_id):
        index = error["index"]
        where = f"Dòng {error['row']}" if error.get("row") else f"Văn bản {index + 1}"
        if index < len(names) and names[index]:
            where += f" ({names[index]})"
        out.append(RowError(where, clerk_sheets.row_messages(error, index, note, path_label)))
    return out


@blp.get("/lo/<job_id>")
def batch_status(job_id: str) -> tuple[str, int]:
    """The batch's progress; when it is over, its errors by row and its downloads."""
    try:
        job = runner_of(current_app).store.job(job_id)
    except BatchNotFound:
        return render_template("batch.html", job=None), 404
    return render_template(
        "batch.html", job=job, errors=row_errors(job_id),
        status_url=url_for("batches.batch_status", job_id=job_id),
        result_url=url_for("batches.batch_result", job_id=job_id),
        merged_url=url_for("batches.batch_merged", job_id=job_id) if job.merged_pdf else None,
    ), 200
