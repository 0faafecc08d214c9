"""Validated payload → document model: numbering, labels, endings, ký hiệu, file names."""

import pytest

import schemas
from service.model.build import build
from tests.conftest import example


def model(payload: dict):
    return build(schemas.validate(payload))


def labels(document) -> list[tuple[str, str]]:
    return [(p.kind, p.label) for p in document.body]


def test_plan_numbering_by_depth():
    doc = model(example("ke_hoach"))
    assert labels(doc)[:6] == [("text", ""), ("heading1", "I."), ("heading2", "1."),
                               ("text", ""), ("text", ""), ("heading2", "2.")]
    kinds = dict(labels(doc))
    assert kinds["bullet"] in {"-", "+"}
    assert ("item", "a)") in labels(doc) and ("bullet", "+") in labels(doc)
    assert doc.body[1].text == "MỤC ĐÍCH, YÊU CẦU"        # level-1 headings print in caps
    assert [p.label for p in doc.body if p.kind == "heading1"] == ["I.", "II.", "III.", "IV."]


def test_decision_numbering():
    doc = model(example("quyet_dinh"))
    assert [(p.kind, p.label) for p in doc.body[:6]] == [
        ("article", "Điều 1."), ("article_title", "Điều 2."), ("item", "1."), ("item", "a)"),
        ("item", "b)"), ("item", "2.")]
    assert doc.enactment == "QUYẾT ĐỊNH:"
    assert doc.authority == "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN PHÚ"
    assert doc.bases[-1].endswith("xã.") and doc.bases[0].endswith("phương;")


def test_enactment_can_be_left_out():
    payload = example("quyet_dinh")
    payload["enactment"] = None
    assert model(payload).enactment is None


def test_labels_given_are_kept_and_counting_goes_on():
    payload = example("ke_hoach")
    payload["body"] = [{"heading": "Một"}, {"heading": "Hai", "label": "III."}, {"heading": "Ba"}]
    assert [p.label for p in model(payload).body] == ["I.", "III.", "III."]


def test_body_closes_with_the_mark_once():
    doc = model(example("ke_hoach"))
    assert doc.body[-1].text.endswith("giải quyết./.")
    payload = example("ke_hoach")
    payload["body"] = "Nội dung đã có dấu kết thúc./."
    assert model(payload).body[-1].text == "Nội dung đã có dấu kết thúc./."


def test_header_elements():
    doc = model(example("ke_hoach"))
    assert doc.issuer_lines == ("ỦY BAN NHÂN DÂN", "PHƯỜNG AN BÌNH")
    assert doc.number_line == "Số: 15/KH-UBND"
    assert doc.date_line == "An Bình, ngày 06 tháng 02 năm 2026"
    assert doc.signer.lines == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert doc.recipients[0] == "- Ủy ban nhân dân tỉnh (để b/c);"
    assert doc.recipients[-1] == "- Lưu: VT, VP."


def test_cong_van():
    doc = model(example("cong_van"))
    assert doc.number_line == "Số: 212/SNV-CCVC"
    assert doc.subject == "V/v cập nhật cơ sở dữ liệu cán bộ, công chức, viên chức"
    assert doc.parent_lines == ("UBND TỈNH BÌNH MINH",)
    assert doc.to == ("- Các sở, ban, ngành thuộc tỉnh;", "- Ủy ban nhân dân các xã, phường.")
    assert doc.type_name is None


@pytest.mark.parametrize("subject", ["V/v cập nhật", "v/v: cập nhật", "cập nhật"])
def test_vv_is_not_doubled(subject):
    payload = example("cong_van")
    payload["subject"] = subject
    assert model(payload).subject == "V/v cập nhật"


def test_single_kinh_gui_stays_on_its_line():
    assert model(example("bao_cao")).to == ("Ủy ban nhân dân tỉnh",)


def test_symbol_overrides_number_and_notation():
    payload = example("quyet_dinh")
    payload["symbol"] = "63/2025/QĐ-UBND"
    doc = model(payload)
    assert doc.number_line == "Số: 63/2025/QĐ-UBND"
    assert (doc.filename, doc.filename_utf8) == ("63-2025-QD-UBND", "63-2025-QĐ-UBND")


def test_unnumbered_file_name_from_type_and_subject():
    payload = example("ke_hoach")
    payload["number"] = None
    doc = model(payload)
    assert doc.filename == ("KH-Trien-khai-chuyen-doi-so-trong-giai-quyet-thu-tuc-hanh-chinh-"
                            "nam-2026")
    assert doc.filename_utf8.startswith("KH Triển khai chuyển đổi số")
    assert doc.filename.isascii()


def test_marks():
    payload = example("ke_hoach")
    payload.update(urgency="hoa_toc", secrecy="mat", circulation="Xem xong trả lại",
                   drafter={"code": "pl", "copies": 300})
    doc = model(payload)
    assert [(s.text, s.width_mm) for s in doc.stamps_left] == [("MẬT", None), ("HỎA TỐC", 30.0)]
    assert doc.stamps_top[0].text == "XEM XONG TRẢ LẠI"
    assert doc.drafter == "PL.(300)"


def test_metadata():
    meta = model(example("cong_van")).metadata
    assert meta.title.startswith("V/v cập nhật")
    assert meta.author == "SỞ NỘI VỤ"
    assert "212/SNV-CCVC" in meta.keywords


def test_chapters_take_default_labels_and_articles_number_through_them():
    payload = example("quyet_dinh")
    payload["body"] = [
        {"part": "Quy định chung", "children": [
            {"article": "Phạm vi", "children": [{"text": "Xã Tân Phú."}]},
            {"article": "Đối tượng"}]},
        {"part": "Điều khoản thi hành", "children": [{"article": "Hiệu lực"}]},
    ]
    body = model(payload).body
    # An article with nothing under it is a provision, however short: printed upright.
    assert [(p.kind, p.label, p.text) for p in body] == [
        ("part", "Chương I", "QUY ĐỊNH CHUNG"), ("article_title", "Điều 1.", "Phạm vi"),
        ("text", "", "Xã Tân Phú."), ("article", "Điều 2.", "Đối tượng"),
        ("part", "Chương II", "ĐIỀU KHOẢN THI HÀNH"), ("article", "Điều 3.", "Hiệu lực./.")]


def test_parts_of_a_plan_restart_their_sections_and_keep_given_labels():
    payload = example("ke_hoach")
    payload["body"] = [
        {"part": "Kết quả", "children": [{"heading": "Công tác chỉ đạo"}, {"heading": "Kết quả"}]},
        {"part": "Nhiệm vụ", "label": "Phần thứ hai", "children": [{"heading": "Mục tiêu"}]},
    ]
    assert labels(model(payload)) == [
        ("part", "Phần I"), ("heading1", "I."), ("heading1", "II."),
        ("part", "Phần thứ hai"), ("heading1", "I.")]


def test_appendices_labels_reference_and_closing():
    payload = example("ke_hoach")
    payload["appendices"] = [{"title": "Danh mục nhiệm vụ",
                              "body": "1. Rà soát hồ sơ\n2. Lập báo cáo"}]
    [single] = model(payload).appendices
    assert (single.label, single.title) == ("Phụ lục", "DANH MỤC NHIỆM VỤ")
    assert single.reference.startswith("(Kèm theo Kế hoạch số ")
    assert single.body[-1].text.endswith("./.")
    payload["appendices"].append({"title": "Biểu mẫu", "label": "Phụ lục 2a",
                                  "body": [{"text": "Mẫu báo cáo"}]})
    payload["number"], payload["date"] = None, "2026-02"        # a draft: blanks for the văn thư
    first, second = model(payload).appendices
    assert (first.label, second.label) == ("Phụ lục I", "Phụ lục 2a")
    assert "số \u00a0" in first.reference and "ngày \u00a0" in first.reference
    assert "tháng 02 năm 2026" in first.reference


def test_a_letter_s_appendix_refers_to_the_van_ban():
    payload = example("cong_van")
    payload["appendices"] = [{"title": "Danh sách", "body": [{"text": "Xem tệp kèm theo"}]}]
    [appendix] = model(payload).appendices
    assert appendix.reference.startswith("(Kèm theo Văn bản số 212/SNV-CCVC ngày ")


@pytest.mark.parametrize(("line", "kind"), [
    ("Điều 1. Thành lập Ban chỉ đạo gồm các ông (bà) có tên sau:", "article"),
    ("Điều 1. Quyết định này có hiệu lực kể từ ngày ký.", "article"),
    ("Điều 1. Phạm vi điều chỉnh", "article_title"),
    ("Điều 1. Trách nhiệm của Sở Nông nghiệp và Môi trường; Ủy ban nhân dân các xã, phường",
     "article_title"),
], ids=["opens-a-list", "sentence", "title", "long-title"])
def test_article_text_is_a_title_only_when_the_line_is_one(line, kind):
    """Decided by what the line is, not by whether dashes follow it (nd30-spec §3.7)."""
    payload = example("quyet_dinh")
    payload["body"] = f"{line}\n- Ông Trần Văn Bình;\n- Bà Lê Thị Hoa.\nĐiều 2. Thi hành."
    doc = model(payload)
    assert doc.body[0].kind == kind
    assert [p.kind for p in doc.body[1:3]] == ["bullet", "bullet"]


@pytest.mark.parametrize("last", [
    "Điều 3. Nghị quyết này đã được Hội đồng nhân dân xã khóa I thông qua ngày 20 tháng 3 "
    "năm 2026 và có hiệu lực kể từ ngày ký",
    "Điều 3. Quyết định này có hiệu lực kể từ ngày ký",
], ids=["long", "short"])
def test_an_article_with_nothing_under_it_is_a_provision(last):
    """Its full stop left to the "./." the service adds, it is still no title."""
    payload = example("quyet_dinh")
    payload["body"] = f"Điều 1. Phạm vi điều chỉnh\nQuy định chung.\nĐiều 2. Thi hành.\n{last}"
    doc = model(payload)
    assert [p.kind for p in doc.body] == ["article_title", "text", "article", "article"]
    assert doc.body[-1].text.endswith("ngày ký./.")


def test_a_long_subject_is_kept_whole_in_the_model():
    payload = example("quyet_dinh")
    payload["subject"] = "Về việc " + "bãi bỏ các quy định đã hết hiệu lực " * 8
    doc = model(payload)
    assert doc.subject == payload["subject"].strip()
    assert doc.metadata.title == doc.subject          # the renderer cuts what its container holds
