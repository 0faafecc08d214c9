"""Where a batch's documents are kept, by `VANBAN_STORAGE_URL`:

    (empty)            files under VANBAN_BATCH_OUTPUT_DIR, one folder per batch (one machine,
                       or a folder every machine mounts)
    database           rows of batch_outputs in the database (service/db): with PostgreSQL,
                       web and worker machines share nothing but the database and the broker
    s3://bucket/prefix an S3-compatible store through boto3; the endpoint and credentials come
                       from the usual AWS_* variables (AWS_ENDPOINT_URL for MinIO, Ceph, …)

Every backend writes a document whole or not at all (a file through a temporary name and a
rename; a row in one transaction; an S3 object in one PUT). A write that cannot be made raises
OSError, ENOSPC when the storage is full.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from service.config import SettingsError
from service.db import Database
from service.db.models import BatchJob, BatchOutput


class Outputs(Protocol):
    def put(self, job_id: str, name: str, content: bytes) -> None: ...

    def read(self, job_id: str, name: str) -> bytes:
        """The content; FileNotFoundError when there is none."""

    def exists(self, job_id: str, name: str) -> bool: ...

    def room(self) -> bool:
        """Whether a new batch can be stored at all (a full disk refuses it at once)."""

    def remove(self, job_id: str) -> None:
        """Everything of the batch."""

    def tidy(self, job_id: str) -> None:
        """Remove what a write cut short by a crash left (files only)."""

    def sweep(self, known: Callable[[str], bool], cutoff: float) -> None:
        """Remove what belongs to no known batch and is older than `cutoff`."""


def write_atomic(path: Path, content: bytes | Callable[[Any], None]) -> None:
    """Write `content` (bytes, or a function writing to a binary file) to `path` through a
    temporary file in the same folder and a rename: readers see the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        os.fchmod(fd, 0o644)        # mkstemp's 0600 would hide results from other users
        with os.fdopen(fd, "wb") as out:
            if isinstance(content, bytes):
                out.write(content)
            else:
                content(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


# Below this much free space a new batch is refused at once (507) rather than stopped after its
# first documents: about one PDF of a few pages.
MIN_FREE = 256 * 1024


class FileOutputs:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def folder(self, job_id: str) -> Path:
        return self.root / job_id

    def put(self, job_id: str, name: str, content: bytes) -> None:
        write_atomic(self.folder(job_id) / name, content)

    def read(self, job_id: str, name: str) -> bytes:
        return (self.folder(job_id) / name).read_bytes()

    def exists(self, job_id: str, name: str) -> bool:
        return (self.folder(job_id) / name).exists()

    def room(self) -> bool:
        folder = self.root
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        return shutil.disk_usage(folder).free >= MIN_FREE

    def __str__(self) -> str:
        return str(self.root)

    def remove(self, job_id: str) -> None:
        shutil.rmtree(self.folder(job_id), ignore_errors=True)

    def tidy(self, job_id: str) -> None:
        for leftover in self.folder(job_id).glob(".tmp-*"):
            leftover.unlink(missing_ok=True)

    def sweep(self, known: Callable[[str], bool], cutoff: float) -> None:
        if self.root.is_dir():
            for folder in self.root.iterdir():
                if len(folder.name) == 32 and folder.stat().st_mtime < cutoff \
                        and not known(folder.name):
                    shutil.rmtree(folder, ignore_errors=True)


def disk_full(exc: SQLAlchemyError) -> bool:
    """Whether the database refused a write for want of space (SQLite: "database or disk is
    full"; PostgreSQL: "could not extend file …: No space left on device")."""
    text = str(exc).lower()
    return "full" in text or "no space" in text


class DatabaseOutputs:
    def __init__(self, database: Database) -> None:
        self.database = database

    def put(self, job_id: str, name: str, content: bytes) -> None:
        try:
            with self.database.write() as db:
                db.execute(delete(BatchOutput).where(BatchOutput.job_id == job_id,
                                                     BatchOutput.name == name))
                db.execute(insert(BatchOutput).values(job_id=job_id, name=name,
                                                      content=content))
        except SQLAlchemyError as exc:
            raise OSError(errno.ENOSPC if disk_full(exc) else errno.EIO, str(exc)) from exc

    def read(self, job_id: str, name: str) -> bytes:
        with self.database.read() as db:
            content = db.scalar(select(BatchOutput.content).where(
                BatchOutput.job_id == job_id, BatchOutput.name == name))
        if content is None:
            raise FileNotFoundError(f"{job_id}/{name}")
        return bytes(content)

    def exists(self, job_id: str, name: str) -> bool:
        with self.database.read() as db:
            return db.scalar(select(BatchOutput.name).where(
                BatchOutput.job_id == job_id, BatchOutput.name == name)) is not None

    def room(self) -> bool:
        return True                 # a full database says so when the batch is stored

    def remove(self, job_id: str) -> None:
        with self.database.write() as db:
            db.execute(delete(BatchOutput).where(BatchOutput.job_id == job_id))

    def tidy(self, job_id: str) -> None:
        pass                        # a row is written in one transaction: nothing half made

    def sweep(self, known: Callable[[str], bool], cutoff: float) -> None:
        with self.database.write() as db:
            db.execute(delete(BatchOutput).where(
                ~BatchOutput.job_id.in_(select(BatchJob.id))))


class S3Outputs:
    def __init__(self, url: str) -> None:
        import boto3  # only when S3 is chosen

        parts = urlsplit(url)
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/")
        self.client = boto3.client("s3")

    def _key(self, job_id: str, name: str = "") -> str:
        return "/".join(p for p in (self.prefix, job_id, name) if p)

    def put(self, job_id: str, name: str, content: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(job_id, name), Body=content)
        except ClientError as exc:
            full = exc.response.get("Error", {}).get("Code") in {"EntityTooLarge",
                                                                  "XMinioStorageFull"}
            raise OSError(errno.ENOSPC if full else errno.EIO, str(exc)) from exc
        except BotoCoreError as exc:
            raise OSError(errno.EIO, str(exc)) from exc

    def read(self, job_id: str, name: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket,
                                          Key=self._key(job_id, name))["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise FileNotFoundError(self._key(job_id, name)) from exc
            raise

    def room(self) -> bool:
        return True

    def exists(self, job_id: str, name: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(job_id, name))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                return False
            raise
        return True

    def remove(self, job_id: str) -> None:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._key(job_id) + "/")
        for page in pages:
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys})

    def tidy(self, job_id: str) -> None:
        pass                        # an object is made by one PUT: nothing half made

    def sweep(self, known: Callable[[str], bool], cutoff: float) -> None:
        pass                        # a bucket lifecycle rule is the tool for strays


def open_outputs(url: str, output_dir: Path, database: Database) -> Outputs:
    """The backend `url` (VANBAN_STORAGE_URL) names."""
    if not url:
        return FileOutputs(output_dir)
    if url == "database":
        return DatabaseOutputs(database)
    if url.startswith("s3://") and urlsplit(url).netloc:
        return S3Outputs(url)
    raise SettingsError(f"VANBAN_STORAGE_URL={url!r}: use database, s3://bucket/prefix, or leave "
                     "it empty for files in VANBAN_BATCH_OUTPUT_DIR")
