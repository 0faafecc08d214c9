"""The one entry point every way in shares: payload → validate → build → render → convert."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar

import schemas
from service.errors import RenderError, UnsupportedFormatError, ValidationError
from service.model import metadata
from service.model.build import build
from service.model.document import Document
from service.register import (
    AUTO,
    SECRET,
    Entry,
    Made,
    Register,
    issuer_of,
    registered,
    series_of,
    year_of,
)
from service.render.docx import DocxRenderer

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
MEDIA_TYPES = {"docx": DOCX, "pdf": PDF}
T = TypeVar("T", bound=Made)       # what is made: one Output, or the DOCX and PDF together
# A PDF's parts: the whole document, the text up to its signature, or its phụ lục as a file of
# their own (signed by the agency alone, its text at the top right; nd30-spec §8).
PARTS = ("all", "text", "appendices")


class PdfConverter(Protocol):
    """What the pipeline needs of service.convert (kept here so no stage imports a later one)."""

    def to_pdf(self, docx: bytes | Callable[[], bytes], options: Any = None) -> bytes: ...


class PdfSigner(Protocol):
    """What the pipeline needs of service.sign: check a `sign` request before any work, sign
    a finished PDF (person first, then agency) in the blocks the document prints."""

    def check(self, request: Mapping[str, Any]) -> Any: ...

    def sign(self, pdf: bytes, request: Mapping[str, Any], blocks: Sequence[Any],
             pages: int) -> bytes: ...

    def sign_separate(self, pdf: bytes, request: Mapping[str, Any], symbol: str) -> bytes: ...


@dataclass(frozen=True)
class Output:
    content: bytes
    format: str                 # "docx" | "pdf"
    type: str                   # the document type's registry key
    filename: str               # ASCII-safe, with extension
    filename_utf8: str          # with diacritics, for Content-Disposition filename*
    # Phụ lục VI metadata (service.model.metadata); PageAmount filled for a PDF.
    record: dict[str, Any] = field(default_factory=dict, compare=False)
    symbol: str = ""            # số ký hiệu as printed ("15/KH-UBND")
    number: int | None = None   # the số, when the register gave or checked it
    register_id: str | None = None

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


@dataclass(frozen=True)
class _Both:
    """The DOCX and the PDF made in one register entry (Register.enter takes the PDF's number,
    record and số ký hiệu for the entry)."""

    docx: Output
    pdf: Output

    @property
    def symbol(self) -> str:
        return self.pdf.symbol

    @property
    def record(self) -> dict[str, Any]:
        return self.pdf.record


def _numbered(output: Output, entry: Entry | None) -> Output:
    """The output with its register entry's number and id, when it was entered."""
    return output if entry is None else replace(output, number=entry.number,
                                                register_id=entry.id)


class Pipeline:
    def __init__(self, renderer: DocxRenderer, converter: PdfConverter | None = None, *,
                 limits: schemas.Limits | None = None, signer: PdfSigner | None = None,
                 register: Register | None = None) -> None:
        self.renderer = renderer
        self.converter = converter
        self.signer = signer            # service.sign: None when no profile is configured
        self.register = register        # service.register: the sổ đăng ký văn bản đi
        self.limits = limits            # settings.limits: payload sizes; None = the contract's
        self.observers: list[Callable[[Output], None]] = []   # e.g. metrics, told of each output

    def document(self, payload: Any) -> Document:
        """Validate and build the document model (raises ValidationError naming each field)."""
        return self._prepare(payload)[1]

    def _prepare(self, payload: Any) -> tuple[dict[str, Any], Document]:
        """The validated data and the document; `number: "auto"` built with the number the
        register would give now (what a preview or the metadata shows; nothing is taken)."""
        data = schemas.validate(payload, self.limits)
        if data["number"] == AUTO:
            peeked = (self.register.peek(issuer_of(data), year_of(data),
                                         series_of(data) == SECRET)
                      if self.register is not None else None)
            return data, build({**data, "number": peeked})
        return data, build(data)

    def generate(self, payload: Any, fmt: str = "docx", *, pdfa: bool = False,
                 enter: bool = True, part: str = "all") -> Output:
        """The document as DOCX or PDF (or one `part` of the PDF). With `number: "auto"` or
        `register: true` it is numbered and entered in the register in the same step
        (`enter=False`: a preview that shows the next number and takes none)."""
        if fmt not in MEDIA_TYPES:
            raise UnsupportedFormatError(f"Định dạng '{fmt}' không được hỗ trợ (docx, pdf).")
        self._need_pdf(fmt)
        data, document = self._prepare(payload)
        self._check_part(part, fmt, document, data.get("sign"))
        sign = data.get("sign")
        if sign:                        # refused before anything is rendered
            if fmt != "pdf":
                raise ValidationError({"sign": ["Chỉ ký số được văn bản PDF (format=pdf)."]})
            if self.signer is None:
                raise ValidationError({"sign": ["Máy chủ này chưa cấu hình hồ sơ ký số "
                                                "(VANBAN_SIGNING_PROFILES)."]})
            self.signer.check(sign)
        made, entry = self._entered(data, payload, document, enter,
                                    lambda doc: self._make(doc, fmt, pdfa, sign, part))
        output = _numbered(made, entry)
        for observe in self.observers:
            observe(output)
        return output

    def generate_both(self, payload: Any, *, enter: bool = True) -> tuple[Output, Output]:
        """The DOCX to edit and the PDF to print, from one validation, one render and, with
        `number: "auto"` or `register: true`, one register entry: the PDF is that DOCX
        converted, so both carry the same số."""
        self._need_pdf("pdf")
        data, document = self._prepare(payload)
        if data.get("sign"):
            raise ValidationError({"sign": ["Chỉ ký số được khi tạo riêng tệp PDF."]})

        def make(doc: Document) -> _Both:
            docx = self._make(doc, "docx", False, None)
            pdf, record = self._pdf(doc, docx=docx.content)
            return _Both(docx, replace(
                docx, content=pdf, format="pdf", record=record,
                filename=docx.filename.removesuffix(".docx") + ".pdf",
                filename_utf8=docx.filename_utf8.removesuffix(".docx") + ".pdf"))

        both, entry = self._entered(data, payload, document, enter, make)
        docx, pdf = _numbered(both.docx, entry), _numbered(both.pdf, entry)
        for output in (docx, pdf):
            for observe in self.observers:
                observe(output)
        return docx, pdf

    def _entered(self, data: dict[str, Any], payload: Any, document: Document, enter: bool,
                 make: Callable[[Document], T]) -> tuple[T, Entry | None]:
        """`make(document)`; with `number: "auto"` or `register: true` (and `enter`), made of
        the document as numbered and entered in the register in the same step."""
        if not (enter and registered(data)):
            return make(document), None
        if self.register is None:
            raise ValidationError({"register": ["Máy chủ này không có sổ đăng ký."]})
        return self.register.enter(data, payload, lambda numbered: make(build(numbered)))

    @staticmethod
    def _check_part(part: str, fmt: str, document: Document,
                    sign: Mapping[str, Any] | None) -> None:
        problem = None
        if part not in PARTS:
            problem = f"Phải là một trong: {', '.join(PARTS)}."
        elif part != "all" and fmt != "pdf":
            problem = "Chỉ tách phần của văn bản PDF (format=pdf)."
        elif part != "all" and not document.appendices:
            problem = "Văn bản không có phụ lục để tách."
        elif part == "appendices" and sign and sign.get("personal"):
            problem = ("Tệp phụ lục riêng chỉ có chữ ký số của cơ quan (sign.agency); người "
                       "có thẩm quyền ký văn bản chính.")
        if problem:
            raise ValidationError({"part": [problem]})

    def _make(self, document: Document, fmt: str, pdfa: bool,
              sign: Mapping[str, Any] | None, part: str = "all") -> Output:
        record = document.record
        if fmt == "pdf":
            content, record = self._pdf(document, pdfa=pdfa, sign=sign, part=part)
        else:
            content = self.renderer.render(document, schemas.TYPES[document.type].template)
        plain, pretty = document.filename, document.filename_utf8
        if part == "appendices":
            plain, pretty = f"{plain}-phu-luc", f"{pretty} - Phụ lục"
        return Output(content, fmt, document.type, f"{plain}.{fmt}", f"{pretty}.{fmt}", record,
                      document.number_line.removeprefix("Số:").strip())

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
             sign: Mapping[str, Any] | None = None, part: str = "all",
             docx: bytes | None = None) -> tuple[bytes, dict[str, Any]]:
        """The document's PDF (or a part of it) with its Phụ lục VI record in the XMP, signed
        when asked; of `docx` when the DOCX is made already."""
        from service.convert import PdfOptions  # the PDF stack loads only when asked for
        from service.convert.metadata import XmpSchema, embed_xmp, page_count

        template = schemas.TYPES[document.type].template
        # The converter renders when it has a process for it (service.convert.DocxSource).
        pdf = self.converter.to_pdf(
            docx if docx is not None else lambda: self.renderer.render(document, template),
            PdfOptions(pdfa=pdfa))
        if part != "all":
            pdf = self._part(pdf, document, part)
        pages = page_count(pdf)
        record = metadata.with_pages(document.record, pages)
        pdf = embed_xmp(pdf, XmpSchema(metadata.NAMESPACE, metadata.PREFIX, metadata.TITLE,
                                       metadata.FIELDS), record)
        if sign and part == "appendices":
            return self.signer.sign_separate(
                pdf, sign, document.number_line.removeprefix("Số:").strip()), record
        if sign:
            from service.sign.pades import SignatureBlock

            printed = document.signers or ((document.signer,) if document.signer else ())
            blocks = [SignatureBlock(s.lines, s.name) for s in printed]
            pdf = self.signer.sign(pdf, sign, blocks, pages)
        return pdf, record

    @staticmethod
    def _part(pdf: bytes, document: Document, part: str) -> bytes:
        """The text's pages, or the phụ lục's: each phụ lục starts a page headed by its label."""
        from service.convert.metadata import page_count
        from service.convert.pages import select_pages
        from service.sign.placement import first_page_headed

        total = page_count(pdf)
        start = first_page_headed(pdf, total, document.appendices[0].label)
        if start is None:
            raise RenderError(detail=f"no page headed {document.appendices[0].label!r}")
        return select_pages(pdf, *((0, start) if part == "text" else (start, total)))
