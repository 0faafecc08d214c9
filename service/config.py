"""Settings: one frozen object read from VANBAN_* environment variables.

The rule is mechanical: `settings.pool.size` ↔ `VANBAN_POOL_SIZE`, `settings.max_request_bytes`
↔ `VANBAN_MAX_REQUEST_BYTES`. Every bad variable is reported at once, by name. A field whose
metadata has a "production" value takes that as its default when `VANBAN_ENV=production`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemas.fields import Limits as LimitSettings
from service.cores import available_cores

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"      # what the service keeps by default (tests point it at a temporary folder)


def in_var(name: str) -> Callable[[], Path]:
    """A default under VAR, read when the settings are made."""
    return lambda: VAR / name


def default_database_url() -> str:
    return f"sqlite:///{VAR / 'vanban.sqlite3'}"


class SettingsError(ValueError):
    """One or more environment variables are invalid; the message names each."""


@dataclass(frozen=True)
class PoolSettings:
    """The warm LibreOffice pool (see README, "PDF")."""

    size: int = field(default_factory=available_cores)    # 0 also means one per core
    timeout: float = 60.0           # seconds for one conversion before the process is killed
    restart_after: int = 200        # conversions before a planned restart caps memory growth
    queue_size: int = 16            # waiting conversions before 503 + Retry-After
    start_timeout: float = 60.0     # seconds for a soffice process to accept connections
    soffice: str = "soffice"
    pin_cpus: bool = True           # each soffice on a free core of its own (convert/affinity.py)


@dataclass(frozen=True)
class DatabaseSettings:
    """The database (service/db): a SQLite file for one machine, PostgreSQL for several."""

    url: str = field(default_factory=default_database_url, repr=False)   # may hold a password


@dataclass(frozen=True)
class StorageSettings:
    """Where batch documents are kept (service/batch/outputs.py): empty for files in
    VANBAN_BATCH_OUTPUT_DIR, `database`, or `s3://bucket/prefix`."""

    url: str = ""


@dataclass(frozen=True)
class BatchSettings:
    """Batches (README, "Batches, command line and worker machines"). The job store is in the
    database; with the celery backend the output directory must be on storage every worker
    machine sees."""

    backend: str = field(default="inline", metadata={"choices": ("inline", "celery")})
    # The job store of versions before the database: its batches are moved into the database
    # at the first start, and the file is then renamed *.imported.
    db: Path = field(default_factory=in_var("vanban-jobs.sqlite3"))
    output_dir: Path = field(default_factory=in_var("batches"))
    redis_url: str = "redis://localhost:6379/0"
    max_items: int = 1000           # documents in one batch
    workers: int = 0                # inline threads; 0 = the converter pool's size
    max_request_bytes: int = 32 * 1024 * 1024   # a whole batch request (JSON or upload)
    max_sheet_bytes: int = 64 * 1024 * 1024     # an XLSX unpacked: a zip bomb stops here
    # Seconds an item may run, and a batch go without progress, before another process makes it
    # again; 0: three converter timeouts (VANBAN_POOL_TIMEOUT).
    lease: float = 0.0
    keep_days: float = 30.0         # finished batches older than this are removed; 0 = never


@dataclass(frozen=True)
class AuthSettings:
    """API keys and the form's login (README, "Security"). Keys are kept as SHA-256 hashes:
    `VANBAN_AUTH_KEYS` is `name:sha256hex,…`; `VANBAN_AUTH_KEYS_FILE` has `name sha256hex`
    lines. `python -m service hash-key` makes a key and its line."""

    enabled: bool = field(default=False, metadata={"production": True})
    keys: str = field(default="", repr=False)
    keys_file: str = ""
    open_metrics: bool = True       # /metrics without a key: Prometheus scrapes in-cluster
    session_hours: float = 8.0      # a clerk's login lasts a working day
    secure_cookie: bool = field(default=False, metadata={"production": True})  # HTTPS only


@dataclass(frozen=True)
class SigningSettings:
    """Digital signatures (README, "Signing"): `profiles` is the JSON file of signing profiles
    (service/sign/profiles.py), `trust` a PEM file of the CA certificates POST /v1/verify
    trusts (for example the Ban Cơ yếu Chính phủ root)."""

    profiles: str = ""
    trust: str = ""


@dataclass(frozen=True)
class Settings:
    env: str = field(default="development", metadata={"choices": ("development", "production")})
    templates_dir: Path = ROOT / "templates"
    fonts_dir: Path = ROOT / "fonts"
    max_request_bytes: int = 2 * 1024 * 1024
    pdf_enabled: bool = True        # start the converter pool with the app
    pool: PoolSettings = field(default_factory=PoolSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    batch: BatchSettings = field(default_factory=BatchSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    signing: SigningSettings = field(default_factory=SigningSettings)
    secret_key: str = field(default="", repr=False)    # signs the form's session cookie
    rate_limit: str = field(default="", metadata={"production": "120/minute"})  # "" = none
    rate_limit_storage: str = "memory://"   # per process; redis://… to share across machines
    # Proxies in front that set X-Forwarded-For/-Proto/-Host; 0 trusts none of those headers.
    # Behind one (nginx, a load balancer) set 1, or every caller is the proxy's address.
    proxy_hops: int = 0
    limits: LimitSettings = field(default_factory=LimitSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if env is None else env
        problems: list[str] = []
        production = env.get("VANBAN_ENV", "").strip().lower() == "production"
        values = _read(cls, "VANBAN_", env, problems, production)
        if problems:
            raise SettingsError("; ".join(problems))
        return dataclasses.replace(cls(**values), **overrides)


# Read outside Settings: the mode (above), gunicorn's own (gunicorn.conf.py) and the ones the
# gunicorn master sets for its workers.
OTHER_VARIABLES = frozenset({
    "VANBAN_ENV", "VANBAN_BIND", "VANBAN_WORKERS", "VANBAN_THREADS", "VANBAN_WORKER_TIMEOUT",
    "VANBAN_GRACEFUL_TIMEOUT", "VANBAN_MAX_REQUESTS", "VANBAN_ACCESS_LOG",
    "VANBAN_CONTROL_SOCKET", "VANBAN_GUNICORN_MASTER", "VANBAN_GUNICORN_WORKER"})
# Read by earlier versions and no longer: what to say to a deployment that still sets them.
RETIRED = {"VANBAN_BATCH_JOURNAL": "a store shared between machines is PostgreSQL now "
                                   "(VANBAN_DATABASE_URL)"}


def unknown_variables(env: Mapping[str, str] | None = None) -> list[str]:
    """What is wrong with the VANBAN_* names set: each one this version does not read (a typo,
    or a setting retired), said in a line, so that nothing set is ignored silently."""
    env = os.environ if env is None else env
    known = OTHER_VARIABLES | _names(Settings, "VANBAN_")
    return [f"{name} is no longer read: {RETIRED[name]}" if name in RETIRED
            else f"{name} is not a setting of vanban (ignored); see README, Configuration"
            for name in sorted(env) if name.startswith("VANBAN_") and name not in known]


def _default(f: dataclasses.Field) -> Any:
    return f.default_factory() if f.default is dataclasses.MISSING else f.default


def _names(klass: type, prefix: str) -> frozenset[str]:
    names: set[str] = set()
    for f in dataclasses.fields(klass):
        default = _default(f)
        name = prefix + f.name.upper()
        names |= _names(type(default), name + "_") if dataclasses.is_dataclass(default) \
            else {name}
    return frozenset(names)


def _read(klass: type, prefix: str, env: Mapping[str, str], problems: list[str],
          production: bool = False) -> dict:
    values: dict[str, Any] = {}
    for f in dataclasses.fields(klass):
        name = prefix + f.name.upper()
        default = _default(f)
        if dataclasses.is_dataclass(default):
            values[f.name] = type(default)(
                **_read(type(default), name + "_", env, problems, production))
            continue
        if name not in env:
            if production and "production" in f.metadata:
                values[f.name] = f.metadata["production"]
            continue
        raw = env[name]
        try:
            values[f.name] = _coerce(raw, default)
        except ValueError:
            problems.append(f"{name}={raw!r} is not a valid {type(default).__name__}")
            continue
        choices = f.metadata.get("choices")
        if choices and values[f.name] not in choices:
            problems.append(f"{name}={raw!r} is not one of {', '.join(choices)}")
    return values


def _coerce(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        low = raw.strip().lower()
        if low in {"1", "true", "yes", "on"}:
            return True
        if low in {"0", "false", "no", "off"}:
            return False
        raise ValueError(raw)
    if isinstance(default, int):
        value = int(raw)
        if value < 0:
            raise ValueError(raw)
        return value
    if isinstance(default, float):
        value = float(raw)
        if value <= 0:
            raise ValueError(raw)
        return value
    if isinstance(default, Path):
        return Path(raw)
    return raw
