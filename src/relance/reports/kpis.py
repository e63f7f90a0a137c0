"""Receivable KPIs from database sums: DSO (countback and ratio), CEI, and their trend.

The formulas are the core's (:mod:`relance.core.reporting.kpi`, docs/reporting.md);
only the inputs differ: receivables at a day and sales of a period are read from the
sums by day the database keeps (:func:`relance.reports.queries.daily_ledger`), instead
of loops over loaded invoices; what is overdue or not yet due at a day from the total
row of the aged balance (:func:`relance.reports.queries.due_split`), which the
dashboard has already computed. Any number of days and periods cost the same query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from relance.core.money import from_minor
from relance.core.reporting import AgedRow, Period, countback
from relance.core.reporting.book import ZERO, percent, two_places
from relance.reports.queries import RunningTotal, daily_ledger, due_split


def dso(receivables: Decimal, issued: RunningTotal, currency: str, as_of: date) -> Decimal:
    """DSO by countback at ``as_of`` from the amounts issued by day (at most ``as_of``
    counts: a month of the walk ends on or before it)."""
    def sales_of(month: Period) -> Decimal:
        return from_minor(issued.between(month.start, month.end), currency)
    return countback(receivables, sales_of, issued.first, as_of)


def month_ends(as_of: date, months: int) -> list[date]:
    """The last days of the ``months`` calendar months before the month of ``as_of``,
    oldest first, then ``as_of`` itself: the points of a DSO trend."""
    ends, day = [], as_of.replace(day=1)
    for _ in range(months):
        day -= timedelta(days=1)
        ends.append(day)
        day = day.replace(day=1)
    return [*reversed(ends), as_of]


@dataclass(frozen=True, slots=True)
class Kpis:
    """The dashboard's ratios for one currency (docs/reporting.md, "KPIs")."""

    receivables: Decimal
    overdue: Decimal
    overdue_ratio: Decimal | None
    dso_countback: Decimal
    dso_ratio: Decimal | None
    cei: Decimal | None
    sales: Decimal  # of the period
    trend: tuple[tuple[date, Decimal], ...]  # DSO by countback at each month end


def kpis(org: int, currency: str, as_of: date, period: Period, trend_months: int = 12,
         ratio_days: int = 90, aged: AgedRow | None = None) -> Kpis:
    """Every KPI of organization ``org`` (its id) in ``currency``. ``aged`` is the total
    row of its aged balance at ``as_of`` in ``currency`` when the caller has it: its
    overdue and not-due columns are the balances the overdue ratio and, for a period
    ending on ``as_of``, the CEI need; without it they are summed again."""
    ledger = daily_ledger(org, currency, max(as_of, period.end))

    def money(minor: int) -> Decimal:
        return from_minor(minor, currency)

    split = {as_of: (aged.not_due, aged.overdue)} if aged is not None else {}

    def due_at(day: date) -> tuple[Decimal, Decimal]:
        """(not due, overdue) at the end of ``day``."""
        if day not in split:
            split[day] = tuple(money(m) for m in due_split(org, currency, day))
        return split[day]

    trend = tuple((d, dso(money(ledger.receivables(d)), ledger.issued, currency, d))
                  for d in month_ends(as_of, trend_months))
    receivables = money(ledger.receivables(as_of))
    overdue = due_at(as_of)[1]
    ratio_sales = money(ledger.issued.between(as_of - timedelta(days=ratio_days - 1), as_of))
    sales = money(ledger.issued.between(period.start, period.end))
    base = money(ledger.receivables(period.start - timedelta(days=1))) + sales
    closing = money(ledger.receivables(period.end))
    return Kpis(receivables, overdue, percent(overdue, receivables), trend[-1][1],
                two_places(receivables / ratio_sales * ratio_days) if ratio_sales else None,
                percent(base - closing, base - due_at(period.end)[0]),
                sales, trend)


def total(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)
