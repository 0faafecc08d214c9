"""A throwaway PostgreSQL for the tests: Debian's initdb and pg_ctl make a cluster under a
temporary folder, listening only on a socket in that folder (on a free port number), with
durability off since nothing in it must outlive the session. initdb refuses root, so as root the
cluster runs as the `postgres` user (Debian's postgresql package makes it) through runuser.

`start()` gives a running cluster or the reason it cannot start (the fixtures skip with it);
`cluster.create_database()` is a fresh database in a few milliseconds, `drop_database(url)` ends
its connections and removes it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

USER = "postgres"           # the cluster's superuser, and the system user it runs as when root


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    def __init__(self, bin_dir: Path, root: Path, run_as: list[str]) -> None:
        self.bin_dir, self.root, self.run_as = bin_dir, root, run_as
        self.data = root / "data"
        self.port = free_port()

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self.run_as, *args], capture_output=True, text=True, timeout=120,
                              cwd=self.root)

    def start(self) -> str | None:
        """Start; None when it runs, else why not."""
        made = self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", USER,
                         "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
        if made.returncode:
            return f"initdb failed: {made.stderr.strip()[-500:]}"
        options = (f"-p {self.port} -k {self.root} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        started = self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l",
                            str(self.root / "server.log"), "-w", "-t", "60", "-o", options,
                            "start")
        if started.returncode:
            log = (self.root / "server.log")
            tail = log.read_text()[-500:] if log.exists() else started.stderr
            return f"pg_ctl start failed: {tail.strip()}"
        return None

    def url(self, database: str = USER) -> str:
        return (f"postgresql+psycopg://{USER}@/{database}?host={self.root}&port={self.port}")

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(host=str(self.root), port=self.port, user=USER, dbname=USER,
                               autocommit=True)

    def create_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:16]}"
        with self._admin() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        with self._admin() as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                  "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> Cluster | str:
    """A running cluster, or why there cannot be one here."""
    bin_dir = binaries()
    if bin_dir is None:
        return "PostgreSQL is not installed (scripts/install-system-deps.sh installs postgresql)"
    run_as: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="vanban-pg-"))
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam(USER)
        except KeyError:
            shutil.rmtree(root)
            return f"running as root and there is no {USER!r} user to run PostgreSQL as"
        os.chown(root, account.pw_uid, account.pw_gid)
        run_as = ["runuser", "-u", USER, "--"]
    cluster = Cluster(bin_dir, root, run_as)
    reason = cluster.start()
    if reason is not None:
        cluster.stop()
        return reason
    return cluster
