"""What the clerk keeps (service/web/saved.py): an agency profile with its usual signers, saved
once and chosen from a list; drafts saved, listed, reopened, saved again and downloaded; the
last document as the start of one like it; each API key its own, one shared store without
auth."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

from service.config import AuthSettings
from service.web import dates
from tests.conftest import batch_settings, docx_lines, open_docx
from tests.contract.test_auth import KEY, OTHER, SECRET, keys_spec
from tests.contract.test_form import QUYET_DINH, Page, token

EMPTY = {"type": "quyet_dinh", "format": "docx", "date": "05/01/2026"}
AGENCY = ("issuer_name", "issuer_code", "place", "archive", "recipients")
SIGNER = ("signer_mode_1", "signer_of_1", "signer_mode_2", "signer_of_2", "signer_title",
          "signer_name")


@pytest.fixture
def client(make_app):
    return make_app().test_client()


def act(client, action: str, fields: dict[str, str], headers: dict[str, str] | None = None):
    client.get("/", headers=headers)
    data = {"csrf_token": client.get_cookie("vanban_form").value, **fields, "action": action}
    return client.post("/", data=data, content_type="multipart/form-data", headers=headers)


def html_of(response) -> str:
    return response.get_data(as_text=True)


def profile_ids(html: str) -> dict[str, str]:
    select = re.search(r'<select id="f-profile_id".*?</select>', html, re.S)
    return dict((name, value) for value, name in re.findall(
        r'<option value="([0-9a-f]{32})"[^>]*>([^<]+)</option>', select[0])) if select else {}


def test_a_profile_saved_once_fills_the_agency_and_its_signer(client):
    saved = act(client, "profile_save", {**QUYET_DINH, "profile_name": "UBND xã Tân Phú"})
    assert saved.status_code == 200
    assert "Đã lưu cơ quan “UBND xã Tân Phú” với 1 người ký thường dùng." in html_of(saved)
    ids = profile_ids(html_of(client.get("/")))
    assert list(ids) == ["UBND xã Tân Phú"]
    chosen = {**EMPTY, "profile_id": ids["UBND xã Tân Phú"]}
    used = Page(html_of(act(client, "profile_use", chosen)))
    for name in (*AGENCY, *SIGNER):
        assert used.values[name] == QUYET_DINH[name].replace("\r\n", "\n"), name
    assert used.values["date"] == "05/01/2026"               # the rest is left as it was


def test_a_profile_keeps_its_usual_signers_to_choose_from(client):
    act(client, "profile_save", {**QUYET_DINH, "profile_name": "Tân Phú"})
    second = {**QUYET_DINH, "signer_mode_2": "", "signer_of_2": "", "signer_title": "Chủ tịch",
              "signer_name": "Nguyễn Văn Lực", "profile_name": "Tân Phú"}
    again = html_of(act(client, "profile_save", second))
    assert "với 2 người ký thường dùng" in again
    profile = profile_ids(again)["Tân Phú"]
    html = html_of(act(client, "profile_use", {**EMPTY, "profile_id": profile}))
    assert re.search(r'<option value="1">Trần Văn Bình, Phó Chủ tịch</option>', html)
    page = Page(html_of(act(client, "signer_use", {**Page(html).values, "signer_pick": "1"})))
    assert (page.values["signer_name"], page.values["signer_mode_2"]) == ("Trần Văn Bình", "KT")


def test_the_recipients_typed_are_kept_when_a_profile_is_chosen(client):
    act(client, "profile_save", {**QUYET_DINH, "profile_name": "P"})
    profile = profile_ids(html_of(client.get("/")))["P"]
    page = Page(html_of(act(client, "profile_use", {**EMPTY, "recipients": "Sở Nội vụ",
                                                    "profile_id": profile})))
    assert page.values["recipients"] == "Sở Nội vụ"


def test_a_draft_is_saved_listed_reopened_saved_again_and_downloaded(client):
    draft = {**QUYET_DINH, "subject": "Về việc thành lập Tổ công nghệ số (nháp)"}
    html = html_of(act(client, "draft_save", draft))
    assert "Đã lưu bản nháp “Quyết định: Về việc thành lập Tổ công nghệ số (nháp)”" in html
    listed = re.findall(r'<a href="/\?nhap=([0-9a-f]{32})">([^<]+)</a>', html_of(client.get("/")))
    assert [title for _, title in listed] == ["Quyết định: Về việc thành lập Tổ công nghệ số "
                                              "(nháp)"]
    draft_id = listed[0][0]
    reopened = Page(html_of(client.get(f"/?nhap={draft_id}")))
    assert reopened.values["body"] == QUYET_DINH["body"].replace("\r\n", "\n")
    assert reopened.values["draft_id"] == draft_id
    edited = {**reopened.values, "subject": "Về việc thành lập Tổ công nghệ số cộng đồng"}
    act(client, "draft_save", edited)
    listed = re.findall(r'<a href="/\?nhap=([0-9a-f]{32})">([^<]+)</a>', html_of(client.get("/")))
    assert listed == [(draft_id, "Quyết định: Về việc thành lập Tổ công nghệ số cộng đồng")]
    response = act(client, "download", {k: v for k, v in edited.items() if k != "csrf_token"})
    assert response.status_code == 200
    assert "Về việc thành lập Tổ công nghệ số cộng đồng" in docx_lines(open_docx(response.data))
    client.post(f"/nhap/{draft_id}/xoa", data={"csrf_token": token(client)},
                content_type="multipart/form-data")
    assert client.get(f"/?nhap={draft_id}").status_code == 404


def test_the_last_document_starts_one_like_it(client):
    assert "Tạo văn bản tương tự" not in html_of(client.get("/"))
    assert act(client, "download", {**QUYET_DINH, "number_auto": ""}).status_code == 200
    html = html_of(client.get("/"))
    assert "Tạo văn bản tương tự văn bản vừa tạo" in html
    page = Page(html_of(client.get("/?tuong-tu=1")))
    assert page.values["subject"] == QUYET_DINH["subject"]
    assert page.values["signer_name"] == QUYET_DINH["signer_name"]
    # A new number and today's date: what makes it another document.
    assert page.values["number"] == ""
    assert page.values["date"] == dates.shown(date.today())


def test_each_api_key_keeps_its_own(make_app, tmp_path):
    settings = batch_settings(tmp_path)
    settings = dataclasses.replace(settings, secret_key=SECRET, auth=AuthSettings(
        enabled=True, keys=keys_spec(eoffice=KEY, hr=OTHER)))
    client = make_app(settings=settings).test_client()
    eoffice, hr = {"X-API-Key": KEY}, {"X-API-Key": OTHER}
    act(client, "profile_save", {**QUYET_DINH, "profile_name": "Văn phòng"}, eoffice)
    act(client, "draft_save", QUYET_DINH, eoffice)
    assert list(profile_ids(html_of(client.get("/", headers=eoffice)))) == ["Văn phòng"]
    assert profile_ids(html_of(client.get("/", headers=hr))) == {}
    assert "Bản nháp đã lưu (1)" in html_of(client.get("/", headers=eoffice))
    assert "Bản nháp đã lưu (0)" in html_of(client.get("/", headers=hr))


def test_a_profile_needs_a_name(client):
    response = act(client, "profile_save", {**EMPTY, "profile_name": ""})
    assert response.status_code == 422
    page = Page(html_of(response))
    assert page.errors == {"profile_name": "Lỗi: Hãy đặt tên cho cơ quan (hoặc điền tên cơ quan "
                                           "ban hành) trước khi lưu."}


def test_the_chosen_agencys_usual_recipients_and_archive_are_picks(client):
    act(client, "profile_save", {**QUYET_DINH, "archive": "VT, VP, TP", "profile_name": "P"})
    profile = profile_ids(html_of(client.get("/")))["P"]
    html = html_of(act(client, "profile_use", {**EMPTY, "profile_id": profile}))
    for line in ("Như trên", "Như Điều 3", "Chủ tịch UBND xã"):
        assert f'data-line="{line}">+ {line}</button>' in html, line
    assert '<option value="VT, VP, TP">' in html and '<option value="VT">' in html
