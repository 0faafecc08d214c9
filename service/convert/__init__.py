"""DOCX → PDF: the converter interface the rest of vanban sees, and the factory of the warm pool.

Callers see only `Converter.to_pdf(docx, options)`, where `docx` is the DOCX or the function that
makes it (see DocxSource); LibreOffice, its processes and UNO stay
behind it (modules: supervisor, soffice, bridge, pool). Nothing starts at import time: the pool
starts when create_converter() is called, once per serving process (after a fork, not before:
a UNO connection does not survive one).

Errors (service.errors): ConversionError (LibreOffice could not read or render the DOCX),
ConversionTimeout, ConverterBusy (retry_after seconds), ConverterUnavailable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from service.errors import ConverterUnavailable

if TYPE_CHECKING:
    from service.config import Settings


DocxSource = bytes | Callable[[], bytes]
"""A DOCX, or the function that renders it. The pool calls the function once a converter is
reserved for it, on that converter's core: a request's rendering and its conversion then run
back to back on one core, and never steal time from another request's conversion while their
own core idles (bench/bench_convert.py: two clients +4%)."""


def docx_bytes(source: DocxSource) -> bytes:
    return source() if callable(source) else source


@dataclass(frozen=True)
class PdfOptions:
    pdfa: bool = False          # PDF/A-2b, for long-term storage (lưu trữ; nd30-spec §13)


class Converter(Protocol):
    def to_pdf(self, docx: DocxSource, options: PdfOptions | None = None) -> bytes:
        """The PDF of exactly this DOCX, every font embedded."""

    def ready(self) -> bool:
        """True when a conversion can start now (or a converter is merely in a planned restart)."""

    def close(self) -> None:
        """Stop every process and remove what it left on disk."""


def create_converter(settings: Settings) -> Converter:
    """Start the LibreOffice pool `settings.pool` describes and return it once it can convert."""
    try:
        from service.convert.pool import SofficePool
    except ImportError as e:       # python3-uno missing: a deployment fault, named as such
        raise ConverterUnavailable(detail=str(e)) from e
    pool = SofficePool(settings)
    pool.start()
    return pool
