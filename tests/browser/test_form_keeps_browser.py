"""What the clerk keeps, in a real browser: nothing typed is lost on a reload; an agency profile
saved, chosen on a new day and used; a draft saved, reopened after a reload and downloaded;
"Tạo văn bản tương tự" after a download."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import (  # skips without chromium
    by_label,
    download_lines,
    fill_quyet_dinh,
    serving,
    sync_api,
)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The app on its own database, so the profiles and drafts seen are this module's."""
    from service import create_app
    from tests.conftest import batch_settings

    app = create_app(batch_settings(tmp_path_factory.mktemp("keeps")))
    with serving(app) as url:
        yield url
    app.extensions["vanban.batch"].close(timeout=5)


def test_nothing_typed_is_lost_on_a_reload(page, base_url):
    page.goto(base_url)
    fill_quyet_dinh(page)
    by_label(page, "Ngày ban hành").fill("01/12/2026")
    page.reload()
    assert by_label(page, "Trích yếu").input_value() == \
        "Về việc thành lập Tổ công nghệ số cộng đồng"
    assert by_label(page, "Thay cho (dòng 2)").input_value() == "Chủ tịch"
    assert by_label(page, "Căn cứ ban hành").is_visible()          # the type's inputs again
    sync_api.expect(page.locator("#f-date-echo")).to_have_text(
        "Sẽ in: ngày 01 tháng 12 năm 2026")


def test_a_profile_saved_then_chosen_and_used(page, base_url, tmp_path, shots):
    page.goto(base_url)
    fill_quyet_dinh(page)
    by_label(page, "Tên gọi để lưu").fill("UBND xã Tân Phú")
    page.get_by_role("button", name="Lưu cơ quan").click()
    sync_api.expect(page.locator("#notice")).to_contain_text("Đã lưu cơ quan “UBND xã Tân Phú”")
    # Another day, another tab: an empty form.
    other = page.context.new_page()
    other.goto(base_url)
    assert by_label(other, "Viết tắt tên cơ quan ban hành").input_value() == ""
    by_label(other, "Loại văn bản").select_option(label="Quyết định")
    by_label(other, "Cơ quan đã lưu").select_option(label="UBND xã Tân Phú")
    other.get_by_role("button", name="Điền cơ quan này").click()
    sync_api.expect(other.locator("#notice")).to_contain_text("Đã điền cơ quan")
    assert by_label(other, "Viết tắt tên cơ quan ban hành").input_value() == "UBND"
    assert by_label(other, "Họ và tên người ký").input_value() == "Trần Văn Bình"
    assert by_label(other, "Nơi nhận").input_value() == "Như Điều 3\nChủ tịch UBND xã"
    other.locator("#co-quan").screenshot(path=str(shots / "profile-1366x768.png"))
    by_label(other, "Số văn bản").fill("8")
    by_label(other, "Trích yếu").fill("Về việc kiện toàn Tổ công nghệ số")
    other.get_by_role("textbox", name="Nội dung", exact=True).fill("Điều 1. Kiện toàn Tổ.")
    lines = download_lines(other, tmp_path)
    assert "Số: 08/QĐ-UBND" in lines and "Trần Văn Bình" in lines and "- Lưu: VT, VP." in lines
    other.close()


def test_a_draft_saved_reopened_after_a_reload_and_downloaded(page, base_url, tmp_path, shots):
    page.goto(base_url)
    fill_quyet_dinh(page)
    by_label(page, "Trích yếu").fill("Về việc khen thưởng (nháp)")
    page.get_by_role("button", name="Lưu bản nháp").click()
    sync_api.expect(page.locator("#notice")).to_contain_text("Đã lưu bản nháp")
    page.evaluate("window.sessionStorage.clear()")
    page.goto(base_url)
    page.get_by_text("Bản nháp đã lưu").click()
    page.get_by_role("link", name="Quyết định: Về việc khen thưởng (nháp)").click()
    sync_api.expect(by_label(page, "Trích yếu")).to_have_value("Về việc khen thưởng (nháp)")
    page.locator("#co-quan").screenshot(path=str(shots / "drafts-1366x768.png"))
    by_label(page, "Trích yếu").fill("Về việc khen thưởng tập thể")
    page.reload()                                        # what was typed since, kept too
    assert by_label(page, "Trích yếu").input_value() == "Về việc khen thưởng tập thể"
    assert "Về việc khen thưởng tập thể" in download_lines(page, tmp_path)
    # Then one like it: a new number and today's date, the rest as it was.
    page.get_by_role("link", name="Tạo văn bản tương tự văn bản vừa tạo").click()
    assert by_label(page, "Trích yếu").input_value() == "Về việc khen thưởng tập thể"
    assert by_label(page, "Số văn bản").input_value() == ""
