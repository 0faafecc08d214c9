"""Every part of a DOCX checked against the ECMA-376 schemas (../shared/ooxml-xsd).

Word reads a part that breaks its schema as "unreadable content" and offers to repair the file;
LibreOffice is lenient, so only a validator catches it. What a part marks `mc:Ignorable` is
dropped first, as Markup Compatibility tells a consumer to do.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

XSD = Path(__file__).resolve().parents[1].parent / "shared" / "ooxml-xsd"
LOCAL = Path(__file__).resolve().parent / "ooxml_dc"   # Dublin Core, which the XSDs only link to
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"

# Part name → schema file. Core properties import Dublin Core from the web; the two small
# schemas beside this file stand in for them (the elements core.xml may use, typed as DC does).
_BY_SUFFIX = (
    ("[Content_Types].xml", "opc-xsd/opc-contentTypes.xsd"),
    (".rels", "opc-xsd/opc-relationships.xsd"),
    ("docProps/core.xml", "opc-xsd/opc-coreProperties.xsd"),
    ("docProps/app.xml", "shared-documentPropertiesExtended.xsd"),
    ("docProps/custom.xml", "shared-documentPropertiesCustom.xsd"),
)


def require_schemas() -> None:
    """Skip, saying why, where the schemas are not beside the project."""
    if not (XSD / "wml.xsd").is_file():
        pytest.skip(f"the ECMA-376 schemas are not at {XSD}")


class _DublinCore(etree.Resolver):
    def resolve(self, url: str, pubid: str, context: object) -> object:
        if url.startswith("http://dublincore.org/"):
            return self.resolve_filename(str(LOCAL / url.rsplit("/", 1)[-1]), context)
        return None


@cache
def _schema(name: str) -> etree.XMLSchema:
    parser = etree.XMLParser()
    parser.resolvers.add(_DublinCore())
    return etree.XMLSchema(etree.parse(str(XSD / name), parser))


def schema_for(part: str) -> str | None:
    """The schema a part of a WordprocessingML package answers to (None: not XML we check)."""
    for suffix, schema in _BY_SUFFIX:
        if part.endswith(suffix):
            return schema
    if part.startswith("word/theme/"):
        return "dml-main.xsd"
    if part.startswith("word/") and part.endswith(".xml"):
        return "wml.xsd"
    return None


def _without_ignorable(root: etree._Element) -> etree._Element:
    ignorable = {root.nsmap.get(prefix)
                 for prefix in (root.get(f"{{{MC}}}Ignorable") or "").split()} - {None}
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if etree.QName(element).namespace in ignorable:
            element.getparent().remove(element)
            continue
        for name in list(element.attrib):
            if etree.QName(name).namespace in ignorable | {MC}:
                del element.attrib[name]
    return root


def schema_errors(docx: bytes) -> list[str]:
    """`part:line: message` for every schema error in the package; empty when it is clean."""
    require_schemas()
    errors: list[str] = []
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        for part in package.namelist():
            name = schema_for(part)
            if name is None:
                continue
            root = _without_ignorable(etree.fromstring(package.read(part)))
            # Re-parse so line numbers are the part's own, as a reader of the XML finds them.
            tree = etree.parse(io.BytesIO(etree.tostring(root, pretty_print=True)))
            schema = _schema(name)
            if not schema.validate(tree):
                errors.extend(f"{part}:{e.line}: {e.message}" for e in schema.error_log)
    return errors


def assert_valid(docx: bytes, what: str = "DOCX") -> None:
    errors = schema_errors(docx)
    assert not errors, f"{what} breaks the OOXML schema:\n" + "\n".join(errors[:20])
