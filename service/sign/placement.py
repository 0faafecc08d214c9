"""Where ô 7c and ô 8 are on a rendered page, read back from the PDF's own text.

The signature space is wherever the template and the text put it: the gap between the signer's
chức vụ lines (ô 7a) and họ tên (ô 7b), found by reading those lines back from the PDF (so it
holds for any template, restyled or not, and for pages with several signature blocks).
Coordinates are PDF points from the page's lower left, as pyHanko takes them.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTTextContainer, LTTextLine

MM = 72 / 25.4
MARGIN = 2 * MM                 # air between the signature image and the lines around it
MAX_WIDTH = 60 * MM             # a signature image wider than this would leave its column


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class SignatureSpace:
    """The gap of one signature block on `page` (0-based): under `title` (the last ô 7a
    line), above `name` (ô 7b)."""

    page: int
    title: Rect
    name: Rect

    @property
    def gap(self) -> Rect:
        x = self.name.centre[0]
        half = max(self.title.width, self.name.width) / 2
        return Rect(x - half, self.name.y1, x + half, self.title.y0)

    def signature(self, width: float, height: float) -> Rect:
        """Ô 7c: an image of this aspect, as large as fits the gap, centred in it."""
        gap = self.gap
        scale = min((gap.height - 2 * MARGIN) / height, MAX_WIDTH / width)
        w, h = width * scale, height * scale
        cx, cy = gap.centre
        return Rect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)

    def seal(self, signature: Rect, width_mm: float, height_mm: float) -> Rect:
        """Ô 8: the seal at its real size over the left third of the signature (§3.9, §8)."""
        w, h = width_mm * MM, height_mm * MM
        right = signature.x0 + signature.width / 3
        cy = signature.centre[1]
        return Rect(right - w, cy - h / 2, right, cy + h / 2)


class BlockNotFound(LookupError):
    """The signer's lines are not on any page of the PDF."""


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _lines(pdf: bytes, page: int) -> Iterator[tuple[str, Rect]]:
    for layout in extract_pages(io.BytesIO(pdf), page_numbers=[page],
                                laparams=LAParams(line_margin=0.1)):
        for box in layout:
            if isinstance(box, LTTextContainer):
                for line in box:
                    if isinstance(line, LTTextLine) and line.get_text().strip():
                        yield _norm(line.get_text()), Rect(*line.bbox)


def find_space(pdf: bytes, pages: int, titles: Sequence[str], name: str) -> SignatureSpace:
    """The signature space of the block whose họ tên is `name` and whose ô 7a lines are
    `titles`: the last such block of the document (the text's own signature comes after
    anything its body quotes)."""
    name, title_text = _norm(name), _norm(" ".join(titles))
    for page in reversed(range(pages)):
        lines = list(_lines(pdf, page))
        for text, rect in reversed(lines):
            if text != name:
                continue
            x = rect.centre[0]
            above = [(t, r) for t, r in lines
                     if r.y0 >= rect.y1 and r.x0 <= x <= r.x1]
            if not above:
                continue
            nearest_text, nearest = min(above, key=lambda item: item[1].y0 - rect.y1)
            if nearest_text and nearest_text in title_text:
                return SignatureSpace(page, nearest, rect)
    raise BlockNotFound(f"no signature block of {name!r} in the PDF")


def first_page_headed(pdf: bytes, pages: int, text: str) -> int | None:
    """The first page (0-based) whose topmost line reads `text`: where a phụ lục starts (its
    label heads a new page, nd30-spec §4)."""
    wanted = _norm(text)
    for page in range(pages):
        lines = list(_lines(pdf, page))
        if lines and max(lines, key=lambda item: item[1].y1)[0] == wanted:
            return page
    return None


def corner(pdf: bytes, page: int, width: float, height: float) -> Rect:
    """A box of this size at the top right of `page`, above its first line and flush with the
    right edge of its text: "góc trên, bên phải, trang đầu" (nd30-spec §8)."""
    lines = [rect for _, rect in _lines(pdf, page)]
    right = max(rect.x1 for rect in lines)
    top = max(rect.y1 for rect in lines)
    return Rect(right - width, top + MARGIN, right, top + MARGIN + height)
