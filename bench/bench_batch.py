"""Batch throughput: N three-page PDFs through the inline backend against the conversion floor.

Every baseline is measured in the same run, on the same warm pool: the floor, one
`pipeline.generate(pdf)` at a time, so documents per second of one process, times the cores (the
pool's size); the bare conversion floor (UNO load + export + close on a pool process) × cores,
which leaves out the rendering a batch must do as well; and as many clients as cores calling the
pipeline with no batch, what the pool and the machine give at that concurrency, so that ratio is
what the batch engine itself costs. The machine's speed drifts within a minute, so the batch
runs in rounds, each right after its own baselines, and each ratio is the median of the
rounds'. The batch pays for the pool's planned restarts (VANBAN_POOL_RESTART_AFTER); the
floors do not.

    .venv/bin/python bench/bench_batch.py [--n 300] [--rounds 3] [--payload schemas/examples/…]
    .venv/bin/python bench/bench_batch.py --n 1000          # the issue's number
    .venv/bin/python bench/bench_batch.py --celery [--celery-n 100]   # also 2 workers vs 1

The goals (issue 13): inline ≥ 0.9 of the floor × cores, 2 Celery workers ≥ 0.85 of it (the
floor of the same run; with --no-inline the floors are measured, the inline batch skipped).
With --celery it starts a redis-server on a free local port and `celery -A service.worker
worker -c 1` processes (each with its own one-process LibreOffice pool), runs the same batch on
one worker and then on two, and prints the ratio; everything it started is stopped at the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import logging
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service import create_app  # noqa: E402
from service.config import DatabaseSettings, Settings  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_convert import bare_conversion, run_concurrently  # noqa: E402


def settings_for(root: Path, **batch: Any) -> Settings:
    settings = Settings.from_env()
    return dataclasses.replace(
        settings, pdf_enabled=True,
        database=DatabaseSettings(url=f"sqlite:///{root / 'vanban.sqlite3'}"),
        batch=dataclasses.replace(settings.batch, db=root / "jobs.sqlite3", output_dir=root / "out",
        max_items=max(settings.batch.max_items, 100_000), **batch))


def rows(n: int) -> list[dict[str, Any]]:
    """Distinct documents: each its own number and signer."""
    return [{"number": i + 1, "signer.name": f"Nguyễn Văn Thử {i + 1}"} for i in range(n)]


def run_batch(client: Any, base: dict, n: int, timeout: float) -> tuple[float, dict]:
    """Submit N rows as one PDF batch through the API; seconds until every item is finished."""
    started = time.perf_counter()
    response = client.post("/v1/batches", json={"base": base, "rows": rows(n), "format": "pdf"})
    assert response.status_code == 202, response.get_json()
    status_url = response.get_json()["status_url"]
    deadline = time.monotonic() + timeout
    last = -1
    while True:
        status = client.get(status_url).get_json()
        if status["status"] in {"done", "failed"}:
            break
        if time.monotonic() > deadline:
            raise SystemExit(f"batch not finished after {timeout:.0f} s: {status}")
        finished = status["done"] + status["failed"]
        if finished // max(1, n // 10) != last:
            last = finished // max(1, n // 10)
            print(f"    {finished}/{n} after {time.perf_counter() - started:5.1f} s", flush=True)
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    if status["failed"] or status["status"] != "done":
        raise SystemExit(f"batch failed: {status['status']} {status.get('message')} "
                         f"{status['errors'][:3]}")
    return elapsed, status


def floor_runs(pipeline: Any, base: dict, runs: int) -> list[float]:
    """Seconds for each of `runs` PDFs made one at a time on the warm pool."""
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        pipeline.generate(base, "pdf")
        seconds.append(time.perf_counter() - started)
    return seconds


def concurrent_rate(pipeline: Any, base: dict, clients: int, per_client: int) -> float:
    """Documents/s with `clients` threads each making PDFs one after another on the pool, no
    batch: what the pool and the machine give at that concurrency, the batch engine left out."""
    def client() -> None:
        for _ in range(per_client):
            pipeline.generate(base, "pdf")

    return clients * per_client / run_concurrently(client, clients)


def conversion_floor_runs(pool: Any, docx: bytes, runs: int) -> list[float]:
    """Seconds for each of `runs` bare UNO load + export + close of `docx` on one of the pool's
    soffice, from its core: the PDF issue's floor, which the issue of batches measures against."""
    process = pool.supervisor.workers[0]
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        bare_conversion(process, docx)
        seconds.append(time.perf_counter() - started)
    return seconds


def report_floor(label: str, seconds: list[float], cores: int) -> None:
    single = statistics.median(seconds)
    print(f"{label}: one document at a time {single * 1000:.0f} ms (median of {len(seconds)}; "
          f"min {min(seconds) * 1000:.0f}, max {max(seconds) * 1000:.0f}) → × {cores} cores = "
          f"{cores / single:.2f} documents/s", flush=True)


@dataclasses.dataclass
class Floors:
    """Seconds per document, one at a time on a warm pool of `cores` processes."""

    cores: int
    document: list[float]       # pipeline.generate(pdf): render + convert
    conversion: list[float]     # the bare UNO load + export + close

    def rates(self) -> tuple[float, float]:
        return (self.cores / statistics.median(self.document),
                self.cores / statistics.median(self.conversion))


def inline(args: argparse.Namespace, base: dict, batch: bool = True) -> Floors:
    """The floors, and (with `batch`) the inline batch against them."""
    with tempfile.TemporaryDirectory(prefix="vanban-bench-") as temp:
        settings = settings_for(Path(temp))
        print(f"pool: {settings.pool.size or os.cpu_count()} soffice processes; "
              f"cores: {os.cpu_count()}", flush=True)
        app = create_app(settings)
        pipeline = app.extensions["vanban.pipeline"]
        runner = app.extensions["vanban.batch"]
        try:
            cores = settings.pool.size or os.cpu_count() or 1
            pdf = pipeline.generate(base, "pdf").content
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(f"document: {args.payload} → {pages} pages, {len(pdf) // 1024} KiB")
            for _ in range(args.warmup):            # every pool process warm
                pipeline.generate(base, "pdf")
            docx = pipeline.generate(base, "docx").content
            conversion = conversion_floor_runs(pipeline.converter, docx, args.floor_runs)
            before = floor_runs(pipeline, base, args.floor_runs)
            report_floor("floor before", before, cores)
            if not batch:
                report_floor("conversion floor", conversion, cores)
                return Floors(cores, before, conversion)

            # The machine's speed drifts by a third within a minute (other jobs share it): the
            # batch is run in rounds, each between its own baselines, and the ratios of the
            # rounds are summed up by their median.
            per_round = max(1, args.n // args.rounds)
            print(f"batch of {per_round * args.rounds} through POST /v1/batches (inline, "
                  f"{runner.workers} threads), in {args.rounds} rounds of {per_round}, each "
                  f"after its baselines:", flush=True)
            document, ratios = list(before), []
            restarts = Counter(pipeline.converter.restarts)
            for number in range(1, args.rounds + 1):
                floor_seconds = floor_runs(pipeline, base, args.floor_runs)
                direct = concurrent_rate(pipeline, base, cores, args.floor_runs)
                bare_seconds = conversion_floor_runs(pipeline.converter, docx, args.floor_runs)
                elapsed, status = run_batch(app.test_client(), base, per_round,
                                            timeout=per_round * 5)
                rate = per_round / elapsed
                floor = cores / statistics.median(floor_seconds)
                bare = cores / statistics.median(bare_seconds)
                ratios.append((rate / floor, rate / direct, rate / bare))
                document += floor_seconds
                conversion += bare_seconds
                print(f"  round {number}: batch {rate:.2f}/s; floor × {cores} {floor:.2f}/s, "
                      f"{cores} clients {direct:.2f}/s, conversion floor × {cores} {bare:.2f}/s "
                      f"→ {ratios[-1][0]:.2f} / {ratios[-1][1]:.2f} / {ratios[-1][2]:.2f}",
                      flush=True)
            restarts = dict(Counter(pipeline.converter.restarts) - restarts)
            started = time.perf_counter()
            zip_size = len(app.test_client().get(status["result_url"]).data)  # streamed
            print(f"  soffice restarts among them: {restarts or 'none'}; the last round's ZIP "
                  f"{zip_size // 1024 // 1024} MiB streamed in "
                  f"{time.perf_counter() - started:.1f} s")

            def median(column: int) -> str:
                values = sorted(r[column] for r in ratios)
                return (f"{statistics.median(values):.2f} (rounds {values[0]:.2f}–"
                        f"{values[-1]:.2f})")

            print(f"RATIO inline batch / floor × {cores} = {median(0)}   (goal ≥ 0.90)")
            print(f"RATIO inline batch / {cores} clients on the pipeline = {median(1)}   (what "
                  "the batch engine costs at the same concurrency)")
            print(f"RATIO inline batch / conversion floor × {cores} = {median(2)}   (the "
                  "conversion alone: rendering is the batch's work too)", flush=True)
            return Floors(cores, document, conversion)
        finally:
            runner.close()
            if pipeline.converter is not None:
                pipeline.converter.close()


# -- celery: 2 workers against 1 ------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def celery(args: argparse.Namespace, base: dict, floors: Floors) -> None:
    from service.batch.tasks import make_celery

    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("--celery needs redis-server (scripts/install-system-deps.sh)")
    with tempfile.TemporaryDirectory(prefix="vanban-bench-celery-") as temp:
        root = Path(temp)
        port = free_port()
        redis = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1",
                                  "--save", "", "--appendonly", "no", "--dir", temp],
                                 stdout=subprocess.DEVNULL)
        url = f"redis://127.0.0.1:{port}/0"
        rates = {}
        try:
            for count in (1, 2):
                store_root = root / f"w{count}"
                settings = settings_for(store_root, backend="celery", redis_url=url)
                settings = dataclasses.replace(settings, pdf_enabled=False)   # API makes none
                env = {**os.environ, "VANBAN_PDF_ENABLED": "1", "VANBAN_BATCH_BACKEND": "celery",
                       "VANBAN_BATCH_REDIS_URL": url, "VANBAN_DATABASE_URL": settings.database.url,
                       "VANBAN_BATCH_OUTPUT_DIR": str(settings.batch.output_dir)}
                logs = [(root / f"worker{count}-{i}.log").open("wb") for i in range(count)]
                workers = [subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "service.worker", "worker", "-c", "1",
                     "-n", f"bench{i}@%h", "--loglevel=WARNING", "--without-gossip",
                     "--without-mingle"], cwd=ROOT, env=env, stdout=log, stderr=log)
                    for i, log in enumerate(logs)]
                control = make_celery(settings)
                try:
                    deadline = time.monotonic() + 120
                    while len(control.control.ping(timeout=0.5)) < count:
                        if time.monotonic() > deadline:
                            tails = [(root / f"worker{count}-{i}.log").read_text()[-1500:]
                                     for i in range(count)]
                            raise SystemExit(f"celery workers did not start: {tails}")
                    app = create_app(settings)
                    client = app.test_client()
                    # Warm each worker's LibreOffice before timing (a first conversion is slow).
                    run_batch(client, base, count * 2, timeout=300)
                    print(f"celery, {count} worker(s), {args.celery_n} PDFs:", flush=True)
                    elapsed, status = run_batch(client, base, args.celery_n,
                                                timeout=args.celery_n * 10)
                    split = Counter(app.extensions["vanban.batch"].store.workers(
                        status["id"]).values())
                    rates[count] = args.celery_n / elapsed
                    print(f"  {elapsed:.1f} s = {rates[count]:.2f} documents/s; by worker: "
                          f"{dict(split)}", flush=True)
                    app.extensions["vanban.batch"].close()
                finally:
                    control.close()
                    stop(workers)
            print(f"RATIO celery 2 workers / 1 worker = {rates[2] / rates[1]:.2f}   "
                  f"(on {os.cpu_count()} cores)")
            document, conversion = floors.rates()
            print(f"RATIO celery 2 workers / floor × {floors.cores} ({document:.2f}/s) = "
                  f"{rates[2] / document:.2f}   (goal ≥ 0.85)")
            print(f"RATIO celery 2 workers / conversion floor × {floors.cores} "
                  f"({conversion:.2f}/s) = {rates[2] / conversion:.2f}")
        finally:
            stop([redis])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200, help="documents in the inline batch")
    parser.add_argument("--payload", default=str(ROOT / "schemas/examples/ke_hoach.json"))
    parser.add_argument("--warmup", type=int, default=6)
    parser.add_argument("--floor-runs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="inline batch rounds")
    parser.add_argument("--celery", action="store_true", help="also 2 Celery workers vs 1")
    parser.add_argument("--celery-n", type=int, default=100)
    parser.add_argument("--no-inline", action="store_true", help="only the --celery part")
    args = parser.parse_args()
    logging.getLogger("vanban.http").setLevel(logging.WARNING)   # a line per status poll
    base = json.loads(Path(args.payload).read_text(encoding="utf-8"))
    floors = inline(args, base, batch=not args.no_inline)
    if args.celery:                     # against the floors of this same run
        celery(args, base, floors)


if __name__ == "__main__":
    main()
