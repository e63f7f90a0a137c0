"""Receivable KPIs from database sums: DSO (countback and ratio), CEI, and their trend.

The formulas are the core's (:mod:`relance.core.reporting.kpi`, docs/reporting.md);
only the inputs differ: receivables at a day and sales of a period are sums the
database computes (:func:`relance.reports.queries.ledger_sums`) instead of loops
over loaded invoices. Several days and periods are asked in one pair of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from relance.core.money import from_minor
from relance.core.reporting import Period, countback_months
from relance.core.reporting.book import ZERO, percent, two_places
from relance.reports.queries import FIRST_ISSUED, Window, ledger_sums

CHUNK_MONTHS = 24  # months of sales fetched at once for the countback walk


class _MonthsShort(Exception):
    """The countback walk needs a month older than those fetched."""


def countback(receivables: Decimal, sales_of: Callable[[Period], Decimal],
              first_issued: date | None, as_of: date) -> Decimal:
    """DSO by countback (docs/reporting.md): the walk of
    :func:`relance.core.reporting.dso_countback`, reading each period's sales from
    ``sales_of``; ``first_issued`` is the earliest issue date (the walk stops before it)."""
    left, days = receivables, ZERO
    first = first_issued or as_of
    for month in countback_months(as_of):
        if left <= 0 or month.end < first:
            break
        month_sales = sales_of(month)
        if month_sales >= left:
            days += left / month_sales * month.days
            left = ZERO
        else:
            days += month.days
            left -= month_sales
    return two_places(days)


def month_ends(as_of: date, months: int) -> list[date]:
    """The last days of the ``months`` calendar months before the month of ``as_of``,
    oldest first, then ``as_of`` itself: the points of a DSO trend."""
    ends, day = [], as_of.replace(day=1)
    for _ in range(months):
        day -= timedelta(days=1)
        ends.append(day)
        day = day.replace(day=1)
    return [*reversed(ends), as_of]


def _month_periods(as_of: date, count: int, skip: int = 0) -> list[Period]:
    periods = countback_months(as_of)
    return [p for n, p in zip(range(skip + count), periods, strict=False) if n >= skip]


class MonthlySales:
    """Sales per countback month for each group, fetched from the database by chunks
    of ``CHUNK_MONTHS``, older chunks only when a walk needs them."""

    def __init__(self, scope: dict, group: tuple[str, ...], as_of: date) -> None:
        self.scope, self.group, self.as_of = scope, group, as_of
        self.fetched = 0
        self.sales: dict[tuple, dict[date, int]] = {}
        self.first: dict[tuple, date | None] = {}
        self._fetch()

    def _fetch(self) -> None:
        months = _month_periods(self.as_of, CHUNK_MONTHS, self.fetched)
        periods = {p.start.isoformat(): p for p in months}
        scope = dict(self.scope, issued__lte=self.as_of)
        for key, sums in ledger_sums(scope, self.group, periods=periods).items():
            row = self.sales.setdefault(key, {})
            row.update({date.fromisoformat(name): sums[name] for name in periods})
            self.first[key] = sums.get(FIRST_ISSUED)
        self.fetched += CHUNK_MONTHS

    def oldest(self) -> date:
        return _month_periods(self.as_of, 1, self.fetched - 1)[0].start

    def reader(self, key: tuple, currency: str) -> Callable[[Period], Decimal]:
        def sales_of(month: Period) -> Decimal:
            if month.start < self.oldest():
                raise _MonthsShort
            return from_minor(self.sales.get(key, {}).get(month.start, 0), currency)
        return sales_of

    def dso(self, key: tuple, currency: str, receivables: Decimal, as_of: date) -> Decimal:
        """DSO by countback at ``as_of`` (at most ``self.as_of``) for group ``key``."""
        while True:
            try:
                return countback(receivables, self.reader(key, currency),
                                 self.first.get(key), as_of)
            except _MonthsShort:
                self._fetch()


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


def kpis(scope: dict, currency: str, as_of: date, period: Period, trend_months: int = 12,
         ratio_days: int = 90) -> Kpis:
    """Every KPI of one organization and currency, in two queries plus the sales walk.

    ``scope`` restricts the invoices (``{"organization": org, "currency": "EUR"}``).
    """
    trend_days = month_ends(as_of, trend_months)
    windows = {f"r:{d}": Window(d) for d in {*trend_days, period.end,
                                             period.start - timedelta(days=1)}}
    windows |= {"overdue": Window(as_of, due_to=as_of - timedelta(days=1)),
                "current": Window(period.end, due_from=period.end)}
    periods = {"period": period,
               "ratio": Period(as_of - timedelta(days=ratio_days - 1), as_of)}
    sums = next(iter(ledger_sums(scope, (), windows, periods).values()), {})

    def money(name: str) -> Decimal:
        return from_minor(sums.get(name) or 0, currency)

    sales = MonthlySales(scope, (), as_of)
    trend = tuple((d, sales.dso((), currency, money(f"r:{d}"), d)) for d in trend_days)
    receivables, ratio_sales = money(f"r:{as_of}"), money("ratio")
    base = money(f"r:{period.start - timedelta(days=1)}") + money("period")
    return Kpis(receivables, money("overdue"), percent(money("overdue"), receivables),
                trend[-1][1],
                two_places(receivables / ratio_sales * ratio_days) if ratio_sales else None,
                percent(base - money(f"r:{period.end}"), base - money("current")),
                money("period"), trend)


def total(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)
