"""Benchmark DOCX → PDF on one 3-page kế hoạch: cold soffice vs the service vs the UNO floor.

One run, one document (the DOCX the service renders from schemas/examples/ke_hoach.json), every
number against a baseline from the same run:
  (a) cold   `soffice --headless --convert-to pdf`, a new process per document;
  (b) HTTP   the service's PDF endpoint, `POST /v1/documents?format=pdf` with that payload, on
             gunicorn started from gunicorn.conf.py as in production; it renders the DOCX from
             JSON, converts it, and stamps the metadata;
  (c) floor  bare UNO load-and-export on an already running soffice (no pool, no queue), called
             from its core as the pool calls it;
  pool       SofficePool.to_pdf called directly;
and, when the `unoserver` package is importable, unoserver's XML-RPC client → server → soffice.
(b), (c) and the pool are timed turn about, so the machine's noise falls on all of them alike;
(c) and the pool use a soffice of this process, (b) a pool of one in gunicorn, each on a core
of its own. Then the throughput of 2 concurrent clients against 1, over HTTP (gunicorn with its
default pool of one per core) and on the pool directly, in rounds of both back to back (the
ratio is the median of the rounds' ratios, so a slow spell falls on both); and the RSS of this
process plus its soffice processes at conversion 100 (and 1,000 with --long).

    .venv/bin/python bench/bench_convert.py [DOCX] [--runs N] [--long] [--no-unoserver] [--no-http]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.util
import io
import json
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.config import PoolSettings, Settings  # noqa: E402
from service.convert.affinity import on_cpu  # noqa: E402
from service.convert.pool import SofficePool  # noqa: E402
from service.convert.soffice import SofficeProcess, remove_ipc_socket  # noqa: E402
from service.procfs import children  # noqa: E402

FONTS_CONF = ROOT / "fonts" / "fonts.conf"
EMBED = ["EmbedStandardFonts=true"]
PAYLOAD = ROOT / "schemas" / "examples" / "ke_hoach.json"


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


def service_docx(payload: dict) -> bytes:
    """The DOCX the service returns for `payload` (what its PDF endpoint converts)."""
    from service.pipeline import Pipeline
    from service.render.docx import DocxRenderer

    settings = Settings()
    renderer = DocxRenderer(settings.templates_dir, settings.fonts_dir)
    return Pipeline(renderer).generate(payload, "docx").content


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

def bare_conversion(process: SofficeProcess, docx: bytes) -> None:
    """The floor: one bare UNO load, export and close on a running soffice, from its core as
    the pool calls it (no queue, no task thread, no metadata)."""
    bridge = process._bridge
    assert bridge is not None
    with on_cpu(process.cpu):
        bridge.to_pdf(docx)
        bridge.tidy()


def bench_floor_and_pool(pool: SofficePool, docx: bytes, runs: int,
                         http: Callable[[], object] | None = None) -> list[Result]:
    """The floor is the bare UNO load-and-export the pool's own process does (no queue, no
    task thread, no metadata); timed turn about with pool.to_pdf on that same process and,
    given `http`, with the service's PDF endpoint (its own gunicorn and soffice processes)."""
    [process] = pool.supervisor.workers
    variants: dict[str, Callable[[], object]] = {
        "(c) floor: UNO load+export, running soffice": lambda: bare_conversion(process, docx),
        "pool.to_pdf": lambda: pool.to_pdf(docx),
    }
    if http is not None:
        variants["(b) HTTP POST ?format=pdf, gunicorn"] = http
    return measure_interleaved(variants, runs)


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


# -- (b) the service over HTTP on gunicorn ---------------------------------------------------

class Service:
    """A gunicorn serving the app, started from gunicorn.conf.py as in production."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.process, self.port, self.log = process, port, log

    @property
    def worker_pids(self) -> list[int]:
        return children(self.process.pid)

    def soffice_pids(self) -> list[int]:
        """The pool's soffice.bin processes: children of the gunicorn workers."""
        return [pid for worker in self.worker_pids
                for pid in children(worker, named="soffice.bin")]

    def rss(self) -> int:
        """Master, workers and their soffice processes, in bytes."""
        pids = [self.process.pid, *self.worker_pids, *self.soffice_pids()]
        return sum(rss(pid) for pid in pids)

    def client(self) -> Client:
        return Client(self.port)


class Client:
    """One keep-alive HTTP connection, as an e-office system's client pool would hold."""

    def __init__(self, port: int, timeout: float = 120) -> None:
        self.port, self.timeout = port, timeout
        self.connection: http.client.HTTPConnection | None = None

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        for attempt in (1, 2):          # a kept-alive connection the server closed: reconnect
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port,
                                                             timeout=self.timeout)
            try:
                self.connection.request("POST", path, body,
                                        {"Content-Type": "application/json"})
                response = self.connection.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@contextlib.contextmanager
def gunicorn(work: Path, *, pool_size: int | None = None, workers: int = 1,
             env: dict[str, str] | None = None, ready_timeout: float = 120) -> Iterator[Service]:
    """`gunicorn -c gunicorn.conf.py "service:create_app()"` on a free loopback port, ready
    (/readyz 200) when yielded; SIGTERM and wait on the way out. Development settings (no API
    keys, no rate limit), its batch store and logs under `work`."""
    port = _free_port()
    log = work / f"gunicorn-{port}.log"
    environ = {**os.environ, "VANBAN_BIND": f"127.0.0.1:{port}", "VANBAN_WORKERS": str(workers),
               "VANBAN_POOL_SIZE": str(pool_size or os.cpu_count() or 1),
               "VANBAN_ENV": "development", "VANBAN_AUTH_ENABLED": "false",
               "VANBAN_RATE_LIMIT": "", "VANBAN_ACCESS_LOG": "",
               "VANBAN_DATABASE_URL": f"sqlite:///{work / 'var' / 'vanban.sqlite3'}",
               "VANBAN_BATCH_OUTPUT_DIR": str(work / "var" / "batches"), **(env or {})}
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py",
             "service:create_app()"],
            cwd=ROOT, env=environ, stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file)
    service = Service(process, port, log)
    try:
        started = time.monotonic()
        while True:
            with contextlib.suppress(OSError, http.client.HTTPException):
                if service.client().get("/readyz") == 200:
                    break
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
            if time.monotonic() - started > ready_timeout:
                raise RuntimeError(f"gunicorn not ready in {ready_timeout:g} s")
            time.sleep(0.2)
        yield service
    finally:
        if process.poll() is None:
            process.send_signal(15)
        try:
            process.wait(90)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def http_throughput(service: Service, body: bytes, clients: int, per_client: int) -> float:
    """PDFs per second with `clients` threads, each on its own connection, posting
    `per_client` times."""
    errors: list[str] = []

    def client() -> None:
        connection = service.client()
        try:
            for _ in range(per_client):
                status, data = connection.post("/v1/documents?format=pdf", body)
                if status != 200 or not data.startswith(b"%PDF-"):
                    errors.append(f"{status}: {data[:200]!r}")
        finally:
            connection.close()

    elapsed = run_concurrently(client, clients)
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[0]}")
    return clients * per_client / elapsed


# -- the pool: latency, concurrency, memory ---------------------------------------------------

def throughput(pool: SofficePool, docx: bytes, clients: int, per_client: int) -> float:
    """Conversions per second with `clients` threads each converting `per_client` times."""
    def client() -> None:
        for _ in range(per_client):
            pool.to_pdf(docx)

    return clients * per_client / run_concurrently(client, clients)


def compare_clients(throughput: Callable[[int], float],
                    rounds: int) -> tuple[float, float, float]:
    """Throughput of 1 and of 2 concurrent clients measured back to back in each of `rounds`
    rounds (in turn 1-then-2 and 2-then-1), so a slow spell of the machine falls on both halves
    of a pair. Returns the median of each and the median of the per-round ratios."""
    one, two = [], []
    for round_ in range(rounds):
        order = (1, 2) if round_ % 2 == 0 else (2, 1)
        measured = {clients: throughput(clients) for clients in order}
        one.append(measured[1])
        two.append(measured[2])
    ratio = statistics.median(b / a for a, b in zip(one, two, strict=True))
    return statistics.median(one), statistics.median(two), ratio


def run_concurrently(client: Callable[[], None], clients: int) -> float:
    """Seconds for `clients` threads each running `client` once, all started together."""
    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


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
    parser.add_argument("docx", nargs="?", type=Path,
                        help="a DOCX for (a), (c) and the pool (default: the service's render of "
                             "schemas/examples/ke_hoach.json, which (b) posts)")
    parser.add_argument("--runs", type=int, default=20, help="measured runs per warm variant")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--long", action="store_true", help="memory up to 1,000 conversions")
    parser.add_argument("--no-unoserver", action="store_true")
    parser.add_argument("--no-http", action="store_true", help="leave out (b), gunicorn")
    args = parser.parse_args()

    payload = json.loads(PAYLOAD.read_text(encoding="utf-8"))
    body = json.dumps(payload, ensure_ascii=False).encode()
    docx = args.docx.read_bytes() if args.docx else service_docx(payload)
    work = Path(tempfile.mkdtemp(prefix="vanban-bench-"))
    cores = os.cpu_count() or 1
    per_client, rounds = 10, max(args.runs // 2, 3)
    try:
        print(f"DOCX: {len(docx)} bytes; {cores} cores; load {os.getloadavg()[0]:.2f}")
        print("latency (one client):")
        cold = bench_cold(docx, args.cold_runs, work)
        http_result = None
        with contextlib.closing(SofficePool(Settings(pool=PoolSettings(size=1))).start()) as one:
            pdf = one.to_pdf(docx)
            print(f"  PDF: {len(pdf)} bytes, {page_count(pdf)} pages")
            if args.no_http:
                floor, warm = bench_floor_and_pool(one, docx, args.runs)
            else:
                with gunicorn(work, pool_size=1) as service:
                    client = service.client()

                    def post() -> None:
                        status, data = client.post("/v1/documents?format=pdf", body)
                        if status != 200 or not data.startswith(b"%PDF-"):
                            raise RuntimeError(f"HTTP {status}: {data[:300]!r}")

                    status, served = client.post("/v1/documents?format=pdf", body)
                    print(f"  HTTP PDF: {status}, {len(served)} bytes, {page_count(served)} pages")
                    floor, warm, http_result = bench_floor_and_pool(one, docx, args.runs, post)
                    client.close()
            unoserver = [] if args.no_unoserver else bench_unoserver(one, docx, args.runs, work)

        if not args.no_http:
            started = time.perf_counter()
            with gunicorn(work, pool_size=cores) as service:
                print(f"  (gunicorn with a pool of {cores} ready in "
                      f"{time.perf_counter() - started:.1f} s, port {service.port})")
                one_client, two_clients, http_ratio = compare_clients(
                    lambda clients: http_throughput(service, body, clients, per_client), rounds)
                service_rss = service.rss()
        started = time.perf_counter()
        pool = SofficePool(Settings(pool=PoolSettings(size=cores))).start()
        print(f"  (pool of {pool.supervisor.size} up in {time.perf_counter() - started:.1f} s)")
        try:
            print("ratios (medians, same turns):")
            print(f"  pool / floor            {warm.median / floor.median:6.2f}")
            if http_result is not None:
                verdict = "ok" if http_result.median <= 1.25 * floor.median else "MISSED"
                print(f"  (b) HTTP / (c) floor    {http_result.median / floor.median:6.2f}   "
                      f"(goal <= 1.25: {verdict}; (b) - (c) = "
                      f"{(http_result.median - floor.median) * 1000:.1f} ms)")
                verdict = "ok" if cold.median >= 8 * http_result.median else "MISSED"
                print(f"  (a) cold / (b) HTTP     {cold.median / http_result.median:6.2f}   "
                      f"(goal >= 8: {verdict})")
            print(f"  (a) cold / pool         {cold.median / warm.median:6.2f}")
            if unoserver:
                *variants, same_turns = unoserver
                for result in variants:
                    print(f"  {result.label:<38} / pool {result.median / same_turns.median:5.2f}"
                          "   (same turns)")

            print(f"concurrency ({rounds} rounds of 1 and 2 clients back to back, {per_client} "
                  "documents per client; medians, ratio = median of the rounds' ratios):")
            if http_result is not None:
                verdict = "ok" if http_ratio >= 1.7 else "MISSED"
                print(f"  HTTP: 1 client {one_client:5.2f}/s, 2 clients {two_clients:5.2f}/s: "
                      f"ratio {http_ratio:4.2f} (goal >= 1.7: {verdict}); service + soffice RSS "
                      f"{service_rss / 2**20:.0f} MiB")
            one_rate, two_rate, pool_ratio = compare_clients(
                lambda clients: throughput(pool, docx, clients, per_client), rounds)
            print(f"  pool: 1 client {one_rate:5.2f}/s, 2 clients {two_rate:5.2f}/s: "
                  f"ratio {pool_ratio:4.2f}")

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
