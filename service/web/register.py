"""GET /v1/register…: the register of outgoing documents, one entry, its document again, and the
next number (HTTP in, service.register out)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Response, jsonify, request
from flask_smorest import Blueprint

from schemas import resolve
from service.errors import UnsupportedFormatError, ValidationError
from service.model import metadata, nd30
from service.register import PER_PAGE, VIETNAM, Register
from service.web.documents import XML, file_response, pipeline

blp = Blueprint("register", __name__, description="Sổ đăng ký văn bản đi")
MAX_PER_PAGE = 500


def register() -> Register:
    return pipeline().register


def _int(name: str, *, default: int | None = None, low: int = 1,
         high: int = 9999) -> int | None:
    text = request.args.get(name)
    if text is None or text == "":
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValidationError({name: [f"Phải là số nguyên từ {low} đến {high}."]})
    return int(text)


def _date(name: str) -> date | None:
    text = request.args.get(name)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({name: ["Ngày phải theo dạng YYYY-MM-DD."]}) from None


_LIST_PARAMETERS = [
    {"name": "issuer", "in": "query", "schema": {"type": "string"},
     "description": "Mã cơ quan ban hành (issuer.code), ví dụ UBND"},
    {"name": "year", "in": "query", "schema": {"type": "integer"}},
    {"name": "type", "in": "query", "schema": {"type": "string"}, "description": "Loại văn bản"},
    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"},
     "description": "Ngày văn bản từ (YYYY-MM-DD)"},
    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}},
]


@blp.route("/v1/register", methods=["GET"])
@blp.doc(summary="Sổ đăng ký văn bản đi: các văn bản đã vào sổ", parameters=_LIST_PARAMETERS)
def list_entries() -> Response:
    kind = request.args.get("type")
    if kind and resolve(kind) is None:
        raise ValidationError({"type": [f"Không có loại văn bản '{kind[:40]}'."]})
    page = _int("page", default=1, high=1_000_000)
    per_page = _int("per_page", default=PER_PAGE, high=MAX_PER_PAGE)
    entries, total = register().list(
        issuer=request.args.get("issuer") or None, year=_int("year"),
        type=resolve(kind).key if kind else None, issued_from=_date("from"),
        issued_to=_date("to"), page=page, per_page=per_page)
    return jsonify({"entries": [e.summary() for e in entries], "total": total, "page": page,
                    "per_page": per_page})


@blp.route("/v1/register/next", methods=["GET"])
@blp.doc(summary="Số tiếp theo của sổ (xem trước; không lấy số)", parameters=[
    {"name": "issuer", "in": "query", "required": True, "schema": {"type": "string"}},
    {"name": "year", "in": "query", "schema": {"type": "integer"}},
    {"name": "type", "in": "query", "schema": {"type": "string"},
     "description": "Loại văn bản: để trả cả số ký hiệu"},
    {"name": "secret", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]},
     "description": "1: sổ riêng của văn bản mật"},
])
def next_number() -> Response:
    issuer = request.args.get("issuer", "").strip()
    if not issuer:
        raise ValidationError({"issuer": ["Thiếu trường bắt buộc."]})
    kind = request.args.get("type")
    doc_type = resolve(kind) if kind else None
    if kind and doc_type is None:
        raise ValidationError({"type": [f"Không có loại văn bản '{kind[:40]}'."]})
    year = _int("year") or datetime.now(VIETNAM).year
    secret = request.args.get("secret") in {"1", "true"}
    number = register().peek(issuer, year, secret)
    answer = {"issuer": issuer, "year": year, "secret": secret, "number": number,
              "number_text": nd30.number_text(number)}
    if doc_type is not None and doc_type.abbrev is not None:
        answer["symbol"] = f"{nd30.number_text(number)}/{nd30.notation(doc_type.abbrev, issuer)}"
    return jsonify(answer)


@blp.route("/v1/register/<entry_id>", methods=["GET"])
@blp.doc(summary="Một văn bản trong sổ, với thông tin đầu ra Phụ lục VI", parameters=[
    {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "xml"]}}])
def get_entry(entry_id: str) -> Response:
    entry = register().get(entry_id)
    fmt = (request.args.get("format") or "json").lower()
    if fmt == "xml":
        return Response(metadata.to_xml(entry.record), mimetype=XML)
    if fmt != "json":
        raise UnsupportedFormatError(detail=f"format={fmt!r}")
    return jsonify({**entry.summary(), "metadata": metadata.to_json(entry.record)})


@blp.route("/v1/register/<entry_id>/document", methods=["GET"])
@blp.doc(summary="Tạo lại văn bản đã vào sổ (cùng nội dung)", parameters=[
    {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["docx", "pdf"]}}])
def entry_document(entry_id: str) -> Response:
    entry = register().get(entry_id)
    fmt = (request.args.get("format") or "docx").lower()
    # The kept payload has its number and no register flag: it prints the same, enters nothing.
    output = pipeline().generate(entry.payload, fmt, enter=False)
    response = file_response(output)
    response.headers["X-Vanban-Register-Id"] = entry.id
    return response
