"""Who signed a PDF, when, whether each signature is intact and what it covers (POST /v1/verify).

pyHanko validates each embedded signature: the digest over its byte ranges (intact), the CMS
signature itself (valid), the certificate path to the configured trust anchors (trusted; none
configured: nothing is trusted, and the answer says so), and what the later revisions changed.
No network is used: revocation is not checked here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from service.errors import PayloadError
from service.sign.pades import VIETNAM

COVERAGE = {
    SignatureCoverageLevel.ENTIRE_FILE: "entire_file",
    SignatureCoverageLevel.ENTIRE_REVISION: "entire_revision",
    SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: "partial",
    SignatureCoverageLevel.UNCLEAR: "unclear",
}
CHANGES = {
    ModificationLevel.NONE: "none",
    ModificationLevel.LTA_UPDATES: "timestamps",
    ModificationLevel.FORM_FILLING: "signatures_and_forms",
    ModificationLevel.ANNOTATIONS: "annotations",
    ModificationLevel.OTHER: "other",
}


def verify(pdf: bytes, trust: Sequence[x509.Certificate] = ()) -> dict[str, Any]:
    """The signatures of `pdf`, in signing order; PayloadError when it is not a readable PDF."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except Exception as exc:    # any file may be sent: whatever pyHanko trips on is a bad PDF
        raise PayloadError("Không đọc được tệp PDF.", detail=f"{type(exc).__name__}: {exc}") \
            from exc
    revisions = reader.xrefs.total_revisions
    out = [_one(sig, trust, revisions) for sig in embedded]
    return {"signed": bool(out), "intact": bool(out) and all(s["intact"] for s in out),
            "revisions": revisions, "signatures": out}


def _one(sig: Any, trust: Sequence[x509.Certificate], revisions: int) -> dict[str, Any]:
    context = ValidationContext(trust_roots=list(trust), allow_fetching=False,
                                revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(sig, context)
    except Exception as exc:    # a malformed signature is reported, not a server fault
        return {"field": sig.field_name, "intact": False, "valid": False, "trusted": False,
                "summary": f"Không kiểm tra được chữ ký ({type(exc).__name__})."}
    cert = status.signing_cert
    subject = cert.subject.native if cert is not None else {}
    when: datetime | None = status.signer_reported_dt
    coverage = COVERAGE.get(status.coverage, "unclear")
    changes = CHANGES.get(status.modification_level, "other") \
        if status.modification_level is not None else None
    return {
        "field": sig.field_name,
        "signer": {"common_name": subject.get("common_name"),
                   "organization": subject.get("organization_name"),
                   "subject": cert.subject.human_friendly if cert is not None else None,
                   "issuer": cert.issuer.human_friendly if cert is not None else None,
                   "serial": format(cert.serial_number, "x") if cert is not None else None},
        "signed_at": when.astimezone(VIETNAM).isoformat() if when else None,
        "intact": bool(status.intact),
        "valid": bool(status.valid),
        "trusted": bool(status.trusted),
        "coverage": coverage,
        "revision": sig.signed_revision + 1,
        "changes_after": changes,
        "summary": _summary(status.intact, status.valid, status.trusted, coverage, changes,
                            sig.signed_revision + 1, revisions),
    }


def _summary(intact: bool, valid: bool, trusted: bool, coverage: str, changes: str | None,
             revision: int, revisions: int) -> str:
    if not intact:
        return "Chữ ký không còn nguyên vẹn: nội dung đã bị sửa sau khi ký."
    if not valid:
        return "Chữ ký không hợp lệ."
    parts = ["Chữ ký nguyên vẹn"]
    if coverage == "entire_file":
        parts.append("bao trùm toàn bộ tệp")
    elif coverage == "entire_revision":
        parts.append(f"bao trùm phiên bản {revision}/{revisions} của tệp; các phần thêm sau "
                     + ("chỉ là chữ ký, trường biểu mẫu" if changes in ("none", "timestamps",
                                                               "signatures_and_forms")
                        else "có thay đổi khác"))
    else:
        parts.append("chỉ bao trùm một phần tệp")
    parts.append("chứng thư số được tin cậy" if trusted
                 else "chứng thư số chưa được xác nhận tin cậy trên máy chủ này")
    return "; ".join(parts) + "."
