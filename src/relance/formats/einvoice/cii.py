"""Factur-X / ZUGFeRD 2.x: the UN/CEFACT Cross Industry Invoice (CII D16B).

One reader serves every profile (MINIMUM, BASIC WL, BASIC, EN 16931, EXTENDED,
XRechnung CII): the profiles only add elements, the paths below are common to
all. Paths follow the Factur-X 1.0 / ZUGFeRD 2.x specification (FNFE-MPE,
FeRD), which maps each EN 16931 business term to an XPath. The ZUGFeRD 1.0
reader reuses this one with its own :class:`Layout`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from relance.formats import RowError
from relance.formats.einvoice.assemble import TERMS, Draft, finish
from relance.formats.einvoice.parties import Party, company_ids, vat_number
from relance.formats.einvoice.records import EInvoice
from relance.formats.einvoice.safexml import Element, FieldReader, qualified

_UNCEFACT = "urn:un:unece:uncefact:data:standard:"
NAMESPACES = {
    "rsm": _UNCEFACT + "CrossIndustryInvoice:100",
    "ram": _UNCEFACT + "ReusableAggregateBusinessInformationEntity:100",
    "udt": _UNCEFACT + "UnqualifiedDataType:100",
}
ROOT = qualified(NAMESPACES["rsm"], "CrossIndustryInvoice")


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the header blocks sit; ZUGFeRD 1.0 names them differently."""

    namespaces: dict[str, str]
    context: str
    document: str
    agreement: str
    settlement: str
    summation: str  # relative to the settlement block
    source_format: str


LAYOUT = Layout(
    namespaces=NAMESPACES,
    context="rsm:ExchangedDocumentContext",
    document="rsm:ExchangedDocument",
    agreement="rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement",
    settlement="rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement",
    summation="ram:SpecifiedTradeSettlementHeaderMonetarySummation",
    source_format="cii",
)

_DATE_102 = re.compile(r"\d{8}")
FORMAT_102 = "%Y%m%d"  # UNTDID 2379 code 102, CCYYMMDD
# BT-49 (electronic address, scheme EM = e-mail), else BT-58 (contact e-mail).
_ELECTRONIC_ADDRESS = "ram:URIUniversalCommunication/ram:URIID[@schemeID='EM']"
_CONTACT_EMAIL = "ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID"


def read(root: Element) -> tuple[list[EInvoice], list[RowError]]:
    """The invoice of a parsed ``rsm:CrossIndustryInvoice`` document."""
    return read_layout(root, LAYOUT)


def read_layout(root: Element, layout: Layout) -> tuple[list[EInvoice], list[RowError]]:
    """The invoice of a CII-family document whose header blocks sit as ``layout`` says."""
    fields = FieldReader(layout.namespaces, TERMS)
    document = fields.node(root, layout.document)
    agreement = fields.node(root, layout.agreement)
    settlement = fields.node(root, layout.settlement)
    summation = fields.node(settlement, layout.summation)
    draft = Draft(
        type_code=fields.text(document, "ram:TypeCode"),
        number=fields.text(document, "ram:ID"),
        issue_date=fields.date_value(
            document, "ram:IssueDateTime/udt:DateTimeString", "issue_date", date_102, FORMAT_102
        ),
        due_date=_due_date(fields, settlement),
        currency=fields.text(settlement, "ram:InvoiceCurrencyCode")
        or fields.attribute(summation, "ram:GrandTotalAmount", "currencyID"),
        total_incl_vat=fields.amount(summation, "ram:GrandTotalAmount", "total_incl_vat"),
        prepaid=fields.amount(summation, "ram:TotalPrepaidAmount", "prepaid"),
        amount_due=fields.amount(summation, "ram:DuePayableAmount", "amount_due"),
        seller=party(fields, fields.node(agreement, "ram:SellerTradeParty"), "seller"),
        buyer=party(fields, fields.node(agreement, "ram:BuyerTradeParty"), "buyer"),
        buyer_reference=fields.text(agreement, "ram:BuyerReference"),
        payment_reference=fields.text(settlement, "ram:PaymentReference"),
        profile=fields.text(
            root, f"{layout.context}/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
        ),
        source_format=layout.source_format,
    )
    return finish(draft, fields)


def date_102(element: Element) -> date:
    """A ``udt:DateTimeString`` in format 102 (UNTDID 2379: CCYYMMDD)."""
    text = (element.text or "").strip()
    if element.get("format", "102") != "102" or not _DATE_102.fullmatch(text):
        raise ValueError(text)
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def _due_date(fields: FieldReader, settlement: Element | None) -> date | None:
    """BT-9, the latest of the payment terms' due dates.

    EXTENDED allows several payment terms (an early-payment discount date
    before the net date); the debt is only late after the last one.
    """
    path = "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"
    found = fields.dates(settlement, path, "due_date", date_102, FORMAT_102)
    return max(found) if found else None


def party(fields: FieldReader, node: Element | None, role: str) -> Party:
    """A ``ram:*TradeParty``: name, legal ids (BT-30/47, BT-29/46), VAT id, e-mail."""
    legal = fields.nodes(node, "ram:SpecifiedLegalOrganization/ram:ID")
    global_ids = fields.nodes(node, "ram:GlobalID")
    ids = company_ids(role, [(n.get("schemeID"), n.text or "") for n in legal + global_ids])
    return Party(
        name=fields.text(node, "ram:Name"),
        siren=ids.siren,
        siret=ids.siret,
        vat=vat_number(fields.text(node, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']")),
        email=fields.text(node, _ELECTRONIC_ADDRESS) or fields.text(node, _CONTACT_EMAIL),
        notes=ids.notes,
    )
