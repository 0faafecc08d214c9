"""The one entry point every way in shares: payload → validate → build → render → convert."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import schemas
from service.errors import UnsupportedFormatError
from service.model.build import build
from service.model.document import Document
from service.render.docx import DocxRenderer

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
MEDIA_TYPES = {"docx": DOCX, "pdf": PDF}


class PdfConverter(Protocol):
    """What the pipeline needs of service.convert (kept here so no stage imports a later one)."""

    def to_pdf(self, docx: bytes | Callable[[], bytes], options: Any = None) -> bytes: ...


@dataclass(frozen=True)
class Output:
    content: bytes
    format: str                 # "docx" | "pdf"
    type: str                   # the document type's registry key
    filename: str               # ASCII-safe, with extension
    filename_utf8: str          # with diacritics, for Content-Disposition filename*

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


class Pipeline:
    def __init__(self, renderer: DocxRenderer, converter: PdfConverter | None = None, *,
                 limits: schemas.Limits | None = None) -> None:
        self.renderer = renderer
        self.converter = converter
        self.limits = limits            # settings.limits: payload sizes; None = the contract's
        self.observers: list[Callable[[Output], None]] = []   # e.g. metrics, told of each output

    def document(self, payload: Any) -> Document:
        """Validate and build the document model (raises ValidationError naming each field)."""
        return build(schemas.validate(payload, self.limits))

    def generate(self, payload: Any, fmt: str = "docx", *, pdfa: bool = False) -> Output:
        if fmt not in MEDIA_TYPES:
            raise UnsupportedFormatError(f"Định dạng '{fmt}' không được hỗ trợ (docx, pdf).")
        if fmt == "pdf" and self.converter is None:
            raise UnsupportedFormatError("Máy chủ này chưa bật xuất PDF; hãy yêu cầu DOCX.")
        document = self.document(payload)
        template = schemas.TYPES[document.type].template
        if fmt == "pdf":
            from service.convert import PdfOptions  # the PDF stack loads only when asked for

            # The converter renders when it has a process for it (service.convert.DocxSource).
            content = self.converter.to_pdf(lambda: self.renderer.render(document, template),
                                            PdfOptions(pdfa=pdfa))
        else:
            content = self.renderer.render(document, template)
        output = Output(content, fmt, document.type, f"{document.filename}.{fmt}",
                        f"{document.filename_utf8}.{fmt}")
        for observe in self.observers:
            observe(output)
        return output
