"""The invoice XML embedded in a Factur-X / ZUGFeRD PDF/A-3 (or PDF/A-4).

Factur-X 1.0 and ZUGFeRD 2.x attach the CII file as ``factur-x.xml``
(``zugferd-invoice.xml`` in ZUGFeRD 2.0, ``xrechnung.xml`` for XRechnung);
ZUGFeRD 1.0 attaches ``ZUGFeRD-invoice.xml``. The PDF may carry other
attachments too (a delivery note, say), so the known names are tried first,
then any other ``.xml`` attachment.
"""

from __future__ import annotations

import io

from pypdf import PdfReader

from relance.formats.einvoice.safexml import MAX_BYTES
from relance.formats.problems import unreadable

INVOICE_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")


def is_pdf(data: bytes) -> bool:
    """True for a PDF: ISO 32000 lets the ``%PDF-`` header start within 1024 bytes.

    An XML file (first character ``<``) is never one, even if it quotes the header.
    """
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return False
    return b"%PDF-" in data[:1024]


def xml_attachments(data: bytes) -> list[tuple[str, bytes]]:
    """The PDF's XML attachments by name, the likeliest invoice first; FormatError if none."""
    attachments = _attachments(data)
    names = sorted(
        (name for name in attachments if name.lower().endswith(".xml")), key=_rank
    )
    found = [(name, content) for name in names for content in attachments[name]]
    if not found:
        raise unreadable("no_invoice_in_pdf")
    return found


def _rank(name: str) -> tuple[int, str]:
    lower = name.lower()
    return (INVOICE_NAMES.index(lower) if lower in INVOICE_NAMES else len(INVOICE_NAMES), lower)


def _attachments(data: bytes) -> dict[str, list[bytes]]:
    try:
        reader = PdfReader(io.BytesIO(data))
        attachments = {name: list(contents) for name, contents in reader.attachments.items()}
    # pypdf raises many exception types on a damaged file; all mean "unreadable".
    except Exception as error:
        raise unreadable("not_a_pdf", detail=error) from None
    for contents in attachments.values():
        if any(len(content) > MAX_BYTES for content in contents):
            raise unreadable("attachment_too_large", megabytes=MAX_BYTES // 2**20)
    return attachments
