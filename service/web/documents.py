"""POST /v1/documents and GET /v1/types: HTTP in, pipeline call, file or JSON out."""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import Response, current_app, jsonify, request
from flask_smorest import Blueprint

from schemas import TYPES
from service.errors import PayloadError, UnsupportedFormatError, UnsupportedMediaType
from service.pipeline import DOCX, MEDIA_TYPES, PDF, Output, Pipeline

blp = Blueprint("documents", __name__, description="Tạo văn bản hành chính theo NĐ30")

_DOC_RESPONSES = {
    "200": {"description": "Tệp văn bản",
            "content": {DOCX: {"schema": {"type": "string", "format": "binary"}},
                        PDF: {"schema": {"type": "string", "format": "binary"}}}},
    "400": {"description": "JSON không đọc được"},
    "406": {"description": "Định dạng đầu ra không hỗ trợ"},
    "413": {"description": "Vượt dung lượng cho phép"},
    "415": {"description": "Content-Type không phải application/json"},
    "422": {"description": "Dữ liệu không hợp lệ; error.fields nêu từng trường theo đường dẫn"},
    "503": {"description": "Bộ chuyển PDF đang bận; thử lại sau Retry-After giây"},
}


def pipeline() -> Pipeline:
    return current_app.extensions["vanban.pipeline"]


def read_json() -> object:
    """The request body as JSON: 415 for another content type, 400 when unreadable."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(detail=f"content type {request.mimetype!r}")
    raw = request.get_data(cache=False)
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" (dòng {exc.lineno}, cột {exc.colno})" if hasattr(exc, "lineno") else ""
        raise PayloadError(f"JSON không hợp lệ{where}.", detail=str(exc)) from exc


def requested_format() -> str:
    """`?format=` wins; otherwise the Accept header; DOCX by default."""
    fmt = request.args.get("format")
    if fmt is not None:
        return fmt.lower()
    accept = request.accept_mimetypes
    if not accept:
        return "docx"
    best = accept.best_match([DOCX, PDF])
    if best is None:
        raise UnsupportedFormatError(detail=f"Accept: {accept}")
    return "pdf" if best == PDF else "docx"


def file_response(output: Output) -> Response:
    """The file with an ASCII filename and its UTF-8 twin (RFC 6266 filename*)."""
    response = Response(output.content, mimetype=output.media_type)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{output.filename}"; '
        f"filename*=UTF-8''{quote(output.filename_utf8, safe='')}")
    return response


@blp.route("/v1/documents", methods=["POST"])
@blp.doc(
    summary="Tạo một văn bản",
    parameters=[
        {"name": "format", "in": "query", "schema": {"type": "string", "enum": list(MEDIA_TYPES)},
         "description": "docx (mặc định) hoặc pdf; hoặc dùng header Accept"},
        {"name": "pdfa", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]},
         "description": "PDF/A-2b khi là 1"},
    ],
    requestBody={"required": True, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Document"}}}},
    responses=_DOC_RESPONSES,
)
def create_document() -> Response:
    payload = read_json()
    fmt = requested_format()
    output = pipeline().generate(payload, fmt, pdfa=request.args.get("pdfa") in {"1", "true"})
    return file_response(output)


@blp.route("/v1/types", methods=["GET"])
@blp.doc(summary="Các loại văn bản, viết tắt và trường bắt buộc")
def list_types() -> Response:
    return jsonify({"types": [
        {"type": t.key, "name": t.name or "CÔNG VĂN", "abbreviation": t.abbrev,
         "mau": t.mau, "aliases": list(t.aliases), "required": list(t.required),
         "numbering": t.numbering, "kinh_gui": t.allows_to}
        for t in TYPES.values()]})
