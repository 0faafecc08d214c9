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


@pytest.mark.parametrize("doc_type", list(TYPES))
def test_template_variables_are_the_model_fields(doc_type):
    tpl = DocxTemplate(TEMPLATES / TYPES[doc_type].template)
    undeclared = tpl.get_undeclared_template_variables()
    assert undeclared <= {f.name for f in fields(Document)}
    assert {"issuer_lines", "number_line", "date_line", "body", "signer",
            "recipients"} <= undeclared


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
