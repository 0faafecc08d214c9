"""The preview in a real browser: every page, zoomable to reading size, beside the form at
1366 × 768 and right after the buttons at 414 × 896, without a reload and without losing the
clerk's place; without JS the post comes back at the preview."""

from __future__ import annotations

from typing import Any

from tests.browser.support import (
    PHONE,
    SCREEN,
    by_label,  # skips without chromium
    fill_quyet_dinh,
    new_page,
    sync_api,
)

# Long enough to fill three pages.
BODY = "\n".join(f"Điều {n}. Nội dung điều {n}: giao Văn phòng theo dõi, đôn đốc thực hiện."
                 for n in range(1, 90))
A4_CSS_WIDTH = 794          # 210 mm at 96 CSS px to the inch: the page's real size on screen


def fill_long(page: Any) -> None:
    fill_quyet_dinh(page)
    page.get_by_role("textbox", name="Nội dung", exact=True).fill(BODY)


def click_where_seen(page: Any, locator: Any) -> None:
    """Click as the clerk does, where the button shows (Playwright's own click first scrolls
    to the element's place in the flow, which for the sticky bar moves the page)."""
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def zoom_to_real_size(page: Any) -> None:
    """Press "Phóng to" until the zoom says 100 %, as a clerk would (a few presses at most)."""
    level = page.locator("#zoom-level")
    for _ in range(6):
        if level.inner_text() == "100 %":
            return
        page.get_by_role("button", name="Phóng to").click()
    assert level.inner_text() == "100 %"


def wait_for_pages(page: Any) -> Any:
    images = page.locator("#preview .pages img")
    sync_api.expect(images.first).to_be_visible()
    assert images.count() >= 3
    # Every page loaded, not blocked by the page's Content-Security-Policy.
    assert all(images.evaluate_all("imgs => imgs.map(i => i.complete && i.naturalWidth > 0)"))
    return images


def test_every_page_beside_the_form_zoomed_to_reading_size(page, base_url, shots):
    page.goto(base_url)
    fill_long(page)
    recipients = by_label(page, "Nơi nhận")
    recipients.click()                                  # the clerk is at the nơi nhận
    page.evaluate("window.samePage = true")
    y = page.evaluate("window.scrollY")
    assert y > 500
    click_where_seen(page, page.get_by_role("button", name="Xem trước"))
    images = wait_for_pages(page)
    total = images.count()
    sync_api.expect(page.locator("#preview-title")).to_have_text(f"Xem trước: {total} trang")
    # No reload, no jump: the same page, the same place, the preview held beside it.
    assert page.evaluate("window.samePage") is True
    assert page.evaluate("window.scrollY") == y
    box = page.locator("#preview").bounding_box()
    assert box["x"] > SCREEN["width"] / 2 and box["y"] >= 0 and \
        box["y"] + box["height"] <= SCREEN["height"]
    assert not page.locator("#preview-back").is_visible()
    page.screenshot(path=str(shots / "preview-1366x768.png"))

    # Zoomed to the page's real size: the nơi nhận and every other line at reading size.
    zoom_to_real_size(page)
    for index in range(total):
        assert abs(images.nth(index).bounding_box()["width"] - A4_CSS_WIDTH) <= 1
    pages_box = page.locator("#preview .pages")
    assert pages_box.evaluate("el => el.scrollWidth > el.clientWidth")   # it scrolls, in its box
    # The wheel over the pages scrolls them in their box, down to the last page's nơi nhận.
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(total * 3):
        page.mouse.wheel(0, 900)
    sync_api.expect(images.nth(total - 1)).to_be_in_viewport()
    page.screenshot(path=str(shots / "preview-100-1366x768.png"))
    assert page.evaluate("window.scrollY") == y

    page.get_by_role("button", name="Toàn màn hình").click()
    full = page.locator("#preview").bounding_box()
    assert (full["x"], full["y"], full["width"], full["height"]) == (
        0, 0, SCREEN["width"], SCREEN["height"])
    page.screenshot(path=str(shots / "preview-full-1366x768.png"))
    page.keyboard.press("Escape")
    assert page.locator("#preview").bounding_box()["width"] < SCREEN["width"] / 2
    assert page.evaluate("window.scrollY") == y

    stale = page.locator("#preview-stale")
    assert not stale.is_visible()
    recipients.fill("Như Điều 3")
    assert stale.is_visible()


def test_on_a_phone_the_preview_follows_the_button_and_the_way_back(phone, base_url,
                                                                     shots):
    phone.goto(base_url)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    fill_long(phone)
    signer = by_label(phone, "Họ và tên người ký")
    signer.click()
    y = phone.evaluate("window.scrollY")
    # Right after the buttons, before the JSON and batch sections.
    order = phone.evaluate("""() => ['.actions', '#preview', '#json'].map(
        s => document.querySelector(s).getBoundingClientRect().top + window.scrollY)""")
    assert order == sorted(order)
    # Each button keeps its words on one line ("Tải về", not "Tải / về"): the row wraps instead.
    lines = phone.locator(".actions button").evaluate_all("""buttons => buttons.map(b => {
        const range = document.createRange(); range.selectNodeContents(b);
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; })""")
    assert lines == [1, 1, 1], lines
    phone.screenshot(path=str(shots / "form-414x896.png"))
    click_where_seen(phone, phone.get_by_role("button", name="Xem trước"))
    images = wait_for_pages(phone)
    # Brought into view, with the pages fitted to the screen and a way back.
    top = phone.locator("#preview").bounding_box()["y"]
    assert 0 <= top < 100
    first = images.first.bounding_box()
    assert first["x"] >= 0 and first["x"] + first["width"] <= PHONE["width"]
    phone.screenshot(path=str(shots / "preview-414x896.png"))
    zoom_to_real_size(phone)
    assert abs(images.first.bounding_box()["width"] - A4_CSS_WIDTH) <= 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(shots / "preview-100-414x896.png"))
    phone.get_by_role("button", name="↑ Về chỗ đang sửa").click()
    assert phone.evaluate("window.scrollY") == y
    assert phone.evaluate("document.activeElement.id") == "f-signer_name"


def test_without_javascript_the_preview_comes_back_at_the_preview(browser, base_url):
    page = new_page(browser, java_script_enabled=False, viewport=PHONE)
    try:
        page.goto(base_url)
        fill_long(page)
        page.get_by_role("button", name="Xem trước").click()
        page.wait_for_url("**/#preview")
        images = page.locator("#preview .pages img")
        assert images.count() >= 3
        assert -1 <= page.locator("#preview").bounding_box()["y"] < 100
        assert by_label(page, "Họ và tên người ký").input_value() == "Trần Văn Bình"
    finally:
        page.context.close()
