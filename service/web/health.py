"""Liveness and readiness: /healthz says the process answers; /readyz says it can convert.

As Gotenberg learned, a converter in a planned restart is still ready (the pool says so).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@blp.get("/readyz")
def readyz() -> Response:
    converter = current_app.extensions["vanban.pipeline"].converter
    if converter is None:
        return jsonify({"status": "ready", "pdf": "disabled"})
    if converter.ready():
        return jsonify({"status": "ready", "pdf": "ready"})
    response = jsonify({"status": "not_ready", "pdf": "starting"})
    response.status_code = 503
    response.headers["Retry-After"] = "2"
    return response
