"""Page 1 of a PDF as a PNG for the form's preview, drawn by poppler's pdftoppm.

The PDF is the pipeline's own (the same conversion a download gets), so what the clerk sees is
what prints. pdftoppm reads stdin and writes stdout: no temporary files to clean up.
"""

from __future__ import annotations

import subprocess

from service.errors import ConversionError, ConversionTimeout

DPI = 80                # an A4 page at 80 dpi is 662 × 936 px: legible, and quick to send
TIMEOUT = 20.0          # seconds; a page 1 takes well under one
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def first_page_png(pdf: bytes, *, dpi: int = DPI, timeout: float = TIMEOUT) -> bytes:
    """The first page of `pdf` as PNG bytes; ConversionError (Vietnamese) when it cannot be."""
    command = ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", "-"]
    try:
        done = subprocess.run(command, input=pdf, capture_output=True, timeout=timeout,
                              check=False)
    except FileNotFoundError as exc:
        raise ConversionError("Máy chủ thiếu công cụ tạo ảnh xem trước (poppler-utils).",
                              detail=f"pdftoppm not found: {exc}") from exc
    except subprocess.TimeoutExpired as exc:
        raise ConversionTimeout("Tạo ảnh xem trước quá thời gian cho phép.",
                                detail=f"pdftoppm took over {timeout:g} s") from exc
    if done.returncode != 0 or not done.stdout.startswith(PNG_SIGNATURE):
        stderr = done.stderr.decode(errors="replace").strip()
        raise ConversionError("Không tạo được ảnh xem trước.",
                              detail=f"pdftoppm exit {done.returncode}: {stderr}")
    return done.stdout
