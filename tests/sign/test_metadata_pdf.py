"""Phụ lục VI metadata in the PDF: PageAmount from the real PDF, every field in the XMP."""

from __future__ import annotations

import pymupdf
import pytest
from flask import Flask

from service.model import metadata
from tests.conftest import example

pytestmark = pytest.mark.soffice


@pytest.mark.parametrize("pdfa", ["0", "1"], ids=["pdf", "pdfa"])
def test_the_xmp_carries_the_record(sign_app: Flask, pdfa: str) -> None:
    client = sign_app.test_client()
    pdf = client.post(f"/v1/documents?format=pdf&pdfa={pdfa}", json=example("ke_hoach")).data
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        pages = doc.page_count
        xmp = doc.get_xml_metadata()
    assert pages >= 2
    prefix = metadata.PREFIX
    assert f'{prefix}:PageAmount="{pages}"' in xmp
    assert f'{prefix}:CodeNotation="KH-UBND"' in xmp
    assert f'{prefix}:FullName="Lê Thị Thu Hà"' in xmp
    assert xmp.count("<rdf:Description") >= 1 and "dc:title" in xmp
    if pdfa == "1":                     # PDF/A: the schema of the extra properties is declared
        assert 'pdfaid:part="2"' in xmp
        assert f'pdfaSchema:namespaceURI="{metadata.NAMESPACE}"' in xmp
        assert 'pdfaProperty:name="SignerInfo"' in xmp


def test_format_metadata_counts_the_pages_of_the_pdf(sign_app: Flask) -> None:
    client = sign_app.test_client()
    pdf = client.post("/v1/documents?format=pdf", json=example("ke_hoach")).data
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        pages = doc.page_count
    record = client.post("/v1/documents?format=metadata", json=example("ke_hoach")).json
    assert record["PageAmount"] == pages


def test_signing_keeps_the_xmp(signed: bytes) -> None:
    with pymupdf.open(stream=signed, filetype="pdf") as doc:
        assert f'{metadata.PREFIX}:CodeNumber="15"' in doc.get_xml_metadata()
