"""One soffice process: its own profile and port; start with a readiness probe, stop, kill.

The process is `soffice.bin` itself, not the `soffice` shell script: the script execs `oosplash`,
which forks `soffice.bin`, so a kill of the pid we hold would orphan the real office. Running the
binary directly gives one pid to wait on and kill, at the price of doing oosplash's one job that
matters here: on a fresh profile soffice.bin exits with code 81 and expects to be started again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import random
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

from service import procfs
from service.convert import PdfOptions, affinity
from service.convert.bridge import BridgeLost, UnoBridge
from service.convert.spawner import dying_with_us, on_spawner
from service.convert.supervisor import WorkerLost
from service.errors import ConversionError, ConverterUnavailable

log = logging.getLogger("vanban.convert")

HOST = "127.0.0.1"
RESTART_EXIT_CODE = 81        # EXITHELPER_NORMAL_RESTART: "first start done, start me again"
STOP_GRACE = 5.0              # seconds soffice gets to exit after terminate() before SIGKILL
RUN_DIR_PREFIX = "vanban-soffice-"
OWNER = "owner"               # in a run dir: "<pid of the Python process> <pid of soffice>"


def soffice_binary(command: str) -> str:
    """The soffice.bin next to the `soffice` launcher `command` names (a path or a name on PATH)."""
    found = shutil.which(command)
    if found is None:
        raise ConverterUnavailable(detail=f"LibreOffice not found: {command!r} is not on PATH "
                                          "(install libreoffice-writer-nogui)")
    path = Path(found).resolve()
    binary = path.with_name("soffice.bin")
    return str(binary if path.name == "soffice" and binary.exists() else path)


def _free_port() -> int:
    """A free port below Linux's ephemeral range (32768-60999).

    From that range the kernel also hands out the source ports of outgoing connections (ours to
    the other soffice processes included), and one of those taking the port between this check
    and soffice's bind would leave soffice not listening at all. Another process could still take
    the port in between; start() then sees an office with another profile, or none, and fails.
    """
    for _ in range(100):
        port = random.randrange(20000, 32768)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return port
    raise ConverterUnavailable(detail="no free port for soffice between 20000 and 32767")


class SofficeProcess:
    """A worker for the supervisor: one soffice.bin and the UNO connection to it."""

    def __init__(self, binary: str, fonts_conf: Path, *, start_timeout: float = 60.0,
                 label: str = "soffice", pin_cpu: bool = False) -> None:
        self.binary = binary
        self.pin_cpu = pin_cpu
        self.cpu: int | None = None            # the core soffice has to itself, if any
        self.fonts_conf = fonts_conf
        self.start_timeout = start_timeout
        self.label = label
        self.run_dir: Path | None = None       # holds the profile and the log; removed by stop()
        self._process: subprocess.Popen[bytes] | None = None
        self._bridge: UnoBridge | None = None
        self._log_file: IO[bytes] | None = None
        self._killed = False                   # kill() during start() aborts the start

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def profile_url(self) -> str:
        assert self.run_dir is not None
        return (self.run_dir / "profile").as_uri()

    def start(self) -> None:
        """Launch soffice and return once it answers over UNO, or raise ConverterUnavailable."""
        if not self.fonts_conf.is_file():
            raise ConverterUnavailable(
                detail=f"{self.fonts_conf} is missing: without it LibreOffice would pick system "
                       "fonts without Vietnamese glyphs")
        self.run_dir = Path(tempfile.mkdtemp(prefix=RUN_DIR_PREFIX))
        started = time.monotonic()
        deadline = started + self.start_timeout
        # The probe loop checks the deadline between attempts, but one UNO call into an office
        # that hangs half-started would block it for good; the timer kills such an office.
        watchdog = threading.Timer(self.start_timeout + 1.0, self._expire)
        watchdog.daemon = True
        watchdog.start()
        try:
            port = _free_port()
            for _ in range(3):          # exit 81 asks for one relaunch; allow one spare
                self._launch(port)
                if self._await_ready(port, deadline):
                    log.info("%s ready: pid %s, port %s, %.2f s", self.label, self.pid, port,
                             time.monotonic() - started)
                    return
            raise ConverterUnavailable(detail=f"{self.label}: soffice kept asking to be restarted")
        except BaseException:
            self.stop()
            raise
        finally:
            watchdog.cancel()

    def _expire(self) -> None:
        log.error("%s: no UNO answer within %g s of starting; killing it", self.label,
                  self.start_timeout)
        self.kill()

    def _launch(self, port: int) -> None:
        assert self.run_dir is not None
        if self._killed:
            raise ConverterUnavailable(detail=f"{self.label}: killed while starting")
        # Its temp files go in the run dir too, so even a soffice killed with -9 leaves none
        # behind once stop() removes that dir.
        tmp = self.run_dir / "tmp"
        tmp.mkdir(exist_ok=True)
        env = dict(os.environ, FONTCONFIG_FILE=str(self.fonts_conf), TMPDIR=str(tmp))
        accept = f"socket,host={HOST},port={port},tcpNoDelay=1;urp;StarOffice.ComponentContext"
        command = [self.binary, "--headless", "--invisible", "--nocrashreport", "--nodefault",
                   "--nologo", "--nofirststartwizard", "--norestore", "--nolockcheck",
                   f"-env:UserInstallation={self.profile_url}", f"--accept={accept}"]
        if self._log_file is None:
            # A file, not a pipe: nobody reads soffice's chatter, and a full pipe would block it.
            self._log_file = open(self.run_dir / "soffice.log", "ab")  # noqa: SIM115
        log_file = self._log_file

        def popen() -> subprocess.Popen[bytes]:
            with self.on_core():                # soffice and every thread it starts
                return subprocess.Popen(
                    dying_with_us(command), env=env, stdin=subprocess.DEVNULL,
                    stdout=log_file, stderr=subprocess.STDOUT, close_fds=True)

        with affinity.machine_lock(self.binary) if self.pin_cpu else contextlib.nullcontext():
            self.cpu = affinity.free_cpu() if self.pin_cpu else None
            self._process = on_spawner(popen)
        (self.run_dir / OWNER).write_text(f"{os.getpid()} {self._process.pid}\n")

    def _await_ready(self, port: int, deadline: float) -> bool:
        """Probe until soffice accepts a UNO connection: True when ready, False on exit 81."""
        assert self._process is not None
        pause, last = 0.02, "no connection"
        while True:
            code = self._process.poll()
            if self._killed:
                raise ConverterUnavailable(detail=f"{self.label}: killed while starting")
            if code == RESTART_EXIT_CODE:
                return False
            if code is not None:
                raise ConverterUnavailable(
                    detail=f"{self.label}: soffice exited with code {code} while starting: "
                           f"{self._log_tail()}")
            try:
                if self._try_connect(port):
                    return True
            except (BridgeLost, ConversionError) as e:
                last = f"{type(e).__name__}: {e}"   # accepted, then failed: still coming up
            if time.monotonic() > deadline:
                raise ConverterUnavailable(
                    detail=f"{self.label}: soffice was not ready within {self.start_timeout:g} s "
                           f"({last}): {self._log_tail()}")
            time.sleep(pause)
            pause = min(pause * 1.5, 0.2)

    def _try_connect(self, port: int) -> bool:
        """One probe: connect, check it is our office, warm it up. False if not up yet."""
        with self.on_core():                    # the bridge's threads start on soffice's core
            bridge = UnoBridge.connect(HOST, port)
        if bridge is None:
            return False
        profile = bridge.user_installation()
        if profile is None:
            return False
        if not profile.startswith(self.profile_url):
            raise ConverterUnavailable(
                detail=f"{self.label}: port {port} answered with profile {profile}, not ours "
                       "(another process took the port)")
        bridge.warm_up()
        self._bridge = bridge
        return True

    def convert(self, docx: bytes, options: PdfOptions, *, keywords: str | None = None) -> bytes:
        """DOCX → PDF on this process; WorkerLost if the process died under the call."""
        bridge = self._bridge
        if bridge is None:
            raise WorkerLost(f"{self.label} is not running")
        try:
            with self.on_core():
                return bridge.to_pdf(docx, pdfa=options.pdfa, keywords=keywords)
        except BridgeLost as e:
            raise WorkerLost(f"{self.label} (pid {self.pid}) lost: {e}") from e
        except ConversionError as e:
            if not self.alive():
                raise WorkerLost(f"{self.label} (pid {self.pid}) died: {e.detail}") from e
            raise

    def tidy(self) -> None:
        """Close the document of the last conversion (the supervisor calls this after handing
        the PDF back; a failure shows as a dead process)."""
        bridge = self._bridge
        if bridge is not None:
            with self.on_core():
                bridge.tidy()

    def on_core(self) -> contextlib.AbstractContextManager[None]:
        """Run the calling thread on this soffice's core for the block (if it has one)."""
        return affinity.on_cpu(self.cpu)

    def alive(self) -> bool:
        # _killed counts at once: a killed process lingers a moment before poll() sees it.
        return not self._killed and self._bridge is not None \
            and self._process is not None and self._process.poll() is None

    def kill(self) -> None:
        """SIGKILL now, from any thread; a call blocked in the bridge then fails at once."""
        self._killed = True
        process = self._process
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGKILL)

    def stop(self) -> None:
        """Terminate (cleanly if soffice still listens, else by SIGKILL) and remove every trace:
        the profile directory and the single-instance socket a killed soffice leaves in /tmp."""
        process, bridge = self._process, self._bridge
        self._bridge = None
        if process is not None:
            if bridge is not None and process.poll() is None:
                # From a side thread: terminate() queues behind a conversion still running in
                # soffice and could block for as long as that one hangs; the wait below is bounded.
                threading.Thread(target=bridge.terminate, name=f"{self.label}-terminate",
                                 daemon=True).start()
            try:
                process.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                self.kill()
                process.wait()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self.run_dir is not None:
            remove_ipc_socket(self.profile_url)
            shutil.rmtree(self.run_dir, ignore_errors=True)
            self.run_dir = None

    def rss(self) -> int:
        """Resident memory of the soffice process in bytes (0 when it is not running)."""
        if self.pid is None or not self.alive():
            return 0
        try:
            with open(f"/proc/{self.pid}/statm") as statm:
                return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return 0

    def _log_tail(self, limit: int = 400) -> str:
        if self.run_dir is None:
            return ""
        try:
            text = (self.run_dir / "soffice.log").read_bytes()[-limit:]
        except OSError:
            return ""
        return text.decode("utf-8", "replace").strip() or "(no output)"


def ipc_socket_name(profile_url: str) -> str:
    """The name of the single-instance socket soffice creates in /tmp (or /var/tmp).

    OSL_PIPE_<uid>_SingleOfficeIPC_<md5 of the profile URL in UTF-16LE, each byte in hex without
    zero padding>; a clean exit removes it, SIGKILL does not, and neither its place nor its
    existence can be changed (LibreOffice 7.4, desktop/source/app/officeipcthread.cxx).
    """
    digest = hashlib.md5(profile_url.encode("utf-16-le"), usedforsecurity=False).digest()
    return f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{''.join(f'{b:x}' for b in digest)}"


def remove_ipc_socket(profile_url: str) -> None:
    """Remove the single-instance socket a killed soffice left behind."""
    name = ipc_socket_name(profile_url)
    for directory in ("/tmp", "/var/tmp"):
        path = Path(directory, name)
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(path.lstat().st_mode):
                path.unlink()


def remove_stale_run_dirs(root: Path | None = None, min_age: float = 120.0) -> list[Path]:
    """Remove the run dirs (profile, temp files, log) and single-instance sockets that soffice
    processes of this user left in `root` (the temp folder) when they and the process that
    started them are gone; returns them. A dir with no owner file is left until it is
    `min_age` seconds old: its soffice may be starting right now."""
    root = Path(root or tempfile.gettempdir())
    removed = []
    for run_dir in root.glob(RUN_DIR_PREFIX + "*"):
        try:
            if not run_dir.is_dir() or run_dir.stat().st_uid != os.getuid():
                continue
            owner = (run_dir / OWNER).read_text().split() if (run_dir / OWNER).exists() else []
            age = time.time() - run_dir.stat().st_mtime
        except (OSError, ValueError):
            continue
        if any(procfs.alive(int(pid)) for pid in owner if pid.isdigit()) \
                or (not owner and age < min_age):
            continue
        remove_ipc_socket((run_dir / "profile").as_uri())
        shutil.rmtree(run_dir, ignore_errors=True)
        removed.append(run_dir)
    if removed:
        log.info("removed %d soffice profile(s) left by processes that are gone", len(removed))
    return removed

