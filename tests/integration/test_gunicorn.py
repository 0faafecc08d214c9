"""`gunicorn -c gunicorn.conf.py "service:create_app()"` serves DOCX and PDF over HTTP, reloads on
SIGHUP without losing a request, and leaves no soffice behind: not after SIGTERM, not after a
reload, not after a worker is killed outright."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pymupdf
import pytest

from service.procfs import alive, children
from tests.conftest import ROOT, example

pytestmark = pytest.mark.soffice


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes_under(path: Path) -> list[str]:
    """Command lines of running processes that mention `path` (the pool's profile dirs)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if ") Z " in (proc / "stat").read_text():
                continue                # a zombie is dead; its parent just has not reaped it
        except OSError:
            continue
        if str(path) in cmdline:
            found.append(cmdline)
    return found


def soffice_of(worker: int) -> list[int]:
    return children(worker, named="soffice.bin")


def request(url: str, payload: dict | None = None) -> tuple[int, dict[str, str], bytes]:
    data = json.dumps(payload).encode() if payload is not None else None
    req = urllib.request.Request(url, data=data,
                                 headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def wait_until(condition, seconds: float, message: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.1)


class Server:
    def __init__(self, process: subprocess.Popen[bytes], base: str, tmp: Path) -> None:
        self.process, self.base, self.tmp = process, base, tmp

    @property
    def workers(self) -> list[int]:
        return children(self.process.pid)

    def wait_ready(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                status, _, _ = request(f"{self.base}/readyz")
                if status == 200:
                    return
            except (urllib.error.URLError, ConnectionError):
                pass
            assert time.monotonic() < deadline, f"service not ready in {seconds} s"
            assert self.process.poll() is None, self.process.stderr.read().decode()[-2000:]
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=90)


@contextlib.contextmanager
def gunicorn(tmp_path: Path, **env: str) -> Iterator[Server]:
    """gunicorn with one worker and a one-process pool; every file it makes under tmp_path."""
    port = free_port()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    environ = {**os.environ, "TMPDIR": str(tmp), "VANBAN_POOL_SIZE": "1",
               "VANBAN_BIND": f"127.0.0.1:{port}", "VANBAN_WORKERS": "1",
               "VANBAN_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'vanban.sqlite3'}",
               "VANBAN_BATCH_OUTPUT_DIR": str(tmp_path / "var" / "batches"),
               "VANBAN_ACCESS_LOG": "", **env}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service:create_app()"],
        cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Server(process, f"http://127.0.0.1:{port}", tmp)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()
    wait_until(lambda: not processes_under(tmp), 10, "soffice left running after shutdown")
    assert not any(tmp.iterdir()), f"left behind: {list(tmp.iterdir())}"


def test_gunicorn_serves_docx_and_pdf_then_stops_clean(tmp_path):
    with gunicorn(tmp_path) as server:
        assert processes_under(server.tmp), "the pool's soffice runs under the worker"
        base = server.base

        status, headers, body = request(f"{base}/v1/documents", example("cong_van"))
        assert status == 200 and body[:2] == b"PK"
        assert headers["Content-Disposition"].startswith('attachment; filename="212-SNV-CCVC')

        status, headers, body = request(f"{base}/v1/documents?format=pdf", example("bao_cao"))
        assert status == 200 and headers["Content-Type"] == "application/pdf"
        with pymupdf.open(stream=body, filetype="pdf") as pdf:
            text = " ".join(page.get_text() for page in pdf)
        assert "Kết quả công tác cải cách hành chính 6 tháng đầu năm 2026" in " ".join(
            text.split())

        status, _, body = request(f"{base}/v1/documents", {"type": "ke_hoach"})
        assert status == 422 and "issuer" in json.loads(body)["error"]["fields"]
    # gunicorn() checked on the way out: no soffice, no profile directory, nothing in TMPDIR.


def test_sighup_reloads_without_losing_a_request_or_leaving_soffice(tmp_path):
    with gunicorn(tmp_path) as server:
        [old_worker] = server.workers
        old_soffice = soffice_of(old_worker)
        assert len(old_soffice) == 1

        statuses: list[int | str] = []
        stop = threading.Event()

        def client() -> None:               # a steady stream of requests across the reload
            kinds = [("docx", "cong_van"), ("pdf", "ke_hoach")]
            n = 0
            while not stop.is_set() and n < 200:
                fmt, name = kinds[n % 2]
                try:
                    status, _, _ = request(f"{server.base}/v1/documents?format={fmt}",
                                           example(name))
                except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
                    status = f"{type(e).__name__}: {e}"
                statuses.append(status)
                n += 1

        thread = threading.Thread(target=client)
        thread.start()
        try:
            wait_until(lambda: len(statuses) >= 4, 30, "no requests served before the reload")
            server.process.send_signal(signal.SIGHUP)
            wait_until(lambda: server.workers and old_worker not in server.workers, 60,
                       "the old worker did not stop after SIGHUP")
            [new_worker] = server.workers
            wait_until(lambda: len(soffice_of(new_worker)) == 1, 60, "new worker has no pool")
            before = len(statuses)
            wait_until(lambda: len(statuses) >= before + 4, 30, "no requests after the reload")
        finally:
            stop.set()
            thread.join(90)
        assert statuses and all(s == 200 for s in statuses), statuses
        assert not any(alive(pid) for pid in old_soffice), "the old worker's soffice runs on"
        # Only the new worker's soffice remains: one profile directory, not two.
        wait_until(lambda: len(processes_under(server.tmp)) == 1, 10,
                   f"soffice of the old worker left running: {processes_under(server.tmp)}")
        assert len(list(server.tmp.glob("vanban-soffice-*"))) == 1


def test_a_worker_killed_outright_leaves_no_soffice(tmp_path):
    """SIGKILL (the OOM killer, or gunicorn after graceful_timeout) gives the worker no chance
    to stop its pool: the master's child_exit hook kills what it left and removes its profile."""
    with gunicorn(tmp_path) as server:
        [worker] = server.workers
        [orphan] = soffice_of(worker)
        os.kill(worker, signal.SIGKILL)
        wait_until(lambda: not alive(orphan), 15, "the killed worker's soffice is still running")
        server.wait_ready()                  # the master forked a new worker with a new pool
        [new_worker] = server.workers
        assert new_worker != worker and len(soffice_of(new_worker)) == 1
        assert len(list(server.tmp.glob("vanban-soffice-*"))) == 1, "orphan profile left"
        status, _, body = request(f"{server.base}/v1/documents?format=pdf", example("to_trinh"))
        assert status == 200 and body[:5] == b"%PDF-"
