"""Import a FEC: customers, invoices, credit notes, payments and what lettering settles.

The FEC reader (``relance.formats.fec``) derives one document per customer-account
line. Here, debits become invoices (due date = document date + the customer's
payment terms, since a FEC has no due date), credits become payments or credit
notes, and allocations follow the accountant's lettering first: inside each
lettering group, credits settle debits oldest first. Unlettered credits are then
allocated by the ordinary rule (reference, then oldest due date). So each
customer's open balance equals the balance of its 411 lines.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction

from relance.core.money import invoice_amount_problem, to_minor
from relance.formats.fec import FecDocument, parse, receivables
from relance.formats.problems import row_error
from relance.imports.csv_files import after_import
from relance.imports.report import ImportReport
from relance.imports.upserts import Upserts
from relance.ledger.models import Credit, Customer, Invoice, Organization
from relance.ledger.services import allocate_credit, allocate_explicit

DEBITS = ("invoice", "refund")


@transaction.atomic
def import_fec(org: Organization, data: bytes, name: str = "FEC",
               known_from: date | None = None) -> ImportReport:
    """Import ``data`` (a FEC file); raises FormatError, writing nothing, if unreadable."""
    lines, errors = parse(data)
    book = receivables(lines)
    report = ImportReport(name, rejected=[*errors, *book.errors])
    customers = _customers(org, book, report)
    documents = _storable(book.documents, report)
    numbers = _unique_numbers(documents)
    invoices = Upserts(Invoice, {"organization": org}, "number", numbers.values())
    credits = Upserts(Credit, {"organization": org}, "key",
                      (_key(d) for d in documents if d.kind not in DEBITS))
    rows: dict[str, Invoice | Credit] = {}
    touched: list[Invoice] = []
    for doc in documents:
        customer = customers[doc.customer_code]
        if doc.kind in DEBITS:
            row, outcome = invoices.put(numbers[doc.key], _invoice_values(customer, doc),
                                        {"known_from": known_from or doc.date})
            if outcome != "unchanged":
                touched.append(row)
        else:
            row, outcome = credits.put(_key(doc), _credit_values(customer, doc))
        rows[doc.key] = row
        report.add(doc.line, doc.kind, row.number, outcome)
    invoices.save()
    credits.save()
    _letter(documents, rows)
    for doc in documents:
        if doc.kind not in DEBITS and not doc.lettering:
            allocate_credit(rows[doc.key])
    after_import(touched)
    return report


def _customers(org: Organization, book, report: ImportReport) -> dict[str, Customer]:
    """The FEC's customers; one already known keeps its name (the user may have set it)."""
    customers = Upserts(Customer, {"organization": org}, "ref", (c.code for c in book.customers))
    for c in book.customers:
        _row, outcome = customers.put(c.code, {}, {"name": c.name or c.code})
        report.add(None, "customer", c.code, outcome)
    customers.save()
    return customers.rows


def _storable(documents: list[FecDocument], report: ImportReport) -> list[FecDocument]:
    """The documents an amount of money can be stored for: whole cents of euro (a FEC is
    kept in euros, A47 A-1), below the limit of an invoice; the others are rejected rows."""
    kept = []
    for doc in documents:
        problem = invoice_amount_problem(doc.amount, "EUR")
        if problem:
            report.rejected.append(row_error(
                doc.line, problem, "Debit" if doc.kind in DEBITS else "Credit",
                text=doc.amount, value=doc.amount, currency="EUR"))
        else:
            kept.append(doc)
    return kept


def _unique_numbers(documents) -> dict[str, str]:
    """Invoice numbers unique in the organization: a repeated PieceRef gets a suffix."""
    seen: dict[str, int] = defaultdict(int)
    result = {}
    for doc in documents:
        if doc.kind in DEBITS:
            seen[doc.number] += 1
            n = seen[doc.number]
            result[doc.key] = doc.number if n == 1 else f"{doc.number}/{n}"
    return result


def _invoice_values(customer: Customer, doc: FecDocument) -> dict:
    return {"customer": customer, "issued": doc.date,
            "due": doc.date + timedelta(days=customer.terms),
            "amount_minor": to_minor(doc.amount, "EUR"), "currency": "EUR", "source": "fec"}


def _credit_values(customer: Customer, doc: FecDocument) -> dict:
    return {"customer": customer, "kind": "credit_note" if doc.kind == "credit_note"
            else "payment", "number": doc.number, "reference": doc.label, "date": doc.date,
            "amount_minor": to_minor(doc.amount, "EUR"), "currency": "EUR", "source": "fec"}


def _key(doc: FecDocument) -> str:
    """A credit's identity across re-imports of the FEC."""
    return f"fec:{doc.key}"


def _letter(documents, rows) -> None:
    """Inside each lettering group, credits settle debits oldest first (date, line)."""
    groups: dict[tuple[str, str], list[FecDocument]] = defaultdict(list)
    for doc in documents:
        if doc.lettering:
            groups[(doc.customer_code, doc.lettering)].append(doc)
    for docs in groups.values():
        docs.sort(key=lambda d: (d.date, d.line))
        debits = [rows[d.key] for d in docs if d.kind in DEBITS]
        for credit_doc in (d for d in docs if d.kind not in DEBITS):
            credit = rows[credit_doc.key]
            for invoice in debits:
                allocate_explicit(credit, invoice, credit.amount)
