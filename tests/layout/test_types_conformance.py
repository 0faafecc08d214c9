"""The further types' PDFs measured against their Mẫu (nd30-spec §3, §4, §6), read back.

Positions are millimetres on the A4 page, as in test_conformance; every case is rendered once
per session through the service's PDF endpoint (conftest.rendered_types).
"""

from __future__ import annotations

import itertools
import re

import pytest

from schemas.registry import TYPES
from tests.conftest import example, signer_names
from tests.layout.conftest import (
    BOTTOM,
    CENTRE,
    CONTACT,
    LEFT,
    RIGHT,
    Page,
    Rendered,
    type_variants,
)
from tests.layout.test_conformance import only

pytestmark = pytest.mark.soffice

CASES = list(type_variants())
# The registry type of each case (a variant is named after its type).
KIND = {name: next(k for k in sorted(TYPES, key=len, reverse=True) if name.startswith(k))
        for name in CASES}
DATE = r"[^,]+, ngày (0[1-9]|[12][0-9]|3[01]) tháng (0[12]|[3-9]|1[0-2]) năm \d{4}"
SIGNING_SPACE = 20.0                  # mm at least between the last title line and the name


@pytest.fixture(params=CASES)
def case(request, rendered_types) -> tuple[str, Rendered]:
    return request.param, rendered_types[request.param]


def payload_of(name: str) -> dict:
    return type_variants()[name]


def lines_from(page: Page, pattern: str) -> list[list]:
    start = page.lines.index(page.line(pattern))
    return page.lines[start:]


def text_part(doc: Rendered) -> list[Page]:
    """The pages of the document itself: up to an attached text or the first phụ lục."""
    for i, page in enumerate(doc.pages[1:], start=1):
        if not any(re.match(r"Số:", t) for t in page.texts) and any(
                t == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" for t in page.texts):
            return doc.pages[:i]
    return doc.text_pages


def test_every_page_a4_black_embedded_inside_the_margins(case):
    _, doc = case
    for page in doc.pages:
        assert (round(page.width), round(page.height)) == (210, 297)
        for _xref, ext, _type, basefont, *_ in page.fonts:
            assert ext != "n/a" and re.search(r"LiberationSerif|TimesNewRoman", basefont)
        for line in page.lines:
            for span in line:
                assert span.color == 0, span
                assert span.x1 <= RIGHT + 0.5 and span.x0 >= LEFT - 7.5 - 0.5, span
                bottom = 297 - 10 if span.size == 11.0 and span.y0 > BOTTOM else BOTTOM
                assert span.y0 >= 10 and span.y1 <= bottom + 0.5, span


def test_header_number_and_date(case):
    name, doc = case
    page, doc_type, payload = doc.pages[0], TYPES[KIND[name]], payload_of(name)
    national = page.line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    motto = page.line("Độc lập - Tự do - Hạnh phúc")
    only(national, size=13.0, bold=True)
    rule = page.rule_under(motto)
    assert abs(rule.length - (motto[-1].x1 - motto[0].x0)) < 1.0
    number = page.line(r"Số:\s.*")
    only(number, size=13.0, bold=False, italic=False)
    codes = "-".join(i["code"] for i in payload.get("issuers") or [payload["issuer"]])
    notation = f"{doc_type.abbrev}-{codes}" if doc_type.abbrev else codes
    assert re.fullmatch(rf"Số: (0[1-9]|[1-9][0-9]+)/{re.escape(notation)}",
                        Page.text_of(number))                   # QyĐ, CTr as written (§5)
    dates = [line for line in page.lines if re.fullmatch(DATE, Page.text_of(line))
             and line[0].y0 < number[0].y1 + 2]
    if doc_type.date_line == "optional" and not payload.get("place"):
        assert not dates                                         # Mẫu 1.9: none
        return
    [date] = dates
    only(date, size=14.0, italic=True)
    assert abs(number[0].y0 - date[0].y0) < 1.5
    assert number[0].centre < CENTRE < date[0].centre


def test_type_name_and_the_rule_under_the_title(case):
    name, doc = case
    page, doc_type, payload = doc.pages[0], TYPES[KIND[name]], payload_of(name)
    printed = (payload.get("title") or doc_type.printed_name).upper()
    type_name = page.line(re.escape(printed))
    only(type_name, size=14.0, bold=True, italic=False)
    assert abs(type_name[0].centre - CENTRE) < 1.0
    start = page.lines.index(type_name)
    if doc_type.subject == "none":
        # §3.6: no trích yếu; the line follows the tên loại, a third to a half of it.
        rule = page.rule_under(type_name)
        width = type_name[-1].x1 - type_name[0].x0
        assert width / 3 - 0.5 <= rule.length <= width / 2 + 0.5
        assert abs(rule.centre - CENTRE) < 1.0
        return
    rule = next(r for r in page.rules if r.y > type_name[0].y1 and abs(r.centre - CENTRE) < 2)
    subject = [line for line in page.lines[start + 1:] if line[0].y1 < rule.y]
    assert subject, page.texts[start:start + 4]
    for line in subject:
        only(line, size=14.0, bold=True)
    widest = max(line[-1].x1 - line[0].x0 for line in subject)
    rule = page.rule_under(subject[-1])
    assert widest / 3 - 0.5 <= rule.length <= widest / 2 + 0.5


def test_the_text_ends_with_the_mark_once(case):
    _, doc = case
    texts = [t for page in text_part(doc) for t in page.texts]
    assert len([t for t in texts if t.endswith("./.")]) == 1, [t for t in texts if "./" in t]


def signature_lines(page: Page, payload: dict) -> list[tuple[list, list]]:
    """(title lines, name line) of each signature block on the page, left to right."""
    out = []
    for signer in payload.get("signers") or [payload["signer"]]:
        name = page.line(re.escape(signer["name"]))
        titles = [line for line in page.lines
                  if line[0].bold and Page.text_of(line).isupper() and line[0].y1 < name[0].y0
                  and name[0].y0 - line[0].y0 < 60 and abs(line[0].centre - name[0].centre) < 8]
        out.append((titles, name))
    return sorted(out, key=lambda block: block[1][0].x0)


def test_signatures_names_space_and_nơi_nhận(case):
    name, doc = case
    payload = payload_of(name)
    first = signer_names(payload)[0]
    page = next(p for p in reversed(text_part(doc)) if first in p.texts)
    blocks = signature_lines(page, payload)
    for titles, signer in blocks:
        assert titles, Page.text_of(signer)
        for line in titles:
            only(line, size=14.0, bold=True)
        only(signer, size=14.0, bold=True)
        assert signer[0].y0 - titles[-1][0].y1 >= SIGNING_SPACE
        assert abs(signer[0].centre - titles[0][0].centre) < 1.5
    label = page.line("Nơi nhận:")
    only(label, size=12.0, bold=True, italic=True)
    assert abs(label[0].x0 - (LEFT - 7.5)) < 1.0
    items = [line for line in page.lines[page.lines.index(label) + 1:]
             if Page.text_of(line).startswith("- ") and line[0].x1 < CENTRE]
    assert items and re.fullmatch(r"- Lưu: VT(, .+)?\.", Page.text_of(items[-1]))
    for line in items:
        only(line, size=11.0, bold=False)
    if len(blocks) == 1:                                         # beside it, level (§3.10)
        assert abs(blocks[0][0][0][0].y0 - label[0].y0) < 1.5
        return
    # Several blocks: level with each other, side by side, the nơi nhận below them (1.9).
    rows: dict[int, list] = {}
    for titles, signer in blocks:
        rows.setdefault(round(signer[0].y0), []).append((titles, signer))
    for row in rows.values():
        assert len({round(titles[0][0].y0, 0) for titles, _ in row}) == 1
        assert max(s[0].y0 for _, s in row) - min(s[0].y0 for _, s in row) < 0.5
        xs = [s[0].centre for _, s in row]
        assert xs == sorted(xs) and min(b - a for a, b in itertools.pairwise(xs)) > 40
    assert label[0].y0 > max(s[0].y1 for _, s in blocks)


def test_side_by_side_blocks_and_their_nơi_nhận_share_a_page(rendered_types):
    doc = rendered_types["bien_ban_overflow"]
    assert len(doc.pages) == 2
    names = {s["name"] for s in payload_of("bien_ban_overflow")["signers"]}
    last = doc.pages[-1]
    assert names <= set(last.texts) and "Nơi nhận:" in last.texts
    assert not names & set(doc.pages[0].texts)
    closing = next(t for t in last.texts if t.startswith("Cuộc họp kết thúc"))
    assert closing.endswith("./.")                  # the closing line came along (keep)


def test_two_rows_of_blocks_keep_their_order(rendered_types):
    page = rendered_types["hop_dong_four"].pages[-1]
    payload = payload_of("hop_dong_four")
    y = {s["name"]: page.line(re.escape(s["name"]))[0].y0 for s in payload["signers"]}
    a, b, c, d = (y[f"Người ký bên {s}"] for s in "ABCD")
    assert abs(a - b) < 0.5 and abs(c - d) < 0.5 and c - a > 30
    three = rendered_types["ban_ghi_nho_three"].pages[0]
    names = [three.line(re.escape(n)) for n in signer_names(payload_of("ban_ghi_nho_three"))]
    assert max(n[0].y0 for n in names) - min(n[0].y0 for n in names) < 0.5
    assert names[0][0].centre < CENTRE - 30 and names[2][0].centre > CENTRE + 30


def test_cong_dien_sender_line_and_addressees(rendered_types):
    page = rendered_types["cong_dien"].pages[0]
    sender = page.line("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH điện:")      # Mẫu 1.6
    only(sender, size=14.0, bold=True)
    assert abs(sender[0].centre - CENTRE) < 1.0
    after = page.lines[page.lines.index(sender) + 1:][:3]
    assert [Page.text_of(line) for line in after] == [
        "- Giám đốc các sở, ngành thuộc tỉnh;",
        "- Chủ tịch Ủy ban nhân dân các xã, phường;",
        "- Bộ Chỉ huy Quân sự tỉnh, Công an tỉnh."]
    for line in after:
        only(line, size=14.0, bold=False)
        assert abs(line[0].x0 - (LEFT + 10)) < 0.5
    subject = page.line("Về việc chủ động ứng phó với bão số 5")
    assert subject[0].y0 < sender[0].y0
    stamp = page.line("HỎA TỐC")
    top = [r for r in page.rules if abs(r.y - stamp[0].y0) < 3 and r.x0 <= stamp[0].x0]
    assert top and abs(top[0].length - 30.0) < 1.0                 # §4: 30 mm


def info_lines(page: Page, labels: list[str]) -> list[list]:
    found = [page.line(rf"{re.escape(label)}.*") for label in labels]
    ys = [line[0].y0 for line in found]
    assert ys == sorted(ys), labels                                 # in the Mẫu's order
    for line in found:
        only(line, size=14.0, bold=False, italic=False)
        assert abs(line[0].x0 - (LEFT + 10)) < 0.5
    return found


def test_giay_moi_lines(rendered_types):
    page = rendered_types["giay_moi"].pages[0]
    info_lines(page, ["Ủy ban nhân dân xã Tân Phú trân trọng kính mời: Ông Trần Văn Minh,",
                      "Tới dự Hội nghị tổng kết", "Chủ trì: Ông Trần Văn Bình",
                      "Thời gian: 08 giờ 00, ngày 15 tháng 01 năm 2026", "Địa điểm: Hội trường",
                      "Đề nghị đại biểu"])
    listed = rendered_types["giay_moi_list"].pages[0]
    lead = listed.line("Ủy ban nhân dân xã Tân Phú trân trọng kính mời:")
    following = listed.lines[listed.lines.index(lead) + 1:][:2]
    assert [Page.text_of(line) for line in following] == [
        "- Ông Trần Văn Minh, Trưởng ấp Bình An;", "- Bà Nguyễn Thị Lan, Trưởng ấp Tân Lập."]
    venue = listed.line(r"Địa điểm: .*")
    assert Page.text_of(venue).endswith("Trần Phú./.")             # no notes: it closes


def test_giay_gioi_thieu_lines_and_closing_sentences(rendered_types):
    page = rendered_types["giay_gioi_thieu"].pages[0]
    info_lines(page, ["Ủy ban nhân dân xã Tân Phú trân trọng giới thiệu:",
                      "Ông (bà) Phan Thị Ngọc", "Chức vụ: Công chức Văn phòng - Thống kê",
                      "Được cử đến: Sở Nội vụ tỉnh Bình Minh", "Về việc: Liên hệ nộp hồ sơ",
                      "Đề nghị Quý cơ quan tạo điều kiện để ông (bà) có tên ở trên hoàn thành",
                      "Giấy này có giá trị đến hết ngày 31 tháng 3 năm 2026./."])
    recipients = page.lines[page.lines.index(page.line("Nơi nhận:")) + 1:][:2]
    assert [Page.text_of(line) for line in recipients] == ["- Như trên;", "- Lưu: VT."]


def test_giay_nghi_phep_lines_and_confirmation_box(rendered_types):
    page = rendered_types["giay_nghi_phep"].pages[0]
    info_lines(page, ["Xét Đơn đề nghị nghỉ phép ngày 20 tháng 3 năm 2026 của ông (bà) Võ",
                      "Ủy ban nhân dân xã Tân Phú cấp cho:", "Ông (bà): Võ Thị Thanh",
                      "Chức vụ: Công chức Tài chính - Kế toán",
                      "Được nghỉ phép trong thời gian 05 ngày, kể từ ngày 06 tháng 4 năm 2026",
                      "Số ngày nghỉ phép nêu trên được tính vào thời gian nghỉ phép năm"])
    caption = page.line("Xác nhận của cơ quan \\(tổ chức\\) hoặc")
    only(caption, size=13.0, bold=True)
    name = page.line("Trần Văn Bình")
    assert caption[0].y0 > name[0].y1                               # under the signature
    edges = [r for r in page.rules if r.x0 < caption[0].x0 and r.x1 > caption[-1].x1]
    top, bottom = min(edges, key=lambda r: r.y), max(edges, key=lambda r: r.y)
    assert top.y < caption[0].y0 and bottom.y - top.y >= 34.0       # a box, room to stamp
    assert abs(top.length - 85.0) < 1.0


def test_bien_ban_opening_facts_closing_line_and_no_date(rendered_types):
    page = rendered_types["bien_ban"].pages[0]
    info_lines(page, ["Thời gian bắt đầu: 08 giờ 00, ngày 15 tháng 01 năm 2026",
                      "Địa điểm: Hội trường Ủy ban nhân dân xã Tân Phú",
                      "Thành phần tham dự:", "- Ông Trần Văn Bình, Chủ tịch Ủy ban nhân dân xã;",
                      "Chủ trì (chủ tọa): Ông Trần Văn Bình", "Thư ký (người ghi biên bản):",
                      "Nội dung:"])
    texts = [t for p in rendered_types["bien_ban"].pages for t in p.texts]
    closing = [t for t in texts if t.startswith("Cuộc họp kết thúc vào")]
    assert closing == ["Cuộc họp kết thúc vào 10 giờ 30, ngày 15 tháng 01 năm 2026./."]
    assert texts.index(closing[0]) > texts.index("3. Kết luận của chủ trì")
    dated = rendered_types["bien_ban_dated"].pages[0]
    assert dated.line("Tân Phú, ngày 15 tháng 01 năm 2026")[0].italic


def test_parties_print_before_the_articles(rendered_types):
    page = rendered_types["hop_dong"].pages[0]
    first = page.line(r"BÊN A \(BÊN THUÊ DỊCH VỤ\): Ủy ban nhân dân xã Tân Phú")
    only(first, bold=True, size=14.0)
    rep = page.line("Đại diện: Ông Trần Văn Bình")
    only(rep, bold=False)
    article = page.line(r"Điều 1\. Nội dung công việc")
    assert first[0].y0 < rep[0].y0 < page.line(r"BÊN B .*")[0].y0 < article[0].y0
    bases = page.line("Căn cứ Bộ luật Dân sự;")
    only(bases, italic=True)
    assert bases[0].y0 < first[0].y0


@pytest.mark.parametrize("name", ["quy_che", "quy_che_long_names"])
def test_joint_header_every_issuer_under_its_rule(rendered_types, name):
    page = rendered_types[name].pages[0]
    number = page.line(r"Số: 04/QC-UBND-UBMTTQ")
    left = [line for line in page.lines if line[0].y1 < number[0].y0
            and line[-1].x1 < CENTRE - 5]
    for line in left:
        only(line, size=13.0, bold=True)
        assert line[-1].x1 - line[0].x0 <= 67.5 - 2.0 + 0.2                 # fits its column
    rules = [r for r in page.rules if r.y < number[0].y0 and r.x1 < CENTRE]
    assert len(rules) == 2                                    # one under each issuer (§3.3)
    first_issuer_end = page.line("XÃ TÂN PHÚ")
    assert rules[0].y > first_issuer_end[0].y1 and rules[0].y < rules[1].y
    for rule in rules:
        above = [line for line in left if line[0].y1 < rule.y]
        block = [line for line in above if rule.y - line[0].y1 < 30]
        widest = max(line[-1].x1 - line[0].x0 for line in block[-2:])
        assert widest / 3 - 0.5 <= rule.length <= widest / 2 + 0.5
        assert abs(rule.centre - left[0][0].centre) < 1.5


def test_attached_quy_che_on_its_own_pages(rendered_types):
    doc = rendered_types["quyet_dinh_quy_che"]
    text = text_part(doc)
    assert len(text) == 1
    start = len(text)
    attached = doc.pages[start:doc.appendix_starts[0]]
    assert len(attached) >= 2
    first = attached[0]
    assert {"ỦY BAN NHÂN DÂN", "XÃ TÂN PHÚ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc"} == set(first.texts[:4])          # ô 2 and ô 1
    assert not [t for t in first.texts if t.startswith("Số:") or re.fullmatch(DATE, t)]
    type_name = first.line("QUY CHẾ")
    only(type_name, size=14.0, bold=True)
    assert abs(type_name[0].centre - CENTRE) < 1.0
    subject = first.line("Hoạt động của Tổ công nghệ số cộng đồng xã Tân Phú")
    only(subject, bold=True)
    index = first.lines.index(subject)
    reference = first.lines[index + 1:index + 3]
    assert " ".join(Page.text_of(line) for line in reference) == (
        "(Kèm theo Quyết định số 07/QĐ-UBND ngày 05 tháng 01 năm 2026 của Chủ tịch Ủy ban "
        "nhân dân xã Tân Phú)")
    for line in reference:
        only(line, italic=True, bold=False, size=14.0)
    rule = first.rule_under(reference[-1])
    width = subject[-1].x1 - subject[0].x0
    assert width / 3 - 0.5 <= rule.length <= width / 2 + 0.5
    assert first.line("Chương I")[0].bold and first.line(r"Điều 1\. Nhiệm vụ 1")
    texts = [t for page in attached for t in page.texts]
    assert "Nơi nhận:" not in texts and "Trần Văn Bình" not in texts   # no signature
    assert [t for t in texts if t.endswith("./.")] == [texts[-1]]
    # Its own numbering: nothing on its first page, "2" on the next; no ô 13 there.
    assert not [line for line in first.lines if line[0].y1 < 20]
    assert [Page.text_of(line) for line in attached[1].lines if line[0].y1 < 20] == ["2"]
    for page in attached:
        assert not [line for line in page.lines if line[0].y0 > BOTTOM]
    contact = [line for line in text[0].lines if line[0].y0 > BOTTOM]
    assert " ".join(Page.text_of(line) for line in contact) == CONTACT
    articles = [t[:9] for t in texts if re.match(r"Điều \d+\.", t)]
    assert articles[0] == "Điều 1. N" and len(articles) == 13        # its own Điều 1…


def test_copy_block_under_a_full_width_rule(rendered_types):
    doc = rendered_types["quy_dinh"]
    page = next(p for p in doc.pages if "SAO Y" in p.texts)
    form = page.line("SAO Y")
    only(form, size=14.0, bold=True)
    assert form[0].centre > CENTRE
    rule = max((r for r in page.rules if r.y < form[0].y0), key=lambda r: r.y)
    assert abs(rule.x0 - LEFT) < 1.0 and abs(rule.x1 - RIGHT) < 1.0   # the text's width (§2)
    assert form[0].y0 - rule.y < 8
    number = page.line("Số: 08/SY-VP")
    assert number[0].centre < CENTRE and abs(number[0].y0 - form[0].y0) < 15
    issuer = page.line("VĂN PHÒNG")
    only(issuer, bold=True, size=13.0)
    date = page.line("Bình Minh, ngày 22 tháng 01 năm 2026")
    only(date, italic=True)
    assert abs(date[0].centre - form[0].centre) < 1.0
    blocks = signature_lines(page, example("quy_dinh")["copy"])
    assert [Page.text_of(line) for line in blocks[0][0]] == ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]
    label = [line for line in page.lines if Page.text_of(line) == "Nơi nhận:"][-1]
    assert label[0].y0 > form[0].y0 and abs(label[0].y0 - blocks[0][0][0][0].y0) < 1.5


def test_decision_skeleton_of_a_nghi_quyet(rendered_types):
    page = rendered_types["nghi_quyet"].pages[0]
    authority = page.line("HỘI ĐỒNG NHÂN DÂN XÃ TÂN PHÚ KHÓA I, KỲ HỌP THỨ TƯ")
    only(authority, bold=True, size=14.0)
    enactment = page.line("QUYẾT NGHỊ:")                          # Mẫu 1.1
    only(enactment, bold=True)
    assert abs(enactment[0].centre - CENTRE) < 1.0
    bases = [line for line in page.lines if authority[0].y0 < line[0].y0 < enactment[0].y0]
    assert bases and all(span.italic for line in bases for span in line)
    assert page.line(r"Điều 1\. Thông qua danh mục.*")[0].bold


def test_thu_cong_names_itself_and_greets(rendered_types):
    page = rendered_types["thu_cong"].pages[0]
    assert page.line("THƯ CHÚC MỪNG")[0].bold
    greeting = page.line(r"Kính gửi: Các thầy giáo, cô giáo, .*")
    only(greeting, size=14.0, bold=False)
