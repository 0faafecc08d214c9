"""`gunicorn "service:create_app()"` serves DOCX and PDF over HTTP and leaves nothing behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pymupdf
import pytest

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
        except OSError:
            continue
        if str(path) in cmdline:
            found.append(cmdline)
    return found


def request(url: str, payload: dict | None = None) -> tuple[int, dict[str, str], bytes]:
    data = json.dumps(payload).encode() if payload is not None else None
    req = urllib.request.Request(url, data=data,
                                 headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_gunicorn_serves_docx_and_pdf_then_stops_clean(tmp_path):
    port = free_port()
    env = {**os.environ, "TMPDIR": str(tmp_path), "VANBAN_POOL_SIZE": "1",
           "VANBAN_BIND": f"127.0.0.1:{port}", "VANBAN_WORKERS": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, _, _ = request(f"{base}/readyz")
                if status == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            assert time.monotonic() < deadline, "service not ready in 90 s"
            assert server.poll() is None, server.stderr.read().decode()[-2000:]
            time.sleep(0.3)
        assert processes_under(tmp_path), "the pool's soffice runs under the worker"

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
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    deadline = time.monotonic() + 10
    while processes_under(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not processes_under(tmp_path), "soffice left running after shutdown"
    assert not any(tmp_path.iterdir()), "profile directories left behind"
