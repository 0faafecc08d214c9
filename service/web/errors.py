"""The one table from error class to HTTP status, and the one JSON error shape."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from service import errors

log = logging.getLogger("vanban.web")

# Most specific first: the first class an error is an instance of decides its status.
STATUS: list[tuple[type[errors.VanbanError], int]] = [
    (errors.UnsupportedMediaType, 415),
    (errors.UploadError, 400),
    (errors.PayloadTooLarge, 413),
    (errors.PayloadError, 400),
    (errors.ValidationError, 422),
    (errors.Unauthenticated, 401),
    (errors.Forbidden, 403),
    (errors.RateLimited, 429),
    (errors.UnsupportedFormatError, 406),
    (errors.ConverterBusy, 503),
    (errors.ConverterUnavailable, 503),
    (errors.ConversionTimeout, 504),
    (errors.ConversionError, 500),
    (errors.RenderError, 500),
    (errors.NumberTaken, 409),
    (errors.RegisterEntryNotFound, 404),
    (errors.BatchNotFound, 404),
    (errors.BatchNotFinished, 409),
    (errors.QueueUnavailable, 503),
    (errors.StorageFull, 507),
    (errors.VanbanError, 500),
]

_HTTP_MESSAGES = {
    404: "Không tìm thấy địa chỉ này.",
    405: "Phương thức không được hỗ trợ cho địa chỉ này.",
}


def status_of(exc: errors.VanbanError) -> int:
    return next(status for klass, status in STATUS if isinstance(exc, klass))


def error_response(code: str, message: str, status: int, **extra: object) -> Response:
    """`{"error": {"code", "message", …}}`: the shape of every error the service returns."""
    response = jsonify({"error": {"code": code, "message": message, **extra}})
    response.status_code = status
    return response


def response_for(exc: errors.VanbanError) -> Response:
    """The response for one of our errors: its status from the table, the one shape, and the
    headers its status calls for."""
    status = status_of(exc)
    (log.error if status >= 500 else log.info)("%s: %s", exc.code, exc.detail)
    extra: dict[str, object] = {"fields": exc.fields} \
        if isinstance(exc, errors.ValidationError) else {}
    if isinstance(exc, errors.NumberTaken):
        extra["entry"] = exc.entry
    response = error_response(exc.code, exc.public, status, **extra)
    if isinstance(exc, errors.ConverterBusy | errors.RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, errors.Unauthenticated):
        response.headers["WWW-Authenticate"] = exc.challenge
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(errors.VanbanError)
    def _vanban(exc: errors.VanbanError) -> Response:
        return response_for(exc)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge) -> Response:
        return _vanban(errors.PayloadTooLarge(detail=str(exc)))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        return error_response(exc.name.lower().replace(" ", "_"),
                              _HTTP_MESSAGES.get(status, exc.description or exc.name), status)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error")
        return error_response("internal_error", errors.VanbanError.public, 500)
