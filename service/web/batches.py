"""POST /v1/batches, GET /v1/batches/{id}, its result ZIP and merged PDF: HTTP in and out only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response, current_app, jsonify, request, url_for
from flask_smorest import Blueprint

from service.batch import envelope, results, runner_of, sheets
from service.config import Settings
from service.errors import PayloadError, StorageFull, UnsupportedFormatError, ValidationError
from service.web.documents import parse_json, read_json

blp = Blueprint("batches", __name__, description="Lô văn bản: nhiều văn bản trong một yêu cầu")

_FORM_FIELDS = {"base", "format", "merged_pdf", "name_column"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _settings() -> Settings:
    return current_app.extensions["vanban.settings"]


@blp.route("/v1/batches", methods=["POST"])
@blp.doc(
    summary="Tạo một lô văn bản (danh sách văn bản, hoặc văn bản mẫu với các dòng trộn)",
    requestBody={"required": True, "content": {
        "application/json": {"schema": {"type": "object", "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}},
            "base": {"$ref": "#/components/schemas/Document"},
            "rows": {"type": "array", "items": {"type": "object"},
                     "description": "mỗi dòng {đường dẫn trường: giá trị}, ví dụ signer.name"},
            "name_column": {"type": "string"},
            "format": {"type": "string", "enum": list(envelope.FORMATS)},
            "merged_pdf": {"type": "boolean"}}}},
        "multipart/form-data": {"schema": {"type": "object", "required": ["file", "base"],
                                           "properties": {
            "file": {"type": "string", "format": "binary", "description": "CSV (UTF-8) hoặc XLSX"},
            "base": {"type": "string", "description": "văn bản mẫu, JSON"},
            "name_column": {"type": "string"},
            "format": {"type": "string", "enum": list(envelope.FORMATS)},
            "merged_pdf": {"type": "boolean"}}}}}},
    responses={
        "202": {"description": "Đã nhận lô: id, status_url, result_url"},
        "400": {"description": "JSON hoặc tệp tải lên không đọc được"},
        "413": {"description": "Quá dung lượng, hoặc quá số văn bản một lô"},
        "415": {"description": "Cần application/json hoặc multipart/form-data"},
        "422": {"description": "Yêu cầu tạo lô không hợp lệ; error.fields nêu từng trường"},
        "503": {"description": "Hàng đợi (Celery) chưa sẵn sàng"},
    },
)
def create_batch() -> Response:
    settings = _settings()
    # A batch is bigger than one document: its own limit, before anything is read.
    request.max_content_length = settings.batch.max_request_bytes
    data = _from_upload(settings) if request.mimetype == "multipart/form-data" else read_json()
    batch = envelope.parse(data, max_items=settings.batch.max_items)
    runner = runner_of(current_app)
    # Inline, this process makes the PDFs: say now that it cannot rather than fail every item.
    # With Celery the workers have their own converters.
    if (batch.format == "pdf" and settings.batch.backend == "inline"
            and current_app.extensions["vanban.pipeline"].converter is None):
        raise UnsupportedFormatError("Máy chủ này chưa bật xuất PDF; hãy yêu cầu DOCX.")
    job = runner.submit(batch)
    status_url = url_for("batches.batch_status", job_id=job.id)
    body: dict[str, Any] = {"id": job.id, "status_url": status_url,
                            "result_url": url_for("batches.batch_result", job_id=job.id)}
    if job.merged_pdf:
        body["merged_url"] = url_for("batches.batch_merged", job_id=job.id)
    response = jsonify(body)
    response.status_code = 202
    response.headers["Location"] = status_url
    return response


def _from_upload(settings: Settings) -> dict[str, Any]:
    """A multipart request as the JSON envelope: the file's rows, the base from its field."""
    problems: dict[str, list[str]] = {}
    # A part without a name comes as the key None; it is named "" here, an unknown field.
    for key in sorted({name or "" for name in request.form} - _FORM_FIELDS):
        problems[key] = ["Trường không có trong yêu cầu tạo lô (kiểm tra chính tả)."]
    for key in sorted({name or "" for name in request.files} - {"file", "base"}):
        problems[key] = ["Chỉ gửi một tệp bảng tính ở trường file."]
    upload = request.files.get("file")
    if upload is None:
        problems["file"] = ["Thiếu tệp bảng tính (CSV hoặc XLSX)."]
    data: dict[str, Any] = {}
    base_text = request.form.get("base")
    if base_text is None and "base" in request.files:     # the base sent as a JSON file
        base_text = request.files["base"].read().decode("utf-8", "replace")
    if base_text is None:
        problems["base"] = ["Thiếu văn bản mẫu (JSON)."]
    else:
        try:
            data["base"] = parse_json(base_text)
        except PayloadError as exc:
            problems["base"] = [exc.public]
    if "format" in request.form:
        data["format"] = request.form["format"].strip().lower()
    if "merged_pdf" in request.form:
        flag = request.form["merged_pdf"].strip().lower()
        if flag in _TRUE | _FALSE:
            data["merged_pdf"] = flag in _TRUE
        else:
            problems["merged_pdf"] = ["Phải là true hoặc false."]
    if request.form.get("name_column"):
        data["name_column"] = request.form["name_column"]
    if problems:
        raise ValidationError(problems, detail=f"invalid batch upload: {sorted(problems)}")
    assert upload is not None
    data["rows"] = sheets.read_rows(upload.filename or "", upload.read(),
                                    max_rows=settings.batch.max_items,
                                    max_unpacked=settings.batch.max_sheet_bytes)
    return data


@blp.route("/v1/batches/<job_id>", methods=["GET"])
@blp.doc(summary="Tiến độ của lô: status, total, done, failed và lỗi từng văn bản",
         responses={"404": {"description": "Không có lô này"}})
def batch_status(job_id: str) -> Response:
    store = runner_of(current_app).store
    job = store.job(job_id)
    body: dict[str, Any] = {
        "id": job.id, "status": job.status, "format": job.format,
        "total": job.total, "done": job.done, "failed": job.failed,
        "errors": store.errors(job_id),
        "result_url": url_for("batches.batch_result", job_id=job.id),
    }
    if job.merged_pdf:
        body["merged_url"] = url_for("batches.batch_merged", job_id=job.id)
    if job.message:
        body["message"] = job.message
    return jsonify(body)


@blp.route("/v1/batches/<job_id>/result", methods=["GET"])
@blp.doc(summary="Tệp ZIP các văn bản của lô (tên theo số ký hiệu hoặc cột đã chọn)",
         responses={"200": {"description": "ZIP", "content": {
                        "application/zip": {"schema": {"type": "string", "format": "binary"}}}},
                    "404": {"description": "Không có lô này"},
                    "409": {"description": "Lô chưa xử lý xong"}})
def batch_result(job_id: str) -> Response:
    name, chunks = results.result_zip(runner_of(current_app).store, job_id)
    return _download(chunks, "application/zip", name)


@blp.route("/v1/batches/<job_id>/result/merged.pdf", methods=["GET"])
@blp.doc(summary="Một tệp PDF gộp mọi văn bản của lô, để in (khi tạo lô với merged_pdf)",
         responses={"200": {"description": "PDF", "content": {
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                    "404": {"description": "Không có lô này, hoặc lô không yêu cầu gộp PDF"},
                    "409": {"description": "Lô chưa xử lý xong"}})
def batch_merged(job_id: str) -> Response:
    name, chunks = results.merged_pdf(runner_of(current_app).store, job_id)
    return _download(chunks, "application/pdf", name)


@blp.route("/v1/batches/<job_id>/resume", methods=["POST"])
@blp.doc(summary="Làm tiếp một lô đã dừng vì hết chỗ lưu (sau khi đã giải phóng dung lượng)",
         responses={"202": {"description": "Lô làm tiếp; tiến độ ở status_url"},
                    "404": {"description": "Không có lô này"},
                    "507": {"description": "Vẫn hết chỗ lưu"}})
def batch_resume(job_id: str) -> Response:
    runner = runner_of(current_app)
    runner.store.job(job_id)                    # 404 for an unknown batch
    if not runner.store.outputs.room():
        raise StorageFull(detail=f"batch {job_id}: resume refused, still no room")
    job = runner.resume(job_id)
    status_url = url_for("batches.batch_status", job_id=job.id)
    response = jsonify({"id": job.id, "status": job.status, "status_url": status_url})
    response.status_code = 202
    response.headers["Location"] = status_url
    return response


def _download(chunks: Iterator[bytes], mimetype: str, name: str) -> Response:
    """A file sent as it is built (no length known beforehand)."""
    return Response(chunks, mimetype=mimetype, direct_passthrough=True,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
