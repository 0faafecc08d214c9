"""Real documents (../shared/corpus) rendered from their fields must read as the originals.

For each `<stem>.fields.json` the payload is built by `payload.build_payload`, posted to
`/v1/documents`, and the DOCX text is compared with `<stem>.txt`:
(1) every word of the original from the tên loại down to "Nơi nhận" appears in order;
(2) the header lines (issuer, Quốc hiệu, Tiêu ngữ, Số, V/v, date) are the original's;
(3) the nơi nhận items and the signature lines are the original's, modulo the endings the
service normalises.
The corpus texts are read at run time and never copied into the project.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from .payload import build_payload

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

if not CORPUS.is_dir():
    pytest.skip(f"corpus not found at {CORPUS}", allow_module_level=True)

pytestmark = pytest.mark.corpus

# Checks a document cannot pass because of a service limitation: (check, stem) → reason.
KNOWN_LIMITS: dict[tuple[str, str], str] = {}


def stems(check: str) -> list[Any]:
    """One param per corpus document (id = file stem), strict xfail where a limit is known."""
    out = []
    for path in sorted(CORPUS.glob("*.fields.json")):
        stem = path.name.removesuffix(".fields.json")
        reason = KNOWN_LIMITS.get((check, stem))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(stem, id=stem, marks=marks))
    return out


# --- text normalisation ------------------------------------------------------------------

_VARIANTS = (("HOÀ", "HÒA"), ("Hoà", "Hòa"), ("UỶ", "ỦY"), ("Uỷ", "Ủy"))


def norm(text: str) -> str:
    """NFC, one space for any run of white space (NBSP blanks too), spelling variants the
    spec treats as the same (HOÀ/HÒA, UỶ/ỦY)."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    for old, new in _VARIANTS:
        text = text.replace(old, new)
    return text


def strip_ending(line: str) -> str:
    """A nơi nhận or Kính gửi line without its dash and the ending the service adds."""
    return re.sub(r"\s*[;.,]$", "", re.sub(r"^[-–]\s*", "", norm(line)))


# --- the original --------------------------------------------------------------------------

@dataclass
class Original:
    header: list[str]         # issuer lines … date line, separators dropped
    body: list[str]           # tên loại / Kính gửi … last body line
    recipients: list[str]     # lines after "Nơi nhận:"
    signature: list[str]      # quyền hạn, chức vụ, name


def _blocks(lines: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            out[-1].append(line.strip())
        elif out[-1]:
            out.append([])
    return [b for b in out if b]


def read_original(stem: str, folder: Path = CORPUS) -> Original:
    """Split `<stem>.txt` into header, body, nơi nhận and signature (README layout)."""
    text = (folder / f"{stem}.txt").read_text(encoding="utf-8")
    text = text.split("\n---\nNOTES", 1)[0]
    lines = [ln for ln in text.split("\n")
             if not ln.startswith(("SOURCE:", "TYPE:"))]
    blocks = _blocks(lines)
    header = [ln for ln in blocks[0] if not re.fullmatch(r"-{3,}", ln)]
    rest = [ln for b in blocks[1:] for ln in b]
    cut = next(i for i, ln in enumerate(rest) if ln.startswith("Nơi nhận"))
    tail = _blocks(lines[lines.index(rest[cut]):])
    recipients = [ln for ln in tail[0][1:]]
    signature = tail[1]
    return Original(header, rest[:cut], recipients, signature)


def recipient_items(lines: list[str]) -> list[str]:
    """Nơi nhận items: a line without a dash continues the item above (a wrapped cell,
    15), except a last line after the "Lưu" item, which is ô 12 and returned as is."""
    items: list[str] = []
    for line in lines:
        dashed = bool(re.match(r"^[-–]", line))
        after_archive = bool(items) and strip_ending(items[-1]).startswith("Lưu")
        if dashed or not items or after_archive:
            items.append(line)
        else:
            items[-1] = f"{items[-1]} {line}"
    return [strip_ending(i) for i in items]


# --- the rendered DOCX ----------------------------------------------------------------------

def _table_paragraphs(table: Table) -> Iterator[list[str]]:
    """Each cell once (merged cells repeat in python-docx), row by row."""
    seen: list[Any] = []    # the <w:tc> elements themselves: ids of dead proxies get reused
    for row in table.rows:
        for cell in row.cells:
            if any(cell._tc is tc for tc in seen):
                continue
            seen.append(cell._tc)
            yield [p.text for p in cell.paragraphs]


def reading_order(document: DocxDocument) -> list[str]:
    """All paragraph texts in reading order: body paragraphs and table cells as they come."""
    out: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for cell in _table_paragraphs(Table(child, document)):
                out.extend(cell)
    return out


@dataclass
class Rendered:
    text: list[str]           # every paragraph, reading order
    header: list[str]         # first table, non-empty paragraphs
    recipients: list[str]     # footer's first cell
    signature: list[str]      # footer's last cell


def read_docx(content: bytes) -> Rendered:
    document = docx.Document(io.BytesIO(content))
    header = [t for cell in _table_paragraphs(document.tables[0]) for t in cell if t.strip()]
    cells = list(_table_paragraphs(document.tables[-1]))
    return Rendered(
        text=reading_order(document),
        header=header,
        recipients=[t for t in cells[0] if t.strip()],
        signature=[t for t in cells[-1] if t.strip()],
    )


# --- word order ------------------------------------------------------------------------------

_GLUED_LABEL = re.compile(r"^(\d+(?:\.\d+)*\.|[a-zđ]\))([^\W\d_]\S*)$")


def words_of(text: str) -> list[str]:
    """Whitespace tokens of normalised text, a label glued to its word split off ("1.Trên" →
    "1.", "Trên"), on both sides alike: the service may print it as written or spaced."""
    out: list[str] = []
    for token in norm(text).split():
        m = _GLUED_LABEL.match(token)
        out += [m.group(1), m.group(2)] if m else [token]
    return out


@dataclass(frozen=True)
class Word:
    text: str
    fold: bool                # compare case-insensitively (tên loại, trích yếu)
    line: str                 # for the failure message


def original_words(original: Original, fields: dict[str, Any]) -> list[Word]:
    """Words of the original body in order; the title and trích yếu compare caseless."""
    caseless = {norm(fields[k]) for k in ("title", "trich_yeu") if fields.get(k)}
    words: list[Word] = []
    for line in original.body:
        fold = norm(line) in caseless
        words += [Word(t, fold, line) for t in words_of(line)]
    return words


def _same(word: Word, printed: str) -> bool:
    if word.fold:
        a, b = word.text.casefold(), printed.casefold()
    else:
        a, b = word.text, printed
    # The body's last word gets "./." when the original lacks it or half-types it (§3.7).
    return a == b or (b.endswith("./.") and b[:-3] == a.rstrip(".;:,/"))


def first_missing(words: list[Word], printed: list[str]) -> int | None:
    """Index of the first word not found, in order, among the printed words; None if all."""
    j = 0
    for i, word in enumerate(words):
        while j < len(printed) and not _same(word, printed[j]):
            j += 1
        if j == len(printed):
            return i
        j += 1
    return None


def missing_word(words: list[Word], printed: list[str]) -> str | None:
    """Which word of the original is not printed in order, and where it stood; None if all."""
    missing = first_missing(words, printed)
    if missing is None:
        return None
    before = " ".join(w.text for w in words[max(0, missing - 8):missing])
    return (f"word {missing + 1}/{len(words)} {words[missing].text!r} missing after {before!r}"
            f"\n  in original line: {words[missing].line[:200]!r}")


# --- fixtures and tests ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def client() -> Any:
    from service import create_app
    from service.config import Settings

    app = create_app(Settings.from_env(pdf_enabled=False))
    return app.test_client()


@dataclass
class Case:
    fields: dict[str, Any]
    payload: dict[str, Any]
    original: Original
    rendered: Rendered


_CACHE: dict[str, Case] = {}


@pytest.fixture
def case(client: Any, request: pytest.FixtureRequest) -> Case:
    """The document rendered once per stem, shared by the three checks."""
    stem: str = request.param
    if stem not in _CACHE:
        fields = json.loads((CORPUS / f"{stem}.fields.json").read_text(encoding="utf-8"))
        payload = build_payload(fields)
        response = client.post("/v1/documents", json=payload)
        assert response.status_code == 200, response.get_data(as_text=True)
        _CACHE[stem] = Case(fields, payload, read_original(stem), read_docx(response.data))
    return _CACHE[stem]


@pytest.mark.parametrize("case", stems("words"), indirect=True)
def test_every_word_in_order(case: Case) -> None:
    """(1) The original's words, tên loại to the last body line, appear in order."""
    problem = missing_word(original_words(case.original, case.fields),
                           words_of(" ".join(case.rendered.text)))
    if problem is not None:
        pytest.fail(problem)


@pytest.mark.parametrize("case", stems("header"), indirect=True)
def test_header_lines(case: Case) -> None:
    """(2) Issuer lines, Quốc hiệu, Tiêu ngữ, Số, V/v and date as in the original."""
    assert [norm(t) for t in case.rendered.header] == [norm(t) for t in case.original.header]


@pytest.mark.parametrize("case", stems("footer"), indirect=True)
def test_recipients_and_signature(case: Case) -> None:
    """(3) Nơi nhận items (dash and endings aside) and the signature lines."""
    rendered = case.rendered.recipients
    assert norm(rendered[0]).rstrip(":") == "Nơi nhận"
    expected = recipient_items(case.original.recipients)
    drafter = case.payload.get("drafter")
    if drafter:
        # Ô 12 prints in the NĐ30 form (nd30-spec §4, "PL.(300)"), not the source's free text.
        expected[-1] = f"{drafter['code'].upper()}.({drafter['copies']})"
    assert recipient_items(rendered[1:]) == expected
    assert [norm(t) for t in case.rendered.signature] == [
        norm(t) for t in case.original.signature]


PDF_STEMS = ["02_quyet_dinh_hanoi_giathoc", "10_cong_van_cucthue_tncn"]


@pytest.mark.soffice
@pytest.mark.parametrize("stem", PDF_STEMS)
def test_pdf_every_word_in_order(pdf_client: Any, stem: str) -> None:
    """(1) again on the PDF text, for two documents, when the PDF stage exists."""
    pymupdf = pytest.importorskip("pymupdf")
    fields = json.loads((CORPUS / f"{stem}.fields.json").read_text(encoding="utf-8"))
    response = pdf_client.post("/v1/documents?format=pdf", json=build_payload(fields))
    assert response.status_code == 200, response.get_data(as_text=True)
    with pymupdf.open(stream=response.data, filetype="pdf") as pdf:
        text = "\n".join(page.get_text() for page in pdf)
    # LibreOffice may break a line after a hyphen inside a word ("30610/TTr-HAN-" / "QLĐ").
    printed = words_of(re.sub(r"(?<=\S-)\n", "", text))
    words = original_words(read_original(stem), fields)
    missing = first_missing(words, printed)
    assert missing is None, f"{words[missing].text!r} missing; line {words[missing].line!r}"
