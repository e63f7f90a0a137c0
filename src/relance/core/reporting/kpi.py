"""Receivable KPIs: days sales outstanding, overdue ratio, collection effectiveness.

Every figure is for one currency and reads the book as it stood at the end of
``as_of`` (see ``book``). "Receivables" are open invoice balances including VAT,
"sales" the amounts including VAT of the invoices issued in a period, so both
sides of each ratio are measured alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal

from relance.core.ledger import Allocation, Invoice
from relance.core.reporting.book import (
    ZERO,
    Period,
    day_before,
    issued_by,
    of_currency,
    open_balances,
    percent,
    receivables,
    sales,
    two_places,
)


def countback_months(as_of: date) -> Iterator[Period]:
    """The month of ``as_of`` cut at ``as_of``, then each full calendar month before it.

    >>> [str(p.start) for p, _ in zip(countback_months(date(2025, 3, 10)), range(2))]
    ['2025-03-01', '2025-02-01']
    """
    end = as_of
    while True:
        start = end.replace(day=1)
        yield Period(start, end)
        end = start - timedelta(days=1)


def dso_countback(invoices: Iterable[Invoice], allocations: Iterable[Allocation],
                  as_of: date, currency: str) -> Decimal:
    """Days sales outstanding by the countback method, in days to two decimals.

    Start with R = open receivables at ``as_of`` and walk back through the
    periods of ``countback_months`` (the current month to date, then whole
    calendar months). While R ≥ the period's sales S, add the period's days
    and take S off R; in the period where R < S, add R / S × its days and stop.
    A month without sales counts whole. DSO = the days added up. Receivables
    of zero give 0.

    Unlike the ratio method it follows the actual sales pattern, so a big
    invoice issued yesterday does not look like slow collection.
    """
    book = issued_by(of_currency(invoices, currency), as_of)
    return countback(receivables(book, allocations, as_of), lambda month: sales(book, month),
                     min((inv.issued for inv in book), default=None), as_of)


def countback(left: Decimal, sales_of: Callable[[Period], Decimal], first_issued: date | None,
              as_of: date, months: int | None = None) -> Decimal:
    """The walk of :func:`dso_countback` from receivables ``left``, whatever gives each
    period's sales (loaded invoices here, sums by day or month from the database in the
    reports and pages). It stops before the period of ``first_issued`` (the earliest
    sale), or after ``months`` periods when given.
    """
    days, first = ZERO, first_issued or as_of
    for n, month in enumerate(countback_months(as_of)):
        if left <= 0 or month.end < first or (months is not None and n >= months):
            break
        month_sales = sales_of(month)
        if month_sales >= left:
            return two_places(days + left / month_sales * month.days)
        days += month.days
        left -= month_sales
    return two_places(days)


def dso_ratio(invoices: Iterable[Invoice], allocations: Iterable[Allocation],
              as_of: date, currency: str, days: int = 90) -> Decimal | None:
    """Days sales outstanding by the simple ratio method, in days to two decimals.

    DSO = receivables at ``as_of`` / sales of the ``days`` days ending on
    ``as_of`` (both included) × ``days``. None when there were no sales.
    """
    book = of_currency(invoices, currency)
    period = Period(as_of - timedelta(days=days - 1), as_of)
    period_sales = sales(book, period)
    if not period_sales:
        return None
    return two_places(receivables(book, allocations, as_of) / period_sales * days)


def overdue_ratio(invoices: Iterable[Invoice], allocations: Iterable[Allocation],
                  as_of: date, currency: str) -> Decimal | None:
    """Overdue share of the open balance, in percent: overdue / total open × 100.

    Overdue means due before ``as_of``. None when nothing is open.
    """
    owed = open_balances(of_currency(invoices, currency), allocations, as_of)
    overdue = sum((amount for inv, amount in owed if inv.due < as_of), ZERO)
    return percent(overdue, sum((amount for _, amount in owed), ZERO))


def current_receivables(invoices: Iterable[Invoice], allocations: Iterable[Allocation],
                        as_of: date) -> Decimal:
    """Open balances of the invoices not yet overdue at ``as_of`` (due on or after it)."""
    return sum((amount for inv, amount in open_balances(invoices, allocations, as_of)
                if inv.due >= as_of), ZERO)


def cei(invoices: Iterable[Invoice], allocations: Iterable[Allocation],
        period: Period, currency: str) -> Decimal | None:
    """Collection Effectiveness Index of ``period``, in percent to two decimals.

    CEI = (opening receivables + sales − closing receivables)
        / (opening receivables + sales − closing current receivables) × 100

    opening = receivables at the end of the day before ``period.start``;
    sales = invoices issued in the period; closing = receivables at the end
    of ``period.end``; closing current = the part of closing not yet due.
    The numerator is what was collected, the denominator what could have been:
    100 means every collectible euro came in. None when nothing was collectible.
    """
    book = of_currency(invoices, currency)
    allocations = list(allocations)
    base = receivables(book, allocations, day_before(period.start)) + sales(book, period)
    collected = base - receivables(book, allocations, period.end)
    collectible = base - current_receivables(book, allocations, period.end)
    return percent(collected, collectible)
