"""Real documents of the further types (../shared/corpus/types) rebuilt from their fields.

As test_corpus does for the first six: the payload comes from `<stem>.fields.json` alone
(payload.build_types_payload), the DOCX is compared with `<stem>.txt`: every word of the body
in order, the header lines, the nơi nhận and signature lines; and for a quyết định with an
attached quy định (Mẫu 1.3), every word of the attached text in order after the signature.
The texts are read at run time and never copied into the project.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Any

import docx
import pytest

from tests.corpus.payload import build_types_payload
from tests.corpus.test_corpus import (
    CORPUS,
    Original,
    Word,
    _blocks,
    _table_paragraphs,
    missing_word,
    norm,
    original_words,
    read_original,
    reading_order,
    recipient_items,
    words_of,
)
from tests.ooxml import assert_valid

TYPES_CORPUS = CORPUS / "types"

if not TYPES_CORPUS.is_dir():
    pytest.skip(f"corpus of further types not found at {TYPES_CORPUS}", allow_module_level=True)

pytestmark = pytest.mark.corpus

STEMS = sorted(p.name.removesuffix(".fields.json") for p in TYPES_CORPUS.glob("*.fields.json"))


@dataclass
class Rendered:
    text: list[str]           # every paragraph, reading order
    header: list[str]         # the first table's lines
    recipients: list[str]     # the cell holding "Nơi nhận:"
    signature: list[str]      # the cell beside it


@dataclass
class Case:
    fields: dict[str, Any]
    payload: dict[str, Any]
    original: Original
    attached: list[str]       # the original's lines after its signature (Mẫu 1.3)
    rendered: Rendered
    data: bytes


def read_docx(content: bytes) -> Rendered:
    """The rendered text; the nơi nhận and signature from the table whose first cell holds
    "Nơi nhận:" (an attached text's header table comes after it)."""
    document = docx.Document(io.BytesIO(content))
    header = [t for cell in _table_paragraphs(document.tables[0]) for t in cell if t.strip()]
    footer = next(cells for table in document.tables
                  if (cells := list(_table_paragraphs(table)))
                  and any(t.startswith("Nơi nhận") for t in cells[0]))
    return Rendered(reading_order(document), header,
                    [t for t in footer[0] if t.strip()], [t for t in footer[-1] if t.strip()])


def attached_lines(stem: str) -> list[str]:
    """The original's lines after its signature block: the attached text, if any."""
    text = (TYPES_CORPUS / f"{stem}.txt").read_text(encoding="utf-8").split("\n---\nNOTES")[0]
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Nơi nhận"))
    return [line for block in _blocks(lines[start:])[2:] for line in block]


_CACHE: dict[str, Case] = {}


@pytest.fixture(scope="module")
def client() -> Any:
    from service import create_app
    from service.config import Settings

    return create_app(Settings.from_env(pdf_enabled=False)).test_client()


@pytest.fixture
def case(client: Any, request: pytest.FixtureRequest) -> Case:
    stem: str = request.param
    if stem not in _CACHE:
        fields = json.loads((TYPES_CORPUS / f"{stem}.fields.json").read_text(encoding="utf-8"))
        payload = build_types_payload(fields)
        response = client.post("/v1/documents", json=payload)
        assert response.status_code == 200, response.get_data(as_text=True)
        original = read_original(stem, TYPES_CORPUS)
        _CACHE[stem] = Case(fields, payload, original, attached_lines(stem),
                            read_docx(response.data), response.data)
    return _CACHE[stem]


@pytest.mark.parametrize("case", STEMS, indirect=True)
def test_every_word_in_order(case: Case) -> None:
    problem = missing_word(original_words(case.original, case.fields),
                           words_of(" ".join(case.rendered.text)))
    assert problem is None, problem


@pytest.mark.parametrize("case", STEMS, indirect=True)
def test_header_lines(case: Case) -> None:
    assert [norm(t) for t in case.rendered.header] == [norm(t) for t in case.original.header]


@pytest.mark.parametrize("case", STEMS, indirect=True)
def test_recipients_and_signature(case: Case) -> None:
    rendered = case.rendered.recipients
    assert norm(rendered[0]).rstrip(":") == "Nơi nhận"
    assert recipient_items(rendered[1:]) == recipient_items(case.original.recipients)
    assert [norm(t) for t in case.rendered.signature] == [
        norm(t) for t in case.original.signature]


@pytest.mark.parametrize("case", STEMS, indirect=True)
def test_the_attached_text_follows_the_signature_word_for_word(case: Case) -> None:
    if not case.attached:
        assert "attachment" not in case.payload
        return
    name = case.payload["signer"]["name"]
    text = case.rendered.text
    after = text[len(text) - text[::-1].index(name):]
    fields = case.fields["attached"]
    caseless = {norm(fields["title"]), norm(fields["trich_yeu"])}
    words = [Word(t, norm(line) in caseless, line)
             for line in case.attached for t in words_of(line)]
    problem = missing_word(words, words_of(" ".join(after)))
    assert problem is None, problem


@pytest.mark.parametrize("case", STEMS, indirect=True)
def test_the_docx_validates(case: Case) -> None:
    assert_valid(case.data, "corpus/types")


@pytest.mark.soffice
def test_pdf_every_word_in_order_text_and_attached(pdf_client: Any) -> None:
    """(1) again on the PDF of the quyết định with its quy định, the attached text included."""
    pymupdf = pytest.importorskip("pymupdf")
    stem = next(s for s in STEMS if attached_lines(s))
    fields = json.loads((TYPES_CORPUS / f"{stem}.fields.json").read_text(encoding="utf-8"))
    response = pdf_client.post("/v1/documents?format=pdf", json=build_types_payload(fields))
    assert response.status_code == 200, response.get_data(as_text=True)
    with pymupdf.open(stream=response.data, filetype="pdf") as pdf:
        text = "\n".join(page.get_text() for page in pdf)
    printed = words_of(re.sub(r"(?<=\S-)\n", "", text))
    original = read_original(stem, TYPES_CORPUS)
    words = [*original_words(original, fields),
             *(Word(t, True, line) for line in attached_lines(stem) for t in words_of(line))]
    problem = missing_word(words, printed)
    assert problem is None, problem
