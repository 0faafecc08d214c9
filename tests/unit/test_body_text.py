"""Pasted body text → blocks: markers give the structure, labels stay as written."""

from service.model.body_text import is_title, parse

PLAN = """Thực hiện Chỉ thị số 03/CT-UBND, Ủy ban nhân dân xây dựng kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích:
Nhằm tạo sự chuyển biến mạnh mẽ.
2. Yêu cầu:
- Công tác dân vận phải thiết thực;
+ bám sát cơ sở;
+ lắng nghe ý kiến của dân.
- Thủ trưởng các cơ quan chịu trách nhiệm.
IV. TỔ CHỨC THỰC HIỆN
1. Giao Phòng Nội vụ theo dõi, đôn đốc.
a) Báo cáo định kỳ hằng quý.
"""


def test_plan_structure_and_labels_as_written():
    blocks = parse(PLAN)
    assert [b["kind"] for b in blocks] == ["text", "heading", "heading"]
    first, last = blocks[1], blocks[2]
    assert (first["label"], first["heading"]) == ("I.", "MỤC ĐÍCH, YÊU CẦU")
    assert last["label"] == "IV."                       # the text's own numbering skips
    purpose, needs = first["children"]
    assert (purpose["kind"], purpose["label"], purpose["heading"]) == ("heading", "1.", "Mục đích:")
    assert purpose["children"][0] == {"kind": "text", "text": "Nhằm tạo sự chuyển biến mạnh mẽ.",
                                      "label": None}
    bullets = needs["children"][0]
    assert bullets["kind"] == "bullets"
    assert [b["text"] for b in bullets["bullets"]] == [
        "Công tác dân vận phải thiết thực;", "Thủ trưởng các cơ quan chịu trách nhiệm."]
    sub = bullets["bullets"][0]["children"][0]
    assert [b["text"] for b in sub["bullets"]] == ["bám sát cơ sở;", "lắng nghe ý kiến của dân."]
    task = last["children"][0]
    assert (task["kind"], task["label"]) == ("item", "1.")   # a sentence: numbered paragraph
    assert task["children"][0]["label"] == "a)"


def test_decision_articles():
    blocks = parse("Điều 1. Phạm vi điều chỉnh\n1. Quyết định này quy định.\n"
                   "a) Điểm một.\nĐiều 2. Quyết định có hiệu lực kể từ ngày ký.")
    assert [(b["kind"], b["label"]) for b in blocks] == [("article", "Điều 1."),
                                                         ("article", "Điều 2.")]
    assert blocks[0]["article"] == "Phạm vi điều chỉnh"
    khoan = blocks[0]["children"][0]
    assert (khoan["kind"], khoan["label"], khoan["children"][0]["label"]) == ("item", "1.", "a)")


def test_blank_lines_and_windows_dashes_are_tolerated():
    blocks = parse("\n\nI. NỘI DUNG\n\n– ý thứ nhất\n• ý thứ hai\n")
    assert [b["text"] for b in blocks[0]["children"][0]["bullets"]] == ["ý thứ nhất", "ý thứ hai"]


def test_plus_without_a_dash_stands_alone():
    blocks = parse("+ lẻ loi")
    assert blocks == [{"kind": "bullets", "label": "+", "bullets": [
        {"text": "lẻ loi", "children": []}]}]


def test_numbers_inside_sentences_are_not_markers():
    blocks = parse("Năm 2026 là năm thứ hai.\n2026 hồ sơ đã được giải quyết.\n"
                   "1.245 hồ sơ nộp trực tuyến.\n1.1. Tiểu mục")
    assert [b["kind"] for b in blocks] == ["text", "text", "text", "heading"]
    assert blocks[3]["label"] == "1.1."


def test_is_title():
    assert is_title("Mục đích:")
    assert is_title("Tổ chức thực hiện")
    assert not is_title("Giao Phòng Nội vụ theo dõi.")
    assert not is_title("x" * 200)


def test_initials_are_not_roman_numerals():
    blocks = parse("I. NỘI DUNG\nC. Nguyễn là người phụ trách.\nV. Trần đã báo cáo.\nV. KINH PHÍ")
    assert [b["kind"] for b in blocks] == ["heading", "heading"]
    assert [c["text"] for c in blocks[0]["children"]] == [
        "C. Nguyễn là người phụ trách.", "V. Trần đã báo cáo."]
    assert blocks[1]["label"] == "V."


def test_chapters_with_their_title_on_the_next_line_or_the_same_one():
    blocks = parse("Chương I\nQuy định chung\nĐiều 1. Phạm vi điều chỉnh\nNội dung điều 1.\n"
                   "Chương II. TỔ CHỨC THỰC HIỆN\nĐiều 2. Hiệu lực thi hành\n"
                   "Mục 1 của quy chế này là một câu văn.")
    first, second = blocks
    assert (first["kind"], first["label"], first["part"]) == ("part", "Chương I", "Quy định chung")
    assert [c["label"] for c in first["children"]] == ["Điều 1."]
    assert (second["label"], second["part"]) == ("Chương II", "TỔ CHỨC THỰC HIỆN")
    article = second["children"][0]
    assert article["label"] == "Điều 2."
    # "Mục 1 của …" is a sentence, not a mục: it stays text, inside the article.
    assert article["children"] == [
        {"kind": "text", "text": "Mục 1 của quy chế này là một câu văn.", "label": None}]


def test_phan_holds_chuong_holds_muc_and_a_label_without_title_stays_text():
    blocks = parse("Phần I\nQUY ĐỊNH CHUNG\nChương I\nPHẠM VI\nMục 1\nGIẢI THÍCH\n"
                   "Điều 1. Từ ngữ\nPhần II\nTỔ CHỨC\nChương III")
    phan1, phan2 = blocks
    chuong = phan1["children"][0]
    muc = chuong["children"][0]
    assert (chuong["label"], muc["label"], muc["children"][0]["label"]) == \
        ("Chương I", "Mục 1", "Điều 1.")
    assert phan2["label"] == "Phần II"
    assert phan2["children"] == [{"kind": "text", "text": "Chương III", "label": None}]
