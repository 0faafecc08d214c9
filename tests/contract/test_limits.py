"""Limits: per-key rate limits answered 429 with Retry-After, and every payload size limit set
from VANBAN_LIMITS_* with an error naming the field and the limit; /openapi.json states them."""

from __future__ import annotations

from typing import Any

import pytest

from service import create_app
from service.auth import digest
from service.config import AuthSettings, Settings, SettingsError
from tests.conftest import example

KEY_A, KEY_B = "key-a-" + "1" * 30, "key-b-" + "2" * 30
SECRET = "limits-secret-" + "z" * 32


def limited_app(rate: str, *, auth: bool = True) -> Any:
    keys = f"a:{digest(KEY_A).hex()},b:{digest(KEY_B).hex()}"
    return create_app(Settings.from_env({}, pdf_enabled=False, rate_limit=rate,
                                        secret_key=SECRET,
                                        auth=AuthSettings(enabled=auth, keys=keys)))


# --- Rate limits -------------------------------------------------------------------------------

def test_each_key_has_its_own_budget_and_the_429_says_when_to_retry():
    client = limited_app("3/minute").test_client()
    for _ in range(3):
        assert client.get("/v1/types", headers={"X-API-Key": KEY_A}).status_code == 200
    over = client.post("/v1/documents", json=example("cong_van"), headers={"X-API-Key": KEY_A})
    assert over.status_code == 429
    assert over.json["error"]["code"] == "rate_limited"
    assert "thử lại" in over.json["error"]["message"]
    assert 1 <= int(over.headers["Retry-After"]) <= 60
    # Another key, and the probes, are not held back by the first key's use.
    assert client.get("/v1/types", headers={"Authorization": f"Bearer {KEY_B}"}).status_code \
        == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_a_response_tells_the_caller_its_budget():
    response = limited_app("5/minute").test_client().get("/v1/types",
                                                         headers={"X-API-Key": KEY_A})
    assert response.headers["X-RateLimit-Limit"] == "5"
    assert response.headers["X-RateLimit-Remaining"] == "4"


def test_without_a_key_the_budget_is_the_callers_address():
    client = limited_app("2/minute", auth=False).test_client()
    near = {"REMOTE_ADDR": "10.0.0.1"}
    far = {"REMOTE_ADDR": "10.0.0.2"}
    assert client.get("/v1/types", environ_base=near).status_code == 200
    assert client.get("/v1/types", environ_base=near).status_code == 200
    assert client.get("/v1/types", environ_base=near).status_code == 429
    assert client.get("/v1/types", environ_base=far).status_code == 200
    # Wrong keys are counted by address too, so guessing is held back as well.
    guesses = limited_app("2/minute").test_client()
    statuses = [guesses.get("/v1/types", headers={"X-API-Key": f"guess-{i}"}).status_code
                for i in range(3)]
    assert statuses == [401, 401, 429]


def test_behind_a_proxy_the_budget_is_the_forwarded_address_and_forgeries_do_not_help():
    keys = f"a:{digest(KEY_A).hex()}"
    app = create_app(Settings.from_env({"VANBAN_PROXY_HOPS": "1"}, pdf_enabled=False,
                                       rate_limit="1/minute", secret_key=SECRET,
                                       auth=AuthSettings(enabled=False, keys=keys)))
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.9"}

    def get(forwarded: str) -> int:
        return client.get("/v1/types", environ_base=proxy,
                          headers={"X-Forwarded-For": forwarded}).status_code

    assert get("203.0.113.7") == 200
    assert get("203.0.113.7") == 429
    assert get("198.51.100.4") == 200         # another caller behind the same proxy
    # A caller who sends its own X-Forwarded-For gets the proxy's append as the last hop: only
    # that one is trusted, so the forged first entry buys no fresh budget.
    assert get("192.0.2.1, 198.51.100.4") == 429


@pytest.mark.parametrize(("env", "named"), [
    ({"VANBAN_RATE_LIMIT": "lots"}, "VANBAN_RATE_LIMIT='lots'"),
    ({"VANBAN_RATE_LIMIT": "10/minute", "VANBAN_RATE_LIMIT_STORAGE": "carrier-pigeon://x"},
     "VANBAN_RATE_LIMIT_STORAGE='carrier-pigeon://x'"),
], ids=["rate", "storage"])
def test_a_bad_rate_setting_stops_the_start_naming_it(env, named):
    with pytest.raises(SettingsError, match=named):
        create_app(Settings.from_env(env, pdf_enabled=False))


# --- Payload limits from settings ------------------------------------------------------------

def body(*blocks: dict) -> list[dict]:
    return list(blocks)


def nested(levels: int) -> dict:
    block: dict = {"text": "x"}
    for _ in range(levels - 1):
        block = {"item": "y", "children": [block]}
    return block


# variable, its value, a change to the example that goes one past it, the field named, message
CASES: list[tuple[str, int, Any, str, str]] = [
    ("VANBAN_LIMITS_RECIPIENTS", 3, {"recipients": ["A", "B", "C", "D"]}, "recipients",
     "Số phần tử phải từ 0 đến 3."),
    ("VANBAN_LIMITS_BODY_CHARS", 100, {"body": "I. A\n" + "x" * 100}, "body",
     "Dài quá 100 ký tự."),
    ("VANBAN_LIMITS_BLOCK_CHARS", 50, {"body": body({"text": "x" * 51})}, "body.0.text",
     "Dài quá 50 ký tự."),
    ("VANBAN_LIMITS_BLOCKS", 2, {"body": body({"text": "a"}, {"text": "b"}, {"text": "c"})},
     "body", "Số phần tử phải từ 0 đến 2."),
    ("VANBAN_LIMITS_CHILDREN", 1,
     {"body": body({"heading": "H", "children": [{"text": "a"}, {"text": "b"}]})},
     "body.0.children", "Số phần tử phải từ 0 đến 1."),
    ("VANBAN_LIMITS_DEPTH", 2, {"body": body(nested(3))}, "body", "Nội dung lồng quá 2 cấp."),
    ("VANBAN_LIMITS_TABLE_ROWS", 1,
     {"body": body({"table": {"columns": ["A"], "rows": [["1"], ["2"]]}})},
     "body.0.table.rows", "Số phần tử phải từ 0 đến 1."),
    ("VANBAN_LIMITS_TABLE_COLUMNS", 2,
     {"body": body({"table": {"columns": ["A", "B", "C"], "rows": []}})},
     "body.0.table.columns", "Số phần tử phải từ 1 đến 2."),
    ("VANBAN_LIMITS_CELL_CHARS", 3,
     {"body": body({"table": {"columns": ["A"], "rows": [["1234"]]}})},
     "body.0.table.rows.0.0", "Dài quá 3 ký tự."),
]


@pytest.mark.parametrize(("variable", "value", "change", "path", "message"), CASES,
                         ids=[case[0] for case in CASES])
def test_each_payload_limit_comes_from_its_variable(client, variable, value, change, path,
                                                   message):
    payload = {**example("ke_hoach"), **change}
    # The default allows it; the configured limit refuses it, naming the field and the limit.
    assert client.post("/v1/documents", json=payload).status_code == 200
    tight = create_app(Settings.from_env({variable: str(value)}, pdf_enabled=False))
    response = tight.test_client().post("/v1/documents", json=payload)
    assert response.status_code == 422
    assert message in response.json["error"]["fields"][path]


def test_limits_reach_batch_items_too(tmp_path):
    settings = Settings.from_env({"VANBAN_LIMITS_RECIPIENTS": "1",
                                  "VANBAN_DATABASE_URL": f"sqlite:///{tmp_path / 'db'}",
                                  "VANBAN_BATCH_OUTPUT_DIR": str(tmp_path / "out")},
                                 pdf_enabled=False)
    app = create_app(settings)
    runner = app.extensions["vanban.batch"]
    try:
        client = app.test_client()
        accepted = client.post("/v1/batches", json={"items": [example("ke_hoach")]})
        assert accepted.status_code == 202
        assert runner.wait_idle(30)
        status = client.get(accepted.json["status_url"]).json
        assert status["failed"] == 1
        assert "recipients" in status["errors"][0]["fields"]
    finally:
        runner.close(timeout=5)


def test_openapi_states_the_configured_limits():
    app = create_app(Settings.from_env({"VANBAN_LIMITS_RECIPIENTS": "7",
                                        "VANBAN_LIMITS_TABLE_ROWS": "9"}, pdf_enabled=False))
    schemas = app.test_client().get("/openapi.json").json["components"]["schemas"]
    assert schemas["Document"]["properties"]["recipients"]["maxItems"] == 7
    assert schemas["TableSpec"]["properties"]["rows"]["maxItems"] == 9


def test_the_default_limits_are_the_contracts(client):
    schemas = client.get("/openapi.json").json["components"]["schemas"]
    assert schemas["Document"]["properties"]["recipients"]["maxItems"] == 500
    assert schemas["TableSpec"]["properties"]["columns"]["maxItems"] == 20


def test_bad_limit_variables_are_all_named_at_once():
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"VANBAN_LIMITS_DEPTH": "deep", "VANBAN_LIMITS_RECIPIENTS": "-1"})
    assert "VANBAN_LIMITS_DEPTH='deep'" in str(refused.value)
    assert "VANBAN_LIMITS_RECIPIENTS='-1'" in str(refused.value)
