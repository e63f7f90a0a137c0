"""Import the customers/contacts CSV and the invoices CSV (see formats.csv_ledger)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from relance.batches import chunked
from relance.core.money import to_minor
from relance.formats.csv_ledger import ContactRow, InvoiceRow, parse_contacts, parse_invoices
from relance.imports.report import ImportReport
from relance.imports.upserts import Upserts
from relance.ledger.models import Contact, Credit, Customer, Invoice, Organization
from relance.ledger.services import apply_unallocated


def upsert(model, lookup: dict, values: dict, on_create: dict | None = None
           ) -> tuple[object, str]:
    """Create or update a row; 'unchanged' when every value is already there.

    ``on_create`` values are set only when the row is new (e.g. the day an invoice
    became known), so re-importing the same file changes nothing.
    """
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values, **(on_create or {})), "created"
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    for k, v in changed.items():
        setattr(row, k, v)
    if changed:
        row.save(update_fields=list(changed))
    return row, "updated" if changed else "unchanged"


def customer_values(row: ContactRow, existing: Customer | None) -> dict:
    values = {"language": row.language, "kind": row.kind}
    if row.customer_name:
        values["name"] = row.customer_name
    elif existing is None:
        values["name"] = row.customer_ref
    if row.siren:
        values["siren"] = row.siren
    if row.address:
        values["address"] = row.address
    if row.payment_terms_days is not None:
        values["payment_terms_days"] = row.payment_terms_days
    return values


@transaction.atomic
def import_contacts(org: Organization, data: bytes, name: str = "contacts.csv") -> ImportReport:
    rows, errors = parse_contacts(data, name)
    report = ImportReport(name, rejected=errors)
    seen: set[str] = set()
    for row in rows:
        existing = org.customers.filter(ref=row.customer_ref).first()
        customer, outcome = upsert(Customer, {"organization": org, "ref": row.customer_ref},
                                   customer_values(row, existing))
        if row.customer_ref not in seen:
            report.add(row.line, "customer", row.customer_ref, outcome)
            seen.add(row.customer_ref)
        if row.email or row.phone:
            _contact, outcome = upsert(
                Contact, {"customer": customer, "email": row.email, "role": row.role},
                {"first_name": row.first_name, "last_name": row.last_name, "phone": row.phone})
            report.add(row.line, "contact", row.email or row.phone, outcome)
    return report


@transaction.atomic
def import_invoices(org: Organization, data: bytes, name: str = "invoices.csv",
                    known_from=None) -> ImportReport:
    """Import an invoices CSV: customers first, then invoices, each in bulk (``Upserts``)."""
    rows, errors = parse_invoices(data, name)
    report = ImportReport(name, rejected=errors)
    customers = Upserts(Customer, {"organization": org}, "ref", (r.customer_ref for r in rows))
    for row in rows:
        customer, _outcome = customers.put(
            row.customer_ref, {"name": row.customer_name} if row.customer_name else {})
        if not customer.name:
            customers.put(row.customer_ref, {"name": row.customer_ref})
    customers.save()
    invoices = Upserts(Invoice, {"organization": org}, "number", (r.number for r in rows))
    touched: dict[str, Invoice] = {}
    for row in rows:
        invoice, outcome = invoices.put(
            row.number, _invoice_values(row, customers.rows[row.customer_ref]),
            {"known_from": known_from or row.issued})
        report.add(row.line, "invoice", row.number, outcome)
        if outcome != "unchanged":
            touched[row.number] = invoice
    invoices.save()
    after_import(touched.values())
    return report


def _invoice_values(row: InvoiceRow, customer: Customer) -> dict:
    return {"customer": customer, "issued": row.issued, "due": row.due,
            "amount_minor": to_minor(row.amount, row.currency), "currency": row.currency,
            "pdf_path": row.pdf_path, "source": "csv"}


def after_import(invoices: Iterable[Invoice]) -> None:
    """New or changed invoices take unallocated credit and get planned for the daily run."""
    from relance.dunning.services import plan_many

    invoices = list(invoices)
    # Most customers of an import have no credit: only the others are looked at.
    with_credit = {customer_id for ids in chunked({i.customer_id for i in invoices})
                   for customer_id in Credit.objects.filter(customer_id__in=ids)
                   .values_list("customer_id", flat=True).distinct()}
    for customer in {i.customer for i in invoices if i.customer_id in with_credit}:
        apply_unallocated(customer)
    plan_many(invoices)
