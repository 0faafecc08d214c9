"""API keys: who gets in with which header, what stays open, how the clerk logs in to the form,
how a start with bad or missing keys is refused, and that no key or hash ever reaches a log."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.auth import digest, hash_key_command
from service.config import AuthSettings, Settings, SettingsError
from service.pipeline import DOCX
from service.web import form
from service.web.observability import JsonFormatter
from tests.conftest import example
from tests.contract.test_form import QUYET_DINH

KEY = "eoffice-key-4f1c9a0b7e2d4c6a8b1e3f5a7c9d0b2e"
OTHER = "hr-key-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
SECRET = "test-secret-" + "x" * 32


def keys_spec(**keys: str) -> str:
    return ",".join(f"{name}:{digest(key).hex()}" for name, key in keys.items())


def make_app(*, secret: str = SECRET, rate_limit: str = "", **auth: object) -> Flask:
    auth = {"enabled": True, "keys": keys_spec(eoffice=KEY, hr=OTHER), **auth}
    return create_app(Settings.from_env({}, pdf_enabled=False, secret_key=secret,
                                        rate_limit=rate_limit, auth=AuthSettings(**auth)))


@pytest.fixture(scope="module")
def app() -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# --- The API -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/v1/documents"), ("GET", "/v1/types"), ("POST", "/v1/batches"),
    ("GET", "/v1/batches/abc"), ("GET", "/v1/batches/abc/result"),
    ("GET", "/v1/batches/abc/result/merged.pdf"), ("GET", "/nowhere"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_without_a_key_every_api_route_answers_401_in_the_error_shape(client, method, path):
    response = client.open(path, method=method, json=example("cong_van"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="vanban"'
    error = response.json["error"]
    assert error["code"] == "unauthorized"
    assert "Authorization: Bearer" in error["message"] and "X-API-Key" in error["message"]


@pytest.mark.parametrize("headers", [
    {"Authorization": "Bearer wrong"}, {"X-API-Key": "wrong"},
    {"Authorization": f"Bearer {KEY}x"}, {"Authorization": "Bearer " + "é" * 300},
    {"X-API-Key": digest(KEY).hex()},           # the hash is not the key
], ids=["bearer", "x-api-key", "longer", "latin-1", "the-hash"])
def test_a_wrong_key_is_told_apart_from_none(client, headers):
    response = client.get("/v1/types", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="vanban", error="invalid_token"'
    assert response.json["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("headers", [
    {"Authorization": f"Bearer {KEY}"}, {"Authorization": f"bearer   {KEY}  "},
    {"X-API-Key": KEY}, {"X-API-Key": OTHER},
], ids=["bearer", "bearer-lowercase", "x-api-key", "second-key"])
def test_a_known_key_in_either_header_gets_the_document(client, headers):
    response = client.post("/v1/documents", json=example("cong_van"), headers=headers)
    assert response.status_code == 200
    assert response.mimetype == DOCX


def test_basic_auth_is_not_a_key(client):
    response = client.get("/v1/types", headers={"Authorization": f"Basic {KEY}"})
    assert response.status_code == 401
    assert "invalid_token" not in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/openapi.json", "/docs", "/metrics",
                                  "/form/static/form.css", "/dang-nhap"])
def test_probes_docs_metrics_and_the_way_in_stay_open(client, path):
    assert client.get(path).status_code == 200


def test_metrics_can_be_closed_to_callers_without_a_key():
    client = make_app(open_metrics=False).test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"X-API-Key": KEY}).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_keys_come_from_a_file_with_comments(tmp_path: Path):
    path = tmp_path / "keys"
    path.write_text(f"# vanban callers\n\neoffice {digest(KEY).hex()}  # e-office\n"
                    f"hr\t{digest(OTHER).hex()}\n", encoding="utf-8")
    client = make_app(keys="", keys_file=str(path)).test_client()
    assert client.get("/v1/types", headers={"X-API-Key": KEY}).status_code == 200
    assert client.get("/v1/types", headers={"X-API-Key": OTHER}).status_code == 200
    assert client.get("/v1/types", headers={"X-API-Key": "nope"}).status_code == 401


def test_auth_off_lets_everyone_in(client):
    open_client = create_app(Settings.from_env({}, pdf_enabled=False)).test_client()
    assert open_client.post("/v1/documents", json=example("cong_van")).status_code == 200
    assert open_client.get("/").status_code == 200


# --- Settings: on in production, refused without keys ---------------------------------------------

def test_production_turns_auth_and_the_rate_limit_on_and_secure_cookies():
    production = Settings.from_env({"VANBAN_ENV": "production"})
    assert production.auth.enabled and production.auth.secure_cookie
    assert production.rate_limit == "120/minute"
    assert not Settings.from_env({}).auth.enabled
    said = Settings.from_env({"VANBAN_ENV": "production", "VANBAN_AUTH_ENABLED": "false"})
    assert not said.auth.enabled


def test_production_without_keys_or_secret_refuses_to_start_naming_both():
    settings = Settings.from_env({"VANBAN_ENV": "production"}, pdf_enabled=False)
    with pytest.raises(SettingsError) as refused:
        create_app(settings)
    message = str(refused.value)
    assert "VANBAN_AUTH_KEYS" in message and "VANBAN_AUTH_KEYS_FILE" in message
    assert "VANBAN_SECRET_KEY" in message and "hash-key" in message


def test_bad_key_entries_are_all_named_and_never_echoed(tmp_path: Path):
    pasted = "the-raw-key-someone-pasted-instead-of-its-hash"
    path = tmp_path / "keys"
    path.write_text(f"ok {digest(KEY).hex()}\nok {digest(OTHER).hex()}\njust-one-word\n")
    spec = f"eoffice:{pasted},{keys_spec(hr=OTHER)},noseparator,bad name:{'a' * 64}"
    with pytest.raises(SettingsError) as refused:
        make_app(keys=spec, keys_file=str(path))
    message = str(refused.value)
    for expected in ("VANBAN_AUTH_KEYS entry 1 (eoffice): not a SHA-256 hash",
                     "VANBAN_AUTH_KEYS entry 3: expected name:sha256hex",
                     "VANBAN_AUTH_KEYS entry 4: the name",
                     "VANBAN_AUTH_KEYS_FILE line 2: the name 'ok' is given twice",
                     "VANBAN_AUTH_KEYS_FILE line 3: expected `name sha256hex`"):
        assert expected in message
    assert pasted not in message


def test_an_unreadable_keys_file_is_named(tmp_path: Path):
    with pytest.raises(SettingsError, match=r"VANBAN_AUTH_KEYS_FILE=.*cannot be read"):
        make_app(keys="", keys_file=str(tmp_path / "missing"))


def test_settings_never_show_keys_or_the_secret():
    settings = Settings.from_env({"VANBAN_AUTH_KEYS": keys_spec(eoffice=KEY),
                                  "VANBAN_SECRET_KEY": SECRET})
    assert digest(KEY).hex() not in repr(settings) and SECRET not in repr(settings)


def test_hash_key_prints_a_key_and_the_lines_that_let_it_in():
    out = io.StringIO()
    assert hash_key_command(["--name", "portal"], out=out) == 0
    lines = [line for line in out.getvalue().splitlines() if not line.startswith("#")]
    key, env_entry, file_line = lines
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", key)
    assert env_entry == f"portal:{digest(key).hex()}" and file_line == env_entry.replace(":", " ")
    client = make_app(keys=env_entry).test_client()
    assert client.get("/v1/types", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_hash_key_hashes_a_key_from_stdin_without_printing_it():
    out = io.StringIO()
    hash_key_command(["--name", "eoffice", "--stdin"], out=out, stdin=io.StringIO(KEY + "\n"))
    assert KEY not in out.getvalue()
    assert f"eoffice:{digest(KEY).hex()}" in out.getvalue().splitlines()


# --- The clerk's form behind a login ---------------------------------------------------------

def login(client: FlaskClient, key: str = KEY, next_page: str = "/") -> object:
    client.get("/dang-nhap")
    token = client.get_cookie(form.CSRF_COOKIE).value
    return client.post("/dang-nhap", data={"key": key, "csrf_token": token, "next": next_page})


def test_the_form_sends_a_clerk_without_a_login_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/dang-nhap?next=/"
    page = client.get("/dang-nhap").get_data(as_text=True)
    assert 'type="password"' in page and 'name="csrf_token"' in page and "Đăng nhập" in page


def test_a_clerk_logs_in_uses_the_form_and_logs_out(client):
    response = login(client)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    cookie = client.get_cookie("vanban_session")
    assert cookie.http_only and cookie.same_site == "Lax"
    page = client.get("/")
    assert page.status_code == 200
    assert 'action="/dang-xuat"' in page.get_data(as_text=True)
    token = client.get_cookie(form.CSRF_COOKIE).value
    made = client.post("/", data={**QUYET_DINH, "csrf_token": token})
    assert made.status_code == 200 and made.mimetype == DOCX
    # The session also reaches the JSON API, from this site's own pages.
    assert client.get("/v1/types").status_code == 200
    assert client.post("/dang-xuat", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 303


def test_a_wrong_key_or_a_forged_login_is_refused_on_the_page(client):
    wrong = login(client, key="not-a-key")
    assert wrong.status_code == 401
    assert "Khóa không đúng" in wrong.get_data(as_text=True)
    forged = client.post("/dang-nhap", data={"key": KEY, "csrf_token": "A" * 43})
    assert forged.status_code == 400
    assert client.get("/").status_code == 303


def test_the_form_keeps_its_token_check_after_login(client):
    login(client)
    response = client.post("/", data={**QUYET_DINH, "csrf_token": "B" * 43})
    assert response.status_code == 400


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
], ids=["origin", "cross-site", "same-site"])
def test_a_logged_in_browser_cannot_be_made_to_post_from_another_site(client, headers):
    login(client)
    response = client.post("/v1/documents", json=example("cong_van"), headers=headers)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
    same = client.post("/v1/documents", json=example("cong_van"),
                       headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_login_never_redirects_off_the_site(client, target):
    assert login(client, next_page=target).headers["Location"] == "/"


def test_rotating_a_key_ends_the_logins_made_with_it(client):
    login(client)
    session = client.get_cookie("vanban_session").value
    rotated = make_app(keys=keys_spec(eoffice="a-new-key-for-eoffice-0123456789")).test_client()
    rotated.set_cookie("vanban_session", session)
    assert rotated.get("/").status_code == 303
    same = make_app().test_client()
    same.set_cookie("vanban_session", session)
    assert same.get("/").status_code == 200


def test_a_session_signed_with_another_secret_is_not_a_login(client):
    login(client)
    session = client.get_cookie("vanban_session").value
    other = make_app(secret="another-secret-" + "y" * 32).test_client()
    other.set_cookie("vanban_session", session)
    assert other.get("/").status_code == 303


# --- Secrets never in logs ------------------------------------------------------------------------

@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ("vanban", "flask_limiter", "werkzeug", "")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


def test_no_key_and_no_hash_reaches_the_logs(log_lines):
    app = make_app(rate_limit="1000/minute")
    client = app.test_client()
    client.post("/v1/documents", json=example("cong_van"),
                headers={"Authorization": f"Bearer {KEY}"})
    client.post("/v1/documents", json={}, headers={"X-API-Key": OTHER})
    client.get("/v1/types", headers={"X-API-Key": KEY + "-wrong"})
    login(client, key=KEY + "-wrong")
    login(client, key=KEY)
    client.get("/")
    text = log_lines.getvalue()
    entries = [json.loads(line) for line in text.splitlines()]
    access = [e for e in entries if e["message"] == "request"]
    assert {e["status"] for e in access} >= {200, 401, 422, 303}
    assert any(e.get("key_name") == "eoffice" for e in entries)      # the name is fine
    # The access line says which key made the request (by name).
    assert any(e["status"] == 200 and e.get("key_name") == "eoffice" for e in access)
    for secret in (KEY, OTHER, digest(KEY).hex(), digest(OTHER).hex(), SECRET):
        assert secret not in text


def test_openapi_says_how_to_send_the_key(client):
    spec = client.get("/openapi.json").json
    assert spec["components"]["securitySchemes"] == {
        "bearer": {"type": "http", "scheme": "bearer"},
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}
    assert spec["security"] == [{"bearer": []}, {"apiKey": []}]
