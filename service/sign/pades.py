"""PAdES signatures placed as NĐ30 says: the person's image in ô 7c, then the agency's seal
over the left third of it (ô 8), each a PAdES baseline signature over the whole document.

Order (Điều 14.3, nd30-spec §8): the competent person signs first, the văn thư applies the
agency's signature after, on the document the person already signed. Both are approval
signatures, so the second is an incremental update the first one's validation accepts.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pyhanko.pdf_utils import images, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle

from service.errors import ValidationError
from service.sign.placement import BlockNotFound, Rect, SignatureSpace, find_space
from service.sign.profiles import Profile

VIETNAM = timezone(timedelta(hours=7), "ICT")   # no daylight saving: +07:00 all year
FIELD_NAMES = {"personal": "vanban-nguoi-ky", "agency": "vanban-co-quan"}
NOMINAL_ASPECT = (3.0, 1.0)     # the ô 7c box a seal is placed against when no person signs


@dataclass(frozen=True)
class SignatureBlock:
    """One signature block as printed: ô 7a lines (quyền hạn, chức vụ) and ô 7b (họ tên)."""

    titles: tuple[str, ...]
    name: str


def _fold(text: str) -> str:
    """A name compared without case or diacritics: certificates often carry "LE THI THU HA"."""
    folded = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split()).casefold()


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

    def __init__(self, profiles: Mapping[str, Profile]) -> None:
        self.profiles = dict(profiles)

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
            pdf = _sign(pdf, person, "personal", space, signature
                        if person.image is not None else None, datetime.now(VIETNAM))
        if "agency" in chosen:
            agency = chosen["agency"]
            assert agency.size_mm is not None and agency.image is not None   # profiles.py
            pdf = _sign(pdf, agency, "agency", space, space.seal(signature, *agency.size_mm),
                        datetime.now(VIETNAM))
        return pdf

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


def _sign(pdf: bytes, profile: Profile, role: str, space: SignatureSpace, box: Rect | None,
          at: datetime) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    field = FIELD_NAMES[role]
    style = None
    spec = fields.SigFieldSpec(field, on_page=space.page)
    if box is not None and profile.image is not None:
        spec = fields.SigFieldSpec(field, on_page=space.page,
                                   box=(box.x0, box.y0, box.x1, box.y1))
        style = StaticStampStyle(
            background=images.PdfImage(profile.image), border_width=0, background_opacity=1.0,
            background_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins(),
                inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT))
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        name=profile.holder or None)
    signer = _AtTime(meta, profile.signer, stamp_style=style, new_field_spec=spec, at=at)
    out = signer.sign_pdf(writer)
    return out.getvalue()
