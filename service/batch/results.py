"""A finished batch's results: the ZIP of its documents and, when asked, one merged PDF to print.

File names come from each document's số ký hiệu (`15-KH-UBND.pdf`) or from the chosen name
column, made unique (`-2`, `-3`, ignoring case, as Windows does) and ASCII-safe. A ZIP entry's
name is that ASCII name, with the UTF-8 flag set, and the name with diacritics rides along in the
Info-ZIP Unicode Path field (0x7075): tools that know it show "Nguyễn Văn An.pdf", the others
"Nguyen-Van-An.pdf", and none shows mojibake. The ZIP is built as it is sent; the merged PDF is
built once and kept with the outputs when there is room.
"""

from __future__ import annotations

import io
import json
import logging
import re
import struct
import threading
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from schemas import registry
from service.batch.store import Finished, Job, JobStore
from service.errors import BatchNotFinished, BatchNotFound

log = logging.getLogger("vanban.batch")

ERRORS_NAME = "errors.json"       # in the ZIP when items failed: which (index, row) and why
MERGED = "merged.pdf"             # among the batch's outputs, once built
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


class _Sink(io.RawIOBase):
    """Where zipfile writes as it goes: the bytes wait here until the response takes them. It
    cannot seek, so zipfile writes each entry's sizes after its data (a data descriptor)."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._chunks = b"".join(self._chunks), []
        return data


def download_name(store: JobStore, job: Job, count: int) -> str:
    """`giay-moi-2026-12-01-300-van-ban`: the batch's type, the day it was made, how many
    documents (issue 11: a clerk finds it again among the downloads by what it is)."""
    types = {doc_type.label for key in store.types(job.id)
             if (doc_type := registry.resolve(key)) is not None}
    kind = ascii_name(types.pop()).lower() if len(types) == 1 else "lo"
    day = time.strftime("%Y-%m-%d", time.localtime(job.created))
    return f"{kind}-{day}-{count}-van-ban"


def result_zip(store: JobStore, job_id: str) -> tuple[str, Iterator[bytes]]:
    """The batch's ZIP, named as download_name says, built as it is sent: nothing is written
    to the storage, so a full disk never keeps the documents made from their owner."""
    job = _finished(store, job_id)
    items = store.finished_items(job_id)
    errors = store.errors(job_id)
    names = file_names(items, job.format, reserved=[ERRORS_NAME])

    def chunks() -> Iterator[bytes]:
        when = time.localtime()
        sink = _Sink()
        with zipfile.ZipFile(sink, "w") as archive:
            for item, (plain, pretty) in zip(items, names, strict=True):
                with archive.open(zip_info(plain, pretty, when), "w") as target:
                    target.write(store.read_output(job_id, item))
                yield sink.take()
            if errors:
                info = zipfile.ZipInfo(ERRORS_NAME, date_time=when[:6])
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, json.dumps(errors, ensure_ascii=False, indent=1))
        yield sink.take()

    return download_name(store, job, len(items)) + ".zip", chunks()


def merged_pdf(store: JobStore, job_id: str) -> tuple[str, Iterator[bytes]]:
    """Every finished PDF of the batch in order, one file ready to print: built once and kept
    with the outputs; when it does not fit there, built and sent all the same. Only for
    batches that asked for it."""
    job = _finished(store, job_id)
    if not job.merged_pdf:
        raise BatchNotFound("Lô này không yêu cầu gộp PDF (merged_pdf).",
                            detail=f"batch {job_id}: no merged PDF asked for")
    items = store.finished_items(job_id)
    name = download_name(store, job, len(items)) + ".pdf"
    with _build_lock:
        try:
            content = store.outputs.read(job_id, MERGED)
        except FileNotFoundError:
            out = io.BytesIO()
            merge_pdfs((io.BytesIO(store.read_output(job_id, item)) for item in items), out)
            content = out.getvalue()
            try:
                store.outputs.put(job_id, MERGED, content)
            except OSError as exc:
                log.warning("batch %s: merged PDF not kept (%s); sent as made", job_id, exc)
    return name, (content[i:i + (1 << 20)] for i in range(0, len(content), 1 << 20))


def merge_pdfs(sources: Iterable[Path | BinaryIO], out: BinaryIO) -> None:
    from pypdf import PdfWriter  # only when merging

    writer = PdfWriter()
    for source in sources:
        writer.append(str(source) if isinstance(source, Path) else source)
    writer.write(out)
    writer.close()


def _finished(store: JobStore, job_id: str) -> Job:
    job = store.job(job_id)
    if not job.finished:
        raise BatchNotFinished(
            f"Lô văn bản chưa xử lý xong ({job.done + job.failed}/{job.total}); hãy thử lại sau.",
            detail=f"batch {job_id} is {job.status}")
    return job
