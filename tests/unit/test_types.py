"""Every NĐ30 type as data: the registry (nd30-spec §5–§6), its contract and its model parts."""

import pytest

import schemas
from schemas.registry import COMMON, KINDS, TYPES
from service.errors import ValidationError
from service.model.build import build
from tests.conftest import example

# Điều 7 and Phụ lục III: key → (abbreviation, Mẫu), exactly as written (§5).
SPEC = {
    "nghi_quyet": ("NQ", "1.1"), "quyet_dinh": ("QĐ", "1.2"), "chi_thi": ("CT", "1.4"),
    "quy_che": ("QC", "1.4"), "quy_dinh": ("QyĐ", "1.4"), "thong_cao": ("TC", "1.4"),
    "thong_bao": ("TB", "1.4"), "huong_dan": ("HD", "1.4"), "chuong_trinh": ("CTr", "1.4"),
    "ke_hoach": ("KH", "1.4"), "phuong_an": ("PA", "1.4"), "de_an": ("ĐA", "1.4"),
    "du_an": ("DA", "1.4"), "bao_cao": ("BC", "1.4"), "bien_ban": ("BB", "1.9"),
    "to_trinh": ("TTr", "1.4"), "hop_dong": ("HĐ", None), "cong_van": (None, "1.5"),
    "cong_dien": ("CĐ", "1.6"), "ban_ghi_nho": ("BGN", None), "ban_thoa_thuan": ("BTT", None),
    "giay_uy_quyen": ("GUQ", "1.4"), "giay_moi": ("GM", "1.7"),
    "giay_gioi_thieu": ("GGT", "1.8"), "giay_nghi_phep": ("GNP", "1.10"),
    "phieu_gui": ("PG", "1.4"), "phieu_chuyen": ("PC", "1.4"), "phieu_bao": ("PB", "1.4"),
    "thu_cong": (None, None),
}


def model(payload: dict):
    return build(schemas.validate(payload))


def errors_of(payload: dict) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        schemas.validate(payload)
    return info.value.fields


def test_the_registry_is_the_29_types_of_dieu_7():
    assert {k: (t.abbrev, t.mau) for k, t in TYPES.items()} == SPEC


@pytest.mark.parametrize("key", list(TYPES))
def test_each_type_describes_what_it_uses(key):
    doc_type = TYPES[key]
    inputs = doc_type.inputs()
    paths = [f.path for f in inputs]
    assert len(paths) == len(set(paths))
    for f in inputs:
        assert f.kind in KINDS and f.label
    required_tops = {f.path.split(".")[0] for f in inputs if f.required}
    assert required_tops <= set(doc_type.required)
    assert ("subject" in paths) == (doc_type.subject != "none")
    assert ("authority" in paths) == doc_type.decides
    own = {f.path for f in doc_type.fields}
    assert not own & (set(COMMON) - {"to", "signers"})


@pytest.mark.parametrize("key", list(TYPES))
def test_each_example_builds_with_its_abbreviation(key):
    doc = model(example(key))
    abbrev = TYPES[key].abbrev
    notation = doc.number_line.split("/", 1)[1]
    assert notation.startswith(f"{abbrev}-") if abbrev else "/" in doc.number_line
    assert sum(p.text.endswith("./.") for p in doc.body) <= 1


@pytest.mark.parametrize(("key", "field"), [
    ("ke_hoach", "invitees"), ("quyet_dinh", "meeting"), ("giay_moi", "person"),
    ("cong_van", "sender"), ("quy_che", "attachment"), ("bien_ban", "parties"),
])
def test_a_type_refuses_the_fields_of_another(key, field):
    payload = example(key)
    owner = {"invitees": "giay_moi", "meeting": "bien_ban", "person": "giay_gioi_thieu",
             "sender": "cong_dien", "parties": "hop_dong"}.get(field)
    payload[field] = example(owner)[field] if owner else attached()["attachment"]
    assert errors_of(payload)[field] == [f"Không dùng cho {TYPES[key].label}."]


def test_fields_the_mau_lacks_are_refused():
    payload = example("giay_gioi_thieu")
    payload.update(subject="Giới thiệu", body="Nội dung")
    fields = errors_of(payload)
    assert fields["subject"] == ["Giấy giới thiệu không có phần này (Mẫu 1.8)."]
    assert "body" in fields
    payload = example("chi_thi")
    payload["authority"] = "Chủ tịch"
    assert errors_of(payload)["authority"] == ["Chỉ dùng cho quyết định, nghị quyết."]


def test_required_per_type_are_named_all_at_once():
    fields = errors_of({"type": "giay_moi", "issuer": {"name": "UBND xã", "code": "UBND"}})
    assert set(fields) == {"place", "subject", "signer", "invitees", "time", "venue"}
    assert fields["invitees"] == ["Bắt buộc với giấy mời."]
    assert fields["place"] == ["Thiếu trường bắt buộc."]
    fields = errors_of({"type": "bien_ban", "issuer": {"name": "UBND xã", "code": "UBND"}})
    assert set(fields) == {"subject", "body", "signers", "meeting"}          # no place (1.9)


def test_several_signatures_need_signers_and_one_signature_needs_one():
    payload = example("bien_ban")
    payload["signer"] = payload.pop("signers")[0]
    fields = errors_of(payload)
    assert fields["signer"] == ["Loại văn bản này có nhiều khối chữ ký: dùng signers."]
    assert fields["signers"] == ["Thiếu trường bắt buộc."]
    payload = example("bien_ban")
    payload["signers"] = payload["signers"][:1]
    assert errors_of(payload)["signers"] == ["Cần ít nhất hai khối chữ ký."]
    payload = example("ke_hoach")
    payload["signers"] = [payload.pop("signer")] * 2
    assert errors_of(payload)["signers"] == ["Loại văn bản này có một người ký: dùng signer."]


def test_a_joint_document_has_one_signature_per_issuer():
    payload = example("quy_che")
    payload["signers"] = payload["signers"][:1]
    assert errors_of(payload)["signers"] == ["Một khối chữ ký cho mỗi cơ quan ban hành (2)."]
    payload = example("quy_che")
    payload["issuer"] = payload["issuers"][0]
    assert "issuers" in errors_of(payload)


def test_joint_document_joins_the_codes_and_prints_every_issuer():
    doc = model(example("quy_che"))
    assert doc.number_line == "Số: 04/QC-UBND-UBMTTQ"
    assert doc.issuer_lines == ("ỦY BAN NHÂN DÂN", "XÃ TÂN PHÚ")
    assert [i.issuer_lines for i in doc.co_issuers] == [
        ("BAN THƯỜNG TRỰC", "ỦY BAN MTTQ VIỆT NAM", "XÃ TÂN PHÚ")]
    assert doc.signer is None
    assert [s.lines for s in doc.signers] == [("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
                                              ("TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH")]
    assert doc.metadata.author.count(" - ") == 1
    assert [p.label for p in doc.body if p.kind == "part"] == ["Chương I", "Chương II",
                                                               "Chương III"]


@pytest.mark.parametrize(("n", "rows"), [(1, [1]), (2, [2]), (3, [3]), (4, [2, 2]),
                                          (5, [3, 2]), (6, [3, 3])])
def test_side_by_side_blocks_fill_rows_evenly(n, rows):
    payload = example("hop_dong")
    payload["signers"] = [{"name": f"Người ký {i}", "heading": f"Bên {i}"} for i in range(n)]
    if n == 1:
        assert "signers" in errors_of(payload)
        return
    doc = model(payload)
    assert [len(r) for r in doc.signer_rows] == rows
    assert doc.signers[0].lines == ("BÊN 0",)


def test_cong_dien_sender_line_and_addressees():
    doc = model(example("cong_dien"))
    assert doc.sender == "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH"
    assert doc.addressees[0] == "- Giám đốc các sở, ngành thuộc tỉnh;"
    assert doc.addressees[-1] == "- Bộ Chỉ huy Quân sự tỉnh, Công an tỉnh."
    assert doc.to == ()                                     # no Kính gửi block
    payload = example("cong_dien")
    del payload["sender"]
    payload["to"] = ["Ủy ban nhân dân các xã"]
    doc = model(payload)
    assert doc.sender == "ỦY BAN NHÂN DÂN TỈNH BÌNH MINH"      # the issuer, by default
    assert doc.addressees == ("- Ủy ban nhân dân các xã.",)    # one is still a list line


def test_giay_moi_lines():
    doc = model(example("giay_moi"))
    inv = doc.invitation
    assert inv.issuer == "Ủy ban nhân dân xã Tân Phú" and inv.line is None
    assert inv.invitees == ("Ông Trần Văn Minh, Trưởng ấp Bình An",)
    assert inv.time == "08 giờ 00, ngày 15 tháng 01 năm 2026"
    assert not inv.venue.endswith("./.") and doc.body[-1].text.endswith("./.")
    assert doc.recipients == ("- Như trên;", "- Lưu: VT.")    # the Mẫu's nơi nhận
    payload = example("giay_moi")
    del payload["body"]
    payload.update(invitees=["Ông A", "Bà B"], event="Tới dự hội nghị",
                   invitation="Ban Tổ chức trân trọng kính mời:")
    inv = model(payload).invitation
    assert inv.invitees == ("- Ông A;", "- Bà B.")
    assert inv.event == "hội nghị" and inv.line == "Ban Tổ chức trân trọng kính mời:"
    assert inv.venue.endswith("./.")                           # the last line closes it


@pytest.mark.parametrize(("value", "printed"), [
    ("2026-01-15T08:00", "08 giờ 00, ngày 15 tháng 01 năm 2026"),
    ("2026-03-05 14:30", "14 giờ 30, ngày 05 tháng 3 năm 2026"),
    ("2026-03-05", "ngày 05 tháng 3 năm 2026"),
    ("Sáng thứ Hai, ngày 05/3/2026", "Sáng thứ Hai, ngày 05/3/2026"),
])
def test_times_print_as_the_mau_writes_them(value, printed):
    payload = example("giay_moi")
    payload["time"] = value
    assert model(payload).invitation.time == printed


def test_an_iso_time_that_is_no_real_time_is_refused():
    payload = example("giay_moi")
    payload["time"] = "2026-02-30T08:00"
    assert errors_of(payload)["time"][0].startswith("Ngày giờ phải theo dạng")


def test_giay_gioi_thieu_has_no_subject_and_blanks_for_the_date():
    doc = model(example("giay_gioi_thieu"))
    assert doc.subject == "" and doc.body == ()
    intro = doc.introduction
    assert (intro.name, intro.sent_to) == ("Phan Thị Ngọc", "Sở Nội vụ tỉnh Bình Minh")
    assert intro.valid_until == "ngày 31 tháng 3 năm 2026"
    assert doc.recipients[0] == "- Như trên;"
    payload = example("giay_gioi_thieu")
    del payload["valid_until"]
    assert model(payload).introduction.valid_until.startswith("ngày \u00a0")


def test_giay_nghi_phep_counts_the_days_both_included():
    leave = model(example("giay_nghi_phep")).leave
    assert (leave.days, leave.start, leave.end) == (
        "05", "ngày 06 tháng 4 năm 2026", "ngày 10 tháng 4 năm 2026")
    assert leave.request_date == "ngày 20 tháng 3 năm 2026" and leave.confirmation
    payload = example("giay_nghi_phep")
    payload["leave"].update(days=3, to="2026-04-03")
    assert errors_of(payload)["leave.to"] == ["Ngày kết thúc phải sau ngày bắt đầu."]
    payload["leave"]["to"] = "2026-04-12"
    assert model(payload).leave.days == "03"


def test_bien_ban_has_no_date_line_and_its_closing_line_carries_the_mark():
    doc = model(example("bien_ban"))
    assert doc.date_line == ""
    assert not doc.body[-1].text.endswith("./.")
    assert doc.meeting.ended_at == "10 giờ 30, ngày 15 tháng 01 năm 2026"
    assert [s.lines for s in doc.signers] == [("THƯ KÝ",), ("CHỦ TỌA",)]
    assert doc.recipients[-1] == "- Lưu: VT, Hồ sơ."
    payload = example("bien_ban")
    payload.update(place="Tân Phú", date="2026-01-15")
    assert model(payload).date_line == "Tân Phú, ngày 15 tháng 01 năm 2026"


def test_parties_and_their_signature_blocks():
    doc = model(example("hop_dong"))
    first = doc.parties[0]
    assert (first.heading, first.name, first.representative) == (
        "BÊN A (BÊN THUÊ DỊCH VỤ)", "Ủy ban nhân dân xã Tân Phú", "Ông Trần Văn Bình")
    assert doc.signers[1].lines == ("ĐẠI DIỆN BÊN A", "CHỦ TỊCH")
    assert [p.kind for p in doc.body][:2] == ["article_title", "text"]


def test_thu_cong_names_itself_and_uses_the_letter_notation():
    doc = model(example("thu_cong"))
    assert doc.type_name == "THƯ CHÚC MỪNG" and doc.number_line == "Số: 35/UBND"
    payload = example("thu_cong")
    del payload["title"], payload["subject"]
    doc = model(payload)
    assert (doc.type_name, doc.subject) == ("THƯ", "")


def attached(**attachment) -> dict:
    payload = example("quyet_dinh")
    payload["attachment"] = {"type": "quy_che", "subject": "Quy chế hoạt động của Tổ",
                             "body": "Chương I\nQuy định chung\nĐiều 1. Phạm vi\nNội dung.",
                             **attachment}
    return payload


def test_an_attached_quy_che_numbers_its_own_chapters_and_refers_to_the_decision():
    doc = model(attached())
    att = doc.attachment
    assert att.type_name == "QUY CHẾ"
    assert att.reference == ("(Kèm theo Quyết định số 07/QĐ-UBND ngày 05 tháng 01 năm 2026 "
                             "của Chủ tịch Ủy ban nhân dân xã Tân Phú)")
    assert [(p.kind, p.label) for p in att.body][:2] == [("part", "Chương I"),
                                                         ("article_title", "Điều 1.")]
    assert att.body[-1].text.endswith("./.")
    assert model(attached(reference="(Kèm theo …)")).attachment.reference == "(Kèm theo …)"
    payload = attached()
    payload["authority"] = "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN PHÚ"    # caps: the issuer instead
    assert model(payload).attachment.reference.endswith("của Ủy ban nhân dân xã Tân Phú)")
    assert errors_of(attached(type="bao_cao"))["attachment.type"]


def test_copy_block_number_form_and_its_own_nơi_nhận():
    copy = model(example("quy_dinh")).copy
    assert (copy.form, copy.number_line) == ("SAO Y", "Số: 08/SY-VP")
    assert copy.date_line == "Bình Minh, ngày 22 tháng 01 năm 2026"
    assert copy.issuer.parent_lines == ("SỞ TÀI CHÍNH",)
    assert copy.signer.lines == ("TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG")
    assert copy.recipients == ("- Các phòng thuộc Sở;", "- Lưu: VT.")
    payload = example("quy_dinh")
    payload["copy"]["form"] = "trich_sao"
    assert model(payload).copy.number_line == "Số: 08/TrS-VP"


def test_numbers_and_yes_no_may_come_as_text_from_a_form_or_a_sheet():
    payload = example("giay_nghi_phep")
    payload["leave"]["days"] = "3"
    payload["confirmation"] = "false"
    leave = model(payload).leave
    assert (leave.days, leave.confirmation) == ("03", False)
    payload["leave"]["days"], payload["confirmation"] = "ba", "có lẽ"
    fields = errors_of(payload)
    assert fields["leave.days"] == ["Phải là số nguyên dương."]
    assert fields["confirmation"] == ["Phải là true hoặc false."]


def test_a_signed_document_leaves_the_number_and_date_of_its_references_unfilled():
    """Mẫu 1.3 and 2.2: an electronic document carries its số and date in its digital
    signature, so "(Kèm theo … số … ngày …)" leaves them for it (nd30-spec §4, §8)."""
    payload = attached()
    payload["appendices"] = [{"title": "Danh sách", "body": "Ông A."}]
    paper = model(payload)
    payload["sign"] = {"agency": "vanthu"}
    electronic = model(payload)
    blank = "\u00a0" * 8
    assert paper.appendices[0].reference.startswith(
        "(Kèm theo Quyết định số 07/QĐ-UBND ngày 05 tháng 01 năm 2026 của")
    assert electronic.appendices[0].reference == (
        f"(Kèm theo Quyết định số {blank}/QĐ-UBND ngày {blank} tháng {blank} năm 20"
        f"{blank[:4]} của Ủy ban nhân dân xã Tân Phú)")
    assert electronic.attachment.reference.startswith(
        f"(Kèm theo Quyết định số {blank}/QĐ-UBND ngày {blank} tháng")
    assert electronic.number_line == paper.number_line == "Số: 07/QĐ-UBND"
