"""Document model → DOCX bytes: the type's template rendered by docxtpl in a sandbox.

After rendering, the few things a template cannot express are finished here: rules measured
from the real text, stamp boxes, body tables, keep-together of the signature, core properties.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import jinja2
from docx import Document as docx_open
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Length, Pt, Twips
from docx.styles.style import ParagraphStyle
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from service.errors import RenderError
from service.model import metadata
from service.model.document import Document, Table
from service.render import layout, ooxml
from service.render.breaks import balanced_lines
from service.render.context import template_context
from service.render.metrics import Metrics

_MM = 56.7  # twips per millimetre
_STAMP_PADDING = 227  # 4 mm of air around a boxed stamp text
_BOX_OUTSET = 35  # a box border is drawn 1 pt + its 0.75 pt width outside the text (ooxml)
_FIT_SLACK = 57   # 1 mm kept free when a line must not wrap: a reader's layout may differ a hair


class CompiledSandbox(SandboxedEnvironment):
    """A sandbox that compiles each template part once.

    docxtpl hands the same part XML to `from_string` on every render; compiling it again is
    most of a render's time, so compiled templates are kept (a few per template file).
    """

    _LIMIT = 256

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source: Any, globals: Any = None,
                    template_class: Any = None) -> jinja2.Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) >= self._LIMIT:
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled


class _Template(DocxTemplate):
    """docxtpl's template, with its tag clean-up done once per template part.

    `patch_xml` rewrites the part's XML with regexes on every render, and always to the same
    result for the same part; the results are kept, keyed by the part's XML.
    """

    _patched: ClassVar[dict[str, str]] = {}

    def patch_xml(self, src_xml: str) -> str:
        patched = self._patched.get(src_xml)
        if patched is None:
            if len(self._patched) >= CompiledSandbox._LIMIT:
                self._patched.clear()
            patched = self._patched[src_xml] = super().patch_xml(src_xml)
        return patched


class DocxRenderer:
    """Renders documents with the templates of one directory; safe to share between threads."""

    def __init__(self, templates_dir: Path, fonts_dir: Path) -> None:
        self.templates_dir = templates_dir
        self._sources: dict[str, bytes] = {}
        self._parsed: dict[str, DocxDocument] = {}
        self._style_cache: dict[str, _Styles] = {}
        self._metrics = Metrics(fonts_dir)
        # Payload text is data: autoescaped, and the sandbox forbids unsafe attribute access.
        self._env = CompiledSandbox(autoescape=True, undefined=jinja2.StrictUndefined)

    def template_source(self, name: str) -> bytes:
        """The template's bytes, read once (templates are edited offline, not hot-swapped)."""
        if name not in self._sources:
            self._sources[name] = (self.templates_dir / name).read_bytes()
        return self._sources[name]

    def render(self, document: Document, template: str) -> bytes:
        tpl = _Template(io.BytesIO(self.template_source(template)))
        # A copy of the template parsed once: a third of the cost of opening the package again.
        # The parsed original is only ever copied, never read, so threads can share it.
        if template not in self._parsed:
            self._parsed[template] = docx_open(io.BytesIO(self.template_source(template)))
        tpl.docx = copy.deepcopy(self._parsed[template])
        try:
            tpl.render(template_context(document), jinja_env=self._env, autoescape=True)
        except jinja2.TemplateError as exc:
            raise RenderError(detail=f"{template}: {exc}") from exc
        self._finish(tpl.docx, document, self._styles(template, tpl.docx))
        out = io.BytesIO()
        tpl.save(out)
        return out.getvalue()

    def _styles(self, template: str, docx: DocxDocument) -> _Styles:
        """Style ids and fonts of a template, read once: python-docx's by-name lookup is slow."""
        if template not in self._style_cache:
            by_name = {style.name: style for style in docx.styles
                       if isinstance(style, ParagraphStyle)}
            self._style_cache[template] = _Styles(
                ids={name: style.style_id for name, style in by_name.items()},
                fonts={style.style_id: _font_of(style) for style in by_name.values()},
                table_style=docx.styles[layout.TABLE_STYLE].style_id)
        return self._style_cache[template]

    def _finish(self, docx: DocxDocument, document: Document, styles: _Styles) -> None:
        ids = styles.ids
        rows = _signature_rows(docx, ids[layout.SIGNER_NAME])
        for row in rows:                     # first: their cells' widths are measured below
            ooxml.share_width(row)
        rules = {ids[name]: name for name in layout.RULE_SHARE}
        stamps = {ids[layout.STAMP]: False, ids[layout.CIRCULATION]: True}
        balanced = {ids[name] for name in layout.BALANCED}
        self._fit_date_line(docx, styles)     # first: it may move the header's column split
        containers: list[tuple[list[DocxParagraph], int]] = [(docx.paragraphs, _text_width(docx))]
        for tbl in docx.element.body.iter(qn("w:tbl")):     # nested ones too (copy block)
            table = DocxTable(tbl, docx._body)
            left, right = ooxml.cell_margins(table)
            containers.extend((cell.paragraphs, cell.width.twips - left - right)
                              for cell in table._cells)
        stamp_specs = iter([*document.stamps_top, *document.stamps_left])
        for paragraphs, available in containers:
            styled = [(p, _style_id(p._p)) for p in paragraphs]
            for i, (p, style_id) in enumerate(styled):
                if style_id in rules:
                    self._size_rule(p, rules[style_id], styled[:i], available, styles)
                elif style_id in balanced:
                    self._balance(p, style_id, available, styles)
                elif style_id in stamps:
                    self._size_stamp(p, style_id, next(stamp_specs).width_mm, available, styles,
                                     right=stamps[style_id])
        for row in rows:
            self._level_names(row, styles)
        attached = document.attachment.body if document.attachment else ()
        body = [*document.body, *attached, *(p for a in document.appendices for p in a.body)]
        self._place_tables(docx, [p.table for p in body if p.kind == "table"], styles)
        starts = [p for p in docx.element.body.iterchildren(qn("w:p"))
                  if _style_id(p) in {ids[layout.APPENDIX_LABEL], ids[layout.ATTACHMENT_START]}]
        self._keep_signature_with_body(docx, ids[layout.SIGNER_NAME])
        self._section_per_part(docx, starts, styles)
        props = docx.core_properties
        meta = document.metadata
        props.title = fit_property(meta.title)
        props.author = props.last_modified_by = fit_property(meta.author)
        props.subject = fit_property(meta.subject)
        props.keywords = fit_property(meta.keywords)
        props.created = props.modified = datetime.now(UTC).replace(tzinfo=None)
        props.language = "vi-VN"
        ooxml.custom_properties(docx, metadata.flat(document.record))     # Phụ lục VI

    def _text_width(self, p: DocxParagraph, style_id: str | None, styles: _Styles) -> int:
        """Width of the paragraph's longest line (line breaks split it)."""
        size, bold, italic = styles.fonts.get(style_id, (14.0, False, False))
        return max(self._metrics.width_twips(line, size, bold=bold, italic=italic)
                   for line in p.text.split("\n"))

    def _balance(self, p: DocxParagraph, style_id: str, available: int, styles: _Styles) -> None:
        """A centred line too long for its place breaks into even lines, as a văn thư breaks it
        ("VĂN PHÒNG ỦY BAN" / "NHÂN DÂN TỈNH"), not where Word runs out (service.render.breaks)."""
        if len(p.runs) != 1 or "\n" in p.text or self._text_width(p, style_id, styles) <= available:
            return
        size, bold, italic = styles.fonts.get(style_id, (14.0, False, False))
        lines = balanced_lines(p.text.split(), lambda text: self._metrics.width_twips(
            text, size, bold=bold, italic=italic), available)
        if lines:
            p.runs[0].text = "\n".join(lines)

    def _fit_date_line(self, docx: DocxDocument, styles: _Styles) -> None:
        """Ô 4 on one line (nd30-spec §3.5, §3.1: 13–14 pt): in its style's size if it fits,
        else at 13 pt, else with the header's column split moved towards it as far as the other
        column's own lines allow, and only then broken, before "ngày", never inside the date."""
        date_id = styles.ids[layout.DATE]
        header = docx.element.body.find(qn("w:tbl"))     # the first table is the header
        if header is None:
            return
        table = DocxTable(header, docx._body)
        for tr in header.tr_lst:
            for column, tc in enumerate(tr.tc_lst):
                for p in tc.iterchildren(qn("w:p")):
                    if _style_id(p) == date_id:
                        self._fit_date(table, column, DocxParagraph(p, table), styles)
                        return

    def _fit_date(self, table: DocxTable, column: int, p: DocxParagraph, styles: _Styles) -> None:
        style_id = styles.ids[layout.DATE]
        if len(p.runs) != 1 or "\n" in p.text:
            return
        size, bold, italic = styles.fonts.get(style_id, (14.0, False, False))
        smallest = min(size, layout.DATE_SMALLEST_PT)

        def width(pt: float) -> int:
            return self._metrics.width_twips(p.text, pt, bold=bold, italic=italic)

        margins = sum(ooxml.cell_margins(table))
        widths = ooxml.column_widths(table)
        available = widths[column] - margins - _FIT_SLACK
        if width(size) <= available:
            return
        p.runs[0].font.size = Pt(smallest)
        need = width(smallest) - available
        if need <= 0:
            return
        other = 1 - column
        floor = max(layout.HEADER_COLUMN_SMALLEST, self._narrowest(table, other, styles) + margins)
        if widths[other] - need >= floor:
            widths[other] -= need
            widths[column] += need
            ooxml.set_column_widths(table, widths)
            return
        p.runs[0].font.size = None          # broken anyway: the style's own size
        place, sep, when = p.text.rpartition(", ngày ")
        if sep:
            p.runs[0].text = f"{place},\nngày {when}"

    def _narrowest(self, table: DocxTable, column: int, styles: _Styles) -> int:
        """How narrow a header column may get: its số line whole, its other lines' longest
        word (they break and rebalance)."""
        number_id = styles.ids[layout.NUMBER]
        narrowest = 0
        for tr in table._tbl.tr_lst:
            for p in tr.tc_lst[column].iterchildren(qn("w:p")):
                paragraph = DocxParagraph(p, table)
                style_id = _style_id(p)
                size, bold, italic = styles.fonts.get(style_id, (14.0, False, False))
                pieces = [paragraph.text] if style_id == number_id else paragraph.text.split()
                narrowest = max([narrowest, *(self._metrics.width_twips(
                    piece, size, bold=bold, italic=italic) for piece in pieces)])
        return narrowest

    def _size_rule(self, rule: DocxParagraph, name: str,
                   above: list[tuple[DocxParagraph, str | None]], available: int,
                   styles: _Styles) -> None:
        """Rule length from the text it underlines (nd30-spec §3.2, §3.3, §3.6, §4): the
        nearest run of paragraphs above it in the measured style (the agency's lines; one
        phụ lục's title, not the next one's)."""
        measured = styles.ids[layout.RULE_MEASURES[name]]
        widths: list[int] = []
        for p, style_id in reversed(above):
            if style_id == measured:
                widths.append(self._text_width(p, measured, styles))
            elif widths:
                break
        longest = min(max(widths, default=available), available)
        ooxml.centre_within(rule, round(longest * layout.RULE_SHARE[name]), available)

    def _size_stamp(self, p: DocxParagraph, style_id: str, width_mm: float | None,
                    available: int, styles: _Styles, *, right: bool) -> None:
        """Urgency boxes have fixed sizes (§4); others fit their text. Left, or top right (ô 11)."""
        width = (round(width_mm * _MM) if width_mm
                 else self._text_width(p, style_id, styles) + _STAMP_PADDING) - 2 * _BOX_OUTSET
        # ô 11 sits at about 71 % of the text width (nd30-spec §2); stamps 10a/10b at the left.
        left = (min(available - width, max(0, round(available * 0.71 - width / 2))) if right
                else _BOX_OUTSET)
        fmt = p.paragraph_format
        fmt.first_line_indent = Twips(0)
        fmt.left_indent = Twips(left)
        fmt.right_indent = Twips(max(0, available - left - width))

    def _place_tables(self, docx: DocxDocument, tables: list[Table], styles: _Styles) -> None:
        slot_id, text_id = styles.ids[layout.TABLE_SLOT], styles.ids[layout.TABLE_TEXT]
        slots = [p for p in docx.element.body.iterchildren(qn("w:p")) if _style_id(p) == slot_id]
        text_width = _text_width(docx)
        for slot, spec in zip(slots, tables, strict=True):
            shares = spec.widths or (1.0,) * len(spec.columns)
            widths = [int(text_width * s / sum(shares)) for s in shares]
            table = ooxml.data_table([spec.columns, *spec.rows], widths, styles.table_style,
                                     text_id)
            slot.addprevious(table)
            slot.getparent().remove(slot)

    def _keep_signature_with_body(self, docx: DocxDocument, name_style: str) -> None:
        """Nơi nhận and signature never stand alone on a page (nd30-spec §3.10): the first
        table holding a signer's name (one signature, or the first row of several) keeps
        with the body's last paragraph."""
        table = next((t for t in docx.element.body.iterchildren(qn("w:tbl"))
                      if _holds(t, name_style)), None)
        previous = table.getprevious() if table is not None else None
        if previous is not None and previous.tag.endswith("}p"):
            ooxml.keep_with_next(DocxParagraph(previous, docx._body))

    def _level_names(self, row: Any, styles: _Styles) -> None:
        """Side-by-side blocks (biên bản, hợp đồng, a joint document's issuers) print their
        names level: a block with fewer title lines gets empty ones, after each title line
        too long for its narrow cell is broken evenly, so every line count is known."""
        title_id = styles.ids[layout.SIGNER_TITLE]
        left, right = ooxml.cell_margins(DocxTable(row, None))
        counts: list[tuple[list[DocxParagraph], int]] = []
        for tc in row.iter(qn("w:tc")):
            cell = _Cell(tc, None)
            available = cell.width.twips - left - right
            titles = [p for p in cell.paragraphs if _style_id(p._p) == title_id]
            lines = 0
            for p in titles:
                self._balance(p, title_id, available, styles)
                width = self._text_width(p, title_id, styles)
                lines += p.text.count("\n") + 1 if width <= available else -(-width // available)
            counts.append((titles, lines))
        most = max(lines for _, lines in counts)
        for titles, lines in counts:
            if titles:
                for _ in range(most - lines):
                    titles[-1]._p.addnext(copy.deepcopy(titles[-1]._p))
                    for run in DocxParagraph(titles[-1]._p.getnext(), None).runs:
                        run.text = ""

    def _section_per_part(self, docx: DocxDocument, starts: list[Any],
                          styles: _Styles) -> None:
        """The attached text (Mẫu 1.3) and each phụ lục start a section: a new page, numbered
        from 1 (nd30-spec §1, §4), with the page-number header of the text but not its ô 13
        footer. The attached text's start is an empty marker, dropped once it has done this."""
        if not starts:
            return
        last = docx.element.body.find(qn("w:sectPr"))       # the last section's properties
        text = copy.deepcopy(last)                          # the text keeps its own
        ooxml.restart_page_numbers(last)
        ooxml.drop_first_page_footer(last)
        slot = styles.ids[layout.TABLE_SLOT]                # a 2 pt paragraph carries a break
        marker = styles.ids[layout.ATTACHMENT_START]
        for n, start in enumerate(starts):
            ooxml.section_break_before(start, text if n == 0 else last, slot)
            if _style_id(start) == marker:
                start.getparent().remove(start)
        # A section without a first-page footer of its own would show the text's (ô 13): give
        # each one an empty one.
        for section in docx.sections[1:]:
            footer = section.first_page_footer
            footer.is_linked_to_previous = False
            footer.paragraphs[0]._p.get_or_add_pPr().style = slot


# python-docx refuses a core property longer than this (docx.oxml.coreprops), which is what
# Word and most readers keep of one; the printed text is never cut, only its metadata.
CORE_PROPERTY_CHARS = 255


def fit_property(text: str, limit: int = CORE_PROPERTY_CHARS) -> str:
    """`text` cut to `limit` characters at a word boundary, with "…" where it was cut."""
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    if not text[limit - 1].isspace() and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:-") + "…"


@dataclass(frozen=True)
class _Styles:
    ids: dict[str, str]                              # style name → style id
    fonts: dict[str, tuple[float, bool, bool]]       # style id → (size pt, bold, italic)
    table_style: str


def _font_of(style: ParagraphStyle) -> tuple[float, bool, bool]:
    """Size (pt), bold, italic of a paragraph style, following its base styles."""
    size = bold = italic = None
    while style is not None and None in (size, bold, italic):
        font = style.font
        size = size if size is not None else (font.size.pt if font.size else None)
        bold = bold if bold is not None else font.bold
        italic = italic if italic is not None else font.italic
        style = style.base_style
    return size or 14.0, bool(bold), bool(italic)


_P_STYLE = f"{qn('w:pPr')}/{qn('w:pStyle')}"
_VAL = qn("w:val")


def _holds(tbl: Any, style_id: str) -> bool:
    """Whether a w:tbl has a paragraph in the style."""
    return any(_style_id(p) == style_id for p in tbl.iter(qn("w:p")))


def _signature_rows(docx: DocxDocument, name_style: str) -> list[Any]:
    """The tables of side-by-side signature blocks (nested in the cell that keeps them
    together): every cell holds a signer's name itself."""
    def own_name(tc: Any) -> bool:
        return any(_style_id(p) == name_style for p in tc.iterchildren(qn("w:p")))

    return [tbl for tbl in docx.element.body.iter(qn("w:tbl"))
            if all(own_name(tc) for tr in tbl.iterchildren(qn("w:tr"))
                   for tc in tr.iterchildren(qn("w:tc")))]


def _style_id(p: Any) -> str | None:
    """A w:p's paragraph style id: python-docx's CT_P.style costs ~10x this lxml lookup."""
    node = p.find(_P_STYLE)
    return None if node is None else node.get(_VAL)


def _text_width(docx: DocxDocument) -> int:
    """Width between the margins of the first section, in twips."""
    section = docx.sections[0]
    return Length(section.page_width - section.left_margin - section.right_margin).twips
