"""The command line: `python -m service batch INPUT --out DIR` (or `vanban batch …`) makes a batch
on this machine with a progress bar, resumably, and says what failed and why.

INPUT is a JSON list of payloads, a JSON {"base", "rows"} (or {"items"}) file, or a CSV/XLSX of
rows with --base. The work goes through the same store and runner as the service, kept in
DIR/.vanban/: running the same command again skips the documents already made, and after the
input was edited only the changed documents are made again. The documents are then copied to
DIR under their số ký hiệu (or the --name-column), with merged.pdf when asked.

`python -m service register export --year 2026 --format csv|xlsx` writes the year's sổ đăng ký
văn bản đi (service/register/export.py).

Exit status: 0 every document made; 1 some failed (listed); 2 the batch could not start;
130 interrupted (run the command again to go on).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import io
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from sqlalchemy.exc import SQLAlchemyError

from service.batch import envelope, results, sheets
from service.batch.envelope import BatchRequest
from service.batch.outputs import write_atomic
from service.batch.runner import InlineRunner
from service.batch.store import Job, JobStore, item_key, open_store
from service.config import DatabaseSettings, Settings, SettingsError
from service.db import close_database, open_database
from service.errors import ValidationError, VanbanError
from service.register import Register, registered

STATE_DIR = ".vanban"
MANIFEST = "exported.json"      # the files a run put in DIR, so the next run can tidy them
MERGED_NAME = "merged.pdf"
FAILED, NOT_STARTED, INTERRUPTED = 1, 2, 130


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["hash-key"]:        # its own options: service/auth.py
        from service.auth import hash_key_command

        return hash_key_command(argv[1:])
    if argv[:1] == ["db"]:
        return db_command(argv[1:], sys.stdout)
    if argv[:1] == ["register"]:
        return register_command(argv[1:], sys.stdout.buffer, sys.stderr)
    parser = argparse.ArgumentParser(prog="vanban", description=(
        "Văn bản hành chính theo NĐ30 từ JSON. Lệnh batch: tạo nhiều văn bản một lần."))
    commands = parser.add_subparsers(dest="command", required=True)
    batch = commands.add_parser("batch", help="tạo một lô văn bản vào một thư mục", description=(
        "INPUT: tệp JSON (danh sách văn bản, hoặc {base, rows}), hoặc CSV/XLSX kèm --base. "
        "Chạy lại cùng lệnh thì bỏ qua các văn bản đã tạo."))
    commands.add_parser("hash-key", help="tạo khóa API mới và in dòng cấu hình mã băm của nó")
    commands.add_parser("db", help="cơ sở dữ liệu: db upgrade (nâng cấp), db revision -m …")
    commands.add_parser("register", help="sổ đăng ký văn bản đi: register export --year …")
    batch.add_argument("input", type=Path, metavar="INPUT")
    batch.add_argument("--out", type=Path, required=True, metavar="DIR",
                       help="thư mục kết quả (tạo nếu chưa có)")
    batch.add_argument("--format", choices=envelope.FORMATS, default=None,
                       help="docx (mặc định) hoặc pdf")
    batch.add_argument("--base", type=Path, metavar="BASE.json",
                       help="văn bản mẫu cho các dòng của INPUT (trộn thư)")
    batch.add_argument("--name-column", metavar="COT",
                       help="cột (hoặc đường dẫn trường) đặt tên tệp; mặc định theo số ký hiệu")
    batch.add_argument("--merged-pdf", action="store_true",
                       help="thêm merged.pdf gộp mọi văn bản để in (cần --format pdf)")
    batch.add_argument("--workers", type=int, default=0,
                       help="số luồng; mặc định bằng số tiến trình LibreOffice")
    args = parser.parse_args(argv)
    return run_batch(args, sys.stdout, sys.stderr)


def register_command(argv: Sequence[str], out: BinaryIO, err: TextIO) -> int:
    """`register export --year 2026 --format csv|xlsx [--issuer UBND] [--out FILE]`: the year's
    sổ đăng ký văn bản đi as a spreadsheet (to FILE, or CSV to standard output)."""
    parser = argparse.ArgumentParser(prog="vanban register", description=(
        "Sổ đăng ký văn bản đi (VANBAN_DATABASE_URL): xuất sổ của một năm ra CSV hoặc XLSX."))
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="xuất sổ của một năm")
    export.add_argument("--year", type=int, required=True)
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("--issuer", help="chỉ một cơ quan ban hành (mã, ví dụ UBND)")
    export.add_argument("--out", type=Path, metavar="FILE",
                        help="tệp kết quả; mặc định so-dang-ky-<năm>.<định dạng>, CSV có thể "
                             "ra màn hình với --out -")
    args = parser.parse_args(argv)
    from service.register import Register
    from service.register.export import to_csv, to_xlsx

    try:
        settings = Settings.from_env()
        register = Register(open_database(settings.database))
        entries = list(register.all(year=args.year, issuer=args.issuer))
    except (SettingsError, VanbanError, OSError, SQLAlchemyError) as exc:
        print(_message(exc), file=err)
        return NOT_STARTED
    data = (to_csv(entries) if args.format == "csv"
            else to_xlsx(entries, f"Sổ văn bản đi {args.year}"))
    target = args.out or Path(f"so-dang-ky-{args.year}.{args.format}")
    if str(target) == "-":
        out.write(data)
    else:
        write_atomic(target, data)
        print(f"Đã xuất {len(entries)} văn bản vào {target}.", file=err)
    return 0


def db_command(argv: Sequence[str], out: TextIO) -> int:
    """`db upgrade`: migrate VANBAN_DATABASE_URL to the newest revision and move in an old job
    store file; `db revision -m MESSAGE`: a new migration from the models (developers)."""
    parser = argparse.ArgumentParser(prog="vanban db", description=(
        "Cơ sở dữ liệu (VANBAN_DATABASE_URL): nâng cấp lên phiên bản mới nhất, hoặc tạo bản "
        "nâng cấp mới từ các bảng trong mã (cho người phát triển)."))
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("upgrade", help="nâng cấp cơ sở dữ liệu lên phiên bản mới nhất")
    revision = commands.add_parser("revision", help="tạo tệp nâng cấp mới (Alembic)")
    revision.add_argument("-m", "--message", required=True)
    args = parser.parse_args(argv)
    from service.db import migrate

    if args.command == "revision":
        print(migrate.revision(args.message), file=out)
        return 0
    settings = Settings.from_env()
    database = open_database(settings.database)
    moved = JobStore(database, settings.batch).import_legacy(settings.batch.db)
    with database.read() as connection:
        print(f"Cơ sở dữ liệu ở phiên bản {', '.join(sorted(migrate.current(connection)))}"
              + (f"; đã chuyển {moved} lô từ {settings.batch.db}." if moved else "."), file=out)
    return 0


def run_batch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        data = read_input(args)
        settings = Settings.from_env()
        request = envelope.parse(data, max_items=settings.batch.max_items)
    except ValidationError as exc:
        print("Dữ liệu đầu vào không hợp lệ:", file=err)
        for path, messages in exc.fields.items():
            print(f"  {path}: {' '.join(messages)}", file=err)
        return NOT_STARTED
    except (VanbanError, SettingsError, OSError) as exc:
        print(_message(exc), file=err)
        return NOT_STARTED

    # The run's own database in DIR/.vanban/, whatever VANBAN_DATABASE_URL says: its batches
    # are this folder's (jobs.sqlite3 there is the store of the versions before the database).
    # The register is not: it stays the deployment's (below).
    deployment = settings.database
    state = args.out / STATE_DIR
    settings = dataclasses.replace(
        settings, pdf_enabled=request.format == "pdf",     # LibreOffice only when needed
        database=DatabaseSettings(url=f"sqlite:///{state / 'vanban.sqlite3'}"),
        batch=dataclasses.replace(settings.batch, backend="inline", db=state / "jobs.sqlite3",
                                  output_dir=state / "items",
                                  workers=args.workers or settings.batch.workers))
    job_id = batch_id(request)
    try:
        # An older, different input stops here.
        open_store(settings, open_database(settings.database)).supersede(keep=job_id)
    except (SQLAlchemyError, OSError) as exc:
        print(f"Không mở được cơ sở dữ liệu trong {state}: {exc}", file=err)
        return NOT_STARTED

    from service import create_app  # Flask and LibreOffice load only once the input is good

    try:
        app = create_app(settings)
    except VanbanError as exc:
        print(_message(exc), file=err)
        return NOT_STARTED
    if any(registered(item.payload) for item in request.items):
        # A number taken here is taken for every way in: one series per agency and year
        # (nd30-spec §3.4), in the deployment's register, not in this folder's database.
        app.extensions["vanban.pipeline"].register = Register(open_database(deployment))
    runner: InlineRunner = app.extensions["vanban.batch"]
    store = runner.store
    try:
        if not store.has(job_id):
            store.create(request, job_id)
            reused = store.adopt(job_id)
            if reused:
                print(f"Dùng lại {reused} văn bản đã tạo ở lần chạy trước.", file=err)
        else:
            retried = store.retry_failed(job_id)
            job = store.job(job_id)
            already = job.done
            if already:
                print(f"Bỏ qua {already} văn bản đã tạo ở lần chạy trước"
                      + (f"; làm lại {retried} văn bản lỗi." if retried else "."), file=err)
        runner.wake()
        job = _watch(runner, job_id, err)
    except KeyboardInterrupt:
        # Items cut short are taken up by the next run (left running by a gone process, or
        # failed by the converter closing under them, which a re-run tries again).
        print("\nĐã dừng. Chạy lại cùng lệnh để làm tiếp.", file=err)
        return INTERRUPTED
    finally:
        runner.close(timeout=0 if runner.idle() else 5.0)
        converter = app.extensions["vanban.pipeline"].converter
        if converter is not None:
            converter.close()
        close_database(settings.database.url)

    rows = [row.get(sheets.ROW_KEY) for row in data.get("rows", [])] if "rows" in data else []
    exported = export(store, job, args.out, err)
    return summary(store, job, exported, rows, args.out, out)


def read_input(args: argparse.Namespace) -> dict[str, Any]:
    """INPUT and --base as the batch envelope the service takes."""
    path: Path = args.input
    suffix = path.suffix.lower()
    base = _read_json(args.base) if args.base else None
    if suffix == ".json":
        content = _read_json(path)
        if isinstance(content, list):
            data: dict[str, Any] = ({"base": base, "rows": content} if base is not None
                                    else {"items": content})
        elif isinstance(content, dict) and ("items" in content or "rows" in content):
            data = dict(content)
            if base is not None:
                data["base"] = base
        else:
            raise ValidationError({"INPUT": ["Tệp JSON phải là danh sách văn bản, hoặc "
                                             "{\"base\", \"rows\"} hoặc {\"items\"}."]})
    else:
        if base is None:
            raise ValidationError({"--base": ["Cần văn bản mẫu (--base base.json) cho các dòng "
                                              f"của {path.name}."]})
        settings = Settings.from_env()
        rows = sheets.read_rows(path.name, path.read_bytes(),
                                max_rows=settings.batch.max_items,
                                max_unpacked=settings.batch.max_sheet_bytes)
        data = {"base": base, "rows": rows}
    if args.format:
        data["format"] = args.format
    if args.merged_pdf:
        data["merged_pdf"] = True
        data.setdefault("format", "pdf")     # merging implies PDF unless said otherwise
    if args.name_column:
        data["name_column"] = args.name_column
    return data


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ValidationError({str(path): [f"JSON không hợp lệ (dòng {exc.lineno}, cột "
                                           f"{exc.colno})."]}) from exc
    except UnicodeDecodeError as exc:
        raise ValidationError({str(path): ["Tệp phải mã hóa UTF-8."]}) from exc


def batch_id(request: BatchRequest) -> str:
    """The same input makes the same id, so running the command again finds its batch."""
    digest = hashlib.sha256(f"{request.format}|{request.merged_pdf}".encode())
    for index, item in enumerate(request.items):
        part = (json.dumps(item.error, ensure_ascii=False, sort_keys=True) if item.error
                else item_key(item.payload, request.format, index))
        digest.update(f"\n{part}|{item.name or ''}".encode())
    return digest.hexdigest()[:32]


def _watch(runner: InlineRunner, job_id: str, err: TextIO) -> Job:
    """A progress bar until the batch is finished."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    store = runner.store
    job = store.job(job_id)
    console = Console(file=err)
    columns = (TextColumn("Đang tạo văn bản"), BarColumn(), MofNCompleteColumn(),
               TextColumn("lỗi: {task.fields[failed]}"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("batch", total=job.total, failed=job.failed)
        while True:
            job = store.job(job_id)
            progress.update(task, completed=job.done + job.failed, failed=job.failed)
            if job.finished:
                break
            if runner.wait_idle(0.2) and not store.job(job_id).finished:
                time.sleep(0.2)         # items of this batch wait for a retry or a lease
                runner.wake()
    return job


def export(store: JobStore, job: Job, out: Path, err: TextIO) -> list[str]:
    """Copy the finished documents into DIR under their names (and merged.pdf), removing what
    an earlier run put there that this one no longer makes."""
    items = store.finished_items(job.id)
    reserved = [MERGED_NAME] if job.merged_pdf else []
    names = results.file_names(items, job.format, reserved=reserved)
    exported = []
    for item, (plain, _pretty) in zip(items, names, strict=True):
        write_atomic(out / plain, store.read_output(job.id, item))
        exported.append(plain)
    if job.merged_pdf and items:
        write_atomic(out / MERGED_NAME, lambda f: results.merge_pdfs(
            (io.BytesIO(store.read_output(job.id, item)) for item in items), f))
        exported.append(MERGED_NAME)
    manifest = out / STATE_DIR / MANIFEST
    before = json.loads(manifest.read_text()) if manifest.exists() else []
    for stale in set(before) - set(exported):
        (out / stale).unlink(missing_ok=True)
    write_atomic(manifest, json.dumps(exported, ensure_ascii=False).encode())
    return exported


def summary(store: JobStore, job: Job, exported: list[str], rows: list[Any], out: Path,
            stream: TextIO) -> int:
    print(f"Xong: {job.done}/{job.total} văn bản trong {out}"
          + (f" (kèm {MERGED_NAME})" if MERGED_NAME in exported else "")
          + (f"; {job.failed} văn bản lỗi:" if job.failed else "."), file=stream)
    if job.message:
        print(f"Lô dừng: {job.message}", file=stream)
    for error in store.errors(job.id):
        index = error["index"]
        row = rows[index] if index < len(rows) and rows[index] else None
        where = f"Văn bản {index + 1}" + (f" (dòng {row})" if row else "")
        if "fields" in error:
            for path, messages in error["fields"].items():
                print(f"  {where}: {path}: {' '.join(messages)}", file=stream)
        else:
            print(f"  {where}: {error['message']}", file=stream)
    return FAILED if job.failed or job.status == "failed" else 0


def _message(exc: BaseException) -> str:
    if isinstance(exc, VanbanError):
        return exc.public
    if isinstance(exc, OSError):
        return f"Không đọc/ghi được tệp: {exc.filename or ''} ({exc.strerror or exc})."
    return str(exc)


if __name__ == "__main__":
    sys.exit(main())
