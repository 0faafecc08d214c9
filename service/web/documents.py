"""POST /v1/documents and GET /v1/types: HTTP in, pipeline call, file or JSON out."""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import quote

from flask import Response, current_app, jsonify, request
from flask_smorest import Blueprint

from schemas import TYPES
from service.errors import PayloadError, UnsupportedFormatError, UnsupportedMediaType
from service.model import metadata
from service.pipeline import DOCX, MEDIA_TYPES, PARTS, PDF, Output, Pipeline

METADATA = "metadata"               # ?format=metadata: the Phụ lục VI record, not a file
XML = "application/xml"

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
    return parse_json(request.get_data(cache=False))


class JsonRefused(ValueError):
    """JSON the standard parser would take but the contract does not; the message says why,
    in Vietnamese."""


_SURROGATE = re.compile("[\ud800-\udfff]")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        twice = next(key for i, key in enumerate(keys) if key in keys[:i])
        # Which value wins is up to each parser; a proxy that checked the first must not see
        # a different document from ours.
        raise JsonRefused(f"khóa '{twice[:50]}' lặp lại trong cùng một đối tượng.")
    return dict(pairs)


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonRefused(f"số '{text[:20]}' vượt quá phạm vi cho phép.")
    return value


def _constant(name: str) -> None:
    raise JsonRefused(f"'{name}' không phải giá trị JSON.")


def _surrogates(value: Any) -> bool:
    """Whether any string or key holds half a surrogate pair (an escape like \\ud800 alone):
    not Unicode, so it could be neither printed, stored nor even echoed in an error."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def loads_strict(text: bytes | str) -> Any:
    """json.loads, refusing (JsonRefused) a key twice in one object, NaN/Infinity and numbers
    out of range, lone surrogates, and nesting deeper than the parser's stack; a text that is
    not JSON at all raises json.JSONDecodeError (or UnicodeDecodeError) as json.loads does."""
    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_float=_number,
                           parse_constant=_constant)
    except RecursionError as exc:
        raise JsonRefused("lồng nhau quá sâu.") from exc
    except (json.JSONDecodeError, UnicodeDecodeError, JsonRefused):
        raise
    except ValueError as exc:               # an integer of more than 4300 digits
        raise JsonRefused("có số quá lớn.") from exc
    if _surrogates(value):
        raise JsonRefused("có ký tự Unicode không hợp lệ (nửa cặp surrogate).")
    return value


def parse_json(raw: bytes | str) -> Any:
    """A request body as strict JSON (RFC 8259), or PayloadError (400) saying why in
    Vietnamese: a hostile body must get an answer, never a 500."""
    try:
        return loads_strict(raw)
    except JsonRefused as exc:
        raise PayloadError(f"JSON không hợp lệ: {exc}", detail=str(exc)) from exc
    except json.JSONDecodeError as exc:
        raise PayloadError(f"JSON không hợp lệ (dòng {exc.lineno}, cột {exc.colno}).",
                           detail=str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise PayloadError("Dữ liệu phải mã hóa UTF-8.", detail=str(exc)) from exc


def metadata_response(record: dict[str, Any]) -> Response:
    """A Phụ lục VI record as JSON, or as XML when the caller's Accept prefers it."""
    if request.accept_mimetypes.best_match(["application/json", XML]) == XML:
        return Response(metadata.to_xml(record), mimetype=XML)
    return jsonify(metadata.to_json(record))


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


def attachment(content: bytes, mimetype: str, filename: str, filename_utf8: str) -> Response:
    """A file to download, with an ASCII filename and its UTF-8 twin (RFC 6266 filename*)."""
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{filename}"; '
        f"filename*=UTF-8''{quote(filename_utf8, safe='')}")
    return response


def file_response(output: Output) -> Response:
    """The document as a file to download, with its register entry's id when it has one."""
    response = attachment(output.content, output.media_type, output.filename,
                          output.filename_utf8)
    if output.register_id is not None:      # entered in the register (service/register)
        response.headers["X-Vanban-Register-Id"] = output.register_id
        if output.number is not None:
            response.headers["X-Vanban-Number"] = str(output.number)
    return response


@blp.route("/v1/documents", methods=["POST"])
@blp.doc(
    summary="Tạo một văn bản",
    parameters=[
        {"name": "format", "in": "query",
         "schema": {"type": "string", "enum": [*MEDIA_TYPES, METADATA]},
         "description": "docx (mặc định) hoặc pdf; hoặc dùng header Accept. metadata: thông "
                        "tin đầu ra theo Phụ lục VI (JSON; XML khi Accept: application/xml)"},
        {"name": "pdfa", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]},
         "description": "PDF/A-2b khi là 1"},
        {"name": "part", "in": "query", "schema": {"type": "string", "enum": list(PARTS)},
         "description": "PDF: all (mặc định), text (văn bản đến chữ ký), appendices (các phụ "
                        "lục thành tệp riêng; cơ quan ký số, dòng chữ ở góc trên bên phải)"},
    ],
    requestBody={"required": True, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Document"}}}},
    responses=_DOC_RESPONSES,
)
def create_document() -> Response:
    payload = read_json()
    fmt = requested_format()
    if fmt == METADATA:
        return metadata_response(pipeline().metadata(payload))
    output = pipeline().generate(payload, fmt, pdfa=request.args.get("pdfa") in {"1", "true"},
                                 part=request.args.get("part") or "all")
    return file_response(output)


@blp.route("/v1/types", methods=["GET"])
@blp.doc(summary="Các loại văn bản: viết tắt, Mẫu, trường bắt buộc, các phần và trường riêng")
def list_types() -> Response:
    return jsonify({"types": [t.as_json() for t in TYPES.values()]})
