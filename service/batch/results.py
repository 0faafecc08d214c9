"""A finished batch's results: the ZIP of its documents and, when asked, one merged PDF to print.

File names come from each document's số ký hiệu (`15-KH-UBND.pdf`) or from the chosen name
column, made unique (`-2`, `-3`, ignoring case, as Windows does) and ASCII-safe. A ZIP entry's
name is that ASCII name, with the UTF-8 flag set, and the name with diacritics rides along in the
Info-ZIP Unicode Path field (0x7075): tools that know it show "Nguyễn Văn An.pdf", the others
"Nguyen-Van-An.pdf", and none shows mojibake. Both files are built once, atomically, and kept.
"""

from __future__ import annotations

import json
import re
import struct
import threading
import time
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from service.batch.store import Finished, Job, JobStore, write_atomic
from service.errors import BatchNotFinished, BatchNotFound

ERRORS_NAME = "errors.json"       # in the ZIP when items failed: which and why
_UTF8_FLAG = 0x800
_UNICODE_PATH = 0x7075
_STEM_MAX = 100
_build_lock = threading.Lock()    # one build per process at a time; other processes are safe
                                  # by the atomic rename and at worst build twice


def ascii_name(text: str) -> str:
    """`Nguyễn Văn An` → `Nguyen-Van-An`: what any unzip tool and file system can carry."""
    folded = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9_-]+", "-", folded).strip("-")[:_STEM_MAX] or "van-ban"


def utf8_name(text: str) -> str:
    """The name with its diacritics, minus what a file name cannot hold."""
    cleaned = re.sub(r'(?:[\x00-\x1f/\\:*?"<>|]|\.{2,})+', "-",
                     unicodedata.normalize("NFC", text))
    return cleaned.strip(" .-")[:_STEM_MAX] or "văn bản"


def file_names(items: Iterable[Finished], fmt: str,
               reserved: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(ASCII name, UTF-8 name) for each item, unique without regard to case."""
    taken = {name.lower() for name in reserved}
    names = []
    for item in items:
        if item.name:
            plain, pretty = ascii_name(item.name), utf8_name(item.name)
        else:
            plain = ascii_name(Path(item.filename).stem)
            pretty = utf8_name(Path(item.filename_utf8).stem)
        candidate, suffix = plain, ""
        number = 1
        while f"{candidate}{suffix}.{fmt}".lower() in taken:
            number += 1
            suffix = f"-{number}"
        taken.add(f"{candidate}{suffix}.{fmt}".lower())
        names.append((f"{candidate}{suffix}.{fmt}", f"{pretty}{suffix}.{fmt}"))
    return names


class _Utf8Info(zipfile.ZipInfo):
    """An entry whose UTF-8 flag stays set: zipfile clears the flags when it opens an entry for
    writing and sets this one only for non-ASCII names."""

    @property
    def flag_bits(self) -> int:
        return self._flags | _UTF8_FLAG

    @flag_bits.setter
    def flag_bits(self, value: int) -> None:
        self._flags = value


def zip_info(plain: str, pretty: str, when: time.struct_time) -> zipfile.ZipInfo:
    """A STORED entry (DOCX and PDF are compressed already) named as the module says."""
    info = _Utf8Info(plain, date_time=when[:6])
    info.compress_type = zipfile.ZIP_STORED
    if pretty != plain:
        encoded = pretty.encode("utf-8")
        crc = zipfile.crc32(plain.encode("ascii"))
        info.extra = struct.pack("<HHBI", _UNICODE_PATH, 5 + len(encoded), 1, crc) + encoded
    return info


def unicode_path(info: zipfile.ZipInfo) -> str | None:
    """The UTF-8 name of an entry from its Unicode Path field, if it has a valid one."""
    extra = info.extra
    while len(extra) >= 4:
        kind, size = struct.unpack("<HH", extra[:4])
        body, extra = extra[4:4 + size], extra[4 + size:]
        if kind == _UNICODE_PATH and len(body) >= 5:
            _version, crc = struct.unpack("<BI", body[:5])
            if crc == zipfile.crc32(info.filename.encode("utf-8")):
                return body[5:].decode("utf-8")
    return None


def result_zip(store: JobStore, job_id: str) -> Path:
    """The batch's ZIP (built on first request)."""
    job = _finished(store, job_id)
    path = store.job_dir(job_id) / "result.zip"
    with _build_lock:
        if not path.exists():
            items = store.finished_items(job_id)
            errors = store.errors(job_id)
            names = file_names(items, job.format, reserved=[ERRORS_NAME])
            when = time.localtime()

            def write(out: BinaryIO) -> None:
                with zipfile.ZipFile(out, "w") as archive:
                    for item, (plain, pretty) in zip(items, names, strict=True):
                        with item.path.open("rb") as source, \
                                archive.open(zip_info(plain, pretty, when), "w") as target:
                            while chunk := source.read(1 << 20):
                                target.write(chunk)
                    if errors:
                        info = zipfile.ZipInfo(ERRORS_NAME, date_time=when[:6])
                        info.compress_type = zipfile.ZIP_DEFLATED
                        archive.writestr(info, json.dumps(errors, ensure_ascii=False, indent=1))

            write_atomic(path, write)
    return path


def merged_pdf(store: JobStore, job_id: str) -> Path:
    """Every finished PDF of the batch in order, one file ready to print (built on first
    request). Only for batches that asked for it."""
    job = _finished(store, job_id)
    if not job.merged_pdf:
        raise BatchNotFound("Lô này không yêu cầu gộp PDF (merged_pdf).",
                            detail=f"batch {job_id}: no merged PDF asked for")
    path = store.job_dir(job_id) / "merged.pdf"
    with _build_lock:
        if not path.exists():
            write_atomic(path, lambda out: merge_pdfs(
                [item.path for item in store.finished_items(job_id)], out))
    return path


def merge_pdfs(paths: Iterable[Path], out: BinaryIO) -> None:
    from pypdf import PdfWriter  # only when merging

    writer = PdfWriter()
    for path in paths:
        writer.append(str(path))
    writer.write(out)
    writer.close()


def _finished(store: JobStore, job_id: str) -> Job:
    job = store.job(job_id)
    if not job.finished:
        raise BatchNotFinished(
            f"Lô văn bản chưa xử lý xong ({job.done + job.failed}/{job.total}); hãy thử lại sau.",
            detail=f"batch {job_id} is {job.status}")
    return job
