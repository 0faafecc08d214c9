"""The register (sổ đăng ký văn bản đi) and automatic numbers: atomic under threads and
processes on SQLite and PostgreSQL, duplicates refused, failed renders take no number."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest
from openpyxl import load_workbook

from service.__main__ import main
from service.errors import ConversionError
from tests.conftest import ROOT, docx_lines, example, open_docx


def auto(kind: str = "ke_hoach", **changes) -> dict:
    payload = example(kind)
    payload.update(number="auto", **changes)
    return payload


def test_eight_threads_take_exactly_one_to_two_hundred(make_app, database_url):
    app = make_app(database_url=database_url)
    payload = auto()

    def take(_: int) -> list[int]:
        client = app.test_client()
        numbers = []
        for _ in range(25):
            response = client.post("/v1/documents", json=payload)
            assert response.status_code == 200, response.data[:300]
            numbers.append(int(response.headers["X-Vanban-Number"]))
        return numbers

    with ThreadPoolExecutor(8) as pool:
        taken = [n for numbers in pool.map(take, range(8)) for n in numbers]
    assert sorted(taken) == list(range(1, 201))
    entries = app.test_client().get("/v1/register?issuer=UBND&year=2026&per_page=500").json
    assert entries["total"] == 200
    assert [e["number"] for e in entries["entries"]] == list(range(1, 201))


_TAKER = textwrap.dedent("""
    import sys
    from concurrent.futures import ThreadPoolExecutor
    from service import create_app
    from service.config import Settings
    from tests.conftest import example

    app = create_app(Settings.from_env(pdf_enabled=False))
    payload = example("cong_van")
    payload["number"] = "auto"
    def take(_):
        client = app.test_client()
        out = []
        for _ in range(25):
            response = client.post("/v1/documents", json=payload)
            assert response.status_code == 200, response.data
            out.append(response.headers["X-Vanban-Number"])
        return out
    with ThreadPoolExecutor(4) as pool:
        print(" ".join(n for numbers in pool.map(take, range(4)) for n in numbers))
    app.extensions["vanban.batch"].close(timeout=5)
""")


def test_gunicorn_workers_and_another_instance_on_one_postgresql(postgres_url, tmp_path):
    """8 HTTP clients on a gunicorn with two workers, and meanwhile a second service instance
    with 4 threads of its own, all on one PostgreSQL: 300 numbers, exactly 1…300."""
    from tests.integration.test_gunicorn import gunicorn, request

    env = {**os.environ, "VANBAN_DATABASE_URL": postgres_url, "PYTHONPATH": str(ROOT),
           "VANBAN_BATCH_OUTPUT_DIR": str(tmp_path / "out")}
    payload = auto("cong_van")
    with gunicorn(tmp_path, VANBAN_WORKERS="2", VANBAN_PDF_ENABLED="false",
                  VANBAN_DATABASE_URL=postgres_url) as server:
        server.wait_ready()
        assert len(server.workers) == 2
        other = subprocess.Popen([sys.executable, "-c", _TAKER], env=env, cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def take(_: int) -> list[int]:
            numbers = []
            for _ in range(25):
                status, headers, body = request(f"{server.base}/v1/documents", payload)
                assert status == 200, body[:300]
                numbers.append(int(headers["X-Vanban-Number"]))
            return numbers

        with ThreadPoolExecutor(8) as pool:
            taken = [n for numbers in pool.map(take, range(8)) for n in numbers]
        out, err = other.communicate(timeout=300)
        assert other.returncode == 0, err[-2000:]
    taken.extend(int(n) for n in out.split())
    assert sorted(taken) == list(range(1, 301))


def test_a_duplicate_explicit_number_is_refused_naming_the_entry(make_app):
    client = make_app().test_client()
    first = client.post("/v1/documents", json=auto())
    held = first.headers["X-Vanban-Register-Id"]
    for payload in (dict(example("ke_hoach"), number=1, register=True),
                    dict(example("quyet_dinh"), number="01", register=True, date="2026-05-02"),
                    dict(example("ke_hoach"), symbol="01/KH-UBND", register=True)):
        response = client.post("/v1/documents", json=payload)
        assert response.status_code == 409, payload
        assert response.json["error"]["code"] == "number_taken"
        assert response.json["error"]["entry"] == held
    # Another year, another issuer, the secret series: the number is free there.
    for payload in (dict(example("ke_hoach"), number=1, register=True, date="2027-01-02"),
                    dict(example("cong_van"), number=1, register=True),
                    dict(example("ke_hoach"), number=1, register=True, secrecy="mat")):
        assert client.post("/v1/documents", json=payload).status_code == 200, payload


def test_secret_documents_have_their_own_series(make_app):
    client = make_app().test_client()
    numbers = [client.post("/v1/documents", json=payload).headers["X-Vanban-Number"]
               for payload in (auto(), auto(secrecy="mat"), auto(), auto(secrecy="toi_mat"))]
    assert numbers == ["1", "1", "2", "2"]
    listed = client.get("/v1/register?issuer=UBND").json["entries"]
    assert sorted((e["series"], e["number"]) for e in listed) == [
        ("mat", 1), ("mat", 2), ("thuong", 1), ("thuong", 2)]


class FailingConverter:
    """A converter whose every conversion fails after rendering, as a crashed LibreOffice
    would."""

    def to_pdf(self, docx, options=None) -> bytes:
        if callable(docx):
            docx()
        raise ConversionError(detail="soffice died")


def test_a_failed_render_takes_no_number(make_app):
    converter = FailingConverter()
    client = make_app(converter=converter).test_client()
    assert client.post("/v1/documents", json=auto()).headers["X-Vanban-Number"] == "1"
    failed = client.post("/v1/documents?format=pdf", json=auto())
    assert failed.status_code == 500 and "X-Vanban-Number" not in failed.headers
    assert client.post("/v1/documents", json=auto()).headers["X-Vanban-Number"] == "2"
    assert client.get("/v1/register").json["total"] == 2


def test_the_next_number_is_shown_and_not_taken(make_app):
    app = make_app()
    client = app.test_client()
    client.post("/v1/documents", json=auto())
    for _ in range(2):
        peek = client.get("/v1/register/next?issuer=UBND&year=2026&type=ke_hoach").json
        assert peek == {"issuer": "UBND", "year": 2026, "secret": False, "number": 2,
                        "number_text": "02", "symbol": "02/KH-UBND"}
    assert client.get("/v1/register/next?issuer=UBND&year=2026&secret=1").json["number"] == 1
    # A preview (the form's) prints the next number and enters nothing.
    preview = app.extensions["vanban.pipeline"].generate(auto(), "docx", enter=False)
    assert "Số: 02/KH-UBND" in docx_lines(open_docx(preview.content))
    assert client.get("/v1/register").json["total"] == 1
    assert client.get("/v1/register/next").status_code == 422


def test_metadata_of_an_auto_document_shows_the_next_number(make_app):
    client = make_app().test_client()
    client.post("/v1/documents", json=auto())
    assert client.post("/v1/documents?format=metadata", json=auto()).json["CodeNumber"] == "02"
    assert client.get("/v1/register").json["total"] == 1


def test_entry_with_metadata_xml_and_its_document_again(make_app):
    client = make_app().test_client()
    original = client.post("/v1/documents", json=auto("quyet_dinh", register=True))
    entry_id = original.headers["X-Vanban-Register-Id"]
    entry = client.get(f"/v1/register/{entry_id}").json
    assert entry["symbol"] == "01/QĐ-UBND" and entry["type"] == "quyet_dinh"
    assert entry["metadata"]["CodeNumber"] == "01"
    assert entry["metadata"]["SignerInfo"]["FullName"] == example("quyet_dinh")["signer"]["name"]
    xml = client.get(f"/v1/register/{entry_id}?format=xml")
    assert xml.mimetype == "application/xml" and b"<CodeNotation>Q" in xml.data
    again = client.get(f"/v1/register/{entry_id}/document")
    assert again.status_code == 200
    assert docx_lines(open_docx(again.data)) == docx_lines(open_docx(original.data))
    assert client.get("/v1/register").json["total"] == 1          # rendering again enters none
    assert client.get("/v1/register/0000/document").status_code == 404
    assert client.get(f"/v1/register/{entry_id}?format=csv").status_code == 406


def test_listing_pages_and_filters(make_app):
    client = make_app().test_client()
    for n, kind in enumerate(["ke_hoach", "quyet_dinh", "ke_hoach", "bao_cao"], start=1):
        client.post("/v1/documents", json=auto(kind, date=f"2026-03-0{n}"))
    page = client.get("/v1/register?issuer=UBND&year=2026&per_page=3&page=2").json
    assert (page["total"], page["page"], [e["number"] for e in page["entries"]]) == (4, 2, [4])
    plans = client.get("/v1/register?type=plan").json
    assert [e["number"] for e in plans["entries"]] == [1, 3]
    dated = client.get("/v1/register?from=2026-03-02&to=2026-03-03").json
    assert [e["issued"] for e in dated["entries"]] == ["2026-03-02", "2026-03-03"]
    for bad in ("year=abc", "type=nope", "from=03/02/2026", "per_page=100000", "page=0"):
        response = client.get(f"/v1/register?{bad}")
        assert response.status_code == 422, bad
        assert response.json["error"]["fields"]


def test_auto_with_a_symbol_is_refused(client):
    response = client.post("/v1/documents", json=auto(symbol="63/2025/QĐ-UBND"))
    assert response.status_code == 422 and "number" in response.json["error"]["fields"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_yearly_export(make_app, tmp_path, monkeypatch, fmt):
    app = make_app()
    client = app.test_client()
    client.post("/v1/documents", json=auto("cong_van", drafter={"code": "PL", "copies": 12}))
    client.post("/v1/documents", json=auto("ke_hoach"))
    client.post("/v1/documents", json=auto("ke_hoach", date="2025-12-31"))
    url = app.extensions["vanban.database"].url.render_as_string(hide_password=False)
    monkeypatch.setenv("VANBAN_DATABASE_URL", url)
    target = tmp_path / f"so.{fmt}"
    assert main(["register", "export", "--year", "2026", "--format", fmt,
                 "--out", str(target)]) == 0
    if fmt == "csv":
        text = target.read_bytes().decode("utf-8-sig")
        table = list(csv.reader(io.StringIO(text)))
    else:
        table = [[c if c is not None else "" for c in row]
                 for row in load_workbook(target).active.iter_rows(values_only=True)]
    assert table[0][0] == "Số, ký hiệu văn bản"
    body = table[1:]
    assert len(body) == 2                                         # 2025's entry is not there
    by_symbol = {row[0]: row for row in body}
    assert by_symbol["01/KH-UBND"][1] == "06/02/2026"
    letter = next(row for symbol, row in by_symbol.items() if symbol.endswith("SNV-CCVC"))
    assert str(letter[5]) == "12"
    assert "Phạm Minh Khoa" in letter[3]


def test_the_stored_payload_has_its_number(make_app):
    app = make_app()
    client = app.test_client()
    entry_id = client.post("/v1/documents", json=auto()).headers["X-Vanban-Register-Id"]
    entry = app.extensions["vanban.pipeline"].register.get(entry_id)
    assert entry.payload["number"] == 1 and "register" not in entry.payload
    assert json.dumps(entry.payload, ensure_ascii=False)
