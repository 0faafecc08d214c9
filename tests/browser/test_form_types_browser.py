"""Every type's own inputs in a real browser: choosing giấy mời shows its invitees, time and
venue and hides what it does not use; a biên bản offers its meeting facts and two signature
blocks side by side (a third once both are filled); each downloads as typed."""

from __future__ import annotations

from typing import Any

from tests.browser.support import by_label, download_lines, sync_api  # skips w/o chromium


def issuer(page: Any) -> None:
    page.get_by_role("textbox", name="Cơ quan ban hành", exact=True).fill(
        "Ủy ban nhân dân xã Tân Phú")
    by_label(page, "Viết tắt tên cơ quan ban hành").fill("UBND")
    by_label(page, "Số văn bản").fill("18")


def test_a_giay_moi_shows_its_own_inputs_and_downloads(page, base_url, tmp_path, shots):
    page.goto(base_url)
    by_label(page, "Loại văn bản").select_option(label="Giấy mời")
    for label in ("Kính mời", "Tới dự", "Thời gian", "Địa điểm", "Chủ trì"):
        assert by_label(page, label).is_visible(), label
    for label in ("Căn cứ ban hành", "Kính gửi", "Thành phần tham dự", "Họ và tên"):
        assert not by_label(page, label).is_visible(), label
    issuer(page)
    by_label(page, "Địa danh").fill("Tân Phú")
    by_label(page, "Ngày ban hành").fill("06/01/2026")
    by_label(page, "Trích yếu").fill("Dự Hội nghị tổng kết công tác năm 2025")
    by_label(page, "Kính mời").fill("Ông Trần Văn Minh, Trưởng ấp Bình An")
    by_label(page, "Tới dự").fill("Hội nghị tổng kết công tác năm 2025")
    by_label(page, "Thời gian").fill("08:00 15/01/2026")
    by_label(page, "Địa điểm").fill("Hội trường Ủy ban nhân dân xã")
    by_label(page, "Quyền hạn ký, dòng 1").select_option("TM")
    by_label(page, "Thay cho (dòng 1)").fill("Ủy ban nhân dân")
    by_label(page, "Chức vụ người ký").fill("Chủ tịch")
    by_label(page, "Họ và tên người ký").fill("Trần Văn Bình")
    page.locator("fieldset.section-own").screenshot(path=str(shots / "giay-moi-own.png"))
    text = "\n".join(download_lines(page, tmp_path))
    for expected in ("GIẤY MỜI", "Ông Trần Văn Minh, Trưởng ấp Bình An",
                     "Hội nghị tổng kết công tác năm 2025",
                     "08 giờ 00, ngày 15 tháng 01 năm 2026", "Hội trường Ủy ban nhân dân xã",
                     "Trần Văn Bình"):
        assert expected in text, expected


def test_a_bien_ban_with_its_meeting_and_two_signers(page, base_url, tmp_path, shots):
    page.goto(base_url)
    by_label(page, "Loại văn bản").select_option(label="Biên bản")
    assert not by_label(page, "Họ và tên người ký").is_visible()       # one signer: not here
    third = page.locator('#f-signers .block[data-block="3"]')
    assert not third.is_visible()
    issuer(page)
    by_label(page, "Trích yếu").fill("Họp tổng kết công tác chuyển đổi số năm 2025")
    by_label(page, "Thời gian bắt đầu").fill("08:00 15/01/2026")
    by_label(page, "Địa điểm").fill("Hội trường Ủy ban nhân dân xã Tân Phú")
    by_label(page, "Thành phần tham dự").fill("Ông Trần Văn Bình\nBà Phan Thị Ngọc")
    by_label(page, "Chủ trì (chủ tọa)").fill("Ông Trần Văn Bình, Chủ tịch")
    by_label(page, "Thư ký (người ghi biên bản)").fill("Bà Phan Thị Ngọc")
    by_label(page, "Thời gian kết thúc").fill("10:30 15/01/2026")
    page.get_by_role("textbox", name="Nội dung", exact=True).fill(
        "1. Báo cáo kết quả năm 2025.\n2. Thảo luận.")
    by_label(page, "Người ký 1: dòng trên cùng").fill("THƯ KÝ")
    by_label(page, "Người ký 1: họ và tên").fill("Phan Thị Ngọc")
    by_label(page, "Người ký 2: dòng trên cùng").fill("CHỦ TỌA")
    by_label(page, "Người ký 2: quyền hạn ký, dòng 1").select_option("TM")
    sync_api.expect(by_label(page, "Người ký 2: quyền hạn ký, dòng 2")).to_be_visible()
    by_label(page, "Người ký 2: thay cho, dòng 1").fill("Ủy ban nhân dân")
    by_label(page, "Người ký 2: chức vụ").fill("Chủ tịch")
    by_label(page, "Người ký 2: họ và tên").fill("Trần Văn Bình")
    assert third.is_visible()                        # room for a third block, now both are used
    page.locator("fieldset.section-signer").screenshot(path=str(shots / "bien-ban-signers.png"))
    text = "\n".join(download_lines(page, tmp_path))
    for expected in ("BIÊN BẢN", "Hội trường Ủy ban nhân dân xã Tân Phú", "Bà Phan Thị Ngọc",
                     "10 giờ 30, ngày 15 tháng 01 năm 2026", "THƯ KÝ", "CHỦ TỌA",
                     "TM. ỦY BAN NHÂN DÂN", "Phan Thị Ngọc", "Trần Văn Bình"):
        assert expected in text, expected
