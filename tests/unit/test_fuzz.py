"""Property tests: the pasted-text parser and the API hold up against any text."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.model.body_text import parse
from tests.conftest import example

MARKERS = ["I. ", "IV. ", "1. ", "2.1. ", "a) ", "đ) ", "- ", "+ ", "– ", "Điều 3. ", "", ""]
WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                max_size=40)
LINES = st.lists(st.tuples(st.sampled_from(MARKERS), WORDS).map("".join), max_size=30)


def texts(blocks: list[dict]) -> list[str]:
    """Every piece of text the blocks hold, labels included, in order."""
    out = []
    for block in blocks:
        if block.get("label"):
            out.append(block["label"])
        for key in ("heading", "item", "article", "text"):
            if key in block:
                out.append(block[key])
        for bullet in block.get("bullets", []):
            out.append(bullet["text"])
            out.extend(texts(bullet["children"]))
        out.extend(texts(block.get("children", [])))
    return out


@given(LINES)
@settings(max_examples=300)
def test_parser_loses_no_word(lines):
    blocks = parse("\n".join(lines))
    words_in = re.findall(r"\w+", " ".join(lines))
    words_out = re.findall(r"\w+", " ".join(texts(blocks)))
    assert sorted(words_out) == sorted(words_in)


@given(subject=st.text(max_size=200), body=st.text(max_size=400), name=st.text(max_size=60))
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_gives_a_document_or_a_named_error(client, subject, body, name):
    payload = example("thong_bao")
    payload.update(subject=subject, body=body)
    payload["signer"]["name"] = name
    response = client.post("/v1/documents", json=payload)
    assert response.status_code in (200, 422), response.data[:300]
    if response.status_code == 422:
        assert set(response.json["error"]["fields"]) <= {"subject", "body", "signer.name"}
