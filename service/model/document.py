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
    """Ô 7a lines (a block's heading, quyền hạn, chức vụ, in caps) and ô 7b (họ tên)."""

    lines: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class Issuer:
    """One cơ quan ban hành of the header (ô 2): chủ quản lines (not bold), its own (bold)."""

    parent_lines: tuple[str, ...]
    issuer_lines: tuple[str, ...]


@dataclass(frozen=True)
class Party:
    """A party of an agreement: "BÊN A: <name>", its representative and further lines."""

    heading: str
    name: str
    representative: str | None
    title: str | None
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Invitation:
    """Giấy mời (Mẫu 1.7): the values of its labelled lines; the wording is the template's."""

    issuer: str                        # "<issuer> trân trọng kính mời:"
    line: str | None                   # the payload's own invitation line, replacing that
    invitees: tuple[str, ...]          # one on the invitation line, or "- …;" lines
    event: str | None                  # after "Tới dự"
    chair: str | None
    time: str
    venue: str


@dataclass(frozen=True)
class Introduction:
    """Giấy giới thiệu (Mẫu 1.8): who, to whom, for what, until when."""

    issuer: str
    name: str
    title: str | None
    sent_to: str
    purpose: str
    valid_until: str                   # "ngày 31 tháng 12 năm 2026", blanks when not given


@dataclass(frozen=True)
class LeaveGrant:
    """Giấy nghỉ phép (Mẫu 1.10)."""

    issuer: str
    name: str
    title: str | None
    request_date: str | None           # "ngày 02 tháng 01 năm 2026" of the đơn đề nghị
    days: str                          # "05", blanks when the dates leave it open
    start: str                         # "ngày 05 tháng 01 năm 2026"
    end: str
    place: str | None
    counted_as: str | None
    confirmation: bool                 # the "Xác nhận …" box


@dataclass(frozen=True)
class Meeting:
    """Biên bản (Mẫu 1.9): its opening facts and the time its closing line gives."""

    started_at: str
    venue: str
    attendees: tuple[str, ...]         # one on the label's line, or "- …;" lines
    chair: str
    secretary: str
    ended_at: str


@dataclass(frozen=True)
class Attachment:
    """The text a quyết định or nghị quyết issues (Mẫu 1.3), on pages of its own."""

    type_name: str                     # QUY CHẾ, QUY ĐỊNH, …
    subject: str
    reference: str                     # "(Kèm theo Quyết định số … ngày … của …)"
    body: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Copy:
    """Bản sao (Mẫu 3.1): the copying agency's block under a full-width rule."""

    form: str                          # SAO Y, SAO LỤC, TRÍCH SAO
    issuer: Issuer
    number_line: str                   # "Số: 08/SY-UBND"
    date_line: str
    recipients: tuple[str, ...]
    signer: Signer


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
    signer: Signer | None              # one signature beside the nơi nhận (ô 7)
    stamps_top: tuple[Stamp, ...]      # ô 11, above the header
    stamps_left: tuple[Stamp, ...]     # ô 10a / 10b, under the số / V/v
    filename: str                      # ASCII-safe, e.g. "15-KH-UBND"
    filename_utf8: str                 # the same with diacritics, for filename*
    metadata: Metadata
    # Phụ lục VI metadata (service.model.metadata.record): the DOCX's custom properties, the
    # PDF's XMP, the register's entry. Compared by identity: a dict is not hashable.
    record: dict[str, Any] = field(default_factory=dict, compare=False)
    # The parts only some types have (schemas/registry.py says which); empty otherwise.
    co_issuers: tuple[Issuer, ...] = ()          # a joint document's further issuers
    signers: tuple[Signer, ...] = ()             # several blocks, side by side
    signer_rows: tuple[tuple[Signer, ...], ...] = ()   # the same, as printed rows
    sender: str | None = None                    # công điện: "<SENDER> điện:"
    addressees: tuple[str, ...] = ()             # công điện: "- …;" lines under it
    invitation: Invitation | None = None
    introduction: Introduction | None = None
    leave: LeaveGrant | None = None
    meeting: Meeting | None = None
    parties: tuple[Party, ...] = ()
    attachment: Attachment | None = None
    copy: Copy | None = None
