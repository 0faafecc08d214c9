"""Rows from an uploaded CSV or XLSX, read as untrusted input: headers are field paths.

An upload is hostile until shown otherwise. Its name must be a plain file name (no folders, no
".."); an XLSX is a ZIP, so its members' names are checked the same way and their unpacked size
added up before anything is unpacked (a zip bomb stops there, by the sizes the ZIP declares:
zipfile never unpacks more than a member declares, and a lie fails its CRC). openpyxl reads in
read-only mode with cached values, so no formula is evaluated and no external link followed;
defusedxml, when installed, makes it refuse XML entity tricks.

An empty cell fills nothing: the row keeps the base's value.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from service.errors import BatchTooLarge, UploadError, UploadTooLarge

ROW_KEY = "_row"            # a note column ("_…" fills nothing): the row's number in the sheet
MAX_MEMBERS = 2000          # parts in an XLSX; a real workbook has tens
# Rows read past the limit of documents, allowing for blank rows between the data.
_BLANK_SLACK = 1000


def read_rows(filename: str, data: bytes, *, max_rows: int,
              max_unpacked: int) -> list[dict[str, Any]]:
    """The rows of the first sheet (XLSX) or of the file (CSV), as {header: value}."""
    name = safe_filename(filename)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix == ".xlsx" or (not suffix and data.startswith(b"PK\x03\x04")):
        table = _xlsx_table(data, max_unpacked)
    elif suffix in {".csv", ".txt", ""}:
        table = _csv_table(data)
    elif suffix in {".xls", ".xlsm", ".xlsb", ".ods"}:
        raise UploadError(f"Không đọc tệp {suffix}: hãy lưu bảng tính dạng .xlsx hoặc .csv "
                          "(UTF-8).", detail=f"upload {name!r}")
    else:
        raise UploadError(detail=f"upload {name!r}: unknown kind")
    return _records(table, max_rows)


def safe_filename(filename: str) -> str:
    """The upload's name if it is a plain file name; a folder, "..", a drive or NUL is refused."""
    if not _plain_name(filename):
        raise UploadError("Tên tệp tải lên không hợp lệ (không được chứa thư mục hay '..').",
                          detail=f"upload name {filename!r}")
    return filename


def _plain_name(name: str) -> bool:
    if not name or "\0" in name or "\\" in name or "/" in name:
        return False
    return name not in {".", ".."} and not PureWindowsPath(name).drive


def _member_safe(name: str) -> bool:
    """A ZIP member's path stays inside the archive: relative, no "..", no drive or backslash."""
    if not name or "\0" in name or "\\" in name or name.startswith("/"):
        return False
    if PureWindowsPath(name).drive:
        return False
    return ".." not in PurePosixPath(name).parts


def _xlsx_table(data: bytes, max_unpacked: int) -> Iterator[tuple[Any, ...]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UploadError("Tệp XLSX bị hỏng hoặc không phải XLSX.", detail=str(exc)) from exc
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise UploadError("Tệp XLSX có cấu trúc bất thường (quá nhiều thành phần).",
                          detail=f"{len(members)} zip members")
    unsafe = [m.filename for m in members if not _member_safe(m.filename)]
    if unsafe:
        raise UploadError("Tệp XLSX chứa đường dẫn không an toàn.",
                          detail=f"unsafe zip member names: {unsafe[:5]!r}")
    unpacked = sum(m.file_size for m in members)
    if unpacked > max_unpacked:
        raise UploadTooLarge(
            f"Tệp XLSX khi giải nén lớn quá {max_unpacked // (1024 * 1024)} MB.",
            detail=f"xlsx unpacks to {unpacked} bytes > {max_unpacked}")

    import openpyxl  # only for spreadsheets; the service starts without loading it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                      keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError,
            OSError, SyntaxError) as exc:    # defusedxml's refusals are ValueError subclasses
        raise UploadError("Tệp XLSX bị hỏng hoặc không phải XLSX.", detail=repr(exc)) from exc
    return _sheet_rows(book)


def _sheet_rows(book: Any) -> Iterator[tuple[Any, ...]]:
    try:
        if not book.worksheets:
            raise UploadError("Tệp XLSX không có trang tính nào.")
        sheet = book.worksheets[0]
        # The declared dimension may claim a million rows by sixteen thousand columns; only
        # the cells actually present count.
        sheet.reset_dimensions()
        yield from sheet.iter_rows(values_only=True)
    except UploadError:
        raise
    except Exception as exc:   # openpyxl raises many kinds on a malformed sheet
        raise UploadError("Tệp XLSX bị hỏng hoặc không phải XLSX.", detail=repr(exc)) from exc
    finally:
        book.close()


def _csv_table(data: bytes) -> Iterator[list[str]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # Excel writes ";" where the list separator is a comma in the decimal point's place.
    delimiter = max(",;\t", key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise UploadError(f"Tệp CSV không đọc được: {exc}.", detail=str(exc)) from exc


def _decode(data: bytes) -> str:
    # Excel's "Unicode text" is UTF-16 with a BOM; its "CSV UTF-8" has a UTF-8 BOM, which
    # utf-8-sig drops (and reads plain UTF-8 too).
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UploadError("Tệp CSV phải mã hóa UTF-8 (trong Excel: CSV UTF-8).",
                          detail=str(exc)) from exc


def _records(table: Iterable[Iterable[Any]], max_rows: int) -> list[dict[str, Any]]:
    header: list[str | None] | None = None
    records: list[dict[str, Any]] = []
    scanned = 0
    for raw in table:
        scanned += 1
        cells = [None if _blank(c) else c for c in raw]
        if header is None:
            if any(c is not None for c in cells):
                header = _header(cells)
            continue
        if all(c is None for c in cells):
            if scanned > max_rows + _BLANK_SLACK:
                break                  # a sheet padded with empty rows: nothing more to find
            continue
        # The sheet's own row number rides along as a note column, for messages about the row.
        record: dict[str, Any] = {ROW_KEY: scanned}
        for column, value in enumerate(cells):
            if value is None:
                continue
            key = header[column] if column < len(header) else None
            if key is None:
                raise UploadError(f"Cột {column + 1} có dữ liệu (dòng {scanned}) nhưng không có "
                                  "tiêu đề; tiêu đề là đường dẫn trường, ví dụ signer.name.")
            record[key] = value.strip() if isinstance(value, str) else value
        records.append(record)
        if len(records) > max_rows:
            raise BatchTooLarge(f"Bảng tính có hơn {max_rows} dòng, vượt giới hạn {max_rows} "
                                "văn bản mỗi lô; hãy chia thành nhiều lô.",
                                detail=f"more than {max_rows} rows")
    if header is None:
        raise UploadError("Bảng tính trống: dòng đầu phải là tiêu đề (đường dẫn trường).")
    return records


def _header(cells: list[Any]) -> list[str | None]:
    header = [None if c is None else str(c).strip() for c in cells]
    seen: set[str] = set()
    for name in header:
        if name is None:
            continue
        if name in seen:
            raise UploadError(f"Tiêu đề cột '{name}' lặp lại.")
        seen.add(name)
    return header


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
