"""The ledger service: the one place where money is allocated and balances are read.

Balances are computed from allocations (amount − Σ allocated), never kept as a
second copy that could drift. Allocation itself is the pure rule of
``relance.core.ledger.allocate``; this module loads its inputs and stores its output.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from relance.core import ledger as core
from relance.core.actions import Contact as CoreContact
from relance.core.actions import Customer as CoreCustomer
from relance.core.money import from_minor, to_minor
from relance.ledger.models import Allocation, Credit, Customer, Invoice

ZERO = Decimal(0)


def _allocated_subquery(outer: str = "pk") -> Subquery:
    return Subquery(Allocation.objects.filter(invoice=OuterRef(outer))
                    .values("invoice").annotate(total=Sum("amount_minor")).values("total"))


def with_balance(invoices):
    """Annotate a queryset of invoices with ``balance_minor``."""
    return invoices.annotate(
        balance_minor=F("amount_minor") - Coalesce(_allocated_subquery(), Value(0)))


def balance_of(invoice: Invoice) -> Decimal:
    total = invoice.allocations.aggregate(t=Sum("amount_minor"))["t"] or 0
    return from_minor(invoice.amount_minor - total, invoice.currency)


def open_invoices(customer: Customer, currency: str | None = None):
    qs = with_balance(customer.invoices.all()).filter(balance_minor__gt=0)
    return qs.filter(currency=currency) if currency else qs


def unallocated(credit: Credit) -> Decimal:
    used = credit.allocations.aggregate(t=Sum("amount_minor"))["t"] or 0
    return from_minor(credit.amount_minor - used, credit.currency)


def to_core_invoice(inv: Invoice, customer_ref: str) -> core.Invoice:
    return core.Invoice(inv.number, customer_ref, inv.issued, inv.due, inv.amount, inv.currency,
                        inv.known_from)


def to_core_customer(customer: Customer) -> CoreCustomer:
    contacts = tuple(CoreContact(c.email, c.role, c.first_name, c.last_name, c.phone)
                     for c in customer.contacts.all())
    return CoreCustomer(customer.ref, customer.name, customer.kind, customer.language, contacts)


@transaction.atomic
def allocate_credit(credit: Credit, on: date | None = None) -> list[Allocation]:
    """Allocate what is left of ``credit`` to its customer's open invoices."""
    left = unallocated(credit)
    if left <= 0:
        return []
    rows = {inv.number: inv for inv in open_invoices(credit.customer, credit.currency)}
    invoices = [core.Invoice(number, "c", inv.issued, inv.due, inv.amount, inv.currency)
                for number, inv in rows.items()]
    balances = {number: from_minor(inv.balance_minor, inv.currency)
                for number, inv in rows.items()}
    pending = core.Credit(credit.key, "c", credit.date, left, credit.currency,
                          reference=credit.reference)
    allocations, _left = core.allocate(pending, invoices, balances, on or credit.date)
    return Allocation.objects.bulk_create(
        Allocation(credit=credit, invoice=rows[a.invoice], date=a.date,
                   amount_minor=to_minor(a.amount, credit.currency)) for a in allocations)


def allocate_explicit(credit: Credit, invoice: Invoice, amount: Decimal) -> Allocation | None:
    """Allocate up to ``amount`` of ``credit`` to one named invoice (lettering, applies_to)."""
    give = min(amount, unallocated(credit), balance_of(invoice))
    if give <= 0:
        return None
    return Allocation.objects.create(credit=credit, invoice=invoice, date=credit.date,
                                     amount_minor=to_minor(give, credit.currency))


def apply_unallocated(customer: Customer, on: date | None = None) -> int:
    """Give the customer's unallocated credit to its open invoices, oldest credit first."""
    count = 0
    for credit in customer.credits.order_by("date", "id"):
        count += len(allocate_credit(credit, on))
    return count


def unallocated_total(customer: Customer, currency: str) -> Decimal:
    credits = customer.credits.filter(currency=currency)
    total = credits.aggregate(t=Sum("amount_minor"))["t"] or 0
    used = Allocation.objects.filter(credit__in=credits).aggregate(t=Sum("amount_minor"))["t"] or 0
    return from_minor(total - used, currency)


def reductions(invoice: Invoice) -> list[tuple[date, Decimal]]:
    """Dated allocations to ``invoice``: the input of late-interest computation."""
    return [(a.date, from_minor(a.amount_minor, invoice.currency))
            for a in invoice.allocations.order_by("date", "id")]


def totals(invoices: Iterable[Invoice]) -> Decimal:
    return sum((from_minor(i.balance_minor, i.currency) for i in invoices), ZERO)


def currencies_of(customer: Customer) -> list[str]:
    """The currencies of the customer's invoices and credits, the organization's first.

    Amounts of two currencies are never added (a customer owing dollars is not in credit
    because of a euro payment): a statement, for one, is written per currency."""
    found = set(customer.invoices.values_list("currency", flat=True).distinct())
    found |= set(customer.credits.values_list("currency", flat=True).distinct())
    own = customer.organization.currency
    return sorted(found | {own}, key=lambda c: (c != own, c))
