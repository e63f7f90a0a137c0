"""What is not an e-invoice is refused as a whole, with a FormatError.

Covers the XML attacks the reader must resist (entity expansion, external
entities, oversized input) and the PDFs that carry no invoice.
"""

from __future__ import annotations

import io
import random

import pytest
from pypdf import PdfWriter

from relance.errors import FormatError
from relance.formats.einvoice import MAX_BYTES, parse

ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">
&lol4;</rsm:CrossIndustryInvoice>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&secret;</Invoice>"""

# The same DOCTYPE in UTF-16: invisible to a byte search, caught after parsing.
UTF16_DOCTYPE = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r><r/>'.encode("utf-16")


def pdf(attachments: dict[str, bytes]) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    for name, content in attachments.items():
        writer.add_attachment(name, content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


JUNK = {
    "empty": b"",
    "random bytes": random.Random(6).randbytes(4096),
    "text": b"Facture F-12, 120,00 EUR, due 2026-03-01\n",
    "entity bomb": ENTITY_BOMB,
    "external entity": EXTERNAL_ENTITY,
    "doctype in utf-16": UTF16_DOCTYPE,
    "other xml": b"<?xml version='1.0'?><Order><ID>1</ID></Order>",
    "unclosed xml": b"<rsm:CrossIndustryInvoice xmlns:rsm='x'>",
    "truncated pdf": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog",
    "pdf without attachment": pdf({}),
    "pdf with only a delivery note": pdf({"Bon_de_livraison.pdf": b"%PDF-1.4 ..."}),
    "pdf with unrelated xml": pdf({"metadata.xml": b"<meta><a>1</a></meta>"}),
    "pdf with a bomb": pdf({"factur-x.xml": ENTITY_BOMB}),
}


@pytest.mark.parametrize("name", sorted(JUNK))
def test_junk_is_refused_as_a_whole(name):
    with pytest.raises(FormatError):
        parse(JUNK[name])


def test_entity_bomb_is_refused_for_its_doctype():
    with pytest.raises(FormatError, match="DOCTYPE"):
        parse(ENTITY_BOMB)


def test_pdf_without_invoice_says_so():
    with pytest.raises(FormatError, match="no Factur-X/ZUGFeRD XML in this PDF"):
        parse(pdf({}))


def test_file_over_the_size_limit_is_refused_before_reading():
    with pytest.raises(FormatError, match="limit"):
        parse(b"<" + b" " * MAX_BYTES + b"/>")
