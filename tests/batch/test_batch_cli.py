"""`python -m service batch`: inputs of each kind, exit codes, the summary of what failed and why,
and re-runs that skip what is already made."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from service.__main__ import main
from service.db import Database
from service.db.models import BatchItem, RegisterEntry
from service.pipeline import Pipeline
from tests.batch.conftest import docx_text
from tests.conftest import ROOT, example

BASE = example("quyet_dinh")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """The payload numbers of every document the pipeline makes during the test."""
    calls: list[int | None] = []
    generate = Pipeline.generate

    def count(self: Pipeline, payload: object, *args: object, **kwargs: object) -> object:
        calls.append(payload.get("number") if isinstance(payload, dict) else None)
        return generate(self, payload, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "generate", count)
    return calls


@pytest.fixture(autouse=True)
def _docx_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VANBAN_PDF_ENABLED", "0")


def write_json(path: Path, content: object) -> Path:
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


def cli(*argv: object) -> int:
    return main([str(a) for a in argv])


def documents(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.is_file())


def test_a_json_list_of_payloads_makes_every_document(tmp_path, capsys, counted):
    source = write_json(tmp_path / "in.json", [example("ke_hoach"), example("quyet_dinh")])
    assert cli("batch", source, "--out", tmp_path / "out") == 0
    assert documents(tmp_path / "out") == ["07-QD-UBND.docx", "15-KH-UBND.docx"]
    assert "Trần Văn Bình" in docx_text((tmp_path / "out" / "07-QD-UBND.docx").read_bytes())
    captured = capsys.readouterr()
    assert captured.out.strip() == f"Xong: 2/2 văn bản trong {tmp_path / 'out'}."
    assert "Đang tạo văn bản" in captured.err and "2/2" in captured.err
    assert sorted(counted) == [7, 15]


def test_failed_rows_give_exit_1_and_a_summary_and_a_rerun_redoes_nothing_made(
        tmp_path, capsys, counted):
    rows = [{"number": 1}, {"number": "một"}, {"number": 3, "signer.name": ""}, {"number": 4}]
    source = write_json(tmp_path / "in.json", {"base": BASE, "rows": rows})
    out = tmp_path / "out"
    assert cli("batch", source, "--out", out) == 1
    summary = capsys.readouterr().out.splitlines()
    assert summary == [
        f"Xong: 2/4 văn bản trong {out}; 2 văn bản lỗi:",
        "  Văn bản 2: number: Số văn bản phải là số nguyên dương.",
        "  Văn bản 3: signer.name: Không được để trống.",
    ]
    assert documents(out) == ["01-QD-UBND.docx", "04-QD-UBND.docx"]
    made = documents(out)

    counted.clear()
    assert cli("batch", source, "--out", out) == 1
    captured = capsys.readouterr()
    assert "Bỏ qua 2 văn bản đã tạo" in captured.err
    assert sorted(map(str, counted)) == ["3", "một"]          # only the failed ones again
    assert captured.out.splitlines()[1:] == summary[1:]
    database = Database(f"sqlite:///{out / '.vanban' / 'vanban.sqlite3'}")
    with database.read() as db:
        attempts = dict(db.execute(select(BatchItem.idx, BatchItem.attempts)).all())
    database.dispose()
    assert attempts[0] == attempts[3] == 1                   # the made ones were not redone
    assert documents(out) == list(made)


def test_after_fixing_rows_only_those_are_made_and_stale_files_go(tmp_path, capsys, counted):
    rows = [{"number": 1, "_ten": "An"}, {"number": "hai", "_ten": "Bình"},
            {"number": 3, "_ten": "Chi"}]
    source = write_json(tmp_path / "in.json", {"base": BASE, "rows": rows})
    out = tmp_path / "out"
    assert cli("batch", source, "--out", out, "--name-column", "_ten") == 1
    assert documents(out) == ["An.docx", "Chi.docx"]
    rows[1]["number"] = 2
    rows[2]["_ten"] = "Chí"                                   # a new name, the same document
    write_json(source, {"base": BASE, "rows": rows})
    counted.clear()
    assert cli("batch", source, "--out", out, "--name-column", "_ten") == 0
    assert counted == [2]
    assert documents(out) == ["An.docx", "Binh.docx", "Chi.docx"]
    assert "Dùng lại 2 văn bản" in capsys.readouterr().err


def test_a_csv_with_a_base_says_which_sheet_row_failed(tmp_path, capsys):
    base = write_json(tmp_path / "base.json", BASE)
    sheet = tmp_path / "khen-thuong.csv"
    sheet.write_text("number,signer.name\n11,Hà Văn Minh\n\n12,\n13,Tạ Thị Oanh\nx,Y\n",
                     encoding="utf-8-sig")
    assert cli("batch", sheet, "--base", base, "--out", tmp_path / "out") == 1
    out = capsys.readouterr().out
    assert "Văn bản 4 (dòng 6): number: Số văn bản phải là số nguyên dương." in out
    # Row 4's empty signer cell keeps the base's signer, so it is made.
    assert documents(tmp_path / "out") == ["11-QD-UBND.docx", "12-QD-UBND.docx",
                                           "13-QD-UBND.docx"]


def test_an_xlsx_with_a_base_and_a_name_column(tmp_path):
    base = write_json(tmp_path / "base.json", BASE)
    book = openpyxl.Workbook()
    for row in (["number", "signer.name", "_tệp"], [21, "Lâm Văn Sơn", "Ông Sơn"],
                [22, "Kiều Thị Hạnh", "Bà Hạnh"]):
        book.active.append(row)
    book.save(tmp_path / "ds.xlsx")
    assert cli("batch", tmp_path / "ds.xlsx", "--base", base, "--out", tmp_path / "out",
               "--name-column", "_tệp") == 0
    assert documents(tmp_path / "out") == ["Ba-Hanh.docx", "Ong-Son.docx"]
    assert "Kiều Thị Hạnh" in docx_text((tmp_path / "out" / "Ba-Hanh.docx").read_bytes())


@pytest.mark.parametrize(("files", "argv", "words"), [
    ({}, ["missing.json"], "Không đọc/ghi được tệp"),
    ({"in.json": "{oops"}, ["in.json"], "JSON không hợp lệ"),
    ({"rows.csv": "number\n1\n"}, ["rows.csv"], "--base"),
    ({"in.json": json.dumps({"rows": [{"number": 1}]})}, ["in.json"], "base: Thiếu văn bản mẫu"),
    ({"in.json": json.dumps([BASE]), "b.json": json.dumps(BASE)},
     ["in.json", "--format", "docx", "--merged-pdf"], "merged_pdf"),
], ids=["no-file", "bad-json", "csv-without-base", "rows-without-base", "merge-docx"])
def test_input_that_cannot_start_a_batch_exits_2_saying_why(tmp_path, capsys, files, argv,
                                                             words):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    argv = [str(tmp_path / argv[0]), *argv[1:]]
    assert main(["batch", *argv, "--out", str(tmp_path / "out")]) == 2
    assert words in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_python_dash_m_service_runs_as_a_program(tmp_path):
    source = write_json(tmp_path / "in.json", {"base": BASE, "rows": [{"number": 5},
                                                                     {"number": -1}]})
    done = subprocess.run([sys.executable, "-m", "service", "batch", str(source), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "VANBAN_PDF_ENABLED": "0"}, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "Văn bản 2: number:" in done.stdout
    assert documents(tmp_path / "out") == ["05-QD-UBND.docx"]


@pytest.mark.soffice
def test_pdfs_and_the_merged_pdf_from_the_command_line(tmp_path, monkeypatch):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (scripts/install-system-deps.sh)")
    monkeypatch.setenv("VANBAN_PDF_ENABLED", "1")
    monkeypatch.setenv("VANBAN_POOL_SIZE", "1")
    source = write_json(tmp_path / "in.json", [example("ke_hoach"), example("quyet_dinh")])
    assert cli("batch", source, "--out", tmp_path / "out", "--merged-pdf") == 0
    out = tmp_path / "out"
    assert documents(out) == ["07-QD-UBND.pdf", "15-KH-UBND.pdf", "merged.pdf"]
    pages = [len(PdfReader(out / name).pages) for name in ("15-KH-UBND.pdf", "07-QD-UBND.pdf")]
    merged = PdfReader(out / "merged.pdf")
    assert len(merged.pages) == sum(pages)
    assert "KẾ HOẠCH" in merged.pages[0].extract_text()
    assert "QUYẾT ĐỊNH" in merged.pages[pages[0]].extract_text()


def test_automatic_numbers_are_the_deployment_register_s_one_per_document(tmp_path, monkeypatch):
    """Two alike payloads numbered "auto" are two documents with a number each, never one file
    shared; the numbers come from the deployment's register whatever folder a run writes to,
    and a re-run takes none."""
    monkeypatch.setenv("VANBAN_DATABASE_URL", f"sqlite:///{tmp_path / 'deployment.sqlite3'}")
    payload = example("ke_hoach")
    payload["number"] = "auto"
    twice = write_json(tmp_path / "twice.json", [payload, payload])
    assert cli("batch", twice, "--out", tmp_path / "a") == 0
    assert cli("batch", write_json(tmp_path / "once.json", [payload]), "--out", tmp_path / "b") == 0
    assert cli("batch", twice, "--out", tmp_path / "a") == 0          # made already: no number
    assert documents(tmp_path / "a") == ["01-KH-UBND.docx", "02-KH-UBND.docx"]
    assert documents(tmp_path / "b") == ["03-KH-UBND.docx"]
    assert "Số: 02/KH-UBND" in docx_text((tmp_path / "a" / "02-KH-UBND.docx").read_bytes())
    register = Database(f"sqlite:///{tmp_path / 'deployment.sqlite3'}")
    with register.read() as connection:
        assert connection.scalar(select(func.count()).select_from(RegisterEntry)) == 3
