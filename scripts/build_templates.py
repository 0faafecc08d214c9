"""Writes the stock templates/<type>.docx: styles, page setup and docxtpl tags per nd30-spec.

The DOCX files are the source of truth once written: an agency restyles them in Word. Run this
only to regenerate the stock set (`python scripts/build_templates.py`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE
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
    # The Mẫu's own lines (nd30-spec §6): "<SENDER> điện:" centred and bold (1.6); labelled
    # lines and the "- …;" lists under them as body text (1.7–1.10); an agreement's parties.
    layout.SENDER: (14, True, False, CENTER, 0, 240, 120, True),
    layout.INFO: (14, False, False, JUSTIFY, 567, 120, 0, False),
    layout.LIST_ITEM: (14, False, False, JUSTIFY, 567, 60, 0, False),
    layout.PARTY: (14, True, False, JUSTIFY, 567, 120, 0, True),
    layout.CONFIRMATION: (13, True, False, CENTER, 0, 60, 0, False),
    layout.COPY_FORM: (14, True, False, CENTER, 0, 0, 0, False),
    layout.ATTACHMENT_START: (2, False, False, LEFT, 0, 0, 0, False),
    layout.SPACER: (2, False, False, LEFT, 0, 0, 120, False),
}
RULES = (layout.RULE_ISSUER, layout.RULE_MOTTO, layout.RULE_SUBJECT, layout.RULE_APPENDIX,
         layout.RULE_TYPE_NAME)


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
    for name in (layout.TABLE_SLOT, layout.ATTACHMENT_START, layout.SPACER):
        doc.styles[name].paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        doc.styles[name].paragraph_format.line_spacing = Pt(2)
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
    copy_rule = doc.styles.add_style(layout.RULE_COPY, WD_STYLE_TYPE.PARAGRAPH)
    copy_rule.base_style = normal                   # across the text width (§2, Mẫu 3.1)
    copy_rule.font.size = Pt(2)
    copy_rule.paragraph_format.space_before = Pt(18)
    copy_rule.paragraph_format.space_after = Pt(6)
    copy_rule.paragraph_format.keep_with_next = True
    ooxml.paragraph_border(copy_rule)
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


def when(container, condition: str, *lines: tuple[str, str]) -> None:
    """Paragraphs (text, style) printed only when `condition` holds."""
    para(container, f"{{%p if {condition} %}}", layout.BODY)
    for text, style in lines:
        para(container, text, style)
    para(container, "{%p endif %}", layout.BODY)


def borderless(doc, rows: int, widths: tuple[int, ...], **margins: int):
    table = doc.add_table(rows=rows, cols=len(widths))
    ooxml.table_layout(table, list(widths), layout.TABLE_INDENT)
    ooxml.table_borders(table)
    ooxml.table_cell_margins(table, **{"left": layout.CELL_MARGIN,
                                       "right": layout.CELL_MARGIN, **margins})
    return table


def agency(cell, owner: str = "") -> None:
    """Ô 2 in a header cell: chủ quản lines, the issuer's lines, the rule under them."""
    cell.paragraphs[0].text = f"{{%p for line in {owner}parent_lines %}}"
    para(cell, "{{ line }}", layout.PARENT)
    para(cell, "{%p endfor %}", layout.BODY)
    loop(cell, "line", f"{owner}issuer_lines", layout.ISSUER)
    para(cell, "", layout.RULE_ISSUER)


def issuers(cell) -> None:
    """Ô 2 of the document: its issuer, and a joint document's others each under its own
    rule (§3.3)."""
    agency(cell)
    para(cell, "{%p for other in co_issuers %}", layout.BODY)
    para(cell, "", layout.SPACER)
    para(cell, "{%p for line in other.parent_lines %}", layout.BODY)
    para(cell, "{{ line }}", layout.PARENT)
    para(cell, "{%p endfor %}", layout.BODY)
    loop(cell, "line", "other.issuer_lines", layout.ISSUER)
    para(cell, "", layout.RULE_ISSUER)
    para(cell, "{%p endfor %}", layout.BODY)


def national(cell) -> None:
    """Ô 1: Quốc hiệu, Tiêu ngữ and the rule the width of the Tiêu ngữ (§3.2)."""
    cell.paragraphs[0].text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    cell.paragraphs[0].style = cell.part.document.styles[layout.NATIONAL]
    para(cell, "Độc lập - Tự do - Hạnh phúc", layout.MOTTO)
    para(cell, "", layout.RULE_MOTTO)


def header(doc, doc_type: DocType) -> None:
    loop(doc, "stamp", "stamps_top", layout.CIRCULATION, "{{ stamp.text }}")
    table = borderless(doc, 2, layout.HEADER_COLUMNS)
    left, right = table.rows[0].cells
    issuers(left)
    national(right)
    left, right = table.rows[1].cells
    left.paragraphs[0].text = "{{ number_line }}"
    left.paragraphs[0].style = doc.styles[layout.NUMBER]
    if doc_type.name is None:
        para(left, "{{ subject }}", layout.SUBJECT_LETTER)
    right.paragraphs[0].text = "{{ date_line }}"       # empty where Mẫu 1.9 has none
    right.paragraphs[0].style = doc.styles[layout.DATE]
    loop(doc, "stamp", "stamps_left", layout.STAMP, "{{ stamp.text }}")


def title(doc, doc_type: DocType) -> None:
    if doc_type.name is None:
        return
    para(doc, "{{ type_name }}", layout.TYPE_NAME)
    subject = (("{{ subject }}", layout.SUBJECT), ("", layout.RULE_SUBJECT))
    if doc_type.subject == "required":
        for text, style in subject:
            para(doc, text, style)
    elif doc_type.subject == "none":          # §3.6: the line follows the tên loại itself
        para(doc, "", layout.RULE_TYPE_NAME)
    else:
        when(doc, "subject", *subject)
        when(doc, "not subject", ("", layout.RULE_TYPE_NAME))
    if doc_type.decides:
        when(doc, "authority", ("{{ authority }}", layout.AUTHORITY))
    loop(doc, "basis", "bases", layout.BASIS)
    if doc_type.decides:
        when(doc, "enactment", ("{{ enactment }}", layout.ENACTMENT))


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


def labelled_list(doc, lead: str, items: str) -> None:
    """`lead` with one item on its own line, or followed by the items as "- …;" lines."""
    para(doc, f"{lead}{{% if {items}|length == 1 %}} {{{{ {items}[0] }}}}{{% endif %}}",
         layout.INFO)
    para(doc, f"{{%p if {items}|length > 1 %}}", layout.BODY)
    loop(doc, "line", items, layout.LIST_ITEM)
    para(doc, "{%p endif %}", layout.BODY)


# The Mẫu's own lines (registry `opening`), worded as nd30-spec §6 gives them: the wording is
# the template's, editable in Word; the values are the model's.

def cong_dien(doc) -> None:
    """Mẫu 1.6: "<CƠ QUAN> điện:", then the addressees."""
    para(doc, "{{ sender }} điện:", layout.SENDER)
    loop(doc, "line", "addressees", layout.LIST_ITEM)


def giay_moi(doc) -> None:
    """Mẫu 1.7: "<cơ quan> trân trọng kính mời: …", Tới dự, Chủ trì, Thời gian, Địa điểm."""
    para(doc, "{%p if invitation.line %}", layout.BODY)
    labelled_list(doc, "{{ invitation.line }}", "invitation.invitees")
    para(doc, "{%p else %}", layout.BODY)
    labelled_list(doc, "{{ invitation.issuer }} trân trọng kính mời:", "invitation.invitees")
    para(doc, "{%p endif %}", layout.BODY)
    when(doc, "invitation.event", ("Tới dự {{ invitation.event }}", layout.INFO))
    when(doc, "invitation.chair", ("Chủ trì: {{ invitation.chair }}", layout.INFO))
    para(doc, "Thời gian: {{ invitation.time }}", layout.INFO)
    para(doc, "Địa điểm: {{ invitation.venue }}", layout.INFO)


def giay_gioi_thieu(doc) -> None:
    """Mẫu 1.8, its closing sentences included."""
    para(doc, "{{ introduction.issuer }} trân trọng giới thiệu:", layout.INFO)
    para(doc, "Ông (bà) {{ introduction.name }}", layout.INFO)
    when(doc, "introduction.title", ("Chức vụ: {{ introduction.title }}", layout.INFO))
    para(doc, "Được cử đến: {{ introduction.sent_to }}", layout.INFO)
    para(doc, "Về việc: {{ introduction.purpose }}", layout.INFO)
    para(doc, "Đề nghị Quý cơ quan tạo điều kiện để ông (bà) có tên ở trên hoàn thành "
              "nhiệm vụ.", layout.INFO)
    para(doc, "Giấy này có giá trị đến hết {{ introduction.valid_until }}./.", layout.INFO)


def giay_nghi_phep(doc) -> None:
    """Mẫu 1.10, its closing sentence included."""
    para(doc, "Xét Đơn đề nghị nghỉ phép {% if leave.request_date %}{{ leave.request_date }} "
              "{% endif %}của ông (bà) {{ leave.name }},", layout.INFO)
    para(doc, "{{ leave.issuer }} cấp cho:", layout.INFO)
    para(doc, "Ông (bà): {{ leave.name }}", layout.INFO)
    when(doc, "leave.title", ("Chức vụ: {{ leave.title }}", layout.INFO))
    para(doc, "Được nghỉ phép trong thời gian {{ leave.days }} ngày, kể từ {{ leave.start }} "
              "đến hết {{ leave.end }}{% if leave.place %} tại {{ leave.place }}{% endif %}.",
         layout.INFO)
    para(doc, "Số ngày nghỉ phép nêu trên được tính vào thời gian {{ leave.counted_as }}./.",
         layout.INFO)


def bien_ban(doc) -> None:
    """Mẫu 1.9: the meeting's facts, then "Nội dung:" and the body."""
    para(doc, "Thời gian bắt đầu: {{ meeting.started_at }}", layout.INFO)
    para(doc, "Địa điểm: {{ meeting.venue }}", layout.INFO)
    labelled_list(doc, "Thành phần tham dự:", "meeting.attendees")
    para(doc, "Chủ trì (chủ tọa): {{ meeting.chair }}", layout.INFO)
    para(doc, "Thư ký (người ghi biên bản): {{ meeting.secretary }}", layout.INFO)
    para(doc, "Nội dung:", layout.INFO)


OPENINGS = {"cong_dien": cong_dien, "giay_moi": giay_moi, "giay_gioi_thieu": giay_gioi_thieu,
            "giay_nghi_phep": giay_nghi_phep, "bien_ban": bien_ban}
# The fixed last line of a Mẫu whose body comes before it.
CLOSINGS = {"bien_ban": "Cuộc họp kết thúc vào {{ meeting.ended_at }}./."}


def parties(doc) -> None:
    """An agreement's parties: "BÊN A: <name>", its representative, title, further lines."""
    para(doc, "{%p for party in parties %}", layout.BODY)
    para(doc, "{{ party.heading }}: {{ party.name }}", layout.PARTY)
    when(doc, "party.representative", ("Đại diện: {{ party.representative }}",
                                       layout.LIST_ITEM))
    when(doc, "party.title", ("Chức vụ: {{ party.title }}", layout.LIST_ITEM))
    loop(doc, "line", "party.lines", layout.LIST_ITEM)
    para(doc, "{%p endfor %}", layout.BODY)


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


def recipients(cell, lines: str = "recipients", drafter: bool = True, first: bool = True,
               ) -> None:
    """Ô 9b (and ô 12): "Nơi nhận:" and its items, in the left cell of a footer (in its
    first paragraph, or after what the cell holds)."""
    if first:
        cell.paragraphs[0].text = f"{{%p if {lines} %}}"
    else:
        para(cell, f"{{%p if {lines} %}}", layout.BODY)
    para(cell, "Nơi nhận:", layout.RECIPIENTS_LABEL)
    loop(cell, "line", lines, layout.RECIPIENT)
    para(cell, "{%p endif %}", layout.BODY)
    if drafter:
        para(cell, "{{ drafter or '' }}", layout.RECIPIENT)


def signature(cell, signer: str) -> None:
    """Ô 7a and 7b: quyền hạn and chức vụ lines, the space to sign, the name."""
    cell.paragraphs[0].text = f"{{%p for line in {signer}.lines %}}"
    para(cell, "{{ line }}", layout.SIGNER_TITLE)
    para(cell, "{%p endfor %}", layout.BODY)
    para(cell, f"{{{{ {signer}.name }}}}", layout.SIGNER_NAME)


def footer(doc) -> None:
    """Nơi nhận beside one signature, a table row that never splits (§3.10)."""
    table = borderless(doc, 1, layout.FOOTER_COLUMNS, top=layout.FOOTER_TOP)
    ooxml.row_cant_split(table.rows[0])
    left, right = table.rows[0].cells
    recipients(left)
    signature(right, "signer")


def kept_together(doc, **margins: int):
    """The one cell of a one-row table that never splits: what it holds (tables too) stays
    on one page, in Word and LibreOffice alike."""
    outer = borderless(doc, 1, (sum(layout.FOOTER_COLUMNS),), **margins)
    ooxml.row_cant_split(outer.rows[0])
    return outer.rows[0].cells[0]


def nested(cell, widths: tuple[int, ...], **margins: int):
    """A borderless table inside `cell`; the paragraph a cell must end with follows it."""
    table = cell.add_table(1, len(widths))
    ooxml.table_layout(table, list(widths))
    ooxml.table_borders(table)
    ooxml.table_cell_margins(table, left=layout.CELL_MARGIN, right=layout.CELL_MARGIN,
                             **margins)
    return table


def side_by_side(doc) -> None:
    """Several signature blocks in rows side by side (the renderer shares each row's width
    and levels the names), the nơi nhận below them (Mẫu 1.9): kept together on one page."""
    cell = kept_together(doc)
    cell.paragraphs[0].text = "{%p for row in signer_rows %}"
    inner = sum(layout.FOOTER_COLUMNS) - 2 * layout.CELL_MARGIN
    row = nested(cell, (1, inner - 2, 1), top=layout.FOOTER_TOP).rows[0]
    start, block, end = row.cells
    start.paragraphs[0].text = "{%tc for s in row %}"
    signature(block, "s")
    end.paragraphs[0].text = "{%tc endfor %}"
    cell.paragraphs[-1].style = cell.part.document.styles[layout.SPACER]
    para(cell, "{%p endfor %}", layout.BODY)
    recipients(cell, first=False)


def signatures(doc, doc_type: DocType) -> None:
    if doc_type.signature == "several":
        side_by_side(doc)
        return
    para(doc, "{%p if signers %}", layout.BODY)       # a joint document: one per issuer
    side_by_side(doc)
    para(doc, "{%p else %}", layout.BODY)
    footer(doc)
    para(doc, "{%p endif %}", layout.BODY)


def confirmation(doc) -> None:
    """Mẫu 1.10's box for the place of leave to confirm, when asked for."""
    para(doc, "{%p if leave.confirmation %}", layout.BODY)
    para(doc, "", layout.SPACER)
    table = doc.add_table(rows=1, cols=1)
    width, height = layout.CONFIRMATION_BOX
    ooxml.table_layout(table, [width], layout.TABLE_INDENT)
    ooxml.table_borders(table, "single")
    ooxml.row_cant_split(table.rows[0])
    table.rows[0].height = Twips(height)
    table.rows[0].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    cell = table.rows[0].cells[0]
    cell.paragraphs[0].text = ("Xác nhận của cơ quan (tổ chức) hoặc chính quyền địa phương "
                               "nơi nghỉ phép")
    cell.paragraphs[0].style = doc.styles[layout.CONFIRMATION]
    para(doc, "{%p endif %}", layout.BODY)


def attachment(doc) -> None:
    """Mẫu 1.3: the attached text on pages of its own (the renderer starts its section):
    ô 1 and ô 2 only, its tên loại and trích yếu, "(Kèm theo …)" and the rule, the body in
    chương and điều, no signature."""
    para(doc, "{%p if attachment %}", layout.BODY)
    para(doc, "", layout.ATTACHMENT_START)
    left, right = borderless(doc, 1, layout.HEADER_COLUMNS).rows[0].cells
    issuers(left)
    national(right)
    para(doc, "{{ attachment.type_name }}", layout.TYPE_NAME)
    para(doc, "{{ attachment.subject }}", layout.SUBJECT)
    para(doc, "{{ attachment.reference }}", layout.APPENDIX_REFERENCE)
    para(doc, "", layout.RULE_SUBJECT)
    body(doc, "attachment.body")
    para(doc, "{%p endif %}", layout.BODY)


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


def copy_block(doc) -> None:
    """Mẫu 3.1: under a rule across the text, the copying agency and the copy's số on the
    left, SAO Y and its date on the right; then its nơi nhận and signature; kept together."""
    para(doc, "{%p if copy %}", layout.BODY)
    para(doc, "", layout.RULE_COPY)
    cell = kept_together(doc, left=0, right=0)
    left, right = nested(cell, layout.HEADER_COLUMNS).rows[0].cells
    agency(left, "copy.issuer.")
    para(left, "{{ copy.number_line }}", layout.NUMBER)
    right.paragraphs[0].text = "{{ copy.form }}"
    right.paragraphs[0].style = doc.styles[layout.COPY_FORM]
    para(right, "{{ copy.date_line }}", layout.DATE)
    cell.paragraphs[-1].style = doc.styles[layout.SPACER]
    left, right = nested(cell, layout.FOOTER_COLUMNS, top=layout.FOOTER_TOP).rows[0].cells
    recipients(left, "copy.recipients", drafter=False)
    signature(right, "copy.signer")
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)   # the cell's first, empty
    para(doc, "{%p endif %}", layout.BODY)


def slim(doc) -> None:
    """Keep only the styles and parts the template uses: python-docx's blank document carries
    800 KB of built-in styles that every render would parse and write again."""
    names = {*STYLES, *RULES, layout.RULE_COPY, layout.TABLE_STYLE, "Normal",
             "Default Paragraph Font", "Normal Table", "No List"}
    ooxml.prune_styles(doc.styles.element, names)
    ooxml.drop_relationships(doc.part, ("stylesWithEffects", "webSettings", "customXml"))
    ooxml.drop_relationships(doc.part.package, ("thumbnail",))


def build(doc_type: DocType) -> None:
    """The type's template, composed from the parts its registry entry names."""
    doc = Document()
    define_styles(doc)
    page_setup(doc)
    header(doc, doc_type)
    title(doc, doc_type)
    kinh_gui(doc, doc_type)
    if doc_type.opening:
        OPENINGS[doc_type.opening](doc)
    if "parties" in doc_type.own:
        parties(doc)
    if doc_type.body != "none":
        body(doc)
    if doc_type.opening in CLOSINGS:
        para(doc, CLOSINGS[doc_type.opening], layout.INFO)
    signatures(doc, doc_type)
    if "confirmation" in doc_type.own:
        confirmation(doc)
    if "attachment" in doc_type.own:
        attachment(doc)
    appendices(doc)
    copy_block(doc)
    slim(doc)
    ooxml.zoom(doc.settings.element)            # python-docx's default lacks the percent
    doc.core_properties.title = f"Mẫu {doc_type.mau}: {doc_type.name or 'CÔNG VĂN'}" \
        if doc_type.mau else doc_type.name
    doc.core_properties.author = ""
    doc.core_properties.comments = ""           # not python-docx's "generated by" note
    doc.save(OUT / doc_type.template)


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for t in TYPES.values():
        build(t)
        print("wrote", OUT / t.template)
