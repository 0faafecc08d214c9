"""POST /v1/verify: a PDF in, who signed it, when, and whether each signature holds, out."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request
from flask_smorest import Blueprint

from service.errors import UnsupportedMediaType

blp = Blueprint("verify", __name__, description="Kiểm tra chữ ký số của văn bản PDF")


@blp.route("/v1/verify", methods=["POST"])
@blp.doc(
    summary="Kiểm tra chữ ký số của một tệp PDF",
    requestBody={"required": True, "content": {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
    responses={
        "200": {"description": "Từng chữ ký: người ký, thời điểm ký, còn nguyên vẹn không, "
                               "bao trùm phần nào của tệp"},
        "400": {"description": "Không đọc được tệp PDF"},
        "413": {"description": "Vượt dung lượng cho phép"},
        "415": {"description": "Content-Type không phải application/pdf"},
    },
)
def verify_pdf() -> Response:
    if request.mimetype != "application/pdf":
        raise UnsupportedMediaType("Gửi tệp PDF với Content-Type: application/pdf.",
                                   detail=f"content type {request.mimetype!r}")
    # A received document may be larger than a JSON payload: the batch limit applies.
    request.max_content_length = current_app.extensions["vanban.settings"].batch.max_request_bytes
    from service.sign.verify import verify  # pyHanko loads on the first verification

    return jsonify(verify(request.get_data(cache=False), current_app.extensions["vanban.trust"]))
