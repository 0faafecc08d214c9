"""Load and fault test on loopback: gunicorn as in production, DOCX and PDF requests for N seconds.

Starts `gunicorn -c gunicorn.conf.py "service:create_app()"` (PDF on, pool of one soffice per
core) on a free loopback port, then runs `--clients` threads, each on its own keep-alive
connection, posting the example payloads of schemas/examples/ in turn, `--pdf-share` of them
with `?format=pdf`, until `--seconds` have passed. Prints the requests, errors by status, and
p50/p90/p99 latency for DOCX and PDF separately, then the server's own counters from /metrics.

`--kill N` is the fault run: every N seconds one of the pool's soffice.bin processes (children
of the gunicorn worker, found in /proc) gets SIGKILL in the middle of the load. The pool
restarts it and retries the conversion it was running once, on another process, so no request
should fail; the run checks that, and that the pool is whole again at the end.

    .venv/bin/python bench/bench_load.py                  # 60 s, 2 × cores clients
    .venv/bin/python bench/bench_load.py --kill 5         # the same, a soffice killed every 5 s

Only loopback traffic; every loop is bounded by the deadline; gunicorn is stopped at the end
(SIGTERM, then the run checks no soffice of it is left). Exit status 1 if any request failed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_convert import ROOT, Client, gunicorn

from service.procfs import alive

EXAMPLES = sorted((ROOT / "schemas" / "examples").glob("*.json"))


@dataclass
class Sample:
    kind: str           # docx | pdf
    status: int | str   # HTTP status, or the exception's name
    seconds: float
    ok: bool


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(p / 100 * len(ordered)))) - 1]


def client_loop(port: int, index: int, deadline: float, pdf_share: float,
                bodies: list[bytes], samples: list[Sample], lock: threading.Lock) -> None:
    rng = random.Random(index)          # the same mix on every run
    client = Client(port, timeout=120)
    n = index
    try:
        while time.monotonic() < deadline:
            kind = "pdf" if rng.random() < pdf_share else "docx"
            body = bodies[n % len(bodies)]
            n += 1
            started = time.perf_counter()
            try:
                status, data = client.post(f"/v1/documents?format={kind}", body)
                magic = b"%PDF-" if kind == "pdf" else b"PK"
                ok = status == 200 and data.startswith(magic)
                result: int | str = status
            except (OSError, ValueError) as e:
                client.close()
                result, ok = type(e).__name__, False
            sample = Sample(kind, result, time.perf_counter() - started, ok)
            with lock:
                samples.append(sample)
    finally:
        client.close()


def killer_loop(service, every: float, deadline: float, stop: threading.Event,
                killed: list[tuple[float, int]], started: float) -> None:
    """SIGKILL one of the pool's soffice.bin processes every `every` seconds until the deadline
    (none in the last `every` seconds, so the last restart is seen healing within the run)."""
    rng = random.Random(0)
    while not stop.wait(every) and time.monotonic() < deadline - every:
        pids = service.soffice_pids()
        if not pids:
            continue
        pid = rng.choice(pids)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
        killed.append((time.monotonic() - started, pid))


def scrape(client_port: int) -> dict[str, float]:
    """The vanban_* samples of /metrics, by name and labels."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", client_port, timeout=10)
    try:
        connection.request("GET", "/metrics")
        text = connection.getresponse().read().decode()
    finally:
        connection.close()
    values = {}
    for line in text.splitlines():
        match = re.match(r"(vanban_\S+?)(\{[^}]*\})?\s+(\S+)$", line)
        if match:
            values[match[1] + (match[2] or "")] = float(match[3])
    return values


def main() -> int:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="load duration (default 60)")
    parser.add_argument("--pool-size", type=int, default=cores,
                        help="soffice processes (default: one per core)")
    parser.add_argument("--clients", type=int, default=0,
                        help="concurrent clients (default: 2 × pool size, so every soffice "
                             "always has a conversion waiting while DOCX requests render)")
    parser.add_argument("--pdf-share", type=float, default=0.5, help="share of PDF requests")
    parser.add_argument("--kill", type=float, default=0, metavar="N",
                        help="SIGKILL one soffice every N seconds during the load")
    args = parser.parse_args()
    clients = args.clients or 2 * args.pool_size
    if not 0 < args.seconds <= 3600:
        parser.error("--seconds must be in (0, 3600]")

    bodies = [path.read_bytes() for path in EXAMPLES]
    for body in bodies:
        json.loads(body)
    work = Path(tempfile.mkdtemp(prefix="vanban-load-"))
    print(f"{cores} cores, load {os.getloadavg()[0]:.2f}; gunicorn.conf.py, pool {args.pool_size}"
          f"; {clients} clients for {args.seconds:g} s; {args.pdf_share:.0%} PDF; payloads: "
          f"{', '.join(p.stem for p in EXAMPLES)}"
          + (f"; SIGKILL a soffice every {args.kill:g} s" if args.kill else ""), flush=True)

    samples: list[Sample] = []
    killed: list[tuple[float, int]] = []
    lock = threading.Lock()
    with gunicorn(work, pool_size=args.pool_size) as service:
        [worker] = service.worker_pids
        before = scrape(service.port)
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [threading.Thread(target=client_loop, daemon=True,
                                    args=(service.port, i, deadline, args.pdf_share, bodies,
                                          samples, lock))
                   for i in range(clients)]
        stop = threading.Event()
        if args.kill:
            threads.append(threading.Thread(target=killer_loop, daemon=True,
                                            args=(service, args.kill, deadline, stop, killed,
                                                  started)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(args.seconds + 180)     # a request in flight at the deadline may finish
        stop.set()
        elapsed = time.monotonic() - started

        heal_deadline = time.monotonic() + 60
        while (len(service.soffice_pids()) < args.pool_size
               and time.monotonic() < heal_deadline):
            time.sleep(0.2)
        healed = len(service.soffice_pids())
        ready = service.client().get("/readyz")
        after = scrape(service.port)
        same_worker = service.worker_pids == [worker]
        final_soffice = service.soffice_pids()
    # gunicorn stopped (SIGTERM): its worker closed the pool, so none of its soffice is left.
    time.sleep(0.5)
    leftovers = [pid for pid in final_soffice if alive(pid)]
    shutil.rmtree(work, ignore_errors=True)

    by_status = Counter(str(s.status) for s in samples)
    failed = [s for s in samples if not s.ok]
    print(f"requests: {len(samples)} in {elapsed:.1f} s ({len(samples) / elapsed:.1f}/s); "
          f"by status: {dict(sorted(by_status.items()))}; failed: {len(failed)}")
    for kind in ("docx", "pdf"):
        times = [s.seconds for s in samples if s.kind == kind and s.ok]
        if times:
            ms = {p: percentile(times, p) * 1000 for p in (50, 90, 99)}
            print(f"  {kind.upper():<4} n={len(times):5d}  p50 {ms[50]:7.1f} ms  p90 {ms[90]:7.1f}"
                  f" ms  p99 {ms[99]:7.1f} ms  max {max(times) * 1000:7.1f} ms  "
                  f"mean {statistics.mean(times) * 1000:7.1f} ms")

    def delta(name: str) -> float:
        return after.get(name, 0.0) - before.get(name, 0.0)

    restarts = {key.split('"')[1]: delta(key) for key in after
                if key.startswith("vanban_converter_restarts_total")}
    print(f"server: converter restarts during the run {restarts}; "
          f"{healed}/{args.pool_size} soffice alive at the end; /readyz {ready}; "
          f"gunicorn worker {'unchanged' if same_worker else 'REPLACED'}")
    if args.kill:
        print(f"kills: {len(killed)} (at {', '.join(f'{t:.0f} s' for t, _ in killed)}); "
              f"requests failed: {len(failed)}"
              + ("; none lost beyond the pool's one retry" if not failed else ""))
    if failed:
        for sample in failed[:10]:
            print(f"  failed: {sample.kind} {sample.status} after {sample.seconds:.2f} s")
    print(f"shutdown: {len(leftovers)} soffice left running after SIGTERM")
    ok = not failed and healed == args.pool_size and ready == 200 and not leftovers
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
