"""Lines that must not break badly, read back from the PDFs (issue: defects real documents
found): ô 4 on one line, even V/v and trích yếu lines, Điều text upright, the Lưu line, a
trích yếu longer than any metadata field.
"""

from __future__ import annotations

import io
import re

import docx
import pytest
from docx.shared import Pt
from flask import Flask

from service.pipeline import Pipeline
from service.render import layout
from service.render.docx import DocxRenderer
from tests.conftest import ROOT, example
from tests.layout.conftest import LEFT, RIGHT, Rendered

pytestmark = pytest.mark.soffice

# Địa danh among the longest a Vietnamese agency writes (nd30-spec §3.5: units named after a
# person are written in full), with a two-digit day and month.
LONG_PLACES = ["Thành phố Hồ Chí Minh", "Phường Nguyễn Thái Bình", "Phường Trần Hưng Đạo",
               "Phường Điện Biên Phủ", "Đặc khu Phú Quốc"]
WHEN = "ngày 28 tháng 12 năm 2026"
MM_TWIPS = 56.7


def generate(pipeline: Pipeline, payload: dict) -> Rendered:
    return Rendered(pipeline.generate(payload, "pdf").content)


@pytest.fixture(scope="module")
def stock(pdf_app: Flask) -> Pipeline:
    return pdf_app.extensions["vanban.pipeline"]


@pytest.fixture(scope="module")
def at_13pt(pdf_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """The stock templates restyled in Word's way, ô 4 at 13 pt: a style change, no code."""
    folder = tmp_path_factory.mktemp("templates")
    for path in (ROOT / "templates").glob("*.docx"):
        document = docx.Document(path)
        document.styles[layout.DATE].font.size = Pt(13)
        document.save(folder / path.name)
    stock = pdf_app.extensions["vanban.pipeline"]
    return Pipeline(DocxRenderer(folder, ROOT / "fonts"), stock.converter)


def dated(place: str) -> dict:
    payload = example("thong_bao")
    payload.update(place=place, date="2026-12-28")
    return payload


@pytest.mark.parametrize("size", [14, 13])
@pytest.mark.parametrize("place", LONG_PLACES)
def test_the_date_line_stays_on_one_line(request, size, place):
    pipeline = request.getfixturevalue("stock" if size == 14 else "at_13pt")
    page = generate(pipeline, dated(place)).pages[0]
    line = page.line(re.escape(f"{place}, {WHEN}"))
    assert all(span.italic for span in line)
    assert {span.size for span in line} <= {13.0, 14.0}
    national = page.line(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    centre = (min(s.x0 for s in line) + max(s.x1 for s in line)) / 2
    assert abs(centre - national[0].centre) < 1.5           # centred under ô 1 (§3.5)
    column = LEFT + (layout.TABLE_INDENT + layout.HEADER_COLUMN_SMALLEST) / MM_TWIPS
    assert min(span.x0 for span in line) > column            # within the right column
    assert max(span.x1 for span in line) <= RIGHT + 0.5
    number = page.line(r"Số:\s.*")
    assert abs(number[0].y0 - line[0].y0) < 1.5              # level with the số (§3.5)


def test_a_name_beyond_any_fit_breaks_before_the_date_never_inside_it(stock):
    place = "Thành phố Hồ Chí Minh Khu Công nghệ cao"
    page = generate(stock, dated(place)).pages[0]
    first = page.line(re.escape(f"{place},"))
    second = page.line(re.escape(WHEN))
    assert all(span.italic for span in first + second)
    assert second[0].y0 > first[0].y0


def test_the_header_columns_give_way_before_the_date_line_breaks(stock):
    """"Phường Nguyễn Thái Bình, ngày 28 tháng 12 năm 2026" fits at 13 pt only once the right
    column has taken a little of the left one's width (nd30-spec §9: left ≈ 6.5–6.9 cm)."""
    docx_bytes = stock.generate(dated("Phường Nguyễn Thái Bình"), "docx").content
    table = docx.Document(io.BytesIO(docx_bytes)).tables[0]
    left, right = (cell.width.twips for cell in table.rows[0].cells)
    assert left < layout.HEADER_COLUMNS[0] and left >= layout.HEADER_COLUMN_SMALLEST
    assert left + right == sum(layout.HEADER_COLUMNS)


def test_vv_breaks_into_even_lines_with_no_word_alone(stock):
    payload = example("cong_van")
    payload["subject"] = "Tổ chức Tết Trồng cây năm 2027"
    page = generate(stock, payload).pages[0]
    first, second = page.line(r"V/v Tổ chức Tết"), page.line(r"Trồng cây năm 2027")
    assert second[0].y0 > first[0].y0
    widths = [max(s.x1 for s in line) - min(s.x0 for s in line) for line in (first, second)]
    assert min(widths) > 0.6 * max(widths)


def test_a_long_subject_breaks_evenly_and_prints_whole_while_metadata_is_cut(stock):
    """A real 270-character trích yếu once answered 500 (python-docx refuses core properties
    over 255 characters): it prints whole; only its metadata is cut, at a word."""
    payload = example("quyet_dinh")
    payload["subject"] = SUBJECT_270
    rendered = generate(stock, payload)
    page = rendered.pages[0]
    start = page.texts.index(next(t for t in page.texts if t.startswith("Về việc bãi bỏ")))
    lines = []
    for text in page.texts[start:]:
        lines.append(text)
        if text.endswith("bổ sung"):
            break
    assert " ".join(lines) == SUBJECT_270
    assert len(lines) == 4
    title = rendered.metadata["title"]
    assert len(title) <= 255 and title.endswith("…")
    assert SUBJECT_270.startswith(title.removesuffix("…"))
    assert SUBJECT_270[len(title) - 1] == " "            # cut between two words


def test_article_text_is_upright_unless_it_is_a_short_title(stock):
    payload = example("quyet_dinh")
    payload["body"] = ("Điều 1. Thành lập Ban chỉ đạo chuyển đổi số xã Tân Phú năm 2026 gồm "
                       "các ông (bà) có tên sau:\n- Ông Trần Văn Bình, Trưởng ban;\n"
                       "- Bà Lê Thị Hoa, Phó Trưởng ban.\nĐiều 2. Phạm vi điều chỉnh\n"
                       "Quy chế này áp dụng cho Ban chỉ đạo.\nĐiều 3. Quyết định này có hiệu lực "
                       "kể từ ngày ký.")
    page = generate(stock, payload).pages[0]
    first = page.line(r"Điều 1\. Thành lập Ban .*")
    assert [s.bold for s in first] == [True, False] and first[0].text.strip() == "Điều 1."
    assert not any(s.bold for s in page.line(r"- Ông Trần Văn Bình, Trưởng ban;"))
    assert all(s.bold for s in page.line(r"Điều 2\. Phạm vi điều chỉnh"))
    third = page.line(r"Điều 3\. Quyết định này .*")
    assert [s.bold for s in third] == [True, False]


def test_recipients_end_with_the_archive_line_even_when_none_is_given(stock):
    payload = example("thong_bao")
    payload.pop("archive", None)
    page = generate(stock, payload).text_pages[-1]
    label = page.texts.index("Nơi nhận:")
    signer = next(i for i, t in enumerate(page.texts) if re.match(r"(TM|KT|TL|Q|TUQ)\. ", t))
    items = [t for t in page.texts[label + 1:] if t.startswith("- ")]
    assert items[-1] == "- Lưu: VT."
    assert signer > label


SUBJECT_270 = (
    "Về việc bãi bỏ Quyết định số 68/2010/QĐ-UBND ngày 20 tháng 12 năm 2010 của Ủy ban nhân "
    "dân tỉnh ban hành Quy định về trình tự, thủ tục giao đất, cho thuê đất, chuyển mục đích "
    "sử dụng đất, thu hồi đất để thực hiện các dự án đầu tư trên địa bàn tỉnh và các văn bản "
    "sửa đổi, bổ sung")

