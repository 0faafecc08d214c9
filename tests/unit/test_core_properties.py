"""Core properties hold 255 characters (python-docx refuses more); the printed text holds all."""

import pytest

from service.render.docx import CORE_PROPERTY_CHARS, fit_property


def test_short_text_is_kept():
    assert fit_property("Về việc thành lập Tổ") == "Về việc thành lập Tổ"


@pytest.mark.parametrize("length", [256, 270, 1000])
def test_long_text_is_cut_at_a_word_with_an_ellipsis(length):
    text = ("Về việc bãi bỏ quyết định, " * 60)[:length]
    cut = fit_property(text)
    assert len(cut) <= CORE_PROPERTY_CHARS and cut.endswith("…")
    head = cut.removesuffix("…")
    assert text.startswith(head) and text[len(head)] in " ,"
    assert not head.endswith((" ", ","))


def test_a_text_without_spaces_is_cut_at_the_limit():
    cut = fit_property("x" * 300)
    assert cut == "x" * (CORE_PROPERTY_CHARS - 1) + "…"
