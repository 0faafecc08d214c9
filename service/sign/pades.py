"""PAdES signatures placed as NĐ30 says: the person's image in ô 7c, then the agency's seal
over the left third of it (ô 8), each a PAdES baseline signature over the whole document.

Order (Điều 14.3, nd30-spec §8): the competent person signs first, the văn thư applies the
agency's signature after, on the document the person already signed. Both are approval
signatures, so the second is an incremental update the first one's validation accepts.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils import images, layout, text
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.stamp import BaseStampStyle, StaticStampStyle, TextStampStyle

from service.errors import ValidationError
from service.sign.placement import MM, BlockNotFound, Rect, corner, find_space
from service.sign.profiles import Profile

VIETNAM = timezone(timedelta(hours=7), "ICT")   # no daylight saving: +07:00 all year
FIELD_NAMES = {"personal": "vanban-nguoi-ky", "agency": "vanban-co-quan"}
NOMINAL_ASPECT = (3.0, 1.0)     # the ô 7c box a seal is placed against when no person signs
TEXT_SIZE = 10                  # the agency's text on a separate file: 10 pt, black (§8)
TEXT_BOX = (110 * MM, 6 * MM)


@dataclass(frozen=True)
class SignatureBlock:
    """One signature block as printed: ô 7a lines (quyền hạn, chức vụ) and ô 7b (họ tên)."""

    titles: tuple[str, ...]
    name: str


def _fold(text: str) -> str:
    """A name compared without case or diacritics: certificates often carry "LE THI THU HA"."""
    folded = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split()).casefold()


class _Font1000(FontEngineFactory):
    """A TrueType font rescaled to 1000 units per em, built once, kept in memory.

    pyHanko 0.38 writes a font's glyph widths (/W) in the font's own units, which PDF reads as
    thousandths of an em: Liberation Serif and Times New Roman have 2048 units per em, so their
    text came out spaced twice as wide. At 1000 units the two agree."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: bytes | None = None
        self._lock = threading.Lock()

    def data(self) -> bytes:
        with self._lock:
            if self._data is None:
                font = TTFont(str(self.path))
                scale_upem(font, 1000)
                if "FFTM" in font:      # FontForge's timestamps: nothing a PDF can carry
                    del font["FFTM"]
                out = io.BytesIO()
                font.save(out)
                self._data = out.getvalue()
            return self._data

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(self.data()),
                                font_size=TEXT_SIZE, obj_stream=obj_stream)


class _AtTime(signers.PdfSigner):
    """A PdfSigner whose signing time is the one given, so the time in a visible text and
    in the signature dictionary (/M) are one and the same."""

    def __init__(self, *args, at: datetime, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.at = at

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self.at
        return session


class DocumentSigner:
    """Signs PDFs with the server's profiles (service.sign.profiles)."""

    def __init__(self, profiles: Mapping[str, Profile], font: Path) -> None:
        self.profiles = dict(profiles)
        self.font = _Font1000(font)     # the agency's visible text on a separate file

    def check(self, request: Mapping[str, str | None]) -> dict[str, Profile]:
        """The profiles a `sign` request names, by role; ValidationError naming each field
        that names no profile of its kind."""
        chosen: dict[str, Profile] = {}
        errors: dict[str, list[str]] = {}
        for role in ("personal", "agency"):
            name = request.get(role)
            if not name:
                continue
            profile = self.profiles.get(name)
            if profile is None:
                errors[f"sign.{role}"] = [f"Máy chủ không có hồ sơ ký '{name}'."]
            elif profile.kind != role:
                errors[f"sign.{role}"] = [f"Hồ sơ ký '{name}' là loại {profile.kind}, "
                                          f"không dùng cho {role}."]
            else:
                chosen[role] = profile
        if errors:
            raise ValidationError(errors)
        return chosen

    def sign(self, pdf: bytes, request: Mapping[str, str | None],
             blocks: Sequence[SignatureBlock], pages: int) -> bytes:
        """`pdf` signed by the person, then by the agency, as `request` asks."""
        chosen = self.check(request)
        block = self._block(chosen, blocks)
        try:
            space = find_space(pdf, pages, block.titles, block.name)
        except BlockNotFound as exc:
            raise ValidationError({"sign": ["Không tìm thấy khối chữ ký của người ký "
                                            f"{block.name} trong văn bản."]},
                                  detail=str(exc)) from exc
        signature = space.signature(*NOMINAL_ASPECT)
        if "personal" in chosen:
            person = chosen["personal"]
            if person.image is not None:
                signature = space.signature(*person.image.size)
            box = signature if person.image is not None else None
            pdf = _sign(pdf, person, "personal", space.page, box, _image_style(person, box),
                        datetime.now(VIETNAM))
        if "agency" in chosen:
            agency = chosen["agency"]
            assert agency.size_mm is not None and agency.image is not None   # profiles.py
            seal = space.seal(signature, *agency.size_mm)
            pdf = _sign(pdf, agency, "agency", space.page, seal, _image_style(agency, seal),
                        datetime.now(VIETNAM))
        return pdf

    def sign_separate(self, pdf: bytes, request: Mapping[str, str | None], symbol: str) -> bytes:
        """A file that goes with a document (its phụ lục in a file of their own) signed by the
        agency alone, its visible signature the text `Số: …; ngày/tháng/năm; giờ: phút: giây`
        at the top right of page 1, no image (NĐ30 Phụ lục I, II.8; Mẫu 2.2)."""
        if request.get("personal"):
            raise ValidationError({"sign.personal": [
                "Tệp phụ lục riêng chỉ có chữ ký số của cơ quan (agency)."]})
        chosen = self.check(request)
        if "agency" not in chosen:
            raise ValidationError({"sign.agency": ["Thiếu hồ sơ ký của cơ quan."]})
        at = datetime.now(VIETNAM)
        style = TextStampStyle(
            stamp_text=stamp_text(symbol, at), border_width=0,
            text_box_style=text.TextBoxStyle(
                font=self.font, font_size=TEXT_SIZE, text_color=(0, 0, 0),
                box_layout_rule=layout.SimpleBoxLayoutRule(   # flush with the text's edge
                    x_align=layout.AxisAlignment.ALIGN_MIN,
                    y_align=layout.AxisAlignment.ALIGN_MIN, margins=layout.Margins())),
            inner_content_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MAX, y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins(), inner_content_scaling=layout.InnerScaling.NO_SCALING))
        return _sign(pdf, chosen["agency"], "agency", 0, corner(pdf, 0, *TEXT_BOX), style, at)

    def _block(self, chosen: Mapping[str, Profile],
               blocks: Sequence[SignatureBlock]) -> SignatureBlock:
        """The block the person signs: the one printing the profile's `signer`, else its
        certificate holder's name; with one block, that block. The agency seals the same
        block, or, signing alone, the one its own `signer` names, else the last."""
        profile = chosen.get("personal") or chosen["agency"]
        wanted = [_fold(n) for n in (profile.person, profile.holder) if n]
        for name in wanted:
            for block in blocks:
                if _fold(block.name) == name:
                    return block
        if len(blocks) == 1 or "personal" not in chosen:
            return blocks[-1]
        raise ValidationError({"sign.personal": [
            f"Hồ sơ ký '{profile.name}' không ứng với người ký nào của văn bản."]})


def stamp_text(symbol: str, at: datetime) -> str:
    """`Số: 15/KH-UBND; 06/02/2026; 14:30:15 +07:00`: the parts in the order of Mẫu 2.2, the
    time in Vietnam time with its ISO 8601 offset."""
    offset = at.isoformat(timespec="seconds")[-6:]
    return f"Số: {symbol}; {at:%d/%m/%Y}; {at:%H:%M:%S} {offset}"


def _image_style(profile: Profile, box: Rect | None) -> BaseStampStyle | None:
    """The profile's PNG filling the signature's box (none: an invisible signature)."""
    if box is None or profile.image is None:
        return None
    return StaticStampStyle(
        background=images.PdfImage(profile.image), border_width=0, background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(), inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT))


def _sign(pdf: bytes, profile: Profile, role: str, page: int, box: Rect | None,
          style: BaseStampStyle | None, at: datetime) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    field = FIELD_NAMES[role]
    spec = fields.SigFieldSpec(field, on_page=page, box=None if box is None or style is None
                               else (box.x0, box.y0, box.x1, box.y1))
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        name=profile.holder or None)
    signer = _AtTime(meta, profile.signer, stamp_style=style, new_field_spec=spec, at=at)
    return signer.sign_pdf(writer).getvalue()
