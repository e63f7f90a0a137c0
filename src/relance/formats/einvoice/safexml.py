"""Read untrusted XML safely, and pick typed values out of it.

E-invoices arrive from outside, so the parser follows the OWASP XML External
Entity prevention advice: no DTD loading, no entity expansion, no network, and
any DOCTYPE is refused outright (a Factur-X, ZUGFeRD or UBL invoice never
needs one; the "billion laughs" bomb needs it). Files above
:data:`MAX_BYTES` are refused before parsing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from lxml import etree

from relance.core.money import MoneyError, to_decimal
from relance.formats import RowError
from relance.formats.problems import row_error, unreadable

MAX_BYTES = 20 * 1024 * 1024

Element = etree._Element


def qualified(namespace: str, name: str) -> str:
    """An element name as lxml reports it: ``{namespace}name`` (Clark notation)."""
    return f"{{{namespace}}}{name}"


def check_size(data: bytes) -> None:
    """Refuse an empty file or one larger than any real invoice."""
    if not data:
        raise unreadable("empty_file")
    if len(data) > MAX_BYTES:
        raise unreadable("too_large", megabytes=MAX_BYTES // 2**20)


def parse_xml(data: bytes) -> Element:
    """The root element of ``data``; FormatError if not well-formed or carrying a DTD."""
    check_size(data)
    if b"<!DOCTYPE" in data[:4096]:
        raise unreadable("doctype_refused")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise unreadable("not_well_formed", detail=error) from None
    # The byte check above misses a DOCTYPE in UTF-16 or after a long prolog.
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise unreadable("doctype_refused")
    return root


class FieldReader:
    """Typed values from one document, a :class:`RowError` collected per bad field.

    Paths are XPath expressions relative to a node, using ``namespaces``. A
    ``None`` node (a missing container) reads as a missing value. ``terms`` gives
    each field's EN 16931 business term (``BT-112``), which its errors name
    (``relance.formats.problems``: code, text found, term, date format).
    """

    def __init__(self, namespaces: dict[str, str], terms: dict[str, str]) -> None:
        self.namespaces = namespaces
        self.terms = terms
        self.errors: list[RowError] = []

    def nodes(self, node: Element | None, path: str) -> list[Element]:
        if node is None:
            return []
        return [n for n in node.xpath(path, namespaces=self.namespaces)
                if isinstance(n, etree._Element)]

    def node(self, node: Element | None, path: str) -> Element | None:
        found = self.nodes(node, path)
        return found[0] if found else None

    def text(self, node: Element | None, path: str) -> str | None:
        """The first non-blank text at ``path``, stripped, or ``None``."""
        for found in self.nodes(node, path):
            if found.text and found.text.strip():
                return found.text.strip()
        return None

    def attribute(self, node: Element | None, path: str, name: str) -> str | None:
        """Attribute ``name`` of the first element at ``path``, stripped, or ``None``."""
        found = self.node(node, path)
        value = found.get(name) if found is not None else None
        return value.strip() if value and value.strip() else None

    def amount(self, node: Element | None, path: str, field: str) -> Decimal | None:
        """The amount at ``path``; ``None`` if absent, a RowError if not a number."""
        found = self.node(node, path)
        if found is None or not (found.text or "").strip():
            return None
        try:
            return to_decimal(found.text or "")
        except MoneyError:
            self.fail(field, "term_not_an_amount", found, text=(found.text or "").strip())
            return None

    def date_value(
        self,
        node: Element | None,
        path: str,
        field: str,
        convert: Callable[[Element], date],
        date_format: str,
    ) -> date | None:
        """The date at ``path`` read by ``convert``; a RowError if it is not one, saying
        the format (a ``strftime`` pattern) the syntax writes dates in."""
        found = self.dates(node, path, field, convert, date_format)
        return found[0] if found else None

    def dates(
        self,
        node: Element | None,
        path: str,
        field: str,
        convert: Callable[[Element], date],
        date_format: str,
    ) -> list[date]:
        """Every date at ``path``, in document order; a RowError per malformed one."""
        result: list[date] = []
        for found in self.nodes(node, path):
            if not (found.text or "").strip():
                continue
            try:
                result.append(convert(found))
            except ValueError:
                self.fail(field, "term_not_a_date", found, text=(found.text or "").strip(),
                          format=date_format)
        return result

    def fail(self, field: str, code: str, node: Element | None = None,
             **params: object) -> None:
        """Problem ``code`` of ``field``, at the line of ``node`` when there is one."""
        line = node.sourceline if node is not None else None
        self.errors.append(row_error(line, code, field, term=self.terms.get(field, field),
                                     **params))
