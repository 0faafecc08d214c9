"""Raw OOXML edits python-docx has no API for, one named function per element.

Everything else goes through python-docx's own API; no regex over XML anywhere.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date

from docx.document import Document
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.styles.style import BaseStyle
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph
from lxml import etree

# The children of each element these functions edit, in the order the schema's sequence gives
# them (ECMA-376 Part 1, wml.xsd; tests/unit/test_ooxml.py reads them back from the XSD). Word
# reads a part whose children are out of this order as "unreadable content" and offers to
# repair the file; LibreOffice does not mind, so nothing else would notice.
_PPR = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
        "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
        "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
        "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
        "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
        "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
        "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
        "w:pPrChange")
SCHEMA_ORDER: dict[str, tuple[str, ...]] = {
    "w:pPr": _PPR,
    "w:tblPr": ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual",
                "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
                "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                "w:tblPrChange"),
    "w:tblCellMar": ("w:top", "w:start", "w:left", "w:bottom", "w:end", "w:right"),
    "w:tblBorders": ("w:top", "w:start", "w:left", "w:bottom", "w:end", "w:right",
                     "w:insideH", "w:insideV"),
    "w:pBdr": ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar"),
    "w:tcPr": ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders",
               "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
               "w:hideMark", "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge",
               "w:tcPrChange"),
    "w:sectPr": ("w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr",
                 "w:type", "w:pgSz", "w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType",
                 "w:pgNumType", "w:cols", "w:formProt", "w:vAlign", "w:noEndnote",
                 "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid",
                 "w:printerSettings", "w:sectPrChange"),
}
_ORDER_BY_TAG = {qn(parent): {qn(tag): i for i, tag in enumerate(tags)}
                 for parent, tags in SCHEMA_ORDER.items()}


def insert_in_order(parent, child) -> None:
    """Put `child` among `parent`'s children where the schema's sequence wants it: before the
    first child that must follow it (at the end where the parent's children may come in any
    order, as in w:rPr, w:trPr and w:tabs)."""
    order = _ORDER_BY_TAG.get(parent.tag)
    rank = order.get(child.tag) if order else None
    if rank is not None:
        for sibling in parent.iterchildren():
            if order.get(sibling.tag, -1) > rank:
                sibling.addprevious(child)
                return
    parent.append(child)


def _child(parent, tag: str):
    """The child `tag` of `parent`, created in schema order when it is not there yet."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        insert_in_order(parent, found)
    return found


def paragraph_border(target: Paragraph | BaseStyle, sides: tuple[str, ...] = ("bottom",),
                     size_eighths: int = 6, space_pt: int = 1) -> None:
    """A solid rule or box on a paragraph or paragraph style (nd30-spec §9: ≈0.5–0.75 pt)."""
    ppr = target.element.get_or_add_pPr() if isinstance(target, BaseStyle) \
        else target._p.get_or_add_pPr()
    pbdr = _child(ppr, "w:pBdr")
    for side in sides:
        edge = _child(pbdr, f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), str(size_eighths))
        edge.set(qn("w:space"), str(space_pt))
        edge.set(qn("w:color"), "000000")


def centre_within(paragraph: Paragraph, width: int, available: int) -> None:
    """Narrow a paragraph to `width` twips, centred in `available` (rules and boxes)."""
    side = max(0, (available - width) // 2)
    paragraph.paragraph_format.left_indent = Twips(side)
    paragraph.paragraph_format.right_indent = Twips(side)
    paragraph.paragraph_format.first_line_indent = Twips(0)


def keep_with_next(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def table_layout(table: Table, widths: list[int], indent: int = 0) -> None:
    """Fixed column widths in twips and a left indent (may be negative, as in the Mẫu)."""
    tbl_pr = table._tbl.tblPr
    tbl_w = _child(tbl_pr, "w:tblW")
    tbl_w.set(qn("w:w"), str(sum(widths)))
    tbl_w.set(qn("w:type"), "dxa")
    ind = _child(tbl_pr, "w:tblInd")
    ind.set(qn("w:w"), str(indent))
    ind.set(qn("w:type"), "dxa")
    layout = _child(tbl_pr, "w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table.autofit = False
    set_column_widths(table, widths)


def column_widths(table: Table) -> list[int]:
    """The table's column widths in twips, from its grid."""
    return [grid_col.w.twips for grid_col in table._tbl.tblGrid.gridCol_lst]


def set_column_widths(table: Table, widths: list[int]) -> None:
    """Column widths in twips, on the grid and every cell; the table as wide as their sum."""
    # Straight over the grid and the cells: python-docx's column view is quadratic.
    for grid_col, w in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = Twips(w)
    for tr in table._tbl.tr_lst:
        for tc, w in zip(tr.tc_lst, widths, strict=True):
            tc.width = Twips(w)
    _child(table._tbl.tblPr, "w:tblW").set(qn("w:w"), str(sum(widths)))


def share_width(tbl) -> None:
    """Share a one-row table's width evenly among its cells (a column loop made them), its
    left indent kept."""
    table = Table(tbl, None)
    total = sum(col.w.twips for col in tbl.tblGrid.gridCol_lst)
    ind = tbl.tblPr.find(qn("w:tblInd"))
    indent = int(ind.get(qn("w:w"))) if ind is not None else 0
    count = len(tbl.tr_lst[0].tc_lst)
    table_layout(table, [total // count] * count, indent)


def table_borders(table: Table, val: str = "nil") -> None:
    """All borders of a table: "nil" for the header and signature tables, "single" for data."""
    borders = _child(table._tbl.tblPr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = _child(borders, f"w:{side}")
        edge.set(qn("w:val"), val)
        if val != "nil":
            edge.set(qn("w:sz"), "4")
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")


def table_cell_margins(table: Table, **sides: int) -> None:
    """Default cell margins in twips, e.g. left=57, right=57, top=240."""
    mar = _child(table._tbl.tblPr, "w:tblCellMar")
    for side, value in sides.items():
        edge = _child(mar, f"w:{side}")
        edge.set(qn("w:w"), str(value))
        edge.set(qn("w:type"), "dxa")


def row_cant_split(row: _Row) -> None:
    """Keep a table row on one page (the nơi nhận / signature row, nd30-spec §3.10)."""
    tr_pr = row._tr.get_or_add_trPr()
    _child(tr_pr, "w:cantSplit")


def page_number_field(paragraph: Paragraph) -> None:
    """A PAGE field (nd30-spec §1: page numbers, centred in the top margin)."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def tab_stop(style: BaseStyle, position: int) -> None:
    """A left tab stop on a paragraph style (Kính gửi: the list starts after the colon)."""
    ppr = style.element.get_or_add_pPr()
    tabs = _child(ppr, "w:tabs")
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), "left")
    tab.set(qn("w:pos"), str(position))
    tabs.append(tab)


def default_fonts(styles_element, font: str, lang: str) -> None:
    """Document defaults: one font for every script slot and the proofing language."""
    rpr_default = styles_element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = _child(rpr_default, "w:rPr")
    fonts = _child(rpr, "w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    lang_el = _child(rpr, "w:lang")
    lang_el.set(qn("w:val"), lang)
    lang_el.set(qn("w:eastAsia"), lang)


def cell_margins(table: Table) -> tuple[int, int]:
    """The table's default left and right cell margins in twips (Word's default: 108)."""
    mar = table._tbl.tblPr.find(qn("w:tblCellMar"))
    values = []
    for side in ("left", "right"):
        edge = mar.find(qn(f"w:{side}")) if mar is not None else None
        values.append(int(edge.get(qn("w:w"))) if edge is not None else 108)
    return values[0], values[1]


def prune_styles(styles_element, keep_names: set[str]) -> None:
    """Drop every style not named in `keep_names` (nor a base of one), and the latent-style
    table: a template's styles part is parsed and written on every render."""
    by_id = {s.get(qn("w:styleId")): s for s in styles_element.findall(qn("w:style"))}
    keep: set[str] = set()
    pending = [sid for sid, s in by_id.items()
               if s.find(qn("w:name")) is not None
               and s.find(qn("w:name")).get(qn("w:val")) in keep_names]
    while pending:
        sid = pending.pop()
        if sid in keep or sid not in by_id:
            continue
        keep.add(sid)
        for link in ("w:basedOn", "w:next", "w:link"):
            ref = by_id[sid].find(qn(link))
            if ref is not None:
                pending.append(ref.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in keep:
            styles_element.remove(style)
    latent = styles_element.find(qn("w:latentStyles"))
    if latent is not None:
        styles_element.remove(latent)


def drop_relationships(part, reltypes: tuple[str, ...]) -> None:
    """Unlink parts a template does not need (python-docx writes only linked parts)."""
    for rid, rel in list(part.rels.items()):
        if rel.reltype.rsplit("/", 1)[-1] in reltypes:
            part.rels.pop(rid)


def data_table(rows: list[tuple[str, ...]], widths: list[int], table_style: str,
               text_style: str):
    """A body table (w:tbl): fixed column widths, the first row bold and repeated on every
    page, each cell one paragraph in `text_style`. Built straight in lxml: python-docx's
    cell-by-cell API costs milliseconds per cell."""

    def sub(parent, tag: str, **attrs: str):
        element = etree.SubElement(parent, qn(tag))
        for name, value in attrs.items():
            element.set(qn(f"w:{name}"), value)
        return element

    tbl = OxmlElement("w:tbl")
    pr = sub(tbl, "w:tblPr")
    sub(pr, "w:tblStyle", val=table_style)
    sub(pr, "w:tblW", w=str(sum(widths)), type="dxa")
    sub(pr, "w:tblLayout", type="fixed")
    sub(pr, "w:tblLook", val="04A0", firstRow="1", lastRow="0", firstColumn="1",
        lastColumn="0", noHBand="0", noVBand="1")
    grid = sub(tbl, "w:tblGrid")
    for w in widths:
        sub(grid, "w:gridCol", w=str(w))
    for r, values in enumerate(rows):
        tr = sub(tbl, "w:tr")
        if r == 0:
            sub(sub(tr, "w:trPr"), "w:tblHeader")
        for value, w in zip(values, widths, strict=True):
            tc = sub(tr, "w:tc")
            sub(sub(tc, "w:tcPr"), "w:tcW", w=str(w), type="dxa")
            p = sub(tc, "w:p")
            sub(sub(p, "w:pPr"), "w:pStyle", val=text_style)
            if value:
                run = sub(p, "w:r")
                if r == 0:
                    sub(sub(run, "w:rPr"), "w:b")
                text = sub(run, "w:t")
                text.text = value
                text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return tbl


def section_break_before(paragraph, section, style_id: str) -> None:
    """End the section just before `paragraph` (a w:p) with a copy of `section` (a w:sectPr):
    an empty paragraph in `style_id` carries it, so what follows starts on a new page."""
    carrier = OxmlElement("w:p")
    ppr = carrier.get_or_add_pPr()
    ppr.style = style_id
    insert_in_order(ppr, copy.deepcopy(section))
    paragraph.addprevious(carrier)


def restart_page_numbers(section) -> None:
    """Number the section's pages from 1 (w:pgNumType w:start="1")."""
    _child(section, "w:pgNumType").set(qn("w:start"), "1")


def drop_first_page_footer(section) -> None:
    """The section's first page gets no footer of its own (ô 13 is for page 1 of the text)."""
    for reference in section.findall(qn("w:footerReference")):
        if reference.get(qn("w:type")) == "first":
            section.remove(reference)


def zoom(settings_element, percent: int = 100) -> None:
    """The view zoom of w:settings, with the w:percent the schema requires (python-docx's
    default settings part leaves it out). It comes third in w:settings, after
    w:writeProtection and w:view."""
    element = settings_element.find(qn("w:zoom"))
    if element is None:
        element = OxmlElement("w:zoom")
        leading = [c for c in settings_element[:2]
                   if c.tag in (qn("w:writeProtection"), qn("w:view"))]
        settings_element.insert(len(leading), element)
    element.set(qn("w:percent"), str(percent))


_CUSTOM_PROPERTIES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                      "custom-properties")
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_USER_DEFINED = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"   # the fmtid Word gives its own


def custom_properties(document: Document, items: Iterable[tuple[str, str | int | date]]) -> None:
    """Set custom document properties (docProps/custom.xml: Word's File > Properties >
    Custom): an int as vt:i4, a date as vt:filetime, the rest as vt:lpwstr. Properties of the
    same names are replaced; any others the template carries are kept."""
    items = list(items)
    package = document.part.package
    existing = next((rel for rel in package.rels.values()
                     if rel.reltype == _CUSTOM_PROPERTIES and not rel.is_external), None)
    if existing is not None:
        root = etree.fromstring(existing.target_part.blob)
        names = {name for name, _ in items}
        for prop in root.findall(f"{{{_CUSTOM_NS}}}property"):
            if prop.get("name") in names:
                root.remove(prop)
    else:
        root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS,
                                                                   "vt": _VT_NS})
    for name, value in items:
        prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property", fmtid=_USER_DEFINED,
                                name=name)
        if isinstance(value, bool | int):
            kind, text = "i4", str(int(value))
        elif isinstance(value, date):
            kind, text = "filetime", f"{value.isoformat()}T00:00:00Z"
        else:
            kind, text = "lpwstr", str(value)
        etree.SubElement(prop, f"{{{_VT_NS}}}{kind}").text = text
    for pid, prop in enumerate(root, start=2):         # pids start at 2 (ECMA-376 Part 1, 22.3)
        prop.set("pid", str(pid))
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if existing is not None:
        existing.target_part._blob = blob
    else:
        package.relate_to(Part(PackURI("/docProps/custom.xml"), _CUSTOM_TYPE, blob, package),
                          _CUSTOM_PROPERTIES)
