"""Document model → the variables the templates use (a shallow, cheap mapping)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from service.model.document import Document


def template_context(document: Document) -> dict[str, Any]:
    """Each Document field under its own name: templates say `{{ subject }}`, `signer.name`."""
    return {f.name: getattr(document, f.name) for f in fields(Document)}
