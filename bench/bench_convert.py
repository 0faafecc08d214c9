"""Benchmark DOCX → PDF on one 3-page kế hoạch: cold soffice vs the warm pool vs the UNO floor.

One run, one document, every number against a baseline from the same run:
  (a) cold   `soffice --headless --convert-to pdf`, a new process per document;
  (b) HTTP   the service's PDF endpoint (added by the web side, reusing measure());
  (c) floor  bare UNO load-and-export on an already running soffice (no pool, no queue);
  pool       SofficePool.to_pdf called directly;
and, when the `unoserver` package is importable, unoserver's XML-RPC client → server → soffice.
Then the throughput of 2 concurrent clients against 1, and the RSS of this process plus its
soffice processes at conversion 100 (and 1,000 with --long).

    .venv/bin/python bench/bench_convert.py [DOCX] [--runs N] [--long] [--no-unoserver]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.config import PoolSettings, Settings  # noqa: E402
from service.convert.pool import SofficePool  # noqa: E402
from service.convert.soffice import remove_ipc_socket  # noqa: E402

FONTS_CONF = ROOT / "fonts" / "fonts.conf"
EMBED = ["EmbedStandardFonts=true"]


@dataclass
class Result:
    label: str
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def report(label: str, seconds: list[float]) -> Result:
    result = Result(label, seconds)
    print(f"  {label:<44} median {result.median * 1000:8.1f} ms   "
          f"min {min(seconds) * 1000:7.1f}   max {max(seconds) * 1000:7.1f}   n={len(seconds)}",
          flush=True)
    return result


def measure(label: str, fn: Callable[[], object], n: int, *, warmup: int = 1) -> Result:
    """Call `fn` `warmup` times unmeasured, then `n` times; print and return the timings."""
    for _ in range(warmup):
        fn()
    seconds = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - started)
    return report(label, seconds)


def measure_interleaved(variants: dict[str, Callable[[], object]], n: int, *,
                        warmup: int = 3) -> list[Result]:
    """measure() for variants run turn about on the same process, so drift in its state (heap,
    caches) and in the machine's load falls on all of them alike."""
    for fn in variants.values():
        for _ in range(warmup):
            fn()
    seconds: dict[str, list[float]] = {label: [] for label in variants}
    for _ in range(n):
        for label, fn in variants.items():
            started = time.perf_counter()
            fn()
            seconds[label].append(time.perf_counter() - started)
    return [report(label, times) for label, times in seconds.items()]


def plan_docx() -> bytes:
    """A kế hoạch of about three pages in Times New Roman 13-14 pt, as the templates make them."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), "Times New Roman")

    header = document.add_table(rows=2, cols=2)
    cells = [("ỦY BAN NHÂN DÂN\nTỈNH THỪA THIÊN HUẾ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "Độc lập - Tự do - Hạnh phúc"),
             ("Số: 125/KH-UBND", "Thừa Thiên Huế, ngày 14 tháng 3 năm 2025")]
    for row, (left, right) in zip(header.rows, cells, strict=True):
        row.cells[0].text, row.cells[1].text = left, right
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in paragraph.runs:
                    run.font.size, run.bold = Pt(13), True
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("KẾ HOẠCH\n").bold = True
    title.add_run("Triển khai công tác văn thư, lưu trữ năm 2025").bold = True
    sections = ["MỤC ĐÍCH, YÊU CẦU", "NỘI DUNG THỰC HIỆN", "TỔ CHỨC THỰC HIỆN"]
    body = ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác "
            "văn thư; các cơ quan, đơn vị, địa phương tổ chức quán triệt, triển khai thực hiện "
            "nghiêm túc, hiệu quả; bảo đảm thể thức, kỹ thuật trình bày văn bản hành chính, quản "
            "lý văn bản đi, văn bản đến, lập hồ sơ và nộp lưu hồ sơ vào Lưu trữ cơ quan đúng thời "
            "hạn; ứng dụng công nghệ thông tin, chữ ký số trong quản lý văn bản điện tử.")
    for number, heading in enumerate(sections, start=1):
        document.add_paragraph().add_run(f"{'I' * number if number < 4 else 'IV'}. {heading}") \
            .bold = True
        for item in range(1, 5):
            paragraph = document.add_paragraph(f"{item}. {body}")
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Cm(1)
    signature = document.add_paragraph()
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.add_run("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n\n\n").bold = True
    signature.add_run("Nguyễn Thị Diệu Thúy").bold = True
    core = document.core_properties
    core.title = "Kế hoạch triển khai công tác văn thư, lưu trữ năm 2025"
    core.author = "Ủy ban nhân dân tỉnh Thừa Thiên Huế"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def page_count(pdf: bytes) -> int:
    try:
        import pymupdf
    except ImportError:
        return -1
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        return document.page_count


def rss(pid: int | str = "self") -> int:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


# -- (a) cold ---------------------------------------------------------------------------------

def bench_cold(docx: bytes, runs: int, work: Path) -> Result:
    source = work / "plan.docx"
    source.write_bytes(docx)
    # A profile of its own, made by the warm-up run, as a cold `soffice` on a server has one.
    profile = (work / "cold-profile").as_uri()
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}

    def convert() -> None:
        subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(work), str(source)],
                       env=env, check=True, capture_output=True, timeout=120)
        assert (work / "plan.pdf").stat().st_size > 1000

    try:
        return measure("(a) cold soffice --convert-to", convert, runs)
    finally:
        remove_ipc_socket(profile)      # only there if a run was killed by its timeout


# -- (c) floor and the pool, on the same soffice -------------------------------------------------

def bench_floor_and_pool(pool: SofficePool, docx: bytes, runs: int) -> tuple[Result, Result]:
    """The floor is the bare UNO load-and-export the pool's own process does (no queue, no
    task thread, no metadata); timed turn about with pool.to_pdf on that same process."""
    [process] = pool.supervisor.workers
    bridge = process._bridge
    assert bridge is not None
    floor, warm = measure_interleaved({
        "(c) floor: UNO load+export, running soffice": lambda: bridge.to_pdf(docx),
        "pool.to_pdf": lambda: pool.to_pdf(docx),
    }, runs)
    return floor, warm


# -- unoserver --------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bench_unoserver(pool: SofficePool, docx: bytes, runs: int, work: Path) -> list[Result]:
    """unoserver's client → XML-RPC → server → soffice, timed turn about with pool.to_pdf (a
    one-process pool), so both see the same machine load."""
    spec = importlib.util.find_spec("unoserver")
    if spec is None or spec.origin is None:
        print("  unoserver: not installed, skipped (pip install unoserver to compare)")
        return []
    from unoserver.client import UnoClient

    port, uno_port = _free_port(), _free_port()
    # The server imports uno: give its interpreter the system python3-uno directory too.
    path = os.pathsep.join([str(Path(spec.origin).parent.parent),
                            "/usr/lib/python3/dist-packages", os.environ.get("PYTHONPATH", "")])
    server = subprocess.Popen(
        [sys.executable, "-m", "unoserver.server", "--interface", "127.0.0.1", "--port",
         str(port), "--uno-port", str(uno_port), "--user-installation",
         str(work / "unoserver-profile")],
        env={**os.environ, "PYTHONPATH": path, "FONTCONFIG_FILE": str(FONTS_CONF)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        started = time.monotonic()
        while True:                     # readiness: the XML-RPC server answers info()
            try:
                xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}").info()
                break
            except (OSError, xmlrpc.client.Error):
                if server.poll() is not None or time.monotonic() - started > 90:
                    print("  unoserver: server did not start, skipped")
                    return []
                time.sleep(0.2)
        print(f"  (unoserver up after {time.monotonic() - started:.1f} s; its start waits on "
              "fixed sleeps)")
        client = UnoClient(server="127.0.0.1", port=str(port))
        return measure_interleaved({
            "unoserver client.convert (defaults)":
                lambda: client.convert(indata=docx, convert_to="pdf", filter_options=EMBED),
            "unoserver (update_index=False)":
                lambda: client.convert(indata=docx, convert_to="pdf", filter_options=EMBED,
                                       update_index=False),
            "pool.to_pdf, same turns": lambda: pool.to_pdf(docx),
        }, runs)
    finally:
        os.killpg(server.pid, 15)       # the server and the soffice it started
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()
        # A soffice ended by a signal leaves its single-instance socket in /tmp.
        remove_ipc_socket((work / "unoserver-profile").as_uri())


# -- the pool: latency, concurrency, memory ---------------------------------------------------

def throughput(pool: SofficePool, docx: bytes, clients: int, per_client: int) -> float:
    """Conversions per second with `clients` threads each converting `per_client` times."""
    def client() -> None:
        for _ in range(per_client):
            pool.to_pdf(docx)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return clients * per_client / (time.perf_counter() - started)


def memory_at(pool: SofficePool, docx: bytes, marks: list[int]) -> dict[int, tuple[int, int, int]]:
    """RSS of this process plus its soffice processes, with 2 clients converting: at each mark
    (sampled right after that conversion) and the peak since the previous mark (sampled after
    every conversion). Returns {mark: (at mark, peak, soffice processes alive)}."""
    done, peak, out = 0, 0, {}
    lock = threading.Lock()
    remaining = [marks[-1]]

    def client() -> None:
        nonlocal done, peak
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            pool.to_pdf(docx)
            with lock:
                done += 1
                now = rss() + pool.rss()
                peak = max(peak, now)
                if done in marks:
                    out[done] = (now, peak, pool.alive)
                    peak = 0

    threads = [threading.Thread(target=client) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("docx", nargs="?", type=Path, help="a DOCX (default: a built kế hoạch)")
    parser.add_argument("--runs", type=int, default=20, help="measured runs per warm variant")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--long", action="store_true", help="memory up to 1,000 conversions")
    parser.add_argument("--no-unoserver", action="store_true")
    args = parser.parse_args()

    docx = args.docx.read_bytes() if args.docx else plan_docx()
    work = Path(tempfile.mkdtemp(prefix="vanban-bench-"))
    try:
        print(f"DOCX: {len(docx)} bytes; {os.cpu_count()} cores; load {os.getloadavg()[0]:.2f}")
        print("latency (one client):")
        cold = bench_cold(docx, args.cold_runs, work)
        with contextlib.closing(SofficePool(Settings(pool=PoolSettings(size=1))).start()) as one:
            pdf = one.to_pdf(docx)
            print(f"  PDF: {len(pdf)} bytes, {page_count(pdf)} pages")
            floor, warm = bench_floor_and_pool(one, docx, args.runs)
            unoserver = [] if args.no_unoserver else bench_unoserver(one, docx, args.runs, work)

        started = time.perf_counter()
        pool = SofficePool(Settings(pool=PoolSettings(size=os.cpu_count() or 1))).start()
        print(f"  (pool of {pool.supervisor.size} up in {time.perf_counter() - started:.1f} s)")
        try:
            print("ratios:")
            print(f"  pool / floor            {warm.median / floor.median:6.2f}   (goal for HTTP "
                  "(b) / floor: <= 1.25)")
            print(f"  cold / pool             {cold.median / warm.median:6.2f}   (goal for cold "
                  "/ (b): >= 8)")
            if unoserver:
                *variants, same_turns = unoserver
                for result in variants:
                    print(f"  {result.label:<38} / pool {result.median / same_turns.median:5.2f}"
                          "   (same turns)")

            print("concurrency:")
            per_client = max(args.runs, 10)
            one = throughput(pool, docx, 1, per_client)
            two = throughput(pool, docx, 2, per_client)
            print(f"  1 client {one:5.2f}/s, 2 clients {two:5.2f}/s: ratio {two / one:4.2f} "
                  "(goal >= 1.7)")

            print("memory, service + soffice RSS (2 clients; planned restart every "
                  f"{pool.supervisor.restart_after} conversions per process):")
            marks = [100, 1000] if args.long else [100]
            for mark, (now, peak, alive) in memory_at(pool, docx, marks).items():
                print(f"  conversion {mark:>5}: {now / 2**20:7.1f} MiB now, {peak / 2**20:7.1f} "
                      f"MiB peak since the last mark ({alive} soffice alive)")
            print(f"  restarts: {dict(pool.restarts)}")
        finally:
            pool.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
