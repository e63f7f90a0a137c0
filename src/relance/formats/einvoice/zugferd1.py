"""ZUGFeRD 1.0: the ``rsm:CrossIndustryDocument`` that predates Factur-X.

ZUGFeRD 1.0 (FeRD, 2014) uses the older UN/CEFACT CII D13B schemas: the same
trade parties and amounts as CII D16B, but the header blocks are named
``HeaderExchangedDocument``, ``ApplicableSupplyChainTradeAgreement``,
``ApplicableSupplyChainTradeSettlement`` and
``SpecifiedTradeSettlementMonetarySummation``, in other namespaces. Its PDF
attachment is called ``ZUGFeRD-invoice.xml``.
"""

from __future__ import annotations

from relance.formats import RowError
from relance.formats.einvoice.cii import Layout, read_layout
from relance.formats.einvoice.records import EInvoice
from relance.formats.einvoice.safexml import Element, qualified

_UNCEFACT = "urn:un:unece:uncefact:data:standard:"
NAMESPACES = {
    "rsm": "urn:ferd:CrossIndustryDocument:invoice:1p0",
    "ram": _UNCEFACT + "ReusableAggregateBusinessInformationEntity:12",
    "udt": _UNCEFACT + "UnqualifiedDataType:15",
}
ROOT = qualified(NAMESPACES["rsm"], "CrossIndustryDocument")

_TRANSACTION = "rsm:SpecifiedSupplyChainTradeTransaction"
LAYOUT = Layout(
    namespaces=NAMESPACES,
    context="rsm:SpecifiedExchangedDocumentContext",
    document="rsm:HeaderExchangedDocument",
    agreement=f"{_TRANSACTION}/ram:ApplicableSupplyChainTradeAgreement",
    settlement=f"{_TRANSACTION}/ram:ApplicableSupplyChainTradeSettlement",
    summation="ram:SpecifiedTradeSettlementMonetarySummation",
    source_format="zugferd1",
)


def read(root: Element) -> tuple[list[EInvoice], list[RowError]]:
    """The invoice of a parsed ZUGFeRD 1.0 ``rsm:CrossIndustryDocument``."""
    return read_layout(root, LAYOUT)
