"""The reports the pages, the exports, the PDF and the ``report`` command show.

Each function reads the database for one organization (or several) at a day and
returns the core's own values (:mod:`relance.core.reporting`,
:mod:`relance.core.forecast`): sums are computed by the database
(:mod:`relance.reports.aged`, :mod:`relance.reports.kpis`), anything that depends on
the order of events by the core on the few rows that can matter
(:mod:`relance.reports.collection`, :func:`forecast`). The results equal the core's
on the whole book loaded as records (tests/reports/test_equivalence.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from relance.core.forecast import CashForecast, ForecastSettings, cash_forecast
from relance.core.money import from_minor
from relance.core.reporting import AgedBalance, AgedRow, Period
from relance.core.reporting.book import percent
from relance.dunning.models import Promise
from relance.ledger.models import Allocation, Invoice, Organization
from relance.reports import records
from relance.reports.aged import aged_balance, aged_balances, customer_names
from relance.reports.collection import Collection, StepResult, collection, scenario_effectiveness
from relance.reports.kpis import Kpis, dso, kpis
from relance.reports.queries import RunningTotal, organization_sums

__all__ = [
    "Dashboard", "PortfolioLine", "aged_balance", "aged_balances", "customer_names",
    "dashboard", "forecast", "indicators", "month_to_date", "portfolio", "scenario_effectiveness",
    "StepResult", "top_late",
]


DEFAULT_SETTINGS = ForecastSettings()


def month_to_date(as_of: date) -> Period:
    """The dashboard's default period: the month of ``as_of`` from its 1st through ``as_of``."""
    return Period(as_of.replace(day=1), as_of)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """One organization's figures in one currency at ``as_of``; period figures for ``period``."""

    organization: Organization
    as_of: date
    period: Period
    currency: str
    aged: AgedBalance
    kpis: Kpis
    collection: Collection


def dashboard(org: Organization, as_of: date, period: Period | None = None,
              currency: str | None = None, trend_months: int = 12) -> Dashboard:
    currency = currency or org.currency
    period = period or month_to_date(as_of)
    aged = aged_balance(org, as_of, currency)
    return Dashboard(org, as_of, period, currency, aged,
                     kpis(org.pk, currency, as_of, period, trend_months, aged=aged.total),
                     collection(org, currency, period))


def indicators(org: Organization, as_of: date, period: Period | None = None,
               currency: str | None = None, trend_months: int = 12) -> Kpis:
    """The KPIs alone (DSO, overdue ratio, CEI), without the aged rows and collection work."""
    currency = currency or org.currency
    return kpis(org.pk, currency, as_of, period or month_to_date(as_of), trend_months)


def top_late(aged: AgedBalance, names: dict[str, str], count: int = 10,
             ) -> list[tuple[str, str, AgedRow]]:
    """The ``count`` customers owing the most overdue money: (ref, name, row)."""
    late = sorted((r for r in aged.rows if r.overdue > 0), key=lambda r: (-r.overdue, r.customer))
    return [(r.customer, names.get(r.customer, r.customer), r) for r in late[:count]]


@dataclass(frozen=True, slots=True)
class PortfolioLine:
    """One organization's position in one currency, for the portfolio across organizations."""

    organization: Organization
    currency: str
    aged: AgedRow  # the total row of its aged balance
    dso: Decimal  # countback

    @property
    def receivables(self) -> Decimal:
        return self.aged.not_due + self.aged.overdue

    @property
    def overdue_ratio(self) -> Decimal | None:
        return percent(self.aged.overdue, self.receivables)


def portfolio(orgs: list[Organization], as_of: date) -> list[PortfolioLine]:
    """Every organization of ``orgs`` (by name), one line per currency it has, its own
    currency always: three grouped queries for all of them together."""
    cells, issued = organization_sums([o.pk for o in orgs], as_of)
    totals = {key: AgedRow("", *(from_minor(v, key[1]) for v in row))
              for key, row in cells.items()}
    lines = []
    for org in sorted(orgs, key=lambda o: (o.name, o.pk)):
        currencies = {org.currency} | {cur for pk, cur in totals if pk == org.pk}
        for currency in sorted(currencies, key=lambda c: (c != org.currency, c)):
            key = (org.pk, currency)
            aged = totals.get(key) or _nothing_owed(currency)
            receivables = aged.not_due + aged.overdue
            sales = issued.get(key) or RunningTotal.of({})
            lines.append(PortfolioLine(org, currency, aged,
                                       dso(receivables, sales, currency, as_of)))
    return lines


def _nothing_owed(currency: str) -> AgedRow:
    zero = from_minor(0, currency)
    return AgedRow("", zero, zero, zero, zero, zero, zero)


# --- forecast -------------------------------------------------------------------------

def _allocated_by(as_of: date) -> Coalesce:
    paid = (Allocation.objects.filter(invoice=OuterRef("pk"), date__lte=as_of)
            .values("invoice").annotate(t=Sum("amount_minor")).values("t"))
    return Coalesce(Subquery(paid), Value(0))


def forecast_records(org: Organization, as_of: date, currency: str,
                     settings: ForecastSettings = DEFAULT_SETTINGS) -> records.Book:
    """What the forecast reads: the invoices known at ``as_of`` that are open in
    ``currency`` or were paid in the look-back window (any currency: a delay is not
    money), their allocations by ``as_of``, the promises made by then."""
    since = as_of - timedelta(days=settings.lookback_days)
    recent = Allocation.objects.filter(invoice=OuterRef("pk"), date__gt=since,
                                       date__lte=as_of)
    rows = (Invoice.objects.filter(organization=org, known_from__lte=as_of)
            .annotate(allocated=_allocated_by(as_of))
            .filter(Q(currency=currency, amount_minor__gt=F("allocated")) | Exists(recent)))
    numbers = Invoice.objects.filter(pk__in=rows.values("pk"))
    promises = Promise.objects.filter(customer__organization=org, made_on__lte=as_of)
    return records.Book(
        tuple(records.invoices(numbers)),
        tuple(records.allocations(Allocation.objects.filter(invoice__in=numbers,
                                                            date__lte=as_of))),
        promises=tuple(records.promises(promises)))


def forecast(org: Organization, as_of: date, currency: str | None = None,
             settings: ForecastSettings = DEFAULT_SETTINGS) -> CashForecast:
    """The 13-week cash-in forecast of ``org`` (docs/reporting.md)."""
    currency = currency or org.currency
    book = forecast_records(org, as_of, currency, settings)
    return cash_forecast(book.invoices, book.allocations, book.promises, as_of, currency,
                         settings)
