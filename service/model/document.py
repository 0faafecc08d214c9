"""The document model: plain frozen dataclasses holding the printed text of every element.

Names follow the payload contract (issuer, signer, recipients…); the NĐ30 ô number of each
element is in its comment. Nothing here knows about DOCX.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None   # relative; None shares the width evenly


@dataclass(frozen=True)
class Paragraph:
    """One printed body paragraph (ô 6).

    kind: part (label "Phần I" / "Chương I", text its title in caps, printed on the next line),
    heading1 (I. MỤC), heading2 (1. Khoản có tiêu đề), heading3 (a) …), item (numbered,
    upright), text, bullet (- / +), article_title (Điều 1. Tiêu đề, all bold), article
    (Điều 1. label bold, text upright), table.
    """

    kind: str
    label: str = ""
    text: str = ""
    depth: int = 1
    table: Table | None = None


@dataclass(frozen=True)
class Appendix:
    """Phụ lục (nd30-spec §4): label, title in caps, the "(Kèm theo …)" line, its own body."""

    label: str
    title: str
    reference: str
    body: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Stamp:
    """Dấu mức độ khẩn / độ mật / phạm vi lưu hành (ô 10a, 10b, 11): boxed caps text."""

    text: str
    width_mm: float | None = None   # urgency boxes have fixed sizes (§4)


@dataclass(frozen=True)
class Signer:
    """Ô 7a lines (quyền hạn, chức vụ, in caps) and ô 7b (họ tên)."""

    lines: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class Metadata:
    """Core properties of the DOCX, carried into the PDF info (Phụ lục VI)."""

    title: str
    author: str
    subject: str
    keywords: str


@dataclass(frozen=True)
class Document:
    type: str                          # registry key: ke_hoach, quyet_dinh, …
    type_name: str | None              # tên loại (ô 5a); None for công văn
    parent_lines: tuple[str, ...]      # cơ quan chủ quản (ô 2, not bold)
    issuer_lines: tuple[str, ...]      # cơ quan ban hành (ô 2, bold)
    number_line: str                   # "Số: 05/KH-UBND" (ô 3)
    date_line: str                     # "Hà Nội, ngày 05 tháng 3 năm 2020" (ô 4)
    subject: str                       # trích yếu (ô 5a); for công văn "V/v …" (ô 5b)
    to: tuple[str, ...]                # Kính gửi (ô 9a): one line or "- …;" lines
    authority: str | None              # thẩm quyền ban hành (quyết định)
    bases: tuple[str, ...]             # căn cứ lines, endings applied
    enactment: str | None              # "QUYẾT ĐỊNH:"
    body: tuple[Paragraph, ...]
    recipients: tuple[str, ...]        # nơi nhận (ô 9b) lines, "- …;" … "- Lưu: VT."
    drafter: str | None                # ô 12, "PL.(300)"
    contact: str | None                # ô 13: address, phone, email… at the foot of page 1
    appendices: tuple[Appendix, ...]   # each on pages of its own, numbered from 1
    signer: Signer
    stamps_top: tuple[Stamp, ...]      # ô 11, above the header
    stamps_left: tuple[Stamp, ...]     # ô 10a / 10b, under the số / V/v
    filename: str                      # ASCII-safe, e.g. "15-KH-UBND"
    filename_utf8: str                 # the same with diacritics, for filename*
    metadata: Metadata
    # Phụ lục VI metadata (service.model.metadata.record): the DOCX's custom properties, the
    # PDF's XMP, the register's entry. Compared by identity: a dict is not hashable.
    record: dict[str, Any] = field(default_factory=dict, compare=False)
