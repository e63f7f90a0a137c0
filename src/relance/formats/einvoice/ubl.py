"""OASIS UBL 2.1 ``Invoice`` and ``CreditNote``, as used by EN 16931 and Peppol.

Paths follow the EN 16931-3-2 syntax binding for UBL 2.1. A ``CreditNote``
root is a credit note whatever its type code; an ``Invoice`` is one when its
``InvoiceTypeCode`` is a credit-note code or its totals are negative.
"""

from __future__ import annotations

import re
from datetime import date

from relance.formats import RowError
from relance.formats.einvoice.assemble import TERMS, Draft, finish
from relance.formats.einvoice.parties import Party, company_ids, vat_number
from relance.formats.einvoice.records import EInvoice
from relance.formats.einvoice.safexml import Element, FieldReader, qualified

_OASIS = "urn:oasis:names:specification:ubl:schema:xsd:"
INVOICE_NS = _OASIS + "Invoice-2"
CREDIT_NOTE_NS = _OASIS + "CreditNote-2"
INVOICE_ROOT = qualified(INVOICE_NS, "Invoice")
CREDIT_NOTE_ROOT = qualified(CREDIT_NOTE_NS, "CreditNote")
NAMESPACES = {
    "cac": _OASIS + "CommonAggregateComponents-2",
    "cbc": _OASIS + "CommonBasicComponents-2",
}

# xsd:date, optionally followed by a time zone ("2026-07-16", "2026-07-16+02:00").
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?")
ISO_FORMAT = "%Y-%m-%d"  # the time zone is left out of what a person is told

# BT-9: Invoice has cbc:DueDate; a UBL 2.1 CreditNote carries it in PaymentMeans.
_DUE_DATE = (
    "cbc:DueDate | cac:PaymentMeans/cbc:PaymentDueDate | cac:PaymentTerms/cbc:PaymentDueDate"
)


def read(root: Element) -> tuple[list[EInvoice], list[RowError]]:
    """The invoice or credit note of a parsed UBL 2.1 document."""
    fields = FieldReader(NAMESPACES, TERMS)
    totals = fields.node(root, "cac:LegalMonetaryTotal")
    draft = Draft(
        credit_note_root=root.tag == CREDIT_NOTE_ROOT,
        type_code=fields.text(root, "cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode"),
        number=fields.text(root, "cbc:ID"),
        issue_date=fields.date_value(root, "cbc:IssueDate", "issue_date", iso_date, ISO_FORMAT),
        due_date=fields.date_value(root, _DUE_DATE, "due_date", iso_date, ISO_FORMAT),
        currency=fields.text(root, "cbc:DocumentCurrencyCode"),
        total_incl_vat=fields.amount(totals, "cbc:TaxInclusiveAmount", "total_incl_vat"),
        prepaid=fields.amount(totals, "cbc:PrepaidAmount", "prepaid"),
        amount_due=fields.amount(totals, "cbc:PayableAmount", "amount_due"),
        seller=party(fields, fields.node(root, "cac:AccountingSupplierParty/cac:Party"), "seller"),
        buyer=party(fields, fields.node(root, "cac:AccountingCustomerParty/cac:Party"), "buyer"),
        buyer_reference=fields.text(root, "cbc:BuyerReference"),
        payment_reference=fields.text(root, "cac:PaymentMeans/cbc:PaymentID"),
        profile=fields.text(root, "cbc:CustomizationID"),
        source_format="ubl",
    )
    return finish(draft, fields)


def iso_date(element: Element) -> date:
    """A UBL ``xsd:date``; the time zone, if any, does not change the day."""
    match = _ISO_DATE.fullmatch((element.text or "").strip())
    if match is None:
        raise ValueError(element.text)
    return date(int(match[1]), int(match[2]), int(match[3]))


def party(fields: FieldReader, node: Element | None, role: str) -> Party:
    """A ``cac:Party``: legal name (BT-27/44), ids, VAT id (BT-31/48), e-mail."""
    id_nodes = fields.nodes(
        node, "cac:PartyLegalEntity/cbc:CompanyID | cac:PartyIdentification/cbc:ID | cbc:EndpointID"
    )
    ids = company_ids(role, [(n.get("schemeID"), n.text or "") for n in id_nodes])
    vat_path = "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"
    return Party(
        # The legal name is BT-44; cac:PartyName is the trading name (BT-45).
        name=fields.text(node, "cac:PartyLegalEntity/cbc:RegistrationName")
        or fields.text(node, "cac:PartyName/cbc:Name"),
        siren=ids.siren,
        siret=ids.siret,
        vat=vat_number(fields.text(node, vat_path)),
        email=fields.text(node, "cbc:EndpointID[@schemeID='EM']")
        or fields.text(node, "cac:Contact/cbc:ElectronicMail"),
        notes=ids.notes,
    )
