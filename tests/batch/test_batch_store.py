"""The job store and the inline runner: resuming after a restart without redoing finished items,
leases between machines, retries while the converter is busy, atomic files, and settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from service.batch import envelope
from service.batch.outputs import write_atomic
from service.batch.runner import MAX_ATTEMPTS, WRITE_FAILED
from service.batch.store import Claim, Job, JobStore
from service.config import BatchSettings, DatabaseSettings, Settings, SettingsError
from service.convert import DocxSource
from service.db import open_database
from service.db.models import BatchItem, BatchJob
from service.errors import ConverterBusy
from service.pipeline import Pipeline
from tests.batch.conftest import TextPdfConverter, gate, wait_status
from tests.conftest import batch_settings, example
from tests.unit.test_layering import imports

BASE = example("quyet_dinh")


def rows(count: int) -> dict:
    return {"base": BASE, "rows": [{"number": n} for n in range(1, count + 1)]}


def store_on(database_url: str, root: Path, **batch: object) -> JobStore:
    """A job store on the test's database (SQLite or PostgreSQL), its outputs under `root`."""
    return JobStore(open_database(DatabaseSettings(url=database_url)),
                    BatchSettings(output_dir=root / "out", **batch))


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_restarted_service_resumes_without_redoing_finished_items(make_app, monkeypatch,
                                                                     database_url):
    first = make_app(workers=1, database_url=database_url)
    calls = gate(first, allowed=3)
    client = first.test_client()
    urls = client.post("/v1/batches", json=rows(8)).get_json()
    wait_status(client, urls["status_url"], until=lambda s: s["done"] == 3)
    job_id = urls["id"]
    store = first.extensions["vanban.batch"].store
    assert wait_for(lambda: store.states(job_id).count("running") == 1)   # 4 in hand
    made = {p.name: p.stat().st_mtime_ns for p in store.outputs.folder(job_id).iterdir()}
    assert sorted(made) == ["00000.docx", "00001.docx", "00002.docx"]
    # The process "dies": the item in hand stays running, a write is left half done.
    (store.outputs.folder(job_id) / ".tmp-cut-short").write_bytes(b"PK\x03")
    calls.crash()
    first.extensions["vanban.batch"].close(timeout=5)
    assert store.states(job_id).count("running") == 1

    # A new app on the same store; every pipeline's calls are counted from here on.
    again: list[int] = []
    generate = Pipeline.generate

    def counted(self: Pipeline, payload: dict, *args: object, **kwargs: object) -> object:
        again.append(payload["number"])
        return generate(self, payload, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "generate", counted)
    second = make_app(workers=1, database_url=database_url)     # its start() takes it up
    status = wait_status(second.test_client(), urls["status_url"])
    assert (status["status"], status["done"], status["failed"]) == ("done", 8, 0)
    assert sorted(again) == [4, 5, 6, 7, 8]                 # 1-3 not redone; 4 was cut short
    assert calls.calls == [1, 2, 3]
    for name, mtime in made.items():
        assert (store.outputs.folder(job_id) / name).stat().st_mtime_ns == mtime
    assert not list(store.outputs.folder(job_id).glob(".tmp-*"))
    assert sorted(p.name for p in store.outputs.folder(job_id).iterdir()) == \
        [f"{i:05d}.docx" for i in range(8)]


def wait_for(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_an_item_held_by_another_machine_waits_for_its_lease(tmp_path, database_url):
    store = store_on(database_url, tmp_path, lease=0.3)
    job = store.create(envelope.parse(rows(1), max_items=10))
    theirs = store.claim(job.id, 0, "elsewhere:1:a", "w1@elsewhere")
    assert isinstance(theirs, Claim)
    held = store.claim(job.id, 0, "here:2:b", "w2@here")
    assert isinstance(held, float) and held > time.time()
    assert store.claim_next("here:2:b") is None             # nothing free for anyone
    time.sleep(0.35)
    mine = store.claim(job.id, 0, "here:2:b", "w2@here")
    assert isinstance(mine, Claim) and mine.attempts == 2
    assert store.finish(theirs, "a.docx", "a.docx") is False    # the lost claim records nothing
    assert store.finish(mine, "01-QD-UBND.docx", "01-QĐ-UBND.docx", "w2@here") is True
    assert store.workers(job.id) == {0: "w2@here"}
    assert store.claim(job.id, 0, "elsewhere:1:a") is None      # done: nothing to claim


def made(store: JobStore) -> Job:
    """A one-item batch, made and finished, with its file."""
    job = store.create(envelope.parse(rows(1), max_items=10))
    claim = store.claim(job.id, 0, "here:1:a")
    assert isinstance(claim, Claim)
    store.write_output(claim, b"PK docx")
    assert store.finish(claim, "a.docx", "a.docx")
    return job


def test_finished_batches_past_keep_days_go_with_their_files_and_the_rest_stay(tmp_path,
                                                                               database_url):
    store = store_on(database_url, tmp_path, keep_days=30)
    finished = made(store)
    unfinished = store.create(envelope.parse(rows(1), max_items=10))
    orphan = tmp_path / "out" / ("f" * 32)          # a folder a crash left without its rows
    orphan.mkdir()
    assert store.job(finished.id).finished and not store.job(unfinished.id).finished

    assert store.expire(now=time.time() + 29 * 86400) == []      # not old enough yet
    assert store.expire(now=time.time() + 31 * 86400) == [finished.id]
    assert not store.has(finished.id) and not store.outputs.folder(finished.id).exists()
    assert not orphan.exists()
    assert store.has(unfinished.id)                 # still to be made: never removed
    # A new batch sweeps as it is stored; with keep_days 0 nothing ever goes.
    keep_all = store_on(database_url, tmp_path, keep_days=0)
    assert keep_all.expire(now=time.time() + 10_000 * 86400) == []


def test_storing_a_batch_removes_the_expired_ones(tmp_path, database_url):
    store = store_on(database_url, tmp_path, keep_days=1e-6)    # about a tenth of a second
    old = made(store)
    time.sleep(0.2)
    new = store.create(envelope.parse(rows(1), max_items=10))
    assert not store.has(old.id) and store.has(new.id)


def test_items_of_a_gone_local_process_are_freed_at_once_but_not_a_live_ones(tmp_path,
                                                                              database_url):
    from service.batch.runner import owner_alive

    store = store_on(database_url, tmp_path)
    job = store.create(envelope.parse(rows(3), max_items=10))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    host = socket.gethostname()
    store.claim(job.id, 0, f"{host}:{gone}:t")
    store.claim(job.id, 1, f"{host}:{os.getppid()}:t")        # our parent: alive
    store.claim(job.id, 2, f"other-{host}:{gone}:t")          # another machine: its lease
    assert store.reclaim_local(owner_alive) == 1
    assert store.states(job.id) == ["pending", "running", "running"]
    # A Celery task handed back by a killed worker process takes its item over at once;
    # an item of a live process, or of another machine, waits for its lease.
    store.claim(job.id, 0, f"{host}:{gone}:t")
    assert isinstance(store.claim(job.id, 0, f"{host}:1:u", alive=owner_alive), Claim)
    assert isinstance(store.claim(job.id, 1, f"{host}:1:u", alive=owner_alive), float)
    assert isinstance(store.claim(job.id, 2, f"{host}:1:u", alive=owner_alive), float)


def test_a_busy_converter_delays_an_item_and_only_fails_it_after_several_tries(make_app):
    class Busy(TextPdfConverter):
        def __init__(self, busy_for: int) -> None:
            super().__init__(pages=1)
            self.busy_for = busy_for

        def to_pdf(self, docx: DocxSource, options: object = None) -> bytes:
            if self.busy_for > 0:
                self.busy_for -= 1
                raise ConverterBusy(retry_after=0)
            return super().to_pdf(docx, options)

    app = make_app(converter=Busy(busy_for=2), workers=1)
    client = app.test_client()
    urls = client.post("/v1/batches", json={**rows(1), "format": "pdf"}).get_json()
    assert wait_status(client, urls["status_url"])["done"] == 1

    app.extensions["vanban.pipeline"].converter.busy_for = 99
    urls = client.post("/v1/batches", json={**rows(1), "format": "pdf"}).get_json()
    status = wait_status(client, urls["status_url"])
    assert status["failed"] == 1
    assert status["errors"][0]["message"] == ConverterBusy.public
    store = app.extensions["vanban.batch"].store
    with store.database.read() as db:
        attempts = list(db.scalars(select(BatchItem.attempts).join(BatchJob)
                                   .order_by(BatchJob.created)))
    assert attempts == [3, MAX_ATTEMPTS]


def test_outputs_that_cannot_be_written_fail_the_batch_saying_why(make_app, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    client = make_app(output_dir=blocker).test_client()
    urls = client.post("/v1/batches", json=rows(3)).get_json()
    status = wait_status(client, urls["status_url"])
    assert status["status"] == "failed"
    assert status["message"] == WRITE_FAILED


def test_an_atomic_write_that_fails_leaves_nothing(tmp_path):
    target = tmp_path / "out" / "a.pdf"

    def half(out) -> None:
        out.write(b"%PDF-1.7 half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomic(target, half)
    assert list(target.parent.iterdir()) == []
    write_atomic(target, b"%PDF-1.7 whole")
    assert target.read_bytes() == b"%PDF-1.7 whole"
    assert target.stat().st_mode & 0o777 == 0o644


def test_batch_settings_follow_the_env_rule_and_name_bad_variables():
    settings = Settings.from_env({"VANBAN_BATCH_BACKEND": "celery",
                                  "VANBAN_DATABASE_URL": "postgresql://vanban@db/vanban",
                                  "VANBAN_BATCH_DB": "/srv/vanban/jobs.sqlite3",
                                  "VANBAN_BATCH_REDIS_URL": "redis://queue:6379/2",
                                  "VANBAN_BATCH_MAX_ITEMS": "250"})
    assert settings.batch.backend == "celery"
    assert settings.database.url == "postgresql://vanban@db/vanban"
    assert settings.batch.db == Path("/srv/vanban/jobs.sqlite3")
    assert settings.batch.redis_url == "redis://queue:6379/2"
    assert settings.batch.max_items == 250
    assert Settings.from_env({}).batch.db.name == "vanban-jobs.sqlite3"
    assert Settings.from_env({}).database.url.endswith("/vanban.sqlite3")
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"VANBAN_BATCH_BACKEND": "rabbit", "VANBAN_BATCH_LEASE": "0",
                           "VANBAN_BATCH_WORKERS": "-1"})
    message = str(caught.value)
    for name in ("VANBAN_BATCH_BACKEND", "VANBAN_BATCH_LEASE", "VANBAN_BATCH_WORKERS"):
        assert name in message


def test_batch_sits_below_the_web_layer():
    root = Path(__file__).resolve().parents[2]
    offenders = [f"{path.name} imports {name}"
                 for path in (root / "service" / "batch").glob("*.py")
                 for name in imports(path) if name.startswith(("service.web", "service.app"))]
    assert not offenders


def test_upload_names_with_backslashes_or_nul_are_refused():
    from service.batch.sheets import safe_filename
    from service.errors import UploadError

    for name in ("..\\rows.csv", "rows\0.csv", "C:\\rows.csv", ""):
        with pytest.raises(UploadError):
            safe_filename(name)
    assert safe_filename("Danh sách khen thưởng.xlsx") == "Danh sách khen thưởng.xlsx"


def test_a_runner_without_a_converter_leaves_pdf_batches_for_one_that_has_it(make_app, tmp_path):
    settings = batch_settings(tmp_path)
    store = JobStore(open_database(settings.database), settings.batch)
    job = store.create(envelope.parse({**rows(2), "format": "pdf"}, max_items=10))
    docx_only = make_app()                                   # its start() wakes, takes nothing
    assert docx_only.extensions["vanban.batch"].wait_idle(10)
    assert store.states(job.id) == ["pending", "pending"]
    with_pdf = make_app(converter=TextPdfConverter())
    status = wait_status(with_pdf.test_client(), f"/v1/batches/{job.id}")
    assert (status["done"], status["failed"]) == (2, 0)


def test_claims_are_atomic_and_the_last_two_items_finishing_at_once_settle_the_batch(
        tmp_path, database_url):
    import threading

    store = store_on(database_url, tmp_path)
    job = store.create(envelope.parse(rows(40), max_items=100))
    claimed: list[int] = []
    start = threading.Barrier(4)

    def work(token: str) -> None:
        start.wait()
        while isinstance(claim := store.claim_next(f"here:1:{token}"), Claim):
            claimed.append(claim.index)
            store.write_output(claim, b"PK")
            assert store.finish(claim, f"{claim.index}.docx", f"{claim.index}.docx")

    threads = [threading.Thread(target=work, args=(str(n),)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(claimed) == list(range(40))       # each item once, none lost
    final = store.job(job.id)
    assert (final.status, final.done) == ("done", 40)


def test_what_the_broker_lost_is_handed_out_again_once_a_lease_and_to_one_process(
        tmp_path, database_url):
    store = store_on(database_url, tmp_path, lease=0.3)
    job = store.create(envelope.parse(rows(3), max_items=10))
    store.mark_dispatched(job.id)
    held = store.claim(job.id, 0, "elsewhere:1:a")          # its maker then vanishes
    assert isinstance(held, Claim)
    assert store.take_stalled() == {}                       # all moved within the lease
    time.sleep(0.35)
    # Nothing moved for a lease: the running item past its lease and the pending ones.
    assert store.take_stalled(queued=lambda: 3) == {}       # the queue still holds them all
    assert store.take_stalled(queued=lambda: 0) == {job.id: [0, 1, 2]}
    assert store.take_stalled(queued=lambda: 0) == {}       # taken: not again within a lease
    mine = store.claim(job.id, 1, "here:1:b")
    assert isinstance(mine, Claim)
    time.sleep(0.35)
    assert store.take_stalled() == {job.id: [0, 1, 2]}      # 1 too: its lease ran out


def test_an_item_cut_short_again_and_again_fails_and_the_batch_ends(tmp_path, database_url):
    from service.batch.store import CUT_SHORT, MAX_ATTEMPTS

    store = store_on(database_url, tmp_path, lease=0.01)
    job = store.create(envelope.parse(rows(1), max_items=10))
    for attempt in range(1, MAX_ATTEMPTS + 1):
        time.sleep(0.02)                                    # the last maker's lease runs out
        claim = store.claim_next(f"here:{attempt}:x")
        assert isinstance(claim, Claim) and claim.attempts == attempt
    time.sleep(0.02)
    assert store.claim_next("here:9:x") is None
    assert store.job(job.id).status == "done"
    assert store.errors(job.id) == [{"index": 0, "message": CUT_SHORT}]
