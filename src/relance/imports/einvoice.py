"""Import e-invoices (Factur-X, ZUGFeRD, UBL): customer, invoice or credit note, PDF.

The buyer is found by SIREN, then VAT number, then exact name among the
organization's customers, and created otherwise (reference: its SIREN, else a
code made from its name). An invoice's amount is its grand total (BT-112); a
prepayment (BT-113) is recorded as a payment allocated to it, so the balance is
the amount due (BT-115). Without a due date (MINIMUM profile) the customer's
payment terms apply. The original PDF is kept under the documents folder and
becomes the attachment of the reminders.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from relance.core.money import invoice_amount_problem, to_minor
from relance.errors import RowError
from relance.formats.einvoice import EInvoice, parse
from relance.formats.problems import row_error
from relance.imports.csv_files import after_import, upsert
from relance.imports.report import ImportReport
from relance.ledger.models import Contact, Credit, Customer, Invoice, Organization
from relance.ledger.services import allocate_credit, allocate_explicit


def customer_code(name: str) -> str:
    """A readable customer reference from a name: "Ma jolie boutique SARL" → "MAJOLIEBOUTI"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    return re.sub(r"[^A-Z0-9]", "", plain)[:12] or "CLIENT"


def find_customer(org: Organization, doc: EInvoice) -> tuple[Customer, str]:
    customers = org.customers
    match = ((doc.buyer_siren and customers.filter(siren=doc.buyer_siren).first())
             or customers.filter(name__iexact=doc.buyer_name.strip()).first())
    if match:
        return match, "unchanged"
    ref = doc.buyer_siren or customer_code(doc.buyer_name)
    return upsert(Customer, {"organization": org, "ref": ref},
                  {"name": doc.buyer_name.strip(), "siren": doc.buyer_siren or ""})


def keep_pdf(org: Organization, doc: EInvoice) -> str:
    """Store the original PDF; returns its path relative to the documents folder."""
    if doc.pdf is None:
        return ""
    relative = Path("invoices") / org.slug / f"{re.sub(r'[^A-Za-z0-9._-]', '_', doc.number)}.pdf"
    path = Path(settings.DOCUMENTS_DIR) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(doc.pdf)
    return str(relative)


@transaction.atomic
def import_einvoice(org: Organization, data: bytes, name: str = "e-invoice",
                    known_from: date | None = None) -> ImportReport:
    """Import one e-invoice file; raises FormatError, writing nothing, if unreadable."""
    docs, errors = parse(data)
    report = ImportReport(name, rejected=list(errors))
    touched = []
    for doc in docs:
        problem = _unstorable(doc)
        if problem is not None:
            report.rejected.append(problem)
            continue
        customer, outcome = find_customer(org, doc)
        report.add(None, "customer", customer.ref, outcome)
        if doc.buyer_email:
            _contact, outcome = upsert(Contact, {"customer": customer, "email": doc.buyer_email},
                                       {}, {"role": "accounts_payable"})
            report.add(None, "contact", doc.buyer_email, outcome)
        if doc.kind == "credit_note":
            credit, outcome = _credit_note(org, customer, doc)
            report.add(None, "credit_note", doc.number, outcome)
            if outcome == "created":
                allocate_credit(credit)
            continue
        invoice, outcome = _invoice(org, customer, doc, known_from)
        report.add(None, "invoice", doc.number, outcome)
        if outcome != "unchanged":
            touched.append(invoice)
        _prepayment(org, customer, invoice, doc)
    after_import(touched)
    return report


def _unstorable(doc: EInvoice) -> RowError | None:
    """Why the document's amounts cannot be stored, if they cannot: EN 16931 gives
    document totals two decimals at most (rules BR-DEC-12 to BR-DEC-18), and ten
    billion is a misread, not an invoice (``core.money.INVOICE_LIMIT``)."""
    for term, amount in (("BT-112", doc.total_incl_vat), ("BT-113", doc.prepaid),
                         ("BT-115", doc.amount_due)):
        problem = invoice_amount_problem(amount, doc.currency)
        if problem:
            return row_error(None, problem, term, text=amount, value=amount,
                             currency=doc.currency)
    return None


def _invoice(org, customer, doc: EInvoice, known_from):
    due = doc.due_date or doc.issue_date + timedelta(days=customer.terms)
    values = {"customer": customer, "issued": doc.issue_date, "due": due,
              "amount_minor": to_minor(doc.total_incl_vat, doc.currency),
              "currency": doc.currency, "source": doc.source_format}
    pdf = keep_pdf(org, doc)
    if pdf:
        values["pdf_path"] = pdf
    return upsert(Invoice, {"organization": org, "number": doc.number}, values,
                  {"known_from": known_from or doc.issue_date})


def _prepayment(org, customer, invoice, doc: EInvoice) -> None:
    if doc.prepaid <= 0:
        return
    credit, outcome = upsert(Credit, {"organization": org, "key": f"prepaid:{doc.number}"},
                             {"customer": customer, "kind": "payment", "number": doc.number,
                              "reference": f"acompte {doc.number}", "date": doc.issue_date,
                              "amount_minor": to_minor(doc.prepaid, doc.currency),
                              "currency": doc.currency, "source": doc.source_format})
    if outcome == "created":
        allocate_explicit(credit, invoice, credit.amount)


def _credit_note(org, customer, doc: EInvoice):
    return upsert(Credit, {"organization": org, "key": f"{doc.source_format}:{doc.number}"},
                  {"customer": customer, "kind": "credit_note", "number": doc.number,
                   "reference": " ".join(filter(None, [doc.buyer_reference,
                                                       doc.payment_reference])),
                   "date": doc.issue_date,
                   "amount_minor": to_minor(doc.amount_due, doc.currency),
                   "currency": doc.currency, "source": doc.source_format})
