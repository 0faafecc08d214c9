"""Templates are data with a contract: their variables and styles match what the code builds."""

from dataclasses import fields

import pytest
from docx.enum.style import WD_STYLE_TYPE
from docxtpl import DocxTemplate

from schemas import TYPES
from service.model.document import Document
from service.render import layout
from tests.conftest import ROOT

TEMPLATES = ROOT / "templates"
NEEDED_STYLES = [v for k, v in vars(layout).items() if k.isupper() and isinstance(v, str)
                 and v.startswith("VB ")] + list(layout.HEADING.values())


def parts_used(doc_type) -> set[str]:
    """The model fields a type's template must print, from its registry entry: the
    signature(s) it has, its body unless its Mẫu has none (1.8, 1.10), its own parts."""
    names = {"issuer_lines", "co_issuers", "number_line", "date_line", "recipients",
             "signer_rows", "appendices", "copy"}
    if doc_type.signature == "one":
        names.add("signer")
    if doc_type.body != "none":
        names.add("body")
    if doc_type.subject != "none":
        names.add("subject")
    return names


@pytest.mark.parametrize("doc_type", list(TYPES))
def test_template_variables_are_the_model_fields(doc_type):
    tpl = DocxTemplate(TEMPLATES / TYPES[doc_type].template)
    undeclared = tpl.get_undeclared_template_variables()
    assert undeclared <= {f.name for f in fields(Document)}
    assert parts_used(TYPES[doc_type]) <= undeclared


@pytest.mark.parametrize("doc_type", list(TYPES))
def test_template_has_every_named_style(doc_type):
    tpl = DocxTemplate(TEMPLATES / TYPES[doc_type].template)
    document = tpl.get_docx()
    names = {s.name for s in document.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
    assert set(NEEDED_STYLES) <= names
    section = document.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)   # A4
    assert section.different_first_page_header_footer                                 # titlePg
    assert section.header.paragraphs[0]._p.xpath(".//w:fldSimple/@w:instr") == [" PAGE "]
