"""Structured e-invoices: Factur-X / ZUGFeRD (CII), ZUGFeRD 1.0 and UBL 2.1.

``parse(data)`` takes the bytes of an XML file or of a Factur-X/ZUGFeRD PDF and
returns ``([EInvoice], [])``, or ``([], errors)`` naming each missing or
malformed mandatory field. A file that is not an e-invoice at all (empty,
random bytes, a PDF without invoice XML, XML with a DOCTYPE, over 20 MB)
raises :class:`relance.errors.FormatError`.

The syntax is recognised from the content, never from a file name: a PDF by
its header, an XML file by its root element (EN 16931-3-2 UBL, EN 16931-3-3
CII, ZUGFeRD 1.0). From a PDF the record keeps the PDF itself in ``pdf``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from relance.errors import FormatError
from relance.formats import RowError
from relance.formats.einvoice import cii, ubl, zugferd1
from relance.formats.einvoice.pdf import is_pdf, xml_attachments
from relance.formats.einvoice.records import CREDIT_NOTE_TYPES, EInvoice, Kind
from relance.formats.einvoice.safexml import MAX_BYTES, Element, check_size, parse_xml
from relance.formats.problems import unreadable

__all__ = ["CREDIT_NOTE_TYPES", "MAX_BYTES", "EInvoice", "Kind", "parse"]

Reader = Callable[[Element], tuple[list[EInvoice], list[RowError]]]

READERS: dict[str, Reader] = {
    cii.ROOT: cii.read,
    zugferd1.ROOT: zugferd1.read,
    ubl.INVOICE_ROOT: ubl.read,
    ubl.CREDIT_NOTE_ROOT: ubl.read,
}


def parse(data: bytes) -> tuple[list[EInvoice], list[RowError]]:
    """The invoice or credit note in ``data`` (XML or PDF), or the reasons it is unusable."""
    check_size(data)
    if is_pdf(data):
        return _parse_pdf(data)
    root = parse_xml(data)
    return _reader(root)(root)


def _reader(root: Element) -> Reader:
    reader = READERS.get(root.tag)
    if reader is None:
        raise unreadable("not_an_einvoice", root=root.tag)
    return reader


def _parse_pdf(data: bytes) -> tuple[list[EInvoice], list[RowError]]:
    problems = []
    for name, attachment in xml_attachments(data):
        try:
            root = parse_xml(attachment)
            reader = _reader(root)
        except FormatError as error:
            problems.append(f"{name}: {error}")
            continue  # perhaps another XML attachment, not the invoice
        records, errors = reader(root)
        return [replace(record, pdf=data) for record in records], errors
    raise unreadable("no_readable_invoice_in_pdf", detail="; ".join(problems))
