"""service.render.ooxml inserts what it adds where the schema wants it (ECMA-376, wml.xsd)."""

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from service.render import ooxml
from tests.ooxml import XSD, require_schemas

XS = "{http://www.w3.org/2001/XMLSchema}"
# The complex type of each element whose children ooxml orders.
TYPES = {"w:pPr": "CT_PPr", "w:tblPr": "CT_TblPr", "w:tblCellMar": "CT_TblCellMar",
         "w:tblBorders": "CT_TblBorders", "w:pBdr": "CT_PBdr", "w:tcPr": "CT_TcPr",
         "w:sectPr": "CT_SectPr"}


def sequence(schema: etree._Element, name: str) -> list[str]:
    """The element names a complex type (or group) allows, in order, bases and groups
    included."""
    node = schema.find(f"{XS}complexType[@name='{name}']")
    if node is None:
        node = schema.find(f"{XS}group[@name='{name}']")
    names: list[str] = []

    def walk(element: etree._Element) -> None:
        for child in element:
            if child.tag == f"{XS}element":
                names.append(f"w:{child.get('name')}")
            elif child.tag == f"{XS}group":
                names.extend(sequence(schema, child.get("ref").split(":")[-1]))
            elif child.tag == f"{XS}extension":
                names.extend(sequence(schema, child.get("base").split(":")[-1]))
                walk(child)
            elif child.tag in (f"{XS}sequence", f"{XS}choice", f"{XS}complexContent"):
                walk(child)

    walk(node)
    return names


@pytest.mark.parametrize("element", list(TYPES))
def test_the_order_is_the_schema_s(element):
    require_schemas()
    schema = etree.parse(str(XSD / "wml.xsd")).getroot()
    assert ooxml.SCHEMA_ORDER[element] == tuple(sequence(schema, TYPES[element]))


def test_a_table_property_added_late_goes_before_those_that_follow_it():
    table = Document().add_table(rows=1, cols=2)        # python-docx: tblW, tblLook
    ooxml.table_layout(table, [3000, 6000], -426)
    ooxml.table_borders(table)
    ooxml.table_cell_margins(table, right=57, top=240, left=57)
    tags = [etree.QName(c).localname for c in table._tbl.tblPr]
    assert tags == ["tblW", "tblInd", "tblBorders", "tblLayout", "tblCellMar", "tblLook"]
    sides = [etree.QName(c).localname for c in table._tbl.tblPr.find(qn("w:tblCellMar"))]
    assert sides == ["top", "left", "right"]


def test_an_element_whose_children_may_come_in_any_order_takes_it_at_the_end():
    run = Document().add_paragraph().add_run("x")._r
    rpr = run.get_or_add_rPr()
    ooxml.insert_in_order(rpr, etree.Element(qn("w:sz")))
    ooxml.insert_in_order(rpr, etree.Element(qn("w:b")))
    assert [etree.QName(c).localname for c in rpr] == ["sz", "b"]


def test_zoom_gets_its_percent_in_place():
    settings = Document().settings.element
    ooxml.zoom(settings)
    assert settings[0].tag == qn("w:zoom")
    assert settings[0].get(qn("w:percent")) == "100"
