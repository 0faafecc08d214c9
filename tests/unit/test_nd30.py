"""The NĐ30 text rules, table-driven (nd30-spec §3.4, §3.5, §3.7, §3.8, §3.10)."""

import pytest

from service.model import nd30

NB = "\u00a0"


@pytest.mark.parametrize(("number", "text"), [
    (5, "05"), (1, "01"), (9, "09"), (10, "10"), (125, "125"), (None, NB * 8),
], ids=["5", "1", "9", "10", "125", "blank"])
def test_number_is_padded_below_ten(number, text):
    assert nd30.number_text(number) == text


@pytest.mark.parametrize(("abbrev", "code", "unit", "expected"), [
    ("KH", "UBND", None, "KH-UBND"),
    ("QĐ", "BNV", None, "QĐ-BNV"),
    ("TTr", "STC", None, "TTr-STC"),          # mixed case kept as written (§5)
    (None, "UBND", "VX", "UBND-VX"),         # công văn: issuer-unit (§3.4)
    (None, "BNV", None, "BNV"),
])
def test_notation(abbrev, code, unit, expected):
    assert nd30.notation(abbrev, code, unit) == expected


def test_symbol_line():
    assert nd30.symbol_line(5, "BNV-VP") == "Số: 05/BNV-VP"
    assert nd30.symbol_line(None, "KH-UBND") == f"Số: {NB * 8}/KH-UBND"


@pytest.mark.parametrize(("parts", "expected"), [
    ((2020, 1, 5), "Hà Nội, ngày 05 tháng 01 năm 2020"),
    ((2020, 3, 5), "Hà Nội, ngày 05 tháng 3 năm 2020"),
    ((2019, 6, 29), "Hà Nội, ngày 29 tháng 6 năm 2019"),
    ((2023, 2, 10), "Hà Nội, ngày 10 tháng 02 năm 2023"),
    ((2023, 12, 31), "Hà Nội, ngày 31 tháng 12 năm 2023"),
    ((2023, 2, None), f"Hà Nội, ngày {NB * 8} tháng 02 năm 2023"),
    ((2023, None, None), f"Hà Nội, ngày {NB * 8} tháng {NB * 8} năm 2023"),
    ((None, None, None), f"Hà Nội, ngày {NB * 8} tháng {NB * 8} năm 20{NB * 4}"),
], ids=["jan", "march-unpadded", "june", "feb-padded", "dec", "no-day", "year-only", "blank"])
def test_date_line_pads_day_and_months_one_and_two_only(parts, expected):
    assert nd30.date_line("Hà Nội", *parts) == expected


@pytest.mark.parametrize(("kind", "n", "expected"), [
    ("roman", 1, "I."), ("roman", 4, "IV."), ("roman", 9, "IX."), ("roman", 14, "XIV."),
    ("arabic", 3, "3."), ("letter", 1, "a)"), ("letter", 4, "d)"), ("letter", 5, "đ)"),
    ("letter", 6, "e)"), ("article", 12, "Điều 12."), ("dash", 7, "-"), ("plus", 2, "+"),
])
def test_labels(kind, n, expected):
    assert nd30.label(kind, n) == expected


def test_letters_follow_the_vietnamese_alphabet_and_double_past_y():
    letters = [nd30.letter(i) for i in range(1, 26)]
    assert letters[:7] == ["a", "b", "c", "d", "đ", "e", "g"]
    assert "f" not in letters and "j" not in letters and "w" not in letters
    assert letters[23:] == ["aa", "ab"]


@pytest.mark.parametrize(("scheme", "depths"), [
    ("sections", ["roman", "arabic", "letter", "dash", "plus", "plus"]),
    ("articles", ["article", "arabic", "letter", "dash", "plus", "plus"]),
])
def test_scheme_by_depth(scheme, depths):
    assert [nd30.scheme_kind(scheme, d) for d in range(1, 7)] == depths


@pytest.mark.parametrize(("items", "expected"), [
    (["A", "B", "C"], ["A;", "B;", "C."]),
    (["A;", "B;"], ["A;", "B;"]),                  # the caller's endings are kept as written
    (["VPCP: BTCN, Cổng TTĐT,", "B"], ["VPCP: BTCN, Cổng TTĐT,", "B."]),
    (["A.", "B"], ["A.", "B."]),                   # the caller's own ending is kept
    (["Theo đề nghị:"], ["Theo đề nghị:"]),
    ([], []),
])
def test_endings(items, expected):
    assert nd30.with_endings(items) == expected


def test_dash_items_add_the_dash_once():
    assert nd30.dash_items(["- Như trên", "Sở Nội vụ;", "– Lưu: VT."]) == [
        "- Như trên;", "- Sở Nội vụ;", "- Lưu: VT."]


@pytest.mark.parametrize(("given", "line"), [
    ("VT, NV", "Lưu: VT, NV."), ("Lưu: VT, HC (2)", "Lưu: VT, HC (2)."),
    ("VT.", "Lưu: VT."),
])
def test_archive_line(given, line):
    assert nd30.archive_line(given) == line


@pytest.mark.parametrize(("text", "closed"), [
    ("thực hiện", "thực hiện./."), ("thực hiện.", "thực hiện./."),
    ("thực hiện./.", "thực hiện./."), ("như sau;", "như sau./."),
    ("thực hiện./", "thực hiện./."),
])
def test_close_body(text, closed):
    assert nd30.close_body(text) == closed


@pytest.mark.parametrize(("on_behalf", "title", "lines"), [
    ([("TM", "Ủy ban nhân dân")], "Chủ tịch", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
    ([("TM", "Ủy ban nhân dân"), ("KT", "Chủ tịch")], "Phó Chủ tịch",
     ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    ([("TL", "Bộ trưởng"), ("KT", "Vụ trưởng Vụ Pháp chế")], "Phó Vụ trưởng",
     ["TL. BỘ TRƯỞNG", "KT. VỤ TRƯỞNG VỤ PHÁP CHẾ", "PHÓ VỤ TRƯỞNG"]),
    ([("Q", "Giám đốc")], None, ["Q. GIÁM ĐỐC"]),
    ([("tuq", "Giám đốc")], "Trưởng phòng", ["TUQ. GIÁM ĐỐC", "TRƯỞNG PHÒNG"]),
    ([], "Giám đốc", ["GIÁM ĐỐC"]),
], ids=["TM", "TM+KT", "TL+KT", "Q", "TUQ", "plain"])
def test_signer_lines(on_behalf, title, lines):
    assert nd30.signer_lines(on_behalf, title) == lines


@pytest.mark.parametrize(("name", "lines"), [
    ("Ủy ban nhân dân thị xã Hồng Lĩnh", ["ỦY BAN NHÂN DÂN", "THỊ XÃ HỒNG LĨNH"]),
    ("ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HỒ CHÍ MINH"]),
    ("Hội đồng nhân dân xã Tân Phú", ["HỘI ĐỒNG NHÂN DÂN", "XÃ TÂN PHÚ"]),
    ("UBND tỉnh Nghệ An", ["UBND TỈNH NGHỆ AN"]),              # short prefix: one line
    ("Sở Nội vụ", ["SỞ NỘI VỤ"]),
    (["Cục Văn thư", "và Lưu trữ nhà nước"], ["CỤC VĂN THƯ", "VÀ LƯU TRỮ NHÀ NƯỚC"]),
], ids=["thi-xa", "thanh-pho", "xa", "abbreviated", "no-place", "forced"])
def test_agency_lines_break_where_a_van_thu_breaks(name, lines):
    assert nd30.agency_lines(name) == lines


@pytest.mark.parametrize(("recipients", "archive", "expected"), [
    (["Như trên"], "VT, VP", ["- Như trên;", "- Lưu: VT, VP."]),
    (["Như trên", "Sở Nội vụ"], None, ["- Như trên;", "- Sở Nội vụ;", "- Lưu: VT."]),
    ([], None, ["- Lưu: VT."]),
    # A "Lưu" line the caller put last is the archive, not an item before a second one.
    (["Như trên", "- Lưu VT, VP, CĐS"], None, ["- Như trên;", "- Lưu VT, VP, CĐS."]),
    (["Như trên", "Lưu: VT, TH."], None, ["- Như trên;", "- Lưu: VT, TH."]),
], ids=["archive", "no-archive", "nothing", "archive-as-item", "archive-item-ended"])
def test_recipients_always_end_with_the_archive_line(recipients, archive, expected):
    assert nd30.recipient_lines(recipients, archive) == expected
