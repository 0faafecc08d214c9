"""Signed PDFs (nd30-spec §8): both validators agree, the images sit where ô 7c and ô 8 are,
a tampered byte is caught, and profiles that cannot be used stop the start."""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

import pymupdf
import pytest
from flask import Flask
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from service import create_app
from service.config import Settings, SettingsError
from service.model import metadata
from service.sign.profiles import load_profiles
from tests.conftest import example
from tests.layout.conftest import MM, Page
from tests.layout.test_conformance import only
from tests.sign.pki import PASSWORD, SEAL_MM, Pki, seal_image

pytestmark = pytest.mark.soffice


def test_both_signatures_validate_with_pyhanko(signed: bytes, pki: Pki) -> None:
    reader = PdfFileReader(io.BytesIO(signed))
    person, agency = reader.embedded_signatures
    assert (person.field_name, agency.field_name) == ("vanban-nguoi-ky", "vanban-co-quan")
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(pki.ca_pem))])
    first = validate_pdf_signature(person, context)
    second = validate_pdf_signature(agency, context)
    assert first.bottom_line and second.bottom_line
    # The person signs first; the agency's signature covers the file, the person's everything
    # but the agency's increment (Điều 14.3).
    assert first.coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert second.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert first.signer_reported_dt <= second.signer_reported_dt
    assert first.signing_cert.subject.native["common_name"] == "Lê Thị Thu Hà"
    assert person.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"      # PAdES baseline


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="pdfsig (poppler-utils) missing")
def test_both_signatures_validate_with_pdfsig(signed: bytes, tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True,
                         check=True).stdout
    blocks = out.split("Signature #")[1:]
    assert len(blocks) == 2
    for block in blocks:
        assert "Signature Validation: Signature is Valid." in block
        assert "Signing Time:" in block
        assert "ETSI.CAdES.detached" in block
    assert "Not total document signed" in blocks[0]     # the agency's increment follows it
    assert "Total document signed" in blocks[1]
    assert "Lê Thị Thu Hà" in blocks[0] and "phường An Bình" in blocks[1]


def _colour_box(pix: pymupdf.Pixmap, test) -> tuple[float, float, float, float]:
    """The bounding box (mm) of the pixels `test` accepts."""
    xs, ys = [], []
    samples, n = pix.samples, pix.n
    for y in range(pix.height):
        row = y * pix.stride
        for x in range(pix.width):
            r, g, b = samples[row + x * n: row + x * n + 3]
            if test(r, g, b):
                xs.append(x)
                ys.append(y)
    scale = 25.4 / 150
    assert xs, "no pixel of that colour on the page"
    return min(xs) * scale, min(ys) * scale, (max(xs) + 1) * scale, (max(ys) + 1) * scale


def test_images_sit_in_the_signature_space_and_over_its_left_third(signed: bytes) -> None:
    with pymupdf.open(stream=signed, filetype="pdf") as doc:
        page = doc[-1]
        widgets = {w.field_name: pymupdf.Rect(w.rect) for w in page.widgets()}
        sig, seal = (widgets["vanban-nguoi-ky"], widgets["vanban-co-quan"])
        sig = [c / MM for c in sig]
        seal = [c / MM for c in seal]
        text = Page(page)
        pix = page.get_pixmap(dpi=150)
    name = text.line("Lê Thị Thu Hà")
    title = text.line("PHÓ CHỦ TỊCH")
    # Ô 7c: centred on the block's column, between the chức vụ and the họ tên.
    assert abs((sig[0] + sig[2]) / 2 - name[0].centre) < 0.5
    gap_middle = (title[0].y1 + name[0].y0) / 2
    # Within 1.5 mm of the middle of a 30 mm gap: PyMuPDF's line boxes run from the font's
    # ascender to its descender, the placement's (pdfminer) a little differently.
    assert abs((sig[1] + sig[3]) / 2 - gap_middle) < 1.5
    assert title[0].y1 < sig[1] and sig[3] < name[0].y0
    # Ô 8: the seal at its real size, its right edge a third of the way into the signature.
    assert abs(seal[2] - seal[0] - SEAL_MM) < 0.3 and abs(seal[3] - seal[1] - SEAL_MM) < 0.3
    assert abs(seal[2] - (sig[0] + (sig[2] - sig[0]) / 3)) < 0.3
    assert abs((seal[1] + seal[3]) / 2 - (sig[1] + sig[3]) / 2) < 0.3
    # What is drawn: the blue strokes inside ô 7c, the red ring filling the seal's box.
    blue = _colour_box(pix, lambda r, g, b: b > 150 and r < 90 and g < 110)
    red = _colour_box(pix, lambda r, g, b: r > 180 and g < 90 and b < 90)
    assert sig[0] - 0.5 <= blue[0] and blue[2] <= sig[2] + 0.5
    assert sig[1] - 0.5 <= blue[1] and blue[3] <= sig[3] + 0.5
    for drawn, box in zip(red, seal, strict=True):
        assert abs(drawn - box) < 1.0


def test_the_signature_space_of_the_paper_layout_is_unchanged(sign_app: Flask,
                                                               signed: bytes) -> None:
    plain = sign_app.test_client().post("/v1/documents?format=pdf", json=example("ke_hoach"))
    with pymupdf.open(stream=signed, filetype="pdf") as a, \
            pymupdf.open(stream=plain.data, filetype="pdf") as b:
        assert a.page_count == b.page_count
        assert [Page(p).texts for p in a] == [Page(p).texts for p in b]
        line = Page(a[-1]).line("Lê Thị Thu Hà")[0]
        other = Page(b[-1]).line("Lê Thị Thu Hà")[0]
        assert (line.x0, line.y0) == pytest.approx((other.x0, other.y0), abs=0.01)


def test_verify_reports_who_when_and_what_is_covered(sign_app: Flask, signed: bytes) -> None:
    response = sign_app.test_client().post("/v1/verify", data=signed,
                                           content_type="application/pdf")
    assert response.status_code == 200
    report = response.json
    assert report["signed"] and report["intact"]
    person, agency = report["signatures"]
    assert person["signer"]["common_name"] == "Lê Thị Thu Hà"
    assert agency["signer"]["common_name"] == "Ủy ban nhân dân phường An Bình"
    assert person["trusted"] and agency["trusted"]            # VANBAN_SIGNING_TRUST has the CA
    assert (person["coverage"], agency["coverage"]) == ("entire_revision", "entire_file")
    assert person["changes_after"] == "signatures_and_forms"
    assert person["signed_at"].endswith("+07:00")             # Vietnam time (nd30-spec §8)
    assert "nguyên vẹn" in agency["summary"]


def test_a_tampered_byte_is_reported(sign_app: Flask, signed: bytes) -> None:
    data = bytearray(signed)
    # A byte inside the first page's content stream: the file still parses, the digest fails.
    at = signed.index(b"stream", signed.index(b"/Contents")) + 200
    data[at] ^= 0x01
    report = sign_app.test_client().post("/v1/verify", data=bytes(data),
                                         content_type="application/pdf").json
    assert report["intact"] is False
    assert all(s["intact"] is False for s in report["signatures"])
    assert "không còn nguyên vẹn" in report["signatures"][0]["summary"]


@pytest.mark.parametrize(("data", "mimetype", "status"), [
    (b"not a pdf at all", "application/pdf", 400),
    (b"%PDF-1.7\n%%EOF", "application/pdf", 400),
    (b"{}", "application/json", 415),
], ids=["garbage", "empty-pdf", "json"])
def test_verify_refuses_what_is_not_a_pdf(sign_app: Flask, data: bytes, mimetype: str,
                                          status: int) -> None:
    response = sign_app.test_client().post("/v1/verify", data=data, content_type=mimetype)
    assert response.status_code == status
    assert response.json["error"]["message"]


def test_an_unsigned_pdf_has_no_signatures(sign_app: Flask) -> None:
    pdf = sign_app.test_client().post("/v1/documents?format=pdf", json=example("cong_van")).data
    report = sign_app.test_client().post("/v1/verify", data=pdf,
                                         content_type="application/pdf").json
    assert report == {"signed": False, "intact": False, "revisions": report["revisions"],
                      "signatures": []}


@pytest.mark.parametrize(("sign", "fmt", "field", "says"), [
    ({"personal": "ha"}, "docx", "sign", "PDF"),
    ({"personal": "khong-co"}, "pdf", "sign.personal", "khong-co"),
    ({"agency": "ha"}, "pdf", "sign.agency", "personal"),
    ({}, "pdf", "sign.personal", "ít nhất"),
], ids=["docx", "unknown-profile", "wrong-kind", "empty"])
def test_bad_sign_requests_name_the_field(sign_app: Flask, sign: dict, fmt: str, field: str,
                                          says: str) -> None:
    payload = example("ke_hoach")
    payload["sign"] = sign
    response = sign_app.test_client().post(f"/v1/documents?format={fmt}", json=payload)
    assert response.status_code == 422
    assert says in " ".join(response.json["error"]["fields"][field])


def test_the_agency_alone_seals_over_where_the_signature_goes(sign_app: Flask) -> None:
    payload = example("quyet_dinh")
    payload["sign"] = {"agency": "vanthu"}
    pdf = sign_app.test_client().post("/v1/documents?format=pdf", json=payload).data
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        page = doc[-1]
        (seal,) = [w.rect for w in page.widgets()]
        name = Page(page).line(payload["signer"]["name"])
    assert seal.y1 / MM < name[0].y0 + SEAL_MM / 2
    assert seal.x1 / MM < name[0].centre


def test_keys_and_passwords_never_reach_the_log(sign_app: Flask, pki: Pki,
                                                caplog: pytest.LogCaptureFixture) -> None:
    payload = example("ke_hoach")
    payload["sign"] = {"personal": "ha", "agency": "vanthu"}
    with caplog.at_level(logging.DEBUG):
        assert sign_app.test_client().post("/v1/documents?format=pdf",
                                           json=payload).status_code == 200
        payload["sign"] = {"personal": "nobody"}
        sign_app.test_client().post("/v1/documents?format=pdf", json=payload)
    text = caplog.text
    assert PASSWORD not in text
    assert pki.person_key_pem.decode().splitlines()[1] not in text


def _profiles(pki: Pki, tmp_path: Path, name: str, change: dict) -> Path:
    """The test profiles with one profile changed, written with absolute paths."""
    entries = json.loads(pki.profiles.read_text())
    entries[name].update(change)
    for entry in entries.values():
        for key in ("p12", "password_file", "image"):
            entry[key] = str(pki.root / entry[key])
    path = tmp_path / "profiles.json"
    path.write_text(json.dumps(entries))
    return path


@pytest.mark.parametrize(("name", "change", "says"), [
    ("ha", {"password_file": "ca.pem"}, "wrong password"),
    ("vanthu", {"p12": "missing.p12"}, "cannot read p12"),
    ("vanthu", {"image": "ca.pem"}, "not a readable PNG"),
    ("vanthu", {"image": "seal-no-dpi.png"}, "real size"),
    ("ha", {"kind": "boss"}, "kind must be"),
], ids=["wrong-password", "missing-p12", "not-png", "seal-size-unknown", "bad-kind"])
def test_a_broken_profile_stops_the_start_naming_it(pki: Pki, tmp_path: Path, name: str,
                                                    change: dict, says: str) -> None:
    seal_image(pki.root / "seal-no-dpi.png", dpi=None)
    path = _profiles(pki, tmp_path, name, change)
    with pytest.raises(SettingsError) as caught:
        load_profiles(path)
    message = str(caught.value)
    assert f"profile {name!r}" in message and says in message
    assert "profile 'ha'" not in message or name == "ha"        # only the broken one is named
    assert PASSWORD not in message
    with pytest.raises(SettingsError, match=says):               # and the app does not start
        create_app(Settings.from_env({"VANBAN_SIGNING_PROFILES": str(path),
                                      "VANBAN_PDF_ENABLED": "false"}))


@pytest.mark.parametrize("which", [0, 1], ids=["thu-ky-left", "chu-toa-right"])
def test_with_several_blocks_the_person_signs_their_own(sign_app: Flask, which: int) -> None:
    payload = example("bien_ban")
    payload["signers"][which]["name"] = "Lê Thị Thu Hà"        # the profile's certificate holder
    payload["sign"] = {"personal": "ha", "agency": "vanthu"}
    response = sign_app.test_client().post("/v1/documents?format=pdf", json=payload)
    assert response.status_code == 200, response.data[:300]
    with pymupdf.open(stream=response.data, filetype="pdf") as doc:
        page = next(p for p in doc if list(p.widgets()))
        widgets = {w.field_name: w.rect for w in page.widgets()}
        mine = Page(page).line("Lê Thị Thu Hà")[0]
        other = Page(page).line(re.escape(payload["signers"][1 - which]["name"]))[0]
    sig = widgets["vanban-nguoi-ky"]
    assert abs((sig.x0 + sig.x1) / 2 / MM - mine.centre) < 0.5
    assert abs((sig.x0 + sig.x1) / 2 / MM - other.centre) > 30
    assert widgets["vanban-co-quan"].x1 / MM < mine.centre


def test_with_several_blocks_a_profile_of_nobody_there_is_refused(sign_app: Flask) -> None:
    payload = example("bien_ban")
    payload["sign"] = {"personal": "ha"}
    response = sign_app.test_client().post("/v1/documents?format=pdf", json=payload)
    assert response.status_code == 422
    assert "sign.personal" in response.json["error"]["fields"]


def _appended() -> dict:
    from tests.layout.conftest import variants

    return variants()["quyet_dinh_appendices"]


def test_appendices_in_a_file_of_their_own_carry_the_agency_s_text(sign_app: Flask,
                                                                  pki: Pki) -> None:
    client = sign_app.test_client()
    payload = _appended()
    whole = client.post("/v1/documents?format=pdf", json=payload).data
    payload["sign"] = {"agency": "vanthu"}
    response = client.post("/v1/documents?format=pdf&part=appendices", json=payload)
    assert response.status_code == 200, response.data[:300]
    assert 'filename="07-QD-UBND-phu-luc.pdf"' in response.headers["Content-Disposition"]
    with pymupdf.open(stream=whole, filetype="pdf") as a, \
            pymupdf.open(stream=response.data, filetype="pdf") as b:
        text_pages = next(i for i, p in enumerate(a) if Page(p).texts[0].startswith("Phụ lục"))
        assert b.page_count == a.page_count - text_pages
        stamped = [" ".join(t for t in Page(p).texts if not t.startswith("Số: 07")) for p in b]
        paper = [" ".join(Page(p).texts) for p in a][text_pages:]
        # The same pages, but for the "(Kèm theo …)" line: an electronic document leaves its
        # number and date unfilled (Mẫu 2.2); the paper one names them.
        assert [_unreferenced(page) for page in stamped] == [_unreferenced(p) for p in paper]
        assert re.search(r"\(Kèm theo Quyết định số\s+/QĐ-UBND ngày\s+tháng\s+năm 20\s+của "
                         r"Ủy ban nhân dân xã Tân Phú\)", " ".join(stamped[0].split()))
        assert "(Kèm theo Quyết định số 07/QĐ-UBND ngày 05 tháng 01 năm 2026" in paper[0]
        assert f'{metadata.PREFIX}:PageAmount="{b.page_count}"' in b.get_xml_metadata()
        b.bake()                    # the signature's appearance into the page, to read it
        page = Page(b[0])
    stamp = page.line(r"Số: 07/QĐ-UBND; \d\d/\d\d/\d{4}; \d\d:\d\d:\d\d \+07:00")
    only(stamp, size=10.0, bold=False, italic=False)
    assert stamp[0].color == 0                              # black (nd30-spec §8)
    first = page.line("Phụ lục I")
    assert stamp[0].y1 < first[0].y0                        # above the page's first line
    right = max(s.x1 for line in page.lines for s in line if s is not stamp[0])
    assert abs(stamp[-1].x1 - right) < 1.0                  # at the right, page 1
    report = client.post("/v1/verify", data=response.data,
                         content_type="application/pdf").json
    assert report["intact"] and [s["field"] for s in report["signatures"]] == ["vanban-co-quan"]
    assert report["signatures"][0]["coverage"] == "entire_file"


def test_the_text_alone_is_signed_as_the_whole_document(sign_app: Flask) -> None:
    payload = _appended()
    payload["sign"] = {"personal": "ha", "agency": "vanthu"}
    payload["signer"]["name"] = "Lê Thị Thu Hà"
    response = sign_app.test_client().post("/v1/documents?format=pdf&part=text", json=payload)
    assert response.status_code == 200, response.data[:300]
    with pymupdf.open(stream=response.data, filetype="pdf") as doc:
        assert not any(Page(p).texts[0].startswith("Phụ lục") for p in doc)
        assert len([w for p in doc for w in p.widgets()]) == 2


@pytest.mark.parametrize(("query", "payload", "says"), [
    ("format=pdf&part=appendices", {"sign": {"personal": "ha"}}, "agency"),
    ("format=pdf&part=appendices", {"appendices": []}, "không có phụ lục"),
    ("format=docx&part=text", {}, "PDF"),
    ("format=pdf&part=cover", {}, "all, text, appendices"),
], ids=["person-on-appendices", "no-appendices", "docx", "unknown-part"])
def test_bad_parts_are_refused(sign_app: Flask, query: str, payload: dict, says: str) -> None:
    body = {**_appended(), **payload}
    response = sign_app.test_client().post(f"/v1/documents?{query}", json=body)
    assert response.status_code == 422
    assert says in " ".join(response.json["error"]["fields"]["part"])


def _unreferenced(text: str) -> str:
    return re.sub(r"\(Kèm theo [^)]*\)", "", " ".join(text.split()))
