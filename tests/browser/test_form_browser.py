"""The clerk's form in a real browser (Debian's chromium driven by Playwright): fill, submit,
download, open the file; an error beside its field with the typed text kept; the preview; the
page without JS; and the page at 1366 × 768."""

from __future__ import annotations

import re
import zipfile

from tests.browser.support import BODY, SCREEN, by_label, fill_quyet_dinh, new_page, sync_api
from tests.conftest import docx_lines, open_docx


def test_a_clerk_fills_the_form_and_downloads_the_docx(page, base_url, tmp_path, shots):
    page.goto(base_url)
    page.screenshot(path=str(shots / "form-1366x768.png"))
    fill_quyet_dinh(page)
    # Only the quyết định's own inputs show; the letter's are hidden.
    assert by_label(page, "Căn cứ ban hành").is_visible()
    assert not by_label(page, "Kính gửi").is_visible()
    assert not by_label(page, "Viết tắt đơn vị soạn thảo").is_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải về").click()
    download = info.value
    assert download.suggested_filename == "07-QĐ-UBND.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    lines = docx_lines(open_docx(saved.read_bytes()))
    for expected in [
        "ỦY BAN NHÂN DÂN", "XÃ TÂN PHÚ", "Số: 07/QĐ-UBND", "Tân Phú, ngày 05 tháng 01 năm 2026",
        "QUYẾT ĐỊNH", "Về việc thành lập Tổ công nghệ số cộng đồng",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN PHÚ", "Căn cứ Luật Tổ chức chính quyền địa phương;",
        "Điều 1. Thành lập Tổ công nghệ số cộng đồng xã Tân Phú.",
        "a) Hỗ trợ tại nhà văn hóa các ấp.",
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký./.", "- Lưu: VT, VP.",
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Bình",
    ]:
        assert expected in lines, expected


def test_an_error_shows_beside_its_field_and_the_typed_text_stays(page, base_url, shots):
    page.goto(base_url)
    fill_quyet_dinh(page)
    by_label(page, "Họ và tên người ký").fill("")
    by_label(page, "Viết tắt tên cơ quan ban hành").fill("UB ND")
    page.get_by_role("button", name="Tải về").click()

    summary = page.locator("#summary")
    summary.wait_for()
    assert "2 chỗ cần sửa" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "summary"
    name_input = by_label(page, "Họ và tên người ký")
    error = page.locator("#f-signer_name-error")
    assert " ".join(error.text_content().split()) == "Lỗi: Không được để trống."
    assert name_input.get_attribute("aria-invalid") == "true"
    # Beside the field: right above its input, at the same left edge.
    box, input_box = error.bounding_box(), name_input.bounding_box()
    assert 0 <= input_box["y"] - (box["y"] + box["height"]) < 12
    assert abs(box["x"] - input_box["x"]) < 2
    assert "Chỉ gồm chữ và số" in page.locator("#f-issuer_code-error").inner_text()
    # Everything typed is still there, line breaks and all, and the type's fields still show.
    assert page.get_by_role("textbox", name="Nội dung", exact=True).input_value() == BODY
    assert by_label(page, "Viết tắt tên cơ quan ban hành").input_value() == "UB ND"
    assert by_label(page, "Thay cho (dòng 2)").input_value() == "Chủ tịch"
    assert by_label(page, "Căn cứ ban hành").is_visible()
    page.screenshot(path=str(shots / "error-1366x768.png"))
    name_input.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "error-at-field-1366x768.png"))

    # Following the summary's link lands on the input; fixing it downloads the file.
    page.get_by_role("link", name="Họ và tên người ký").click()
    assert page.evaluate("document.activeElement.id") == "f-signer_name"
    assert error.bounding_box()["y"] >= 0              # the message is on screen, not above it
    name_input.fill("Trần Văn Bình")
    by_label(page, "Viết tắt tên cơ quan ban hành").fill("UBND")
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải về").click()
    assert info.value.suggested_filename == "07-QĐ-UBND.docx"


def test_without_javascript_every_field_shows_and_the_unused_are_ignored(browser, base_url,
                                                                          tmp_path):
    page = new_page(browser, java_script_enabled=False)
    try:
        page.goto(base_url)
        fill_quyet_dinh(page)
        by_label(page, "Loại văn bản").select_option(label="Kế hoạch")
        assert by_label(page, "Kính gửi").is_visible()
        by_label(page, "Kính gửi").fill("Sở Nội vụ")
        page.get_by_role("textbox", name="Nội dung", exact=True).fill(
            "I. MỤC ĐÍCH\n1. Nâng cao chất lượng phục vụ.")
        with page.expect_download() as info:
            page.get_by_role("button", name="Tải về").click()
        saved = tmp_path / "ke-hoach.docx"
        info.value.save_as(saved)
        text = "\n".join(docx_lines(open_docx(saved.read_bytes())))
        assert "KẾ HOẠCH" in text and "I. MỤC ĐÍCH" in text
        assert "Sở Nội vụ" not in text and "Căn cứ Luật" not in text
    finally:
        page.context.close()


def test_the_page_fits_a_1366_screen_with_the_download_button_in_reach(page, base_url):
    page.goto(base_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    button = page.get_by_role("button", name="Tải về")
    box = button.bounding_box()
    assert box["y"] + box["height"] <= SCREEN["height"]        # the bar sticks to the bottom
    by_label(page, "Loại văn bản").select_option(label="Công văn")
    assert by_label(page, "Kính gửi").is_visible()
    assert by_label(page, "Viết tắt đơn vị soạn thảo").is_visible()
    assert not by_label(page, "Căn cứ ban hành").is_visible()


def test_both_formats_from_one_press(page, base_url, tmp_path, shots):
    page.goto(base_url)
    fill_quyet_dinh(page)
    page.get_by_label("Cả hai: DOCX và PDF (một tệp ZIP)").check()
    page.locator(".actions").screenshot(path=str(shots / "formats-1366x768.png"))
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải về").click()
    assert info.value.suggested_filename == "07-QĐ-UBND.zip"
    saved = tmp_path / "both.zip"
    info.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert archive.namelist() == ["07-QD-UBND.docx", "07-QD-UBND.pdf"]
        lines = docx_lines(open_docx(archive.read("07-QD-UBND.docx")))
        assert archive.read("07-QD-UBND.pdf").startswith(b"%PDF")
    assert "Số: 07/QĐ-UBND" in lines


def test_the_next_number_is_offered_as_the_issuer_is_typed(page, base_url, shots):
    page.goto(base_url)
    next_line = page.locator("#f-number-next")
    assert not next_line.is_visible()
    by_label(page, "Viết tắt tên cơ quan ban hành").fill("UBND")
    by_label(page, "Số văn bản").click()                       # leaving the code asks the sổ
    sync_api.expect(next_line).to_have_text(
        re.compile(r"Số tiếp theo trong sổ của UBND năm \d{4}: \d\d+"))
    by_label(page, "Lấy số tiếp theo trong sổ đăng ký khi tải về").check()
    page.locator(".section-numbering").screenshot(path=str(shots / "next-number.png"))


def test_pick_lists_add_what_clerks_type_again_and_again(page, base_url, shots):
    page.goto(base_url)
    fill_quyet_dinh(page)                                 # its body ends at Điều 3
    recipients = by_label(page, "Nơi nhận")
    recipients.fill("")
    page.get_by_role("button", name="+ Như Điều 3").click()
    page.get_by_role("button", name="+ Như trên").click()
    page.get_by_role("button", name="+ Như trên").click()        # a line is added once
    assert recipients.input_value() == "Như Điều 3\nNhư trên"
    page.get_by_role("textbox", name="Nội dung", exact=True).fill(
        "Điều 1. Một.\nĐiều 2. Hai.\nĐiều 5. Năm.")
    assert page.get_by_role("button", name="+ Như Điều 5").is_visible()
    options = page.locator("#f-archive-picks option").evaluate_all(
        "options => options.map(o => o.value)")
    assert options[:2] == ["VT", "VT, VP"]
    page.locator(".section-recipients").screenshot(path=str(shots / "picks-1366x768.png"))
