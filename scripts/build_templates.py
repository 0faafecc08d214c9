"""Writes the stock templates/<type>.docx: styles, page setup and docxtpl tags per nd30-spec.

The DOCX files are the source of truth once written: an agency restyles them in Word. Run this
only to regenerate the stock set (`python scripts/build_templates.py`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Mm, Pt, RGBColor, Twips

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schemas.registry import TYPES, DocType
from service.render import layout, ooxml

OUT = Path(__file__).resolve().parent.parent / "templates"
CENTER, JUSTIFY, LEFT = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY,
                         WD_ALIGN_PARAGRAPH.LEFT)

# name: (size pt, bold, italic, align, first-line twips, before twips, after twips, keep_next)
STYLES: dict[str, tuple] = {
    layout.BODY: (14, False, False, JUSTIFY, 567, 120, 0, False),
    # "Phần I" / "Chương I" and its title on the next line, centred and bold (nd30-spec §5).
    layout.PART_LABEL: (14, True, False, CENTER, 0, 240, 0, True),
    layout.PART_TITLE: (14, True, False, CENTER, 0, 0, 120, True),
    layout.HEADING[1]: (14, True, False, JUSTIFY, 567, 120, 0, True),
    layout.HEADING[2]: (14, True, False, JUSTIFY, 567, 120, 0, True),
    layout.HEADING[3]: (14, False, True, JUSTIFY, 567, 120, 0, True),
    layout.ITEM: (14, False, False, JUSTIFY, 567, 120, 0, False),
    layout.BULLET: (14, False, False, JUSTIFY, 567, 120, 0, False),
    layout.ARTICLE: (14, False, False, JUSTIFY, 567, 120, 0, False),
    layout.ARTICLE_TITLE: (14, True, False, JUSTIFY, 567, 120, 0, True),
    layout.BASIS: (14, False, True, JUSTIFY, 567, 120, 0, False),
    layout.ENACTMENT: (14, True, False, CENTER, 0, 240, 120, True),
    layout.AUTHORITY: (14, True, False, CENTER, 0, 240, 120, True),
    layout.TYPE_NAME: (14, True, False, CENTER, 0, 480, 0, True),
    layout.SUBJECT: (14, True, False, CENTER, 0, 0, 0, True),
    layout.PARENT: (13, False, False, CENTER, 0, 0, 0, False),
    layout.ISSUER: (13, True, False, CENTER, 0, 0, 0, False),
    layout.NATIONAL: (13, True, False, CENTER, 0, 0, 0, False),
    layout.MOTTO: (14, True, False, CENTER, 0, 0, 0, False),
    layout.NUMBER: (13, False, False, CENTER, 0, 120, 0, False),
    layout.DATE: (14, False, True, CENTER, 0, 120, 0, False),
    layout.SUBJECT_LETTER: (13, False, False, CENTER, 0, 120, 0, False),
    layout.TO_ONE: (14, False, False, CENTER, 0, 360, 120, False),
    layout.TO_LIST: (14, False, False, LEFT, 0, 360, 0, False),
    layout.TO_ITEM: (14, False, False, LEFT, 0, 0, 0, False),
    layout.RECIPIENTS_LABEL: (12, True, True, LEFT, 0, 0, 0, False),
    layout.RECIPIENT: (11, False, False, LEFT, 0, 0, 0, False),
    layout.SIGNER_TITLE: (14, True, False, CENTER, 0, 0, 0, True),
    layout.SIGNER_NAME: (14, True, False, CENTER, 0, 1701, 0, False),  # 30 mm to sign (§3.8)
    layout.PAGE_NUMBER: (14, False, False, CENTER, 0, 0, 0, False),
    layout.CONTACT: (11, False, False, CENTER, 0, 0, 0, False),     # ô 13, under a rule
    # Phụ lục (nd30-spec §4): label 14 bold, title in caps bold, "(Kèm theo …)" italic.
    layout.APPENDIX_LABEL: (14, True, False, CENTER, 0, 0, 0, True),
    layout.APPENDIX_TITLE: (14, True, False, CENTER, 0, 0, 0, True),
    layout.APPENDIX_REFERENCE: (14, False, True, CENTER, 0, 0, 0, True),
    layout.STAMP: (13, True, False, CENTER, 0, 120, 0, False),
    layout.CIRCULATION: (13, True, False, CENTER, 0, 0, 120, False),
    layout.TABLE_TEXT: (13, False, False, LEFT, 0, 40, 40, False),
    layout.TABLE_SLOT: (2, False, False, LEFT, 0, 0, 0, False),
}
RULES = (layout.RULE_ISSUER, layout.RULE_MOTTO, layout.RULE_SUBJECT, layout.RULE_APPENDIX)


def define_styles(doc) -> None:
    ooxml.default_fonts(doc.styles.element, layout.FONT, "vi-VN")
    normal = doc.styles["Normal"]
    normal.font.name = layout.FONT
    normal.font.size = Pt(14)
    normal.font.color.rgb = RGBColor(0, 0, 0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for name, (size, bold, italic, align, first, before, after, keep) in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = italic
        pf = style.paragraph_format
        pf.alignment = align
        pf.first_line_indent = Twips(first)
        pf.space_before = Twips(before)
        pf.space_after = Twips(after)
        pf.keep_with_next = keep
        pf.widow_control = True
    for name in (layout.TO_LIST, layout.TO_ITEM):
        pf = doc.styles[name].paragraph_format
        pf.left_indent = Twips(layout.TO_INDENT + layout.TO_LABEL)
    doc.styles[layout.TO_LIST].paragraph_format.first_line_indent = Twips(-layout.TO_LABEL)
    ooxml.tab_stop(doc.styles[layout.TO_LIST], layout.TO_INDENT + layout.TO_LABEL)
    doc.styles[layout.TABLE_SLOT].paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    doc.styles[layout.TABLE_SLOT].paragraph_format.line_spacing = Pt(2)
    for name in RULES:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size = Pt(2)
        pf = style.paragraph_format
        pf.alignment = CENTER
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(3)
        pf.keep_with_next = True
        ooxml.paragraph_border(style)
    ooxml.paragraph_border(doc.styles[layout.CONTACT], ("top",))    # the text width's rule
    ooxml.paragraph_border(doc.styles[layout.STAMP], ("top", "left", "bottom", "right"))
    ooxml.paragraph_border(doc.styles[layout.CIRCULATION], ("top", "left", "bottom", "right"))
    doc.styles[layout.CIRCULATION].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def page_setup(doc) -> None:
    """A4, margins T20 B20 L30 R15 mm, numbers from page 2 (nd30-spec §1, §9)."""
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.style = doc.styles[layout.PAGE_NUMBER]
    ooxml.page_number_field(number)
    section.first_page_header.paragraphs[0].style = doc.styles[layout.PAGE_NUMBER]
    # Ô 13 at the foot of page 1 only (nd30-spec §4), when the payload has it.
    footer = section.first_page_footer
    footer.paragraphs[0].text = "{%p if contact %}"
    para(footer, "{{ contact }}", layout.CONTACT)
    para(footer, "{%p endif %}", layout.BODY)
    para(footer, "", layout.TABLE_SLOT)     # a footer must keep one paragraph; 2 pt high


def para(container, text: str, style: str) -> None:
    container.add_paragraph(text, style=style)


def loop(container, var: str, seq: str, style: str, text: str | None = None) -> None:
    para(container, f"{{%p for {var} in {seq} %}}", layout.BODY)
    para(container, text or f"{{{{ {var} }}}}", style)
    para(container, "{%p endfor %}", layout.BODY)


def header(doc, doc_type: DocType) -> None:
    loop(doc, "stamp", "stamps_top", layout.CIRCULATION, "{{ stamp.text }}")
    table = doc.add_table(rows=2, cols=2)
    ooxml.table_layout(table, list(layout.HEADER_COLUMNS), layout.TABLE_INDENT)
    ooxml.table_borders(table)
    ooxml.table_cell_margins(table, left=layout.CELL_MARGIN, right=layout.CELL_MARGIN)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = "{%p for line in parent_lines %}"
    para(left, "{{ line }}", layout.PARENT)
    para(left, "{%p endfor %}", layout.BODY)
    loop(left, "line", "issuer_lines", layout.ISSUER)
    para(left, "", layout.RULE_ISSUER)
    right.paragraphs[0].text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.paragraphs[0].style = doc.styles[layout.NATIONAL]
    para(right, "Độc lập - Tự do - Hạnh phúc", layout.MOTTO)
    para(right, "", layout.RULE_MOTTO)
    left, right = table.rows[1].cells
    left.paragraphs[0].text = "{{ number_line }}"
    left.paragraphs[0].style = doc.styles[layout.NUMBER]
    if doc_type.name is None:
        para(left, "{{ subject }}", layout.SUBJECT_LETTER)
    right.paragraphs[0].text = "{{ date_line }}"
    right.paragraphs[0].style = doc.styles[layout.DATE]
    loop(doc, "stamp", "stamps_left", layout.STAMP, "{{ stamp.text }}")


def title(doc, doc_type: DocType) -> None:
    if doc_type.name is None:
        return
    para(doc, "{{ type_name }}", layout.TYPE_NAME)
    para(doc, "{{ subject }}", layout.SUBJECT)
    para(doc, "", layout.RULE_SUBJECT)
    if doc_type.numbering == "articles":
        para(doc, "{%p if authority %}", layout.BODY)
        para(doc, "{{ authority }}", layout.AUTHORITY)
        para(doc, "{%p endif %}", layout.BODY)
    loop(doc, "basis", "bases", layout.BASIS)
    if doc_type.numbering == "articles":
        para(doc, "{%p if enactment %}", layout.BODY)
        para(doc, "{{ enactment }}", layout.ENACTMENT)
        para(doc, "{%p endif %}", layout.BODY)


def kinh_gui(doc, doc_type: DocType) -> None:
    if not doc_type.allows_to:
        return
    para(doc, "{%p if to|length == 1 %}", layout.BODY)
    para(doc, "Kính gửi: {{ to[0] }}", layout.TO_ONE)
    para(doc, "{%p elif to %}", layout.BODY)
    para(doc, "Kính gửi:\t{{ to[0] }}", layout.TO_LIST)
    para(doc, "{%p for line in to[1:] %}", layout.BODY)
    para(doc, "{{ line }}", layout.TO_ITEM)
    para(doc, "{%p endfor %}", layout.BODY)
    para(doc, "{%p endif %}", layout.BODY)


def body(doc, blocks: str = "body") -> None:
    para(doc, f"{{%p for p in {blocks} %}}", layout.BODY)
    first = True
    for kind, style in layout.BODY_STYLES.items():
        para(doc, f"{{%p {'if' if first else 'elif'} p.kind == '{kind}' %}}", layout.BODY)
        first = False
        if kind == "table":
            para(doc, "", style)
        elif kind == "text":
            para(doc, "{{ p.text }}", style)
        elif kind == "part":
            para(doc, "{{ p.label }}", style)
            para(doc, "{{ p.text }}", layout.PART_TITLE)
        elif kind == "article":
            paragraph = doc.add_paragraph(style=style)
            paragraph.add_run("{{ p.label }}").bold = True
            paragraph.add_run(" {{ p.text }}")
        else:
            para(doc, "{{ p.label }} {{ p.text }}", style)
    para(doc, "{%p endif %}", layout.BODY)
    para(doc, "{%p endfor %}", layout.BODY)


def footer(doc) -> None:
    table = doc.add_table(rows=1, cols=2)
    ooxml.table_layout(table, list(layout.FOOTER_COLUMNS), layout.TABLE_INDENT)
    ooxml.table_borders(table)
    ooxml.table_cell_margins(table, left=layout.CELL_MARGIN, right=layout.CELL_MARGIN,
                             top=layout.FOOTER_TOP)
    ooxml.row_cant_split(table.rows[0])
    left, right = table.rows[0].cells
    left.paragraphs[0].text = "{%p if recipients %}"
    para(left, "Nơi nhận:", layout.RECIPIENTS_LABEL)
    loop(left, "line", "recipients", layout.RECIPIENT)
    para(left, "{%p endif %}", layout.BODY)
    para(left, "{{ drafter or '' }}", layout.RECIPIENT)
    right.paragraphs[0].text = "{%p for line in signer.lines %}"
    para(right, "{{ line }}", layout.SIGNER_TITLE)
    para(right, "{%p endfor %}", layout.BODY)
    para(right, "{{ signer.name }}", layout.SIGNER_NAME)


def appendices(doc) -> None:
    """Each phụ lục after the signature; the renderer starts a section (new page, numbers
    from 1) before each label."""
    para(doc, "{%p for a in appendices %}", layout.BODY)
    para(doc, "{{ a.label }}", layout.APPENDIX_LABEL)
    para(doc, "{{ a.title }}", layout.APPENDIX_TITLE)
    para(doc, "{{ a.reference }}", layout.APPENDIX_REFERENCE)
    para(doc, "", layout.RULE_APPENDIX)
    body(doc, "a.body")
    para(doc, "{%p endfor %}", layout.BODY)


def slim(doc) -> None:
    """Keep only the styles and parts the template uses: python-docx's blank document carries
    800 KB of built-in styles that every render would parse and write again."""
    names = {*STYLES, *RULES, layout.TABLE_STYLE, "Normal", "Default Paragraph Font",
             "Normal Table", "No List"}
    ooxml.prune_styles(doc.styles.element, names)
    ooxml.drop_relationships(doc.part, ("stylesWithEffects", "webSettings", "customXml"))
    ooxml.drop_relationships(doc.part.package, ("thumbnail",))


def build(doc_type: DocType) -> None:
    doc = Document()
    define_styles(doc)
    page_setup(doc)
    header(doc, doc_type)
    title(doc, doc_type)
    kinh_gui(doc, doc_type)
    body(doc)
    footer(doc)
    appendices(doc)
    slim(doc)
    ooxml.zoom(doc.settings.element)            # python-docx's default lacks the percent
    doc.core_properties.title = f"Mẫu {doc_type.mau}: {doc_type.name or 'CÔNG VĂN'}"
    doc.core_properties.author = ""
    doc.core_properties.comments = ""           # not python-docx's "generated by" note
    doc.save(OUT / doc_type.template)


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for t in TYPES.values():
        build(t)
        print("wrote", OUT / t.template)
