"""Payloads that are valid JSON but mean harm: huge strings, deep nesting, 10,000 recipients,
control characters in every text field, Jinja and XML in every text field (printed literally).

Uploads that hurt (zip bombs, traversal names, entity bombs, oversize sheets) are proven in
tests/batch/test_batch_uploads.py and not repeated here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import docx_lines, example, open_docx
from tests.hostile.conftest import assert_error


def full(doc_type: str) -> dict[str, Any]:
    """An example with every optional text field filled, and every kind of block in its body."""
    payload = example(doc_type)
    payload["issuer"]["parent"] = "Ủy ban nhân dân tỉnh Bình Dương"
    payload["signer"]["on_behalf"] = [{"mode": "TM", "of": "Ủy ban nhân dân"}]
    payload.update(circulation="Lưu hành nội bộ", drafter={"code": "PL", "copies": 3},
                   symbol="63/2025/QĐ-UBND", archive="VT, VP")
    if doc_type == "quyet_dinh":
        payload["enactment"] = "QUYẾT ĐỊNH:"
    payload["body"] = [
        {"heading": "Mục đích", "children": [{"text": "Một đoạn."}, {"item": "Một ý."}]},
        {"bullets": ["Gạch đầu dòng", {"text": "Ý có con", "children": [{"text": "Con."}]}]},
        {"table": {"columns": ["Cột A", "Cột B"], "rows": [["ô 1", "ô 2"]]}},
        {"article": "Một điều."} if doc_type == "quyet_dinh" else {"text": "Đoạn cuối."},
    ]
    return payload


FULL = {"quyet_dinh": full("quyet_dinh"), "cong_van": full("cong_van")}
# Fields whose values are a choice or a code, not free text: injection there is refused (422).
CHOICES = {"type", "date", "number", "code", "unit_code", "mode", "urgency", "secrecy", "label"}


def text_leaves(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from text_leaves(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from text_leaves(child, (*path, index))


def put(payload: Any, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        payload = payload[part]
    payload[path[-1]] = value


LEAVES = [(doc_type, path) for doc_type, payload in FULL.items()
          for path, _ in text_leaves(payload)]


def dotted(path: tuple) -> str:
    return ".".join(str(part) for part in path)


def test_the_full_payloads_render(client):
    for payload in FULL.values():
        assert client.post("/v1/documents", json=payload).status_code == 200


# --- Control characters -------------------------------------------------------------------------

CONTROL = ["\x00", "\x07", "\x1b", "\x0b", "\ufffe"]


@pytest.mark.parametrize(("doc_type", "path"), LEAVES,
                         ids=[f"{t}:{dotted(p)}" for t, p in LEAVES])
def test_a_control_character_in_any_text_field_is_422_naming_it(client, doc_type, path):
    payload = json.loads(json.dumps(FULL[doc_type]))
    original = dict(text_leaves(payload))[path]
    char = CONTROL[len(dotted(path)) % len(CONTROL)]
    put(payload, path, original[:2] + char + original[2:])
    error = assert_error(client.post("/v1/documents", json=payload), 422, "invalid_payload")
    assert dotted(path) in error["fields"], error["fields"]


# --- Jinja and XML are data --------------------------------------------------------------------

INJECTION = " {{ 7*191 }}{%if 1%}X{%endif%}<w:p>&amp;]]>"


@pytest.mark.parametrize("doc_type", list(FULL))
def test_jinja_and_xml_in_every_text_field_are_printed_literally(client, doc_type):
    payload = json.loads(json.dumps(FULL[doc_type]))
    injected = [path for path, _ in text_leaves(payload) if not CHOICES & set(path)]
    for path in injected:
        put(payload, path, dict(text_leaves(payload))[path] + INJECTION)
    response = client.post("/v1/documents", json=payload)
    assert response.status_code == 200, response.get_json()
    assert response.headers["Content-Disposition"].isascii()
    text = "\n".join(docx_lines(open_docx(response.data)))
    assert "1337" not in text                           # nothing was evaluated
    assert text.count("{{ 7*191 }}") >= len(injected) - 2   # the issuer's lines may be split
    assert "{%if 1%}X{%endif%}<w:p>&amp;]]>" in text


@pytest.mark.parametrize("path", [("type",), ("issuer", "code"), ("signer", "on_behalf", 0,
                                                                       "mode")],
                         ids=dotted)
def test_injection_in_a_choice_or_code_is_refused(client, path):
    payload = json.loads(json.dumps(FULL["quyet_dinh"]))
    put(payload, path, "{{ 7*191 }}")
    error = assert_error(client.post("/v1/documents", json=payload), 422)
    assert dotted(path) in error["fields"]


# --- Sizes -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "size", "limit"), [
    (("subject",), 1_000_000, "1000"), (("signer", "name"), 100_000, "100"),
    (("body",), 1_500_000, "500000"), (("recipients", 0), 600_000, "500"),
], ids=["subject", "signer.name", "pasted-body", "recipient"])
def test_a_huge_string_is_422_naming_its_limit(client, path, size, limit):
    payload = example("ke_hoach")
    put(payload, path, "a" * size)          # ASCII: 1 byte each, under the 2 MB body limit
    error = assert_error(client.post("/v1/documents", json=payload), 422)
    assert f"Dài quá {limit} ký tự." in error["fields"][dotted(path)]


def test_ten_thousand_recipients_are_422(client):
    payload = example("ke_hoach")
    payload["recipients"] = [f"Đơn vị {i}" for i in range(10_000)]
    error = assert_error(client.post("/v1/documents", json=payload), 422)
    assert error["fields"]["recipients"] == ["Số phần tử phải từ 0 đến 500."]


def test_ten_thousand_blocks_and_a_huge_table_are_422(client):
    payload = example("ke_hoach")
    payload["body"] = [{"text": "x"}] * 10_000
    assert assert_error(client.post("/v1/documents", json=payload), 422)["fields"]["body"]
    payload["body"] = [{"table": {"columns": ["A"] * 50, "rows": [["1"] * 50] * 3000}}]
    fields = assert_error(client.post("/v1/documents", json=payload), 422)["fields"]
    assert {"body.0.table.columns", "body.0.table.rows"} <= set(fields)


# --- Nesting ------------------------------------------------------------------------------------

def deep_blocks(levels: int) -> dict:
    block: dict = {"text": "x"}
    for _ in range(levels):
        block = {"heading": "h", "children": [block]}
    return block


@pytest.mark.parametrize("levels", [7, 60, 400], ids=lambda n: f"{n}-levels")
def test_blocks_nested_past_the_limit_are_422_however_deep(client, levels):
    payload = example("ke_hoach")
    payload["body"] = [deep_blocks(levels)]
    body = json.dumps(payload)          # json.dumps of 400 levels: Python's own limit is 1000
    error = assert_error(client.post("/v1/documents", data=body,
                                     content_type="application/json"), 422)
    assert error["fields"]["body"] == ["Nội dung lồng quá 6 cấp."]


@pytest.mark.parametrize("levels", [7, 400], ids=lambda n: f"{n}-levels")
def test_an_appendix_nested_past_the_limit_is_422_naming_it(client, levels):
    payload = example("quyet_dinh")
    payload["appendices"] = [{"title": "Phụ lục ổn", "body": [{"text": "x"}]},
                             {"title": "Phụ lục sâu", "body": [deep_blocks(levels)]}]
    error = assert_error(client.post("/v1/documents", data=json.dumps(payload),
                                     content_type="application/json"), 422)
    assert error["fields"]["appendices.1.body"] == ["Nội dung lồng quá 6 cấp."]


@pytest.mark.parametrize("url", ["/v1/documents", "/v1/batches"])
@pytest.mark.parametrize("opener", ["[", '{"a":'], ids=["arrays", "objects"])
def test_json_nested_ten_thousand_deep_is_400_not_a_crash(client, url, opener):
    closer = "]" if opener == "[" else "}"
    body = opener * 10_000 + "1" + closer * 10_000
    error = assert_error(client.post(url, data=body, content_type="application/json"), 400,
                         "bad_payload")
    assert "lồng nhau quá sâu" in error["message"]


@pytest.mark.parametrize("where", ["body", "issuer", "signer"])
def test_json_nested_900_deep_inside_a_field_is_a_4xx(client, where):
    # Below the parser's own limit, so it reaches the contract, which must not recurse into it.
    payload = example("ke_hoach")
    raw = json.dumps(payload).replace(f'"{where}": ', f'"{where}": ' + "[" * 900 + "1" + "]" * 900
                                      + ', "x_": ', 1)
    response = client.post("/v1/documents", data=raw, content_type="application/json")
    assert_error(response, 422)


def test_a_batch_nested_past_its_limit_is_422(client):
    base = '{"signer": ' + "[" * 500 + "]" * 500 + "}"
    raw = '{"base": ' + base + ', "rows": [{"subject": "x"}]}'
    error = assert_error(client.post("/v1/batches", data=raw, content_type="application/json"),
                         422)
    assert error["fields"]["_batch"] == ["Dữ liệu lồng nhau quá 100 cấp."]


@pytest.mark.parametrize("bullet", [1, None, ["nested"], True], ids=str)
def test_a_bullet_that_is_neither_text_nor_object_is_422(client, bullet):
    # Found by schemathesis: the message's "{text, children}" was read as a format field (500).
    payload = example("ke_hoach")
    payload["body"] = [{"bullets": ["ý một", bullet]}]
    error = assert_error(client.post("/v1/documents", json=payload), 422)
    assert error["fields"]["body.0.bullets.1"] == [
        "Không được để trống (null)." if bullet is None
        else "Mỗi ý phải là chuỗi hoặc đối tượng {text, children}."]
