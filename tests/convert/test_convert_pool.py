"""The LibreOffice pool end to end: content, fonts, PDF/A, metadata, and failures it survives."""

from __future__ import annotations

import io
import os
import signal
import threading
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from service.config import ROOT
from service.convert import PdfOptions
from service.errors import ConversionError, ConversionTimeout, ConverterBusy, RenderError

pytestmark = pytest.mark.soffice

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
XMP = "{http://ns.adobe.com/xap/1.0/}"
HEAVY = 1000        # body paragraphs: ~30 pages, over a second of LibreOffice time here
HUGE = 3000         # ~90 pages: ~3 s, long enough that a process left running would be seen


def test_vietnamese_text_and_every_font_embedded(pool: Any, kit: Any) -> None:
    pdf = kit.assert_good_pdf(pool.to_pdf(kit.make_docx(paragraphs=60)))
    assert pdf.pages >= 3
    assert kit.BODY.split(";")[0] in pdf.text
    # All four faces are used, and each is the one from fonts/ (a glyph missing from it would
    # have brought in a fallback font, which assert_good_pdf rejects).
    assert {name for name, _ in pdf.fonts} == {
        "LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic",
        "LiberationSerif-BoldItalic"}


def test_fonts_come_from_the_project_fonts_dir(pool: Any, kit: Any) -> None:
    kit.assert_good_pdf(pool.to_pdf(kit.make_docx()))
    fonts_dir = str(ROOT / "fonts")
    used = set().union(*(kit.fonts_in_use(pid) for pid in pool.pids))
    serif = {path for path in used if "LiberationSerif" in path}
    assert {Path(path).name for path in serif if path.startswith(fonts_dir)} >= {
        "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
        "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf"}
    assert {path for path in serif if not path.startswith(fonts_dir)} == set(), \
        "a system Liberation Serif was used (fonts-liberation 1.x has no Vietnamese glyphs)"


@pytest.mark.parametrize("pdfa", [False, True], ids=["pdf", "pdfa"])
def test_core_properties_reach_the_pdf_info(pool: Any, kit: Any, pdfa: bool) -> None:
    pdf = kit.read_pdf(pool.to_pdf(kit.make_docx(), PdfOptions(pdfa=pdfa)))
    assert pdf.metadata["title"] == kit.PROPERTIES["title"]
    assert pdf.metadata["author"] == kit.PROPERTIES["author"]
    assert pdf.metadata["subject"] == kit.PROPERTIES["subject"]
    # LibreOffice alone would give "kế, hoạch, văn, thư, năm, 2025".
    assert pdf.metadata["keywords"] == kit.PROPERTIES["keywords"]
    # LibreOffice alone would give the export time.
    assert pdf.metadata["creationDate"].startswith("D:20250314083015")


def test_pdfa_request_gives_pdfa_2b(pool: Any, kit: Any) -> None:
    pdf = kit.assert_good_pdf(pool.to_pdf(kit.make_docx(), PdfOptions(pdfa=True)))
    assert pdf.xmp is not None, "a PDF/A must carry XMP metadata"
    assert pdf.xmp.findtext(f".//{PDFAID}part") == "2"
    assert pdf.xmp.findtext(f".//{PDFAID}conformance") == "B"
    # PDF/A requires the XMP and Info creation dates to agree; the stamp changed both.
    assert pdf.xmp.findtext(f".//{XMP}CreateDate") == "2025-03-14T08:30:15Z"


def test_plain_request_is_not_pdfa(pool: Any, kit: Any) -> None:
    pdf = kit.read_pdf(pool.to_pdf(kit.make_docx()))
    assert pdf.xmp is None or pdf.xmp.find(f".//{PDFAID}part") is None


def test_missing_core_properties_stay_missing(pool: Any, kit: Any) -> None:
    pdf = kit.assert_good_pdf(pool.to_pdf(kit.make_docx(keywords="", title="")))
    assert pdf.metadata["keywords"] == ""
    assert pdf.metadata["title"] == ""
    assert pdf.metadata["author"] == kit.PROPERTIES["author"]


def test_creation_date_is_stamped_to_the_second(pool: Any, kit: Any) -> None:
    created = datetime(2024, 12, 31, 23, 59, 58, tzinfo=UTC)
    pdf = kit.read_pdf(pool.to_pdf(kit.make_docx(created=created)))
    assert pdf.metadata["creationDate"].startswith("D:20241231235958")


def _corrupt(case: str, good: bytes) -> bytes:
    if case == "empty":
        return b""
    if case == "not-a-zip":
        return "Đây không phải tệp DOCX".encode() * 50
    if case == "truncated-zip":
        return good[: len(good) // 2]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as broken:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                if case == "zip-without-document":
                    continue
                data = data[: len(data) // 3]        # cut mid-element: not well-formed XML
            broken.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("case", ["empty", "not-a-zip", "truncated-zip", "broken-document-xml",
                                  "zip-without-document"])
def test_corrupt_docx_is_a_conversion_error_and_the_pool_stays(
        pool: Any, kit: Any, case: str) -> None:
    good = kit.make_docx()
    restarts = sum(pool.restarts.values())
    with pytest.raises(ConversionError) as caught:
        pool.to_pdf(_corrupt(case, good))
    assert type(caught.value) is ConversionError, "not a timeout, busy or unavailable"
    kit.assert_good_pdf(pool.to_pdf(good))
    assert sum(pool.restarts.values()) == restarts, "a corrupt DOCX cost a process"


def test_a_docx_source_renders_on_the_reserved_office_core_once(pool: Any, kit: Any) -> None:
    cores, made = {process.cpu for process in pool.supervisor.workers}, []

    def render() -> bytes:
        made.append(os.sched_getaffinity(0))
        return kit.make_docx()

    kit.assert_good_pdf(pool.to_pdf(render))
    assert len(made) == 1
    if None not in cores:           # pinned (two or more cores): rendered on the office's core
        assert len(made[0]) == 1 and made[0] <= cores


def test_a_render_error_reaches_the_caller_and_frees_the_office(pool: Any, kit: Any) -> None:
    def broken() -> bytes:
        raise RenderError(detail="template tag left open")

    restarts = sum(pool.restarts.values())
    with pytest.raises(RenderError):
        pool.to_pdf(broken)
    kit.wait_until(lambda: pool.supervisor.busy == 0, timeout=10, what="the office released")
    kit.assert_good_pdf(pool.to_pdf(kit.make_docx()))
    assert sum(pool.restarts.values()) == restarts


def test_timeout_kills_cleanly_and_the_next_request_succeeds(
        pool: Any, kit: Any, tuned: Any) -> None:
    huge = kit.make_docx(paragraphs=HUGE)
    timeouts = pool.restarts["timeout"]
    before = {worker.pid: kit.traces(worker) for worker in pool.supervisor.workers}
    tuned(timeout=0.3)
    started = time.monotonic()
    with pytest.raises(ConversionTimeout):
        pool.to_pdf(huge)
    assert time.monotonic() - started < 0.3 + 0.5, "the caller waited past the timeout"
    assert pool.restarts["timeout"] == timeouts + 1
    [victim] = set(before) - set(pool.pids)
    # Killed, not left to finish its 30 pages in the background.
    kit.wait_until(lambda: victim not in kit.office_processes(), timeout=1.0,
                   what="the timed-out soffice to be gone")
    tuned(timeout=30.0)
    kit.assert_good_pdf(pool.to_pdf(kit.make_docx()))
    kit.wait_until(lambda: pool.alive == 2, what="the killed process to be replaced")
    assert [t for t in before[victim] if t.exists()] == []


def test_full_queue_answers_busy_with_retry_after(pool: Any, kit: Any, tuned: Any) -> None:
    tuned(queue_size=1)
    heavy = kit.make_docx(paragraphs=HEAVY)
    outcomes: list[Any] = []

    def convert() -> None:
        try:
            outcomes.append(pool.to_pdf(heavy))
        except Exception as e:  # reported by the assertions below
            outcomes.append(e)

    clients = [threading.Thread(target=convert) for _ in range(3)]   # 2 running + 1 queued
    for client in clients:
        client.start()
    kit.wait_until(lambda: pool.supervisor.busy == 2 and pool.queued == 1, timeout=10,
                   what="both processes busy and one request queued")
    started = time.monotonic()
    with pytest.raises(ConverterBusy) as caught:
        pool.to_pdf(kit.make_docx())
    assert time.monotonic() - started < 0.5, "a full queue must answer at once"
    assert caught.value.retry_after >= 1
    for client in clients:
        client.join()
    assert len(outcomes) == 3
    for outcome in outcomes:
        assert isinstance(outcome, bytes), outcome
        kit.assert_good_pdf(outcome)


def test_kill_9_mid_stream_every_request_succeeds_and_the_pool_heals(
        pool: Any, kit: Any) -> None:
    docx = kit.make_docx(paragraphs=60)
    retries, per_client = pool.retries, 8
    outcomes: list[Any] = []
    renders: list[int] = []
    done = threading.Semaphore(0)

    def render() -> bytes:          # a retry on a fresh process converts the same DOCX
        renders.append(1)
        return docx

    def client() -> None:
        for _ in range(per_client):
            try:
                outcomes.append(pool.to_pdf(render))
            except Exception as e:  # reported by the assertions below
                outcomes.append(e)
            done.release()

    clients = [threading.Thread(target=client) for _ in range(2)]
    for thread in clients:
        thread.start()
    for _ in range(3):
        done.acquire()          # a few conversions in: the stream is flowing
    # Both converting: a process only tidying up (its caller served) has no request to retry.
    kit.wait_until(lambda: pool.supervisor.busy == 2 and pool.supervisor.tidying == 0,
                   timeout=10, what="both processes converting")
    victim = pool.supervisor.workers[0]
    victim_pid, victim_traces = victim.pid, kit.traces(victim)
    os.kill(victim_pid, signal.SIGKILL)
    for thread in clients:
        thread.join()

    assert len(outcomes) == 2 * per_client
    for outcome in outcomes:
        assert isinstance(outcome, bytes), f"a request failed: {outcome!r}"
        kit.assert_good_pdf(outcome)
    assert pool.retries > retries, "the killed process had a request, which was retried"
    assert len(renders) == 2 * per_client, "a retried request was rendered again"
    kit.wait_until(lambda: pool.ready() and pool.alive == 2, what="the pool to heal")
    assert victim_pid not in pool.pids
    assert [t for t in victim_traces if t.exists()] == [], "a killed soffice left files"
