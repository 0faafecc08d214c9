"""The PDFs the service returns, measured against nd30-spec §1–§3, §7 and §9.

Positions are in millimetres on the A4 page; tolerances are half a millimetre for what the
template fixes and one millimetre for what the layout engine places.
"""

from __future__ import annotations

import itertools
import re

import pytest

from tests.conftest import example
from tests.layout.conftest import BASE, BOTTOM, CENTRE, CONTACT, LEFT, RIGHT, Page, Rendered

pytestmark = pytest.mark.soffice

ALL = ["ke_hoach", "bao_cao", "quyet_dinh", "cong_van", "to_trinh", "thong_bao",
       "ke_hoach_draft", "thong_bao_overflow", "quyet_dinh_chapters", "thong_bao_contact",
       "quyet_dinh_appendices"]
DATE = r"[^,]+, ngày (0[1-9]|[12][0-9]|3[01]|\u00a0+) tháng (0[12]|[3-9]|1[0-2]|\u00a0+) năm \d{4}"


@pytest.fixture(params=ALL)
def case(request, rendered) -> tuple[str, Rendered]:
    return request.param, rendered[request.param]


def only(line: list, **expected) -> None:
    """Every span of the line has these attributes (size, bold, italic)."""
    for span in line:
        for name, value in expected.items():
            assert getattr(span, name) == value, f"{name} of {span.text!r}: {getattr(span, name)}"


def test_page_a4_fonts_embedded_black(case):
    _, doc = case
    for page in doc.pages:
        assert (round(page.width), round(page.height)) == (210, 297)
        for _xref, ext, _type, basefont, *_ in page.fonts:
            assert ext != "n/a", f"font {basefont} not embedded"
            assert re.search(r"LiberationSerif|TimesNewRoman", basefont), basefont
        for line in page.lines:
            for span in line:
                assert span.color == 0, f"{span.text!r} is not black"


def test_text_stays_inside_the_margins(case):
    _, doc = case
    for page in doc.pages:
        for line in page.lines:
            for span in line:
                assert span.x1 <= RIGHT + 0.5, span
                # header and footer tables reach 7.5 mm into the left margin, as the Mẫu do
                assert span.x0 >= LEFT - 7.5 - 0.5, span
                # ô 13 (11 pt) is page 1's footer: in the bottom margin, 10 mm from the edge
                bottom = 297 - 10 if span.size == 11.0 and span.y0 > BOTTOM else BOTTOM
                assert span.y0 >= 10 and span.y1 <= bottom + 0.5, span


def test_national_title_motto_and_their_rule(case):
    _, doc = case
    page = doc.pages[0]
    national = page.line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")      # on ONE line
    motto = page.line("Độc lập - Tự do - Hạnh phúc")
    only(national, size=13.0, bold=True, italic=False)
    only(motto, size=14.0, bold=True, italic=False)
    assert abs(national[0].centre - motto[0].centre) < 0.5
    assert motto[0].y0 > national[0].y0
    rule = page.rule_under(motto)
    text_width = motto[-1].x1 - motto[0].x0
    assert abs(rule.length - text_width) < 1.0, (rule, text_width)   # §3.2: its full width
    assert abs(rule.centre - motto[0].centre) < 0.5
    assert abs(text_width - 60.5) < 0.5                              # §3.2 [DERIVED] at 14 pt


def issuer_lines(page: Page, issuer_texts: list[str]) -> list[list]:
    return [page.line(re.escape(text)) for text in issuer_texts]


@pytest.mark.parametrize(("name", "parent", "issuer"), [
    ("ke_hoach", [], ["ỦY BAN NHÂN DÂN", "PHƯỜNG AN BÌNH"]),
    ("cong_van", ["UBND TỈNH BÌNH MINH"], ["SỞ NỘI VỤ"]),
    ("thong_bao", ["UBND TỈNH BÌNH MINH"], ["VĂN PHÒNG ỦY BAN", "NHÂN DÂN TỈNH"]),
])
def test_issuer_parent_and_rule(rendered, name, parent, issuer):
    page = rendered[name].pages[0]
    for line in issuer_lines(page, parent):
        only(line, size=13.0, bold=False)
    lines = issuer_lines(page, issuer)
    for line in lines:
        only(line, size=13.0, bold=True)
    widest = max(line[-1].x1 - line[0].x0 for line in lines)
    rule = page.rule_under(lines[-1])
    assert widest / 3 - 0.5 <= rule.length <= widest / 2 + 0.5, (rule.length, widest)  # §3.3
    assert abs(rule.centre - lines[-1][0].centre) < 0.7
    assert lines[0][0].centre < CENTRE < page.line("CỘNG HÒA.*")[0].centre  # left / right


def test_number_and_date_share_a_row(case):
    name, doc = case
    page = doc.pages[0]
    number = page.line(r"Số:\s.*")
    date = page.line(DATE)
    only(number, size=13.0, bold=False, italic=False)
    only(date, size=14.0, italic=True, bold=False)
    assert abs(number[0].y0 - date[0].y0) < 1.5
    assert number[0].centre < CENTRE < date[0].centre
    if name != "ke_hoach_draft":
        assert re.fullmatch(r"Số: (0[1-9]|[1-9][0-9]+)/[^\W_]+(-[^\W_]+)+", page.texts[
            page.texts.index(Page.text_of(number))])


def test_draft_leaves_blanks_for_the_van_thu(rendered):
    page = rendered["ke_hoach_draft"].pages[0]
    number = page.line(r"Số:\s+/KH-UBND")
    assert number[-1].x1 - number[0].x0 > 30          # a hand-written number fits
    assert re.fullmatch(r"An Bình, ngày\s+tháng 02 năm 2026",
                        Page.text_of(page.line(r"An Bình, ngày.*")))


@pytest.mark.parametrize("name", ["ke_hoach", "bao_cao", "quyet_dinh", "to_trinh", "thong_bao"])
def test_type_name_subject_and_rule(rendered, name):
    page = rendered[name].pages[0]
    payload = example(name)
    type_name = page.line(r"KẾ HOẠCH|BÁO CÁO|QUYẾT ĐỊNH|TỜ TRÌNH|THÔNG BÁO")
    only(type_name, size=14.0, bold=True)
    assert abs(type_name[0].centre - CENTRE) < 1.0
    first_word = re.escape(payload["subject"].split()[0])
    index = next(i for i, t in enumerate(page.texts) if re.match(first_word, t)
                 and page.lines[i][0].y0 > type_name[0].y0)
    subject_lines = [page.lines[index]]
    while Page.text_of(subject_lines[-1]) not in payload["subject"][-40:] and \
            not payload["subject"].endswith(Page.text_of(subject_lines[-1])):
        index += 1
        subject_lines.append(page.lines[index])
    for line in subject_lines:
        only(line, size=14.0, bold=True)
        assert abs(line[0].centre - CENTRE) < 1.0
    widest = max(line[-1].x1 - line[0].x0 for line in subject_lines)
    rule = page.rule_under(subject_lines[-1])
    assert widest / 3 - 0.5 <= rule.length <= widest / 2 + 0.5        # §3.6
    assert abs(rule.centre - CENTRE) < 1.0


def body_lines(doc: Rendered) -> list[tuple[Page, list]]:
    """Body lines: size 14, upright or italic, below the title and above the signature."""
    out = []
    for page in doc.pages:
        for line in page.lines:
            if line[0].size == 14.0 and line[0].y0 > 30 and not line[0].bold \
                    and not line[0].italic and LEFT - 0.5 <= line[0].x0 <= LEFT + 10.5:
                out.append((page, line))
    return out


@pytest.mark.parametrize("name", ["ke_hoach", "quyet_dinh", "cong_van", "thong_bao"])
def test_body_is_justified_with_first_line_indent(rendered, name):
    lines = body_lines(rendered[name])
    assert len(lines) > 5
    starts = {round(line[0].x0, 0) for _, line in lines}
    assert starts <= {LEFT, LEFT + 10.0}, starts                        # 1 cm indent (§1)
    full = [line for _, line in lines if line[-1].x1 > RIGHT - 3]
    assert len(full) >= 3
    for line in full:
        assert abs(line[-1].x1 - RIGHT) < 0.6                          # justified


def test_paragraphs_are_at_least_6pt_apart(rendered):
    lines = [line for page, line in body_lines(rendered["ke_hoach"]) if page is
             rendered["ke_hoach"].pages[0]]
    pitch = min(b[0].y0 - a[0].y0 for a, b in itertools.pairwise(lines)
                if round(b[0].x0) == LEFT)                              # inside a paragraph
    for a, b in itertools.pairwise(lines):
        if round(b[0].x0) == LEFT + 10:                                 # a new paragraph
            assert b[0].y0 - a[0].y0 >= pitch + 6 * 25.4 / 72 - 0.2


def test_body_ends_with_the_closing_mark(case):
    _name, doc = case
    texts = [t for page in doc.text_pages for t in page.texts]
    closing = [t for t in texts if t.endswith("./.")]
    assert len(closing) == 1, closing
    every = [t for page in doc.pages for t in page.texts if t.endswith("./.")]
    assert len(every) == 1 + len(doc.appendix_starts)       # and each phụ lục ends with it


def test_decision_bases_enactment_and_articles(rendered):
    page = rendered["quyet_dinh"].pages[0]
    authority = page.line("CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN PHÚ")
    only(authority, bold=True, size=14.0)
    assert abs(authority[0].centre - CENTRE) < 1.0
    bases = [line for line in page.lines if Page.text_of(line).startswith(("Căn cứ", "Theo đề"))]
    assert len(bases) == 3
    for line in bases:
        only(line, italic=True, size=14.0)
    enactment = page.line("QUYẾT ĐỊNH:")
    only(enactment, bold=True)
    assert abs(enactment[0].centre - CENTRE) < 1.0
    articles = [line for line in page.lines if re.match(r"Điều \d+\.", Page.text_of(line))]
    assert [Page.text_of(a)[:7] for a in articles] == ["Điều 1.", "Điều 2.", "Điều 3.", "Điều 4."]
    for line in articles:
        assert line[0].bold and line[0].text.strip().startswith("Điều")
        assert abs(line[0].x0 - (LEFT + 10)) < 0.5


def test_chapters_are_centred_bold_two_lines_and_articles_number_through(rendered):
    page = rendered["quyet_dinh_chapters"].pages[0]
    for label, title in (("Chương I", "QUY ĐỊNH CHUNG"), ("Chương II", "TỔ CHỨC THỰC HIỆN")):
        above, below = page.line(label), page.line(title)
        only(above + below, bold=True, size=14.0)
        assert abs(above[0].centre - CENTRE) < 1.0 and abs(below[0].centre - CENTRE) < 1.0
        assert 0 <= below[0].y0 - above[0].y1 < 2.0         # the title on the very next line
    articles = [line for line in page.lines if re.match(r"Điều \d+\.", Page.text_of(line))]
    assert [Page.text_of(a)[:7] for a in articles] == ["Điều 1.", "Điều 2.", "Điều 3."]
    texts = page.texts
    assert texts.index("Chương I") < texts.index(Page.text_of(articles[0])) \
        < texts.index("Chương II") < texts.index(Page.text_of(articles[2]))


def test_contact_line_at_the_foot_of_page_one_only_under_a_full_width_rule(rendered):
    first, *rest = rendered["thong_bao_contact"].pages
    assert rest, "the case must run to a second page"
    lines = [line for line in first.lines if line[0].y0 > BOTTOM]
    assert lines and " ".join(Page.text_of(line) for line in lines) == CONTACT
    for line in lines:
        only(line, size=11.0, bold=False, italic=False)
    assert abs(lines[-1][0].centre - CENTRE) < 2.0                     # centred (its last line)
    rule = first.rules[-1]
    assert rule.y < lines[0][0].y0 and lines[0][0].y0 - rule.y < 3     # just above the text
    assert abs(rule.x0 - LEFT) < 1.0 and abs(rule.x1 - RIGHT) < 1.0     # the text width
    for page in rest:
        assert all(line[0].y0 < BOTTOM for line in page.lines)
        assert not [r for r in page.rules if r.y > BOTTOM - 1]
    # Without it, page 1 has no rule and no text below the text area.
    plain = rendered["thong_bao"].pages[0]
    assert not [line for line in plain.lines if line[0].y0 > BOTTOM]
    assert not [r for r in plain.rules if r.y > BOTTOM - 1]


def test_appendices_start_a_page_numbered_from_one_with_their_heading(rendered):
    doc = rendered["quyet_dinh_appendices"]
    assert len(doc.text_pages) == 1 and len(doc.appendix_starts) == 2
    first, second = doc.appendix_starts
    assert second - first == 2                       # phụ lục I's table runs to a 2nd page
    for start, label, title in ((first, "Phụ lục I", "DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ"),
                                (second, "Phụ lục II", "LỊCH HỖ TRỢ NGƯỜI DÂN")):
        page = doc.pages[start]
        heading, name = page.line(label), page.line(title)
        only(heading + name, size=14.0, bold=True, italic=False)
        reference = page.lines[2:4]                  # "(Kèm theo …)" over two lines
        text = " ".join(Page.text_of(line) for line in reference)
        assert text == ("(Kèm theo Quyết định số 07/QĐ-UBND ngày 05 tháng 01 năm 2026 của Ủy "
                        "ban nhân dân xã Tân Phú)")
        assert abs(heading[0].centre - CENTRE) < 1.0 and abs(name[0].centre - CENTRE) < 1.0
        for line in reference:
            only(line, size=14.0, italic=True, bold=False)
            assert abs((line[0].x0 + line[-1].x1) / 2 - CENTRE) < 1.5
        rule = page.rule_under(reference[-1])
        assert 0.2 < rule.length / (name[-1].x1 - name[0].x0) < 0.5   # a short line (MẪU 2.1)
        # Numbered from 1 on its own: nothing on its first page, "2" at the top of the next.
        assert not [line for line in page.lines if line[0].y1 < 20]      # no page number
        assert not [line for line in page.lines if line[0].y0 > BOTTOM]   # no ô 13 there
    top = [line for line in doc.pages[first + 1].lines if line[0].y1 < 20]
    assert [Page.text_of(line) for line in top] == ["2"]
    # Every phụ lục ends with "./." on its own last page.
    assert doc.pages[second - 1].texts[-1].endswith("./.")
    assert doc.pages[-1].texts[-1].endswith("./.")


def test_cong_van_vv_and_kinh_gui(rendered):
    page = rendered["cong_van"].pages[0]
    number = page.line(r"Số: 212/SNV-CCVC")
    vv = page.line(r"V/v cập nhật cơ sở dữ liệu.*")
    only(vv, size=13.0, bold=False, italic=False)
    assert abs(vv[0].centre - number[0].centre) < 1.5                  # under the số (§3.6)
    assert vv[0].y0 - number[0].y1 >= 6 * 25.4 / 72 - 0.5              # 6 pt below it
    label = page.line(r"Kính gửi:")
    first = page.line(r"- Các sở, ban, ngành thuộc tỉnh;")
    second = page.line(r"- Ủy ban nhân dân các xã, phường\.")
    only(label + first + second, size=14.0, bold=False, italic=False)
    assert abs(first[0].y0 - label[0].y0) < 0.5                        # on the label's line
    assert first[0].x0 > label[-1].x1
    assert abs(second[0].x0 - first[0].x0) < 0.5                       # dashes line up (§3.10)


def test_recipients_level_with_signature_and_signing_space(case):
    name, doc = case
    page = doc.text_pages[-1]
    label = page.line("Nơi nhận:")
    only(label, size=12.0, bold=True, italic=True)
    assert abs(label[0].x0 - (LEFT - 7.5)) < 1.0                      # flush left in its column
    start = page.lines.index(label)
    items = [line for line in page.lines[start + 1:]
             if Page.text_of(line).startswith("- ") and line[0].x1 < CENTRE]
    assert items
    for line in items:
        only(line, size=11.0, bold=False)
    assert re.fullmatch(r"- Lưu: VT(, .+)?\.", Page.text_of(items[-1]))
    payload = example(BASE.get(name, name))
    title_lines = [line for line in page.lines if line[0].x0 > CENTRE - 20
                   and line[0].bold and line[0].y0 >= label[0].y0 - 1
                   and Page.text_of(line) == Page.text_of(line).upper()]
    assert abs(title_lines[0][0].y0 - label[0].y0) < 1.5              # level (§3.10)
    for line in title_lines:
        only(line, size=14.0, bold=True)
    signer = page.line(re.escape(payload["signer"]["name"]))
    only(signer, size=14.0, bold=True)
    assert signer[0].y0 - title_lines[-1][0].y1 >= 20                  # ≥ 20 mm to sign
    assert abs(signer[0].centre - title_lines[0][0].centre) < 1.0


def test_signature_never_alone_on_a_page(case):
    name, doc = case
    if name == "thong_bao_overflow":
        assert len(doc.pages) == 2                   # the case is built to push it over
    page = doc.text_pages[-1]
    label_y = page.line("Nơi nhận:")[0].y0
    assert any(line[0].y1 <= label_y and line[0].size == 14.0 and line[0].y0 > 20
               for line in page.lines), "signature page has no body text above it"


def test_page_numbers_from_page_two(rendered):
    doc = rendered["ke_hoach"]
    assert len(doc.pages) >= 2
    assert not any(re.fullmatch(r"\d+", t) for t, line in zip(doc.pages[0].texts,
                   doc.pages[0].lines, strict=True) if line[0].y0 < 20)
    for number, page in enumerate(doc.pages[1:], start=2):
        marks = [line for line, t in zip(page.lines, page.texts, strict=True)
                 if t == str(number) and line[0].y1 < 20]
        assert len(marks) == 1, page.texts[:3]
        only(marks[0], size=14.0, bold=False, italic=False)
        assert abs(marks[0][0].centre - CENTRE) < 1.0


def test_urgency_stamp_is_boxed(rendered):
    page = rendered["thong_bao"].pages[0]
    stamp = page.line("KHẨN")
    only(stamp, bold=True, size=13.0)
    top = [r for r in page.rules if abs(r.y - stamp[0].y0) < 3 and r.x0 <= stamp[0].x0]
    assert top and abs(top[0].length - 20.0) < 1.0                    # §4: KHẨN 20 mm wide


def test_pdf_info_carries_the_metadata(rendered):
    meta = rendered["cong_van"].metadata
    assert meta["title"].startswith("V/v cập nhật cơ sở dữ liệu")
    assert meta["author"] == "SỞ NỘI VỤ"
    assert "212/SNV-CCVC" in meta["keywords"]
