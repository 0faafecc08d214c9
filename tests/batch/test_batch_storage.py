"""Where the documents go and how they come back: the ZIP streamed and named from the batch, a
full disk (a real tmpfs) answered with 507 and a resumable batch, never a 500; outputs in the
database for machines that share no disk; an S3-compatible store (moto's server, spoken to over
HTTP by boto3)."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from service import create_app
from service.config import StorageSettings
from service.errors import StorageFull
from tests.batch.cluster import Redis, Workers, celery_settings
from tests.batch.conftest import docx_text, read_zip, wait_status
from tests.conftest import batch_settings, example
from tests.ooxml import assert_valid


def rows(count: int) -> dict:
    return {"base": example("quyet_dinh"),
            "rows": [{"number": n, "signer.name": f"Người ký {n}"} for n in range(1, count + 1)]}


def test_the_zip_is_named_from_the_batch_and_sent_as_it_is_built(make_app):
    client = make_app().test_client()
    urls = client.post("/v1/batches", json=rows(3)).get_json()
    wait_status(client, urls["status_url"])
    response = client.get(urls["result_url"])
    today = time.strftime("%Y-%m-%d")
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="quyet-dinh-{today}-3-van-ban.zip"'
    assert response.is_streamed and "Content-Length" not in response.headers
    files = read_zip(response.data)
    assert sorted(files) == ["01-QD-UBND.docx", "02-QD-UBND.docx", "03-QD-UBND.docx"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs, mounted for the test (as root), or a skip saying why not."""
    mount = tmp_path / "small"
    mount.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command to make a small tmpfs")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_stops_the_batch_keeps_what_was_made_and_resumes_once_freed(
        make_app, small_disk):
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * 700_000)          # room for a dozen documents, not 40
    client = make_app(output_dir=small_disk / "batches", workers=1).test_client()
    urls = client.post("/v1/batches", json=rows(40)).get_json()
    status = wait_status(client, urls["status_url"])
    assert status["status"] == "failed" and status["message"] == StorageFull.public
    made = status["done"]
    assert 0 < made < 40 and status["failed"] == 0   # nothing blamed on a document

    # What was made can be had, whatever the disk: the ZIP is not written anywhere.
    files = read_zip(client.get(urls["result_url"]).data)
    assert len(files) == made
    for name, data in files.items():
        assert_valid(data)
        assert f"Người ký {int(name[:2])}" in docx_text(data)
    # A new batch is refused at once, in the one error shape, with a Vietnamese message.
    refused = client.post("/v1/batches", json=rows(1))
    assert refused.status_code == 507
    assert refused.get_json()["error"] == {"code": "storage_full",
                                           "message": StorageFull.public}
    assert client.post(f"/v1/batches/{urls['id']}/resume").status_code == 507

    filler.unlink()                              # the operator frees space
    resumed = client.post(f"/v1/batches/{urls['id']}/resume")
    assert resumed.status_code == 202
    status = wait_status(client, urls["status_url"])
    assert (status["status"], status["done"], status["failed"]) == ("done", 40, 0)
    files = read_zip(client.get(urls["result_url"]).data)
    assert sorted(int(name[:2]) for name in files) == list(range(1, 41))


def test_two_workers_with_no_shared_disk_split_a_batch_and_the_web_serves_it_all(
        tmp_path, postgres_url):
    redis = Redis(tmp_path)
    redis.start()
    settings = celery_settings(tmp_path, redis.url, postgres_url)
    web_settings = dataclasses.replace(settings, storage=StorageSettings(url="database"))
    workers = Workers(tmp_path, settings, VANBAN_STORAGE_URL="database")
    app = create_app(web_settings)
    try:
        names = []
        for name in ("m1", "m2"):                # each its own folder, as if another machine
            home = tmp_path / name
            home.mkdir()
            names += workers.start(name, cwd=home, VANBAN_BATCH_OUTPUT_DIR=str(home / "out"))
        client = app.test_client()
        urls = client.post("/v1/batches", json=rows(100)).get_json()
        status = wait_status(client, urls["status_url"], timeout=120)
        assert (status["status"], status["done"], status["failed"]) == ("done", 100, 0)
        by_worker = set(app.extensions["vanban.batch"].store.workers(urls["id"]).values())
        assert by_worker == set(names)
        for name in ("m1", "m2"):                # nothing went to their disks
            assert not list((tmp_path / name).rglob("*.docx"))
        files = read_zip(client.get(urls["result_url"]).data)
        assert sorted(int(name.split("-")[0]) for name in files) == list(range(1, 101))
        assert "Người ký 77" in docx_text(files["77-QD-UBND.docx"])
    finally:
        app.extensions["vanban.batch"].close()
        workers.close()
        redis.stop()


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """moto's S3 server on a free port and a bucket in it; the AWS_* variables point there."""
    server_module = pytest.importorskip("moto.server", reason="moto[server] is not installed")
    import boto3

    from tests.batch.cluster import free_port

    port = free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    for name, value in {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
                        "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3").create_bucket(Bucket="vanban")
    try:
        yield "s3://vanban/batches"
    finally:
        with contextlib.suppress(Exception):
            server.stop()


def test_outputs_in_an_s3_store(make_app, tmp_path, s3):
    import boto3

    settings = batch_settings(tmp_path, output_dir=tmp_path / "unused")
    app = make_app(settings=dataclasses.replace(settings, storage=StorageSettings(url=s3)))
    client = app.test_client()
    payload = {**rows(3), "format": "docx"}
    urls = client.post("/v1/batches", json=payload).get_json()
    wait_status(client, urls["status_url"])
    keys = sorted(o["Key"] for o in boto3.client("s3").list_objects_v2(
        Bucket="vanban", Prefix=f"batches/{urls['id']}/")["Contents"])
    assert keys == [f"batches/{urls['id']}/0000{i}.docx" for i in range(3)]
    files = read_zip(client.get(urls["result_url"]).data)
    assert "Người ký 2" in docx_text(files["02-QD-UBND.docx"])
    assert not (tmp_path / "unused").exists()
    store = app.extensions["vanban.batch"].store
    assert store.expire(now=time.time() + 400 * 86400) == [urls["id"]]
    assert "Contents" not in boto3.client("s3").list_objects_v2(
        Bucket="vanban", Prefix=f"batches/{urls['id']}/")
