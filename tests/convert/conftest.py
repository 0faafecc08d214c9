"""Fixtures for the converter tests: one LibreOffice pool per session, and `kit`: DOCX makers,
PDF readers and the facts the documents are made of (a fixture rather than an import, so it works
under any pytest import mode and beside any other conftest)."""

from __future__ import annotations

import io
import shutil
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from xml.etree import ElementTree

import pymupdf
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from service.config import PoolSettings, Settings

VIETNAMESE = "ỦY BAN NHÂN DÂN Độc lập - Tự do - Hạnh phúc Nguyễn Thị Diệu Thúy"
BODY = ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Ủy ban nhân dân "
        "tỉnh ban hành kế hoạch thực hiện nhiệm vụ trọng tâm, bảo đảm tiến độ và chất lượng.")
PROPERTIES = {
    "title": "Kế hoạch triển khai công tác văn thư năm 2025",
    "author": "Ủy ban nhân dân tỉnh Thừa Thiên Huế",
    "subject": "Công tác văn thư, lưu trữ",
    "keywords": "kế hoạch; văn thư; năm 2025",
    "created": datetime(2025, 3, 14, 8, 30, 15, tzinfo=UTC),
}
SESSION_POOL = PoolSettings(size=2, timeout=30.0, restart_after=0, queue_size=4,
                            start_timeout=60.0)
TIMES = "Times New Roman"


def make_docx(paragraphs: int = 3, **properties: Any) -> bytes:
    """A DOCX in Times New Roman 13 pt: the Vietnamese heading in regular, bold, italic and bold
    italic, then `paragraphs` body paragraphs; core properties from PROPERTIES, overridable."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = TIMES, Pt(13)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), TIMES)         # no theme font may slip in for any script
    heading = document.add_paragraph()
    for bold, italic in ((False, False), (True, False), (False, True), (True, True)):
        run = heading.add_run(VIETNAMESE + " ")
        run.bold, run.italic = bold, italic
    for number in range(paragraphs):
        document.add_paragraph(f"{number + 1}. {BODY}")
    core = document.core_properties
    for name, value in {**PROPERTIES, **properties}.items():
        setattr(core, name, value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@dataclass
class Pdf:
    text: str                   # NFC, whitespace collapsed to single spaces
    fonts: list[tuple[str, bool]]   # (base font name without subset prefix, embedded)
    metadata: dict[str, str]
    xmp: ElementTree.Element | None
    pages: int


def read_pdf(data: bytes) -> Pdf:
    assert data.startswith(b"%PDF-"), data[:20]
    with pymupdf.open(stream=data, filetype="pdf") as document:
        text = " ".join(page.get_text() for page in document)
        fonts = {(basefont.split("+")[-1], ext != "n/a")
                 for page in document
                 for _xref, ext, _type, basefont, *_ in page.get_fonts(full=True)}
        xmp = document.get_xml_metadata()
        return Pdf(text=unicodedata.normalize("NFC", " ".join(text.split())),
                   fonts=sorted(fonts), metadata=dict(document.metadata or {}),
                   xmp=ElementTree.fromstring(xmp.encode()) if xmp else None,
                   pages=document.page_count)


def assert_good_pdf(data: bytes) -> Pdf:
    """The PDF has the Vietnamese heading as text and only embedded Liberation Serif (or a real
    Times New Roman): a glyph missing from the font would show up as a fallback font here."""
    pdf = read_pdf(data)
    assert unicodedata.normalize("NFC", VIETNAMESE) in pdf.text
    assert pdf.fonts, "no fonts in the PDF"
    for name, embedded in pdf.fonts:
        assert embedded, f"{name} is not embedded"
        assert name.startswith(("LiberationSerif", "TimesNewRoman")), f"unexpected font {name}"
    return pdf


def office_processes() -> dict[int, str]:
    """Every soffice.bin on the machine by pid, with its command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue                    # ended while we looked
        if "soffice.bin" in command:
            found[int(entry.name)] = command
    return found


def fonts_in_use(pid: int) -> set[str]:
    """The font files a process has mapped: what LibreOffice really drew with."""
    with open(f"/proc/{pid}/maps") as maps:
        return {line.split()[-1] for line in maps if line.rstrip().endswith((".ttf", ".otf"))}


def traces(worker: Any) -> list[Path]:
    """Where a running soffice worker keeps things: its run directory (profile, log) and the
    single-instance socket soffice makes in /tmp. Take them before it stops; none may outlive it."""
    from service.convert.soffice import ipc_socket_name

    return [Path(worker.run_dir), Path("/tmp", ipc_socket_name(worker.profile_url))]


def wait_until(predicate: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what or predicate}")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def kit() -> SimpleNamespace:
    return SimpleNamespace(
        VIETNAMESE=VIETNAMESE, BODY=BODY, PROPERTIES=PROPERTIES, make_docx=make_docx,
        read_pdf=read_pdf, assert_good_pdf=assert_good_pdf, wait_until=wait_until,
        office_processes=office_processes, fonts_in_use=fonts_in_use, traces=traces)


@pytest.fixture(scope="session")
def pool() -> Iterator[Any]:
    """The one warm pool all soffice tests share (two processes: LibreOffice starts are slow)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (scripts/install-system-deps.sh)")
    from service.convert import create_converter

    converter = create_converter(Settings(pool=SESSION_POOL))
    yield converter
    converter.close()


@pytest.fixture
def tuned(pool: Any) -> Iterator[Callable[..., None]]:
    """Change the pool's supervisor settings for one test; restore them and wait for a full,
    ready pool afterwards so the next test starts from the same place."""
    supervisor = pool.supervisor
    saved = {name: getattr(supervisor, name) for name in ("timeout", "restart_after", "queue_size")}

    def tune(**values: Any) -> None:
        for name, value in values.items():
            assert name in saved, name
            setattr(supervisor, name, value)

    yield tune
    for name, value in saved.items():
        setattr(supervisor, name, value)
    wait_until(lambda: pool.alive == supervisor.size and pool.ready(), what="a healed pool")
