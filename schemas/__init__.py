"""The payload contract: `validate(payload)` returns clean data or raises ValidationError."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError as _MarshmallowError

from schemas.document import DocumentSchema
from schemas.fields import Limits, using
from schemas.registry import TYPES, DocType, resolve
from service.errors import ValidationError

__all__ = ["TYPES", "DocType", "DocumentSchema", "Limits", "flatten_errors", "resolve",
           "validate"]

_SCHEMA = DocumentSchema()


def validate(payload: Any, limits: Limits | None = None) -> dict:
    """Check a decoded JSON payload against the v1 contract, within `limits` (the contract's
    defaults when None); every problem reported at once."""
    if not isinstance(payload, dict):
        raise ValidationError({"_payload": ["Dữ liệu phải là một đối tượng JSON."]})
    try:
        with using(limits):
            return _SCHEMA.load(payload)
    except _MarshmallowError as exc:
        raise ValidationError(flatten_errors(exc.messages)) from exc


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"issuer": {"name": [..]}, "body": {2: {..}}} → {"issuer.name": [..], "body.2.…": [..]}."""
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "_payload": list(messages)}
    if isinstance(messages, str):
        return {prefix or "_payload": [messages]}
    out: dict[str, list[str]] = {}
    items = messages.items() if isinstance(messages, dict) else enumerate(messages)
    for key, value in items:
        path = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
        for field, msgs in flatten_errors(value, path).items():
            out.setdefault(field, []).extend(msgs)
    return out
