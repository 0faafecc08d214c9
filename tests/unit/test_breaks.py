"""Centred lines broken into even lines (service.render.breaks), measured in the real font."""

from pathlib import Path

import pytest

from service.render.breaks import balanced_lines
from service.render.metrics import Metrics
from tests.conftest import ROOT

METRICS = Metrics(Path(ROOT / "fonts"))


def width(size: float, bold: bool = False):
    return lambda text: METRICS.width_twips(text, size, bold=bold)


def test_a_line_that_fits_stays_whole():
    text = "V/v Tổ chức Tết Trồng cây"
    assert balanced_lines(text.split(), width(13), 5000) == [text]


def test_no_word_is_left_alone_on_the_last_line():
    text = "V/v Tổ chức Tết Trồng cây năm 2027"
    words = text.split()
    measure = width(13)
    available = measure("V/v Tổ chức Tết Trồng cây năm") + 20   # Word would leave "2027" alone
    lines = balanced_lines(words, measure, available)
    assert lines == ["V/v Tổ chức Tết", "Trồng cây năm 2027"]
    assert " ".join(lines) == text


@pytest.mark.parametrize("available", [3000, 4000, 6000, 9355])
def test_lines_are_as_even_as_their_number_allows(available):
    text = ("Về việc phê duyệt Kế hoạch tổ chức các hoạt động kỷ niệm 80 năm Ngày Cách mạng "
            "tháng Tám thành công và Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam")
    measure = width(14, bold=True)
    lines = balanced_lines(text.split(), measure, available)
    greedy = _greedy(text.split(), measure, available)
    assert " ".join(lines) == text
    assert len(lines) == len(greedy)                        # no more lines than Word's
    assert all(measure(line) <= available for line in lines)
    assert max(map(measure, lines)) <= max(map(measure, greedy))
    if len(lines) > 1:                                      # the last line is no stub
        assert measure(lines[-1]) >= 0.5 * max(map(measure, lines))


def test_a_word_wider_than_the_column_is_left_to_the_reader():
    assert balanced_lines(["ỦYBANNHÂNDÂNTỈNHBÌNHMINH"], width(13, bold=True), 1000) is None


def test_a_break_falls_between_phrases_when_that_costs_little():
    """Not "… chuyển đổi số quốc / gia …": before "trên", where the phrase allows."""
    text = ("Triển khai thực hiện Chương trình chuyển đổi số quốc gia trên địa bàn phường "
            "Điện Biên Phủ năm 2027")
    assert balanced_lines(text.split(), width(14, bold=True), 9355) == [
        "Triển khai thực hiện Chương trình chuyển đổi số quốc gia",
        "trên địa bàn phường Điện Biên Phủ năm 2027"]


@pytest.mark.parametrize("available", range(3600, 9400, 200))
def test_a_number_stays_with_the_word_before_it_where_the_lines_allow(available):
    """"số / 68/2010/QĐ-UBND" and "năm / 2010" only where the fewest lines leave no choice:
    never more often than Word's own breaks, and not at all in a trích yếu's full width."""
    text = ("Về việc bãi bỏ Quyết định số 68/2010/QĐ-UBND ngày 20 tháng 12 năm 2010 của Ủy ban "
            "nhân dân tỉnh ban hành Quy định về trình tự, thủ tục giao đất, cho thuê đất")
    measure = width(14, bold=True)
    lines = balanced_lines(text.split(), measure, available)
    assert " ".join(lines) == text

    def at_numbers(broken):
        return sum(line[0].isdigit() for line in broken[1:])

    assert at_numbers(lines) <= at_numbers(_greedy(text.split(), measure, available))
    if available >= 9000:
        assert at_numbers(lines) == 0


def _greedy(words, measure, available):
    lines = [words[0]]
    for word in words[1:]:
        if measure(f"{lines[-1]} {word}") <= available:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
