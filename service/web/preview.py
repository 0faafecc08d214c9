"""The pages of a PDF as PNG images for the form's preview, drawn by poppler's pdftoppm.

The PDF is the pipeline's own (the same conversion a download gets), so what the clerk sees is
what prints. Every page is drawn, up to a limit, at a resolution that stays sharp when the clerk
zooms to reading size (an A4 page 794 CSS px wide is its real size on a 96 dpi screen).
"""

from __future__ import annotations

import base64
import io
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from service.errors import ConversionError, ConversionTimeout

DPI = 110               # A4 is 910 × 1286 px: sharp at 100 %, still readable at 150 %
MAX_PAGES = 20          # a preview is for proofreading; the download has every page
TIMEOUT = 30.0          # seconds for all pages; a page takes a fraction of one
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Image:
    """One page as a PNG, with its size in pixels (from the PNG's header)."""

    png: bytes

    @property
    def size(self) -> tuple[int, int]:
        return struct.unpack(">II", self.png[16:24])      # IHDR: width, height

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode()


@dataclass(frozen=True)
class Pages:
    """The first pages of a document as PNG images, and how many pages it has in all."""

    images: list[Image]
    total: int
    dpi: int


def page_pngs(pdf: bytes, *, dpi: int = DPI, max_pages: int = MAX_PAGES,
              timeout: float = TIMEOUT) -> Pages:
    """Pages 1 … max_pages of `pdf` as PNG; ConversionError (Vietnamese) when they cannot be."""
    total = _page_count(pdf)
    with tempfile.TemporaryDirectory(prefix="vanban-preview-") as folder:
        # One file per page (stdout holds only one); the folder goes, whatever happens.
        command = ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", str(max_pages), "-",
                   str(Path(folder) / "p")]
        try:
            done = subprocess.run(command, input=pdf, capture_output=True, timeout=timeout,
                                  check=False)
        except FileNotFoundError as exc:
            raise ConversionError("Máy chủ thiếu công cụ tạo ảnh xem trước (poppler-utils).",
                                  detail=f"pdftoppm not found: {exc}") from exc
        except subprocess.TimeoutExpired as exc:
            raise ConversionTimeout("Tạo ảnh xem trước quá thời gian cho phép.",
                                    detail=f"pdftoppm took over {timeout:g} s") from exc
        # pdftoppm pads the page number to the width of the last one: p-01.png … p-12.png.
        files = sorted(Path(folder).glob("p-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        images = [Image(path.read_bytes()) for path in files]
    if done.returncode != 0 or not images or not all(i.png.startswith(PNG_SIGNATURE)
                                                     for i in images):
        stderr = done.stderr.decode(errors="replace").strip()
        raise ConversionError("Không tạo được ảnh xem trước.",
                              detail=f"pdftoppm exit {done.returncode}: {stderr}")
    return Pages(images, max(total, len(images)), dpi)


def _page_count(pdf: bytes) -> int:
    from pypdf import PdfReader  # only for previews
    from pypdf.errors import PdfReadError

    try:
        return len(PdfReader(io.BytesIO(pdf)).pages)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise ConversionError("Không tạo được ảnh xem trước.",
                              detail=f"PDF unreadable for the preview: {exc!r}") from exc
