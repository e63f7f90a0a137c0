"""The figures the pages show, read with a few aggregate queries.

Balances follow the ledger's rule (amount − Σ allocations, ``relance.ledger.services``)
but are summed in the database: a portfolio line must not load a million invoices.
Since an allocation never exceeds its invoice's balance, an organization's open
amount is Σ amounts − Σ allocations over its invoices, with no per-invoice step.
DSO is the countback method of docs/reporting.md, fed with monthly sales totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from relance.core.money import from_minor, to_minor
from relance.core.reporting.book import two_places
from relance.core.reporting.kpi import countback as core_countback
from relance.dunning.models import Promise, Task
from relance.ledger.models import Allocation, Customer, Invoice, Organization
from relance.web import pipeline
from relance.web.models import FigureSnapshot

ZERO = Decimal(0)
COUNTBACK_MONTHS = 24  # DSO beyond two years of sales says nothing a collector can use
FRESH = timedelta(minutes=10)  # how old a portfolio line's money figures may be
PROMISE_DAYS = 7  # a promise "falls due" within this many days


@dataclass(frozen=True)
class OrgFigures:
    """One portfolio line: what is owed, what is late, what waits, how fast it pays."""

    organization: Organization
    currency: str
    open_amount: Decimal
    overdue_amount: Decimal
    waiting: int
    dso: Decimal
    computed_at: datetime | None = None


def _sum(qs: QuerySet, field: str = "amount_minor") -> int:
    return qs.aggregate(t=Coalesce(Sum(field), Value(0)))["t"]


def open_minor(invoices: QuerySet) -> int:
    """Σ balances of ``invoices`` in minor units (one currency)."""
    return _sum(invoices) - _sum(Allocation.objects.filter(invoice__in=invoices))


def org_figures(org: Organization, as_of: date) -> OrgFigures:
    invoices = org.invoices.filter(currency=org.currency)
    open_total = open_minor(invoices)
    overdue = open_minor(invoices.filter(due__lt=as_of))
    return OrgFigures(org, org.currency, from_minor(open_total, org.currency),
                      from_minor(overdue, org.currency), waiting_count(org, as_of),
                      dso(invoices, org.currency, from_minor(open_total, org.currency), as_of))


def refresh(org: Organization, as_of: date, now: datetime) -> FigureSnapshot:
    """Compute and keep ``org``'s money figures (after a run, an import, a payment)."""
    figures = org_figures(org, as_of)
    snapshot, _created = FigureSnapshot.objects.update_or_create(organization=org, defaults={
        "as_of": as_of, "currency": figures.currency,
        "open_minor": to_minor(figures.open_amount, figures.currency),
        "overdue_minor": to_minor(figures.overdue_amount, figures.currency),
        "dso": figures.dso, "computed_at": now})
    return snapshot


def portfolio(orgs: list[Organization], as_of: date, now: datetime) -> list[OrgFigures]:
    """One line per organization: money from snapshots younger than ``FRESH`` (computed
    now when missing or older), what waits counted live in three grouped queries."""
    snapshots = {s.organization_id: s for s in FigureSnapshot.objects.filter(
        organization__in=orgs, as_of=as_of, computed_at__gte=now - FRESH)}
    waiting = waiting_by_org(orgs, as_of)
    lines = []
    for org in orgs:
        snap = snapshots.get(org.pk) or refresh(org, as_of, now)
        lines.append(OrgFigures(org, snap.currency, from_minor(snap.open_minor, snap.currency),
                                from_minor(snap.overdue_minor, snap.currency),
                                waiting.get(org.pk, 0), snap.dso, snap.computed_at))
    return lines


def waiting_by_org(orgs: list[Organization], as_of: date) -> dict[int, int]:
    counts: dict[int, int] = {}
    groups = (
        Task.objects.filter(organization__in=orgs, done_on__isnull=True, due_on__lte=as_of)
        .values_list("organization").annotate(n=Count("id")),
        pipeline.awaiting_in(orgs).values_list("organization").annotate(n=Count("id")),
        Promise.objects.filter(customer__organization__in=orgs, status="open",
                               until__lte=as_of + timedelta(days=PROMISE_DAYS))
        .values_list("customer__organization").annotate(n=Count("id")),
    )
    for rows in groups:
        for org_id, n in rows.order_by():
            counts[org_id] = counts.get(org_id, 0) + n
    return counts


def waiting_count(org: Organization, as_of: date) -> int:
    """Messages awaiting approval, calls and tasks due, promises falling due."""
    tasks = Task.objects.filter(organization=org, done_on__isnull=True, due_on__lte=as_of).count()
    return tasks + pipeline.awaiting(org).count() + promises_due(org, as_of).count()


def promises_due(org: Organization, as_of: date, days: int = PROMISE_DAYS) -> QuerySet:
    """Open promises whose date falls within ``days`` days (or has passed)."""
    return (Promise.objects.filter(customer__organization=org, status="open",
                                   until__lte=as_of + timedelta(days=days))
            .select_related("customer").prefetch_related("invoices").order_by("until", "id"))


def monthly_sales(invoices: QuerySet, currency: str, as_of: date) -> dict[date, Decimal]:
    since = (as_of.replace(day=1) - timedelta(days=31 * COUNTBACK_MONTHS)).replace(day=1)
    rows = (invoices.filter(issued__gte=since, issued__lte=as_of)
            .annotate(month=TruncMonth("issued")).values("month")
            .annotate(total=Sum("amount_minor")).values_list("month", "total"))
    return {_day(m): from_minor(total, currency) for m, total in rows}


def _day(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def dso(invoices: QuerySet, currency: str, receivables: Decimal, as_of: date) -> Decimal:
    return countback(receivables, monthly_sales(invoices, currency, as_of), as_of)


def countback(receivables: Decimal, sales_by_month: dict[date, Decimal], as_of: date) -> Decimal:
    """DSO by countback from monthly sales (docs/reporting.md, "DSO, countback method").

    The core's walk (``relance.core.reporting.countback``) on totals already summed by
    month: a month without sales counts whole, the walk stops with the first month that
    covers what is left, or after ``COUNTBACK_MONTHS``.
    """
    if not sales_by_month:
        return two_places(ZERO)
    return core_countback(receivables, lambda month: sales_by_month.get(month.start, ZERO),
                          min(sales_by_month), as_of, COUNTBACK_MONTHS)


def customer_balances(customers: QuerySet, as_of: date) -> QuerySet:
    """Customers annotated with ``open_minor`` and ``overdue_minor`` (their own currency mix
    is summed per organization currency: other currencies appear on the customer page)."""
    return customers.annotate(open_minor=_balance_sq(Q()),
                              overdue_minor=_balance_sq(Q(due__lt=as_of)))


def _balance_sq(condition: Q) -> Coalesce:
    invoices = Invoice.objects.filter(condition, customer=OuterRef("pk"),
                                      currency=OuterRef("organization__currency"))
    amounts = Subquery(invoices.values("customer").annotate(t=Sum("amount_minor")).values("t"))
    allocated = Subquery(Allocation.objects.filter(
        invoice__in=Invoice.objects.filter(condition, customer=OuterRef(OuterRef("pk")),
                                           currency=OuterRef(OuterRef("organization__currency"))))
        .values("invoice__customer").annotate(t=Sum("amount_minor")).values("t"))
    return Coalesce(amounts, Value(0)) - Coalesce(allocated, Value(0))


def customers_overdue(customers: QuerySet, as_of: date) -> QuerySet:
    """Customers with at least one invoice past due and not fully paid."""
    late = Invoice.objects.filter(customer=OuterRef("pk"), due__lt=as_of)
    paid = Allocation.objects.filter(invoice=OuterRef("pk")).values("invoice").annotate(
        t=Sum("amount_minor")).values("t")
    late = late.annotate(paid=Coalesce(Subquery(paid), Value(0))).filter(
        amount_minor__gt=F("paid"))
    return customers.filter(Exists(late))


def customer_totals(customer: Customer, as_of: date) -> dict[str, dict[str, Decimal]]:
    """Open and overdue balance of one customer, per currency."""
    from relance.ledger.services import with_balance

    totals: dict[str, dict[str, Decimal]] = {}
    for inv in with_balance(customer.invoices.all()).filter(balance_minor__gt=0):
        row = totals.setdefault(inv.currency, {"open": ZERO, "overdue": ZERO})
        balance = from_minor(inv.balance_minor, inv.currency)
        row["open"] += balance
        if inv.due < as_of:
            row["overdue"] += balance
    return totals
