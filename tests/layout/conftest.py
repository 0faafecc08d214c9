"""Conformance fixtures: the service's own PDFs (through /v1/documents?format=pdf), read back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import pymupdf
import pytest
from flask import Flask

from service import create_app
from service.config import PoolSettings, Settings
from tests.conftest import example

MM = 72 / 25.4                          # PDF points per millimetre
LEFT, RIGHT, TOP, BOTTOM = 30.0, 195.0, 20.0, 277.0   # text area of the stock templates, mm
CENTRE = (LEFT + RIGHT) / 2


@dataclass(frozen=True)
class Span:
    text: str
    font: str
    size: float
    bold: bool
    italic: bool
    color: int
    x0: float
    y0: float
    x1: float
    y1: float                           # millimetres from the page's top left

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Rule:
    x0: float
    x1: float
    y: float

    @property
    def length(self) -> float:
        return self.x1 - self.x0

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


class Page:
    """One PDF page as lines of spans (mm) and the horizontal rules drawn on it."""

    def __init__(self, page: pymupdf.Page) -> None:
        self.width = page.rect.width / MM
        self.height = page.rect.height / MM
        self.lines: list[list[Span]] = []
        for block in page.get_text("dict")["blocks"]:
            for line in block.get("lines", []):
                spans = [Span(s["text"], s["font"], round(s["size"], 1),
                              bool(s["flags"] & 16), bool(s["flags"] & 2), s["color"],
                              *(c / MM for c in s["bbox"]))
                         for s in line["spans"] if s["text"].strip()]
                if spans:
                    self.lines.append(spans)
        rules = set()
        for drawing in page.get_drawings():
            for item in drawing["items"]:
                if item[0] == "l" and abs(item[1].y - item[2].y) < 0.5:
                    xs = sorted((item[1].x / MM, item[2].x / MM))
                    rules.add(Rule(round(xs[0], 2), round(xs[1], 2), round(item[1].y / MM, 2)))
        self.rules = sorted(rules, key=lambda r: (r.y, r.x0))
        self.fonts = page.get_fonts(full=True)

    @staticmethod
    def text_of(line: list[Span]) -> str:
        return "".join(s.text for s in line).strip()

    @cached_property
    def texts(self) -> list[str]:
        return [self.text_of(line) for line in self.lines]

    def line(self, pattern: str) -> list[Span]:
        """The first line whose text matches `pattern` (a regex, full match)."""
        for line, text in zip(self.lines, self.texts, strict=True):
            if re.fullmatch(pattern, text):
                return line
        raise AssertionError(f"no line matches {pattern!r}; lines: {self.texts[:40]}")

    def rule_under(self, spans: list[Span], within: float = 4.0) -> Rule:
        bottom = max(s.y1 for s in spans)
        left, right = min(s.x0 for s in spans), max(s.x1 for s in spans)
        below = [r for r in self.rules if bottom - 0.5 <= r.y <= bottom + within
                 and r.x0 < right and r.x1 > left]
        assert below, f"no rule within {within} mm under {self.text_of(spans)!r}"
        return below[0]


class Rendered:
    def __init__(self, data: bytes) -> None:
        self.data = data
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            self.pages = [Page(page) for page in doc]
            self.metadata = dict(doc.metadata)

    @cached_property
    def appendix_starts(self) -> list[int]:
        """Indexes of the pages a phụ lục starts on (its label is the page's first line)."""
        return [i for i, page in enumerate(self.pages)
                if page.texts and re.fullmatch(r"Phụ lục( [IVXLC]+)?", page.texts[0])]

    @cached_property
    def text_pages(self) -> list[Page]:
        """The pages of the text itself, up to its signature (phụ lục follow on their own)."""
        return self.pages[:self.appendix_starts[0]] if self.appendix_starts else self.pages


def variants() -> dict[str, dict]:
    """The example of each type, plus the variants a layout rule needs."""
    cases = {name: example(name) for name in
             ("ke_hoach", "bao_cao", "quyet_dinh", "cong_van", "to_trinh", "thong_bao")}
    draft = example("ke_hoach")
    draft.update(number=None, date="2026-02")
    cases["ke_hoach_draft"] = draft
    # Just long enough that nơi nhận and the signature no longer fit on page 1.
    overflow = example("thong_bao")
    overflow["body"] = "\n".join([OVERFLOW_PARAGRAPH] * 11)
    cases["thong_bao_overflow"] = overflow
    # A quy chế-like decision in chapters, labels left to the service (Chương I, II; Điều 1-3).
    chapters = example("quyet_dinh")
    chapters["body"] = [
        {"part": "Quy định chung", "children": [
            {"article": "Phạm vi điều chỉnh", "children": [
                {"text": "Quy chế này quy định việc tổ chức và hoạt động của Tổ công nghệ số."}]},
            {"article": "Đối tượng áp dụng", "children": [
                {"text": "Thành viên Tổ và các cơ quan, đơn vị có liên quan."}]}]},
        {"part": "Tổ chức thực hiện", "children": [
            {"article": "Trách nhiệm thi hành", "children": [
                {"text": "Văn phòng Ủy ban nhân dân xã theo dõi việc thực hiện Quy chế này."}]}]},
    ]
    cases["quyet_dinh_chapters"] = chapters
    # Ô 13 on a letter that runs to a second page: the contact line belongs to page 1 only.
    contact = example("thong_bao")
    contact["body"] = "\n".join([OVERFLOW_PARAGRAPH] * 14)
    contact["contact"] = CONTACT
    cases["thong_bao_contact"] = contact
    # Two phụ lục, the first a table long enough for a second page.
    appended = example("quyet_dinh")
    appended["contact"] = CONTACT
    appended["appendices"] = [
        {"title": "Danh sách thành viên Tổ công nghệ số", "body": [{"table": {
            "columns": ["STT", "Họ và tên", "Nhiệm vụ"], "widths": [1, 4, 3],
            "rows": [[str(n), f"Thành viên thứ {n}", "Hỗ trợ người dân"]
                     for n in range(1, 46)]}}]},
        {"title": "Lịch hỗ trợ người dân", "body": "I. Thời gian\nSáng thứ Bảy hằng tuần.\n"
                                                    "II. Địa điểm\nNhà văn hóa các ấp."},
    ]
    cases["quyet_dinh_appendices"] = appended
    return cases


CONTACT = ("Số 12 Lê Lợi, phường Phú Hội, thành phố Huế; ĐT: 0234.3822.123; "
           "Email: vanphong@thuathienhue.gov.vn; Website: thuathienhue.gov.vn")


OVERFLOW_PARAGRAPH = ("Văn phòng Ủy ban nhân dân tỉnh đề nghị các cơ quan, đơn vị liên quan "
                      "phối hợp chặt chẽ, bảo đảm tiến độ và chất lượng công việc được giao "
                      "trong tháng.")
BASE = {"ke_hoach_draft": "ke_hoach", "thong_bao_overflow": "thong_bao",
        "quyet_dinh_chapters": "quyet_dinh", "thong_bao_contact": "thong_bao",
        "quyet_dinh_appendices": "quyet_dinh"}


@pytest.fixture(scope="session")
def pdf_app() -> Iterator[Flask]:
    """The real app with one warm LibreOffice; closed at the end of the session."""
    settings = Settings.from_env({}, pool=PoolSettings(size=1, timeout=60.0))
    app = create_app(settings)
    yield app
    app.extensions["vanban.pipeline"].converter.close()


@pytest.fixture(scope="session")
def rendered(pdf_app: Flask) -> dict[str, Rendered]:
    """Every case rendered once per session through the PDF endpoint."""
    client = pdf_app.test_client()
    out = {}
    for name, payload in variants().items():
        response = client.post("/v1/documents?format=pdf", json=payload)
        assert response.status_code == 200, response.data[:300]
        assert response.mimetype == "application/pdf"
        out[name] = Rendered(response.data)
    return out


QUY_CHE_ARTICLE = ("Thành viên Tổ công nghệ số cộng đồng thực hiện nhiệm vụ theo sự phân công "
                   "của Tổ trưởng, bảo đảm hỗ trợ người dân kịp thời, đúng quy định và giữ bí "
                   "mật thông tin cá nhân của người được hỗ trợ.")


def type_variants() -> dict[str, dict]:
    """The further types' examples, and the variants their Mẫu's rules need."""
    from schemas.registry import TYPES

    cases = {name: example(name) for name in TYPES if name not in BASE_TYPES}
    # Mẫu 1.3: a decision issuing a quy chế of two pages, then a phụ lục; ô 13 on page 1.
    decision = example("quyet_dinh")
    decision.update(subject="Ban hành Quy chế hoạt động của Tổ công nghệ số cộng đồng",
                    contact=CONTACT)
    decision["body"] = [
        {"article": "Ban hành kèm theo Quyết định này Quy chế hoạt động của Tổ công nghệ số "
                    "cộng đồng xã Tân Phú."},
        {"article": "Quyết định này có hiệu lực kể từ ngày ký."}]
    decision["attachment"] = {"type": "quy_che", "subject": "Hoạt động của Tổ công nghệ số "
                                                            "cộng đồng xã Tân Phú", "body": [
        {"part": title, "children": [{"article": f"Nhiệm vụ {n + 1}", "children": [
            {"text": QUY_CHE_ARTICLE}]} for n in range(count)]}
        for title, count in (("Quy định chung", 4), ("Nhiệm vụ, quyền hạn", 6),
                             ("Tổ chức thực hiện", 3))]}
    decision["appendices"] = [{"title": "Danh sách thành viên", "body": "1. Nguyễn Văn A"}]
    cases["quyet_dinh_quy_che"] = decision
    # A biên bản long enough that its two blocks and nơi nhận fall past page 1: together.
    long_minutes = example("bien_ban")
    long_minutes["body"] = "\n".join([OVERFLOW_PARAGRAPH] * 8)
    cases["bien_ban_overflow"] = long_minutes
    dated = example("bien_ban")
    dated.update(place="Tân Phú", date="2026-01-15")
    cases["bien_ban_dated"] = dated
    # Four parties: two rows of two; three: one row of three.
    four = example("hop_dong")
    four["signers"] = [{"heading": f"Đại diện bên {s}", "name": f"Người ký bên {s}",
                        "title": "Giám đốc"} for s in "ABCD"]
    cases["hop_dong_four"] = four
    three = example("ban_ghi_nho")
    three["signers"].append({"heading": "Đại diện bên C", "name": "Hồ Thị Cúc",
                             "title": "Chủ nhiệm Hợp tác xã",
                             "on_behalf": [{"mode": "TM", "of": "Ban Quản trị"}]})
    cases["ban_ghi_nho_three"] = three
    # A joint document whose names the service breaks itself, however long.
    joint = example("quy_che")
    joint["issuers"] = [
        {"name": "Ủy ban nhân dân xã Tân Phú", "code": "UBND"},
        {"name": "Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam xã Tân Phú",
         "code": "UBMTTQ"}]
    cases["quy_che_long_names"] = joint
    invitation = example("giay_moi")
    del invitation["body"]
    invitation["invitees"] = ["Ông Trần Văn Minh, Trưởng ấp Bình An",
                              "Bà Nguyễn Thị Lan, Trưởng ấp Tân Lập"]
    cases["giay_moi_list"] = invitation
    return cases


BASE_TYPES = ("ke_hoach", "bao_cao", "quyet_dinh", "cong_van", "to_trinh", "thong_bao")


@pytest.fixture(scope="session")
def rendered_types(pdf_app: Flask) -> dict[str, Rendered]:
    """The further types' cases, rendered once per session through the PDF endpoint."""
    client = pdf_app.test_client()
    out = {}
    for name, payload in type_variants().items():
        response = client.post("/v1/documents?format=pdf", json=payload)
        assert response.status_code == 200, (name, response.data[:300])
        out[name] = Rendered(response.data)
    return out
