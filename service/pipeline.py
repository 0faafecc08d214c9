"""The one entry point every way in shares: payload → validate → build → render → convert."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import schemas
from service.errors import UnsupportedFormatError, ValidationError
from service.model import metadata
from service.model.build import build
from service.model.document import Document
from service.render.docx import DocxRenderer

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
MEDIA_TYPES = {"docx": DOCX, "pdf": PDF}


class PdfConverter(Protocol):
    """What the pipeline needs of service.convert (kept here so no stage imports a later one)."""

    def to_pdf(self, docx: bytes | Callable[[], bytes], options: Any = None) -> bytes: ...


class PdfSigner(Protocol):
    """What the pipeline needs of service.sign: check a `sign` request before any work, sign
    a finished PDF (person first, then agency) in the blocks the document prints."""

    def check(self, request: Mapping[str, Any]) -> Any: ...

    def sign(self, pdf: bytes, request: Mapping[str, Any], blocks: Sequence[Any],
             pages: int) -> bytes: ...


@dataclass(frozen=True)
class Output:
    content: bytes
    format: str                 # "docx" | "pdf"
    type: str                   # the document type's registry key
    filename: str               # ASCII-safe, with extension
    filename_utf8: str          # with diacritics, for Content-Disposition filename*
    # Phụ lục VI metadata (service.model.metadata); PageAmount filled for a PDF.
    record: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


class Pipeline:
    def __init__(self, renderer: DocxRenderer, converter: PdfConverter | None = None, *,
                 limits: schemas.Limits | None = None, signer: PdfSigner | None = None) -> None:
        self.renderer = renderer
        self.converter = converter
        self.signer = signer            # service.sign: None when no profile is configured
        self.limits = limits            # settings.limits: payload sizes; None = the contract's
        self.observers: list[Callable[[Output], None]] = []   # e.g. metrics, told of each output

    def document(self, payload: Any) -> Document:
        """Validate and build the document model (raises ValidationError naming each field)."""
        return self._prepare(payload)[1]

    def _prepare(self, payload: Any) -> tuple[dict[str, Any], Document]:
        data = schemas.validate(payload, self.limits)
        return data, build(data)

    def generate(self, payload: Any, fmt: str = "docx", *, pdfa: bool = False) -> Output:
        if fmt not in MEDIA_TYPES:
            raise UnsupportedFormatError(f"Định dạng '{fmt}' không được hỗ trợ (docx, pdf).")
        self._need_pdf(fmt)
        data, document = self._prepare(payload)
        sign = data.get("sign")
        if sign:                        # refused before anything is rendered
            if fmt != "pdf":
                raise ValidationError({"sign": ["Chỉ ký số được văn bản PDF (format=pdf)."]})
            if self.signer is None:
                raise ValidationError({"sign": ["Máy chủ này chưa cấu hình hồ sơ ký số "
                                                "(VANBAN_SIGNING_PROFILES)."]})
            self.signer.check(sign)
        record = document.record
        if fmt == "pdf":
            content, record = self._pdf(document, pdfa=pdfa, sign=sign)
        else:
            content = self.renderer.render(document, schemas.TYPES[document.type].template)
        output = Output(content, fmt, document.type, f"{document.filename}.{fmt}",
                        f"{document.filename_utf8}.{fmt}", record)
        for observe in self.observers:
            observe(output)
        return output

    def metadata(self, payload: Any) -> dict[str, Any]:
        """The Phụ lục VI record of a payload; PageAmount counted on its PDF when this
        server makes PDFs (else left empty: a DOCX has no fixed page count)."""
        document = self.document(payload)
        if self.converter is None:
            return document.record
        return self._pdf(document)[1]

    def _need_pdf(self, fmt: str) -> None:
        if fmt == "pdf" and self.converter is None:
            raise UnsupportedFormatError("Máy chủ này chưa bật xuất PDF; hãy yêu cầu DOCX.")

    def _pdf(self, document: Document, *, pdfa: bool = False,
             sign: Mapping[str, Any] | None = None) -> tuple[bytes, dict[str, Any]]:
        """The document's PDF with its Phụ lục VI record in the XMP, signed when asked."""
        from service.convert import PdfOptions  # the PDF stack loads only when asked for
        from service.convert.metadata import XmpSchema, embed_xmp, page_count

        template = schemas.TYPES[document.type].template
        # The converter renders when it has a process for it (service.convert.DocxSource).
        pdf = self.converter.to_pdf(lambda: self.renderer.render(document, template),
                                    PdfOptions(pdfa=pdfa))
        pages = page_count(pdf)
        record = metadata.with_pages(document.record, pages)
        pdf = embed_xmp(pdf, XmpSchema(metadata.NAMESPACE, metadata.PREFIX, metadata.TITLE,
                                       metadata.FIELDS), record)
        if sign:
            from service.sign.pades import SignatureBlock

            blocks = [SignatureBlock(document.signer.lines, document.signer.name)]
            pdf = self.signer.sign(pdf, sign, blocks, pages)
        return pdf, record
