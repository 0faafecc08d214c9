"""gunicorn settings for vanban, sized to the LibreOffice pool each worker owns.

    gunicorn -c gunicorn.conf.py "service:create_app()"

Every value can still be overridden by gunicorn's own flags or GUNICORN_CMD_ARGS; the VANBAN_*
variables below are read here so one environment configures the app and its server alike.

Each worker process builds the app after the fork (no preload: a UNO connection does not
survive a fork) and with it its own pool of `VANBAN_POOL_SIZE` soffice processes. This file
reads the pool's settings from the environment itself rather than importing `service`: an
import here would load the app's code into the master, and every worker a SIGHUP forks would
then run that old code instead of the code on disk. tests/integration/test_gunicorn_config.py
checks that the defaults mirrored here match service.config.PoolSettings.

Lifecycle, and why no soffice outlives its worker:
- SIGTERM / SIGINT: the master stops listening, each worker finishes its in-flight requests
  (up to graceful_timeout), then `worker_exit` closes its batch runner and its pool (soffice
  terminated, profile directories and IPC sockets removed) before the process ends.
- SIGHUP: the master re-reads this file, forks new workers (each starts its own pool before it
  accepts, so requests wait in the listen backlog rather than fail) and stops the old ones as
  above.
- A worker killed outright (OOM killer, SIGKILL after graceful_timeout, a timeout abort) cannot
  clean up: its soffice processes would be orphaned. Every process a worker starts inherits
  VANBAN_GUNICORN_WORKER=<worker pid> and VANBAN_GUNICORN_MASTER=<master pid>; `child_exit`
  (in the master, when it reaps a worker) kills the soffice processes that carry that worker's
  pid and removes their profiles, and `on_exit` does the same for the master's pid as the last
  step of a shutdown.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import inspect
import os
import shutil
import signal
import stat
import time
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def _available_cores() -> int:
    # service/cores.py loaded by its path: the count the pool uses, without importing the
    # service package (see above).
    path = Path(__file__).resolve().with_name("service") / "cores.py"
    spec = importlib.util.spec_from_file_location("vanban_cores", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.available_cores()


CORES = _available_cores()
# The pool, as service.config.PoolSettings reads it (same names, same defaults).
POOL_SIZE = _env_int("VANBAN_POOL_SIZE", CORES) or CORES     # 0 means one per core there too
POOL_QUEUE_SIZE = _env_int("VANBAN_POOL_QUEUE_SIZE", 16)
POOL_TIMEOUT = _env_float("VANBAN_POOL_TIMEOUT", 60.0)
POOL_START_TIMEOUT = _env_float("VANBAN_POOL_START_TIMEOUT", 60.0)
SPARE_THREADS = 4                 # /healthz, /readyz, /metrics and DOCX while PDF is saturated

bind = os.environ.get("VANBAN_BIND", "0.0.0.0:8000")

# One worker by default: it holds POOL_SIZE soffice processes (one per core), which already use
# every core for PDF. More workers multiply the soffice processes (workers × pool size), so with
# several, set VANBAN_POOL_SIZE to cores / workers. A second worker buys resilience (one worker
# restarting while the other serves) and more CPU for DOCX rendering, which holds the GIL.
workers = _env_int("VANBAN_WORKERS", 1)
worker_class = "gthread"

# Threads: one for every conversion the pool can run (POOL_SIZE) and every caller its bounded
# queue may hold (POOL_QUEUE_SIZE), plus a few spare. With fewer, excess requests would wait in
# gthread's own unbounded queue instead of the pool's, so the pool's "queue full → 503 with
# Retry-After" could never fire and health checks would queue behind conversions. Threads past
# POOL_SIZE only wait on a condition variable; they cost memory, not CPU.
threads = _env_int("VANBAN_THREADS", POOL_SIZE + POOL_QUEUE_SIZE + SPARE_THREADS)

# gthread workers send their heartbeat from the main loop, which never blocks on a conversion
# (requests run on the threads; the pool enforces VANBAN_POOL_TIMEOUT itself). What the
# heartbeat does not cover is boot: the app factory starts the pool before the worker's first
# heartbeat, and a soffice may take up to VANBAN_POOL_START_TIMEOUT to come up on a cold,
# loaded machine. The timeout must outlast that, or a slow boot is killed and retried forever.
timeout = _env_int("VANBAN_WORKER_TIMEOUT",
                   int(max(POOL_START_TIMEOUT, POOL_TIMEOUT)) + 30)

# On SIGTERM or SIGHUP a worker finishes its in-flight requests first. A conversion ends within
# VANBAN_POOL_TIMEOUT (the pool kills it then), and closing the pool takes at most 5 s
# (soffice's grace before SIGKILL, in parallel), so this grace lets every request in flight end.
# A container's stop timeout (docker --stop-timeout, Kubernetes
# terminationGracePeriodSeconds) must be longer still, or the runtime kills it first.
graceful_timeout = _env_int("VANBAN_GRACEFUL_TIMEOUT", int(POOL_TIMEOUT) + 10)
keepalive = 5

# Off by default: soffice's memory growth is capped by the pool's own planned restarts
# (VANBAN_POOL_RESTART_AFTER, one process at a time, the others serving), and the Python
# process stays flat (bench/bench_convert.py measures both). Restarting a whole worker restarts
# its whole pool, and with one worker requests wait a few seconds meanwhile. Set it when a
# deployment sees the Python process grow; the jitter keeps workers from restarting together.
max_requests = _env_int("VANBAN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10

preload_app = False
# gunicorn's access log on stdout; VANBAN_ACCESS_LOG="" turns it off (the app logs every
# request as a JSON line on stderr anyway, with its request id).
accesslog = os.environ.get("VANBAN_ACCESS_LOG", "-") or None
# The heartbeat file in memory, not on a container's overlay filesystem (gunicorn's advice).
if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
    worker_tmp_dir = "/dev/shm"
# gunicorn ≥ 25 opens a control socket at one fixed path per user ($XDG_RUNTIME_DIR/gunicorn.ctl
# or ~/.gunicorn/gunicorn.ctl), which two instances on one machine (tests, benches, a second
# service) would fight over. Off unless a path is given.
if os.environ.get("VANBAN_CONTROL_SOCKET"):
    control_socket = os.environ["VANBAN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

MASTER_ENV = "VANBAN_GUNICORN_MASTER"
WORKER_ENV = "VANBAN_GUNICORN_WORKER"


# -- hooks --------------------------------------------------------------------------------------

def on_starting(server):
    os.environ[MASTER_ENV] = str(os.getpid())


def post_fork(server, worker):
    # Before the app (and its pool) is built, so every soffice it starts carries the mark.
    os.environ[WORKER_ENV] = str(os.getpid())


def worker_exit(server, worker):
    """In the worker, after its last request: stop batch threads, then the pool, explicitly.

    The pool also closes at interpreter exit (atexit), but only after every request thread has
    ended; closing here first wakes callers still waiting for a converter at once."""
    app = getattr(worker, "wsgi", None)
    extensions = getattr(app, "extensions", None) or {}
    runner = extensions.get("vanban.batch")
    if runner is not None:
        try:
            if "timeout" in inspect.signature(runner.close).parameters:
                runner.close(timeout=5)     # batch items cut short are taken up at next start
            else:
                runner.close()
        except Exception:
            server.log.exception("worker %s: closing the batch runner failed", worker.pid)
    pipeline = extensions.get("vanban.pipeline")
    converter = getattr(pipeline, "converter", None)
    if converter is not None:
        started = time.monotonic()
        converter.close()
        server.log.info("worker %s: converter pool closed in %.1f s", worker.pid,
                        time.monotonic() - started)


def child_exit(server, worker):
    """In the master, once a worker is reaped: kill any soffice it could not stop itself."""
    killed = kill_leftovers(WORKER_ENV, worker.pid)
    if killed:
        server.log.warning("worker %s left %d soffice process(es); killed: %s", worker.pid,
                           len(killed), killed)


def on_exit(server):
    """In the master, last: kill any soffice of any of its workers still running."""
    killed = kill_leftovers(MASTER_ENV, os.getpid())
    if killed:
        server.log.warning("soffice process(es) left at shutdown; killed: %s", killed)


# -- leftovers ----------------------------------------------------------------------------------

def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def leftover_soffice(variable: str, value: int) -> dict[int, tuple[list[str], Path]]:
    """{pid: (argv, TMPDIR)} of running soffice processes whose environment has variable=value.

    Only soffice: any other process could inherit the mark (gunicorn re-executing itself on
    SIGUSR2 does) and must never be touched."""
    mark = f"{variable}={value}".encode()
    found: dict[int, tuple[list[str], Path]] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        argv = [a.decode(errors="replace") for a in _read(proc / "cmdline").split(b"\0") if a]
        if not argv or Path(argv[0]).name not in ("soffice.bin", "soffice"):
            continue
        environ = _read(proc / "environ").split(b"\0")
        if mark in environ and not _zombie(proc):
            tmpdir = next((e[7:].decode(errors="replace") for e in environ
                           if e.startswith(b"TMPDIR=")), "") or "/tmp"
            found[int(proc.name)] = argv, Path(tmpdir)
    return found


def _zombie(proc: Path) -> bool:
    stat_line = _read(proc / "stat")
    return b") Z " in stat_line or not stat_line


def kill_leftovers(variable: str, value: int, wait: float = 5.0) -> list[int]:
    """SIGKILL the soffice processes marked variable=value, wait for them, and remove their
    profile directories and the single-instance sockets a killed soffice leaves in /tmp."""
    found = leftover_soffice(variable, value)
    for pid in found:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + wait
    while found and time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() and not _zombie(Path(f"/proc/{pid}"))
                   for pid in found):
            break
        time.sleep(0.05)
    for pid, (argv, tmpdir) in found.items():
        for arg in argv:
            if arg.startswith("-env:UserInstallation=file://"):
                _remove_profile(arg.split("=", 1)[1])
        _remove_office_temp(pid, tmpdir)
    return sorted(found)


def _remove_profile(profile_url: str) -> None:
    profile = Path(profile_url.removeprefix("file://"))
    run_dir = profile.parent
    if run_dir.name.startswith("vanban-soffice-"):      # only what the pool made
        shutil.rmtree(run_dir, ignore_errors=True)
    name = ipc_socket_name(profile_url)
    for directory in ("/tmp", "/var/tmp"):
        path = Path(directory, name)
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(path.lstat().st_mode):
                path.unlink()


def _remove_office_temp(pid: int, tmpdir: Path) -> None:
    """soffice keeps its temporary files in TMPDIR/lu<pid><random>.tmp, removed on a clean exit
    only. The random part may start with a digit, so a name that would also fit another live
    soffice's pid is left alone."""
    others = [other for other in _soffice_pids() if other != pid]
    for path in tmpdir.glob(f"lu{pid}*.tmp"):
        if not any(path.name.startswith(f"lu{other}") for other in others):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(True)


def _soffice_pids() -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            argv0 = _read(proc / "cmdline").split(b"\0")[0]
            if argv0.endswith((b"soffice.bin", b"soffice")) and not _zombie(proc):
                pids.append(int(proc.name))
    return pids


def ipc_socket_name(profile_url: str) -> str:
    """As service.convert.soffice.ipc_socket_name (a test keeps the two equal)."""
    digest = hashlib.md5(profile_url.encode("utf-16-le"), usedforsecurity=False).digest()
    return f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{''.join(f'{b:x}' for b in digest)}"
