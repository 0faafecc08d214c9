"""soffice dies with whatever started it: the whole service SIGKILLed mid-batch (gunicorn master
and worker at once) leaves no soffice, and the restarted service finishes the batch and removes
the profiles the killed one left; a Celery pool process SIGKILLed takes its soffice with it."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pymupdf
import pytest

from service.procfs import alive, children
from tests.batch.cluster import Redis, Workers, celery_settings
from tests.conftest import ROOT, example
from tests.integration.test_gunicorn import Server, free_port, processes_under, request, wait_until

pytestmark = pytest.mark.soffice


def start_service(tmp_path: Path, tmp: Path, port: int) -> Server:
    env = {**os.environ, "TMPDIR": str(tmp), "VANBAN_POOL_SIZE": "1",
           "VANBAN_BIND": f"127.0.0.1:{port}", "VANBAN_WORKERS": "1", "VANBAN_ACCESS_LOG": "",
           "VANBAN_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'vanban.sqlite3'}",
           "VANBAN_BATCH_OUTPUT_DIR": str(tmp_path / "var" / "batches")}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Server(process, f"http://127.0.0.1:{port}", tmp)
    server.wait_ready()
    return server


def status_of(server: Server, job_id: str) -> dict:
    import json

    return json.loads(request(f"{server.base}/v1/batches/{job_id}")[2])


def test_the_whole_service_killed_mid_batch_leaves_no_soffice_and_finishes_after_a_restart(
        tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    port = free_port()
    count = 30
    rows = [{"number": n, "signer.name": f"Người ký {n}"} for n in range(1, count + 1)]
    server = start_service(tmp_path, tmp, port)
    try:
        code, _, body = request(f"{server.base}/v1/batches",
                                {"base": example("quyet_dinh"), "rows": rows, "format": "pdf"})
        assert code == 202
        import json

        job_id = json.loads(body)["id"]
        wait_until(lambda: status_of(server, job_id)["done"] >= 5, 60, "no progress")
        offices = [pid for worker in server.workers for pid in children(worker,
                                                                        named="soffice.bin")]
        assert offices
        for pid in [server.process.pid, *server.workers]:   # master and worker at once
            os.kill(pid, signal.SIGKILL)
        server.process.wait()
        wait_until(lambda: not any(alive(pid) for pid in offices), 10,
                   "soffice outlived the service that started it")
        assert not processes_under(tmp)
        assert any(tmp.glob("vanban-soffice-*"))            # a kill -9 cannot tidy up
    finally:
        if server.process.poll() is None:
            server.stop()

    again = start_service(tmp_path, tmp, port)
    try:
        wait_until(lambda: status_of(again, job_id)["status"] == "done", 90, "not finished")
        status = status_of(again, job_id)
        assert (status["done"], status["failed"]) == (count, 0)
        code, _, body = request(f"{again.base}/v1/batches/{job_id}/result")
        assert code == 200
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = archive.namelist()
            assert len(names) == count
            for name in names:
                number = int(name.split("-")[0])
                with pymupdf.open(stream=archive.read(name), filetype="pdf") as pdf:
                    assert f"Người ký {number}" in " ".join(page.get_text() for page in pdf)
        # The profiles the killed service left were removed when the new pool started.
        assert len(list(tmp.glob("vanban-soffice-*"))) == 1
    finally:
        again.stop()
    wait_until(lambda: not processes_under(tmp), 10, "soffice left running after shutdown")
    assert not any(tmp.iterdir()), f"left behind: {list(tmp.iterdir())}"


def test_a_killed_celery_pool_process_takes_its_soffice_with_it(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    redis = Redis(tmp_path)
    redis.start()
    workers = Workers(tmp_path, celery_settings(tmp_path, redis.url), TMPDIR=str(tmp),
                      VANBAN_PDF_ENABLED="1")
    try:
        workers.start("w1")
        main = workers.processes["w1"].pid

        def offices() -> dict[int, list[int]]:
            return {child: children(child, named="soffice.bin") for child in children(main)}

        wait_until(lambda: any(offices().values()), 60, "the pool process has no soffice")
        ((child, office),) = [(c, o) for c, o in offices().items() if o]
        os.kill(child, signal.SIGKILL)
        wait_until(lambda: not any(alive(pid) for pid in office), 10,
                   "soffice outlived its pool process")
        # Celery replaces the process; its new pool removes the dead one's profile.
        wait_until(lambda: any(o for c, o in offices().items() if c != child), 60,
                   "no new pool process with a soffice")
        wait_until(lambda: len(list(tmp.glob("vanban-soffice-*"))) == 1, 10,
                   "the dead pool process's profile is still there")
    finally:
        workers.close()
        redis.stop()
    wait_until(lambda: not processes_under(tmp), 10, "soffice left running after shutdown")
    time.sleep(0.2)
    assert not list(tmp.glob("vanban-soffice-*")), list(tmp.iterdir())
