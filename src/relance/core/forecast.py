"""Cash-in forecast for the next 13 weeks, from each customer's own payment habits.

For every open invoice the forecast asks: given how late this customer paid
its past invoices, and that this one is still unpaid today, when will it be
paid? The answer is the customer's empirical distribution of delays
(payment date − due date, in days, over the invoices it fully paid in the
last ``lookback_days``), kept to the delays still possible (those that land
after ``as_of``). With too few paid invoices the organization's distribution is
used, then a default one (see ``ForecastSettings``). An open promise to pay
comes first: its amount is expected on the promised date (docs/reporting.md).

Three figures per week (weeks run Monday to Sunday, week 1 holds ``as_of``):

- **expected**: each invoice's balance spread over the weeks in proportion to
  the delays of its distribution (a probability-weighted amount, not a point);
- **high** (early scenario): each invoice paid at the 25th percentile delay;
- **low** (late scenario): each invoice paid at the 75th percentile delay, and
  a promise at its date plus the grace days.

Low and high are scenarios, not bounds: the late scenario moves money into
later weeks, so one of its weeks can hold more than the expected figure. The
three add up to the same total. Money expected beyond week 13 goes to
``later``; money whose expected date has passed goes to week 1.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from relance.core.calendar import later
from relance.core.holds import OPEN, Promise
from relance.core.ledger import Allocation, Invoice, payment_order
from relance.core.money import quantum
from relance.core.reporting.book import (
    ZERO,
    allocated_by_invoice,
    balance_at,
    of_currency,
    settled_on,
    two_places,
)

CUSTOMER, ORGANIZATION, DEFAULT, PROMISE, DUE_DATE = (
    "customer", "organization", "default", "promise", "due_date")


@dataclass(frozen=True, slots=True)
class ForecastSettings:
    """Tuning of the forecast; the defaults are documented in docs/reporting.md.

    ``default_delays`` has a median of 11 days late, the average lateness the
    Observatoire des délais de paiement reported for French companies in 2018
    (Banque de France, rapport annuel 2018, Altares data).
    """

    weeks: int = 13
    min_customer_history: int = 5  # paid invoices before a customer's own habits count
    min_organization_history: int = 20
    lookback_days: int = 365
    default_delays: tuple[int, ...] = (0, 4, 11, 18, 30)
    promise_grace: int = 3  # spec/dunning-rules.md rule 5


@dataclass(frozen=True, slots=True)
class InvoiceForecast:
    """When ``amount`` of ``invoice`` is expected: early / median / late dates and the
    (date, weight) spread used for the expected figure."""

    invoice: Invoice
    amount: Decimal
    early: date
    median: date
    late: date
    spread: tuple[tuple[date, int], ...]
    source: str


@dataclass(frozen=True, slots=True)
class WeekForecast:
    start: date  # a Monday
    low: Decimal
    expected: Decimal
    high: Decimal


@dataclass(frozen=True, slots=True)
class CashForecast:
    as_of: date
    currency: str
    weeks: tuple[WeekForecast, ...]
    later: WeekForecast  # everything after the last week

    @property
    def total(self) -> Decimal:
        return sum((w.expected for w in (*self.weeks, self.later)), ZERO)


Predictor = Callable[[Sequence[Invoice], Sequence[Allocation], Sequence[Promise], date, str,
                      ForecastSettings], list[InvoiceForecast]]


# --- what was known at as_of ----------------------------------------------------------

def known_at(invoices: Iterable[Invoice], allocations: Iterable[Allocation],
             promises: Iterable[Promise], as_of: date,
             ) -> tuple[list[Invoice], list[Allocation], list[Promise]]:
    """The invoices, allocations and open promises known at the end of ``as_of``.

    A promise counts as open at ``as_of`` if it was made by then and not yet
    closed (a promise kept or broken later was still open on that day).
    """
    return ([i for i in invoices if i.known <= as_of],
            [a for a in allocations if a.date <= as_of],
            [p for p in promises if p.made_on <= as_of and _open_at(p, as_of)])


def _open_at(promise: Promise, as_of: date) -> bool:
    if promise.closed_on is None:
        return promise.status == OPEN
    return promise.closed_on > as_of


# --- payment habits -------------------------------------------------------------------

def delays_by_customer(invoices: Iterable[Invoice], allocations: Iterable[Allocation],
                       as_of: date, lookback_days: int) -> dict[str, list[int]]:
    """Per customer, payment date − due date (days) of its invoices fully paid in
    the ``lookback_days`` up to ``as_of``; negative for early payments."""
    paid = allocated_by_invoice(allocations, as_of)
    since = as_of - timedelta(days=lookback_days)
    result: dict[str, list[int]] = defaultdict(list)
    for inv in invoices:
        day = settled_on(inv, paid)
        if day is not None and day > since:
            result[inv.customer].append((day - inv.due).days)
    return result


def habits(customer: str, history: dict[str, list[int]], settings: ForecastSettings,
           ) -> tuple[list[int], str]:
    """The delays to use for ``customer`` and where they come from (its own,
    the organization's, or the default)."""
    own = history.get(customer, [])
    if len(own) >= settings.min_customer_history:
        return sorted(own), CUSTOMER
    everyone = [d for delays in history.values() for d in delays]
    if len(everyone) >= settings.min_organization_history:
        return sorted(everyone), ORGANIZATION
    return sorted(settings.default_delays), DEFAULT


def nearest_rank(ordered: Sequence[int], percent: int) -> int:
    """The ``percent``-th percentile of sorted ``ordered`` by the nearest-rank method:
    the value at rank ⌈percent/100 × n⌉ (P50 of 4 values is the 2nd)."""
    rank = -(-percent * len(ordered) // 100)
    return ordered[max(rank, 1) - 1]


def expect(invoice: Invoice, amount: Decimal, delays: Iterable[int], as_of: date,
           source: str) -> InvoiceForecast:
    """Forecast for ``amount`` of ``invoice`` given the customer's ``delays``.

    Only the delays that land after ``as_of`` are possible for an invoice still
    open at ``as_of``; if none is left, payment is expected now (week 1).
    """
    elapsed = (as_of - invoice.due).days
    left = sorted(d for d in delays if d > elapsed)
    if not left:
        return InvoiceForecast(invoice, amount, as_of, as_of, as_of, ((as_of, 1),), source)
    days = [invoice.due + timedelta(days=d) for d in left]
    spread = tuple(sorted(Counter(days).items()))
    return InvoiceForecast(invoice, amount, days[_index(left, 25)], days[_index(left, 50)],
                           days[_index(left, 75)], spread, source)


def _index(ordered: Sequence[int], percent: int) -> int:
    return ordered.index(nearest_rank(ordered, percent))


# --- promises first -------------------------------------------------------------------

def promised(promises: Iterable[Promise], owed: dict[str, Decimal],
             invoices: dict[str, Invoice], as_of: date, grace: int,
             ) -> list[InvoiceForecast]:
    """The parts of balances covered by open promises, expected on the promised date.

    A promise without an amount covers its invoices' whole balances; with an
    amount, that amount is taken from its invoices oldest due date first.
    ``owed`` is reduced in place by what the promises cover.
    """
    result = []
    for p in sorted(promises, key=lambda p: p.made_on):
        covered = sorted((invoices[n] for n in p.invoices if owed.get(n, ZERO) > 0),
                         key=payment_order)
        budget = p.amount if p.amount is not None else sum((owed[i.number] for i in covered),
                                                           ZERO)
        for inv in covered:
            part = min(budget, owed[inv.number])
            if part > 0:
                result.append(_promise_part(inv, part, p.until, as_of, grace))
                owed[inv.number] -= part
                budget -= part
    return result


def _promise_part(invoice: Invoice, amount: Decimal, until: date, as_of: date,
                  grace: int) -> InvoiceForecast:
    day = max(until, as_of)
    late = max(later(until, grace), as_of)
    return InvoiceForecast(invoice, amount, day, day, late, ((day, 1),), PROMISE)


# --- predictors -----------------------------------------------------------------------

def predict(invoices: Sequence[Invoice], allocations: Sequence[Allocation],
            promises: Sequence[Promise], as_of: date, currency: str,
            settings: ForecastSettings = ForecastSettings()) -> list[InvoiceForecast]:
    """Per open invoice in ``currency``, when its balance is expected; only what
    was known at ``as_of`` is read, so the same call replays a past day."""
    invoices, allocations, promises = known_at(invoices, allocations, promises, as_of)
    history = delays_by_customer(invoices, allocations, as_of, settings.lookback_days)
    owed = _open(of_currency(invoices, currency), allocations, as_of)
    by_number = {inv.number: inv for inv in of_currency(invoices, currency)}
    result = promised(promises, owed, by_number, as_of, settings.promise_grace)
    for number, amount in owed.items():
        if amount > 0:
            delays, source = habits(by_number[number].customer, history, settings)
            result.append(expect(by_number[number], amount, delays, as_of, source))
    return result


def predict_on_due_date(invoices: Sequence[Invoice], allocations: Sequence[Allocation],
                        promises: Sequence[Promise], as_of: date, currency: str,
                        settings: ForecastSettings = ForecastSettings(),
                        ) -> list[InvoiceForecast]:
    """The naive forecast to beat: every invoice paid on its due date (or now if overdue)."""
    invoices, allocations, _ = known_at(invoices, allocations, (), as_of)
    owed = _open(of_currency(invoices, currency), allocations, as_of)
    by_number = {inv.number: inv for inv in invoices}
    return [expect(by_number[n], amount, (0,), as_of, DUE_DATE)
            for n, amount in owed.items() if amount > 0]


def _open(invoices: list[Invoice], allocations: list[Allocation], as_of: date,
          ) -> dict[str, Decimal]:
    paid = allocated_by_invoice(allocations, as_of)
    return {inv.number: balance_at(inv, paid) for inv in sorted(invoices, key=payment_order)}


# --- weeks ----------------------------------------------------------------------------

def week_index(day: date, as_of: date, weeks: int) -> int:
    """0 for the week (Monday–Sunday) holding ``as_of`` or any earlier day, ``weeks``
    for anything after the last week (the "later" bucket)."""
    monday = as_of - timedelta(days=as_of.weekday())
    return min(max((day - monday).days // 7, 0), weeks)


def split(amount: Decimal, weights: dict[int, int], currency: str) -> dict[int, Decimal]:
    """``amount`` shared in proportion to ``weights``, in whole minor units, adding up
    exactly (largest remainder: leftover cents go to the largest fractions)."""
    unit = quantum(currency)
    units = int((amount / unit).to_integral_value(ROUND_DOWN))
    total = sum(weights.values())
    shares = {k: units * w // total for k, w in weights.items()}
    by_fraction = sorted(weights, key=lambda k: (-(units * weights[k] % total), k))
    for k in by_fraction[:units - sum(shares.values())]:
        shares[k] += 1
    result = {k: n * unit for k, n in shares.items()}
    result[by_fraction[0]] += amount - units * unit  # sub-cent rest, if any
    return result


def weekly(forecasts: Iterable[InvoiceForecast], as_of: date, currency: str,
           weeks: int = 13) -> CashForecast:
    """Per-invoice forecasts summed into ``weeks`` weeks from as_of's Monday, plus later."""
    cells: dict[str, dict[int, Decimal]] = {k: defaultdict(Decimal)
                                            for k in ("low", "expected", "high")}
    for f in forecasts:
        cells["low"][week_index(f.late, as_of, weeks)] += f.amount
        cells["high"][week_index(f.early, as_of, weeks)] += f.amount
        weights: Counter[int] = Counter()
        for day, weight in f.spread:
            weights[week_index(day, as_of, weeks)] += weight
        for k, part in split(f.amount, weights, currency).items():
            cells["expected"][k] += part
    monday = as_of - timedelta(days=as_of.weekday())
    rows = [WeekForecast(monday + timedelta(weeks=k), cells["low"][k], cells["expected"][k],
                         cells["high"][k]) for k in range(weeks + 1)]
    return CashForecast(as_of, currency, tuple(rows[:weeks]), rows[weeks])


def cash_forecast(invoices: Sequence[Invoice], allocations: Sequence[Allocation],
                  promises: Sequence[Promise], as_of: date, currency: str,
                  settings: ForecastSettings = ForecastSettings()) -> CashForecast:
    """The 13-week cash-in forecast in ``currency`` at ``as_of``."""
    found = predict(invoices, allocations, promises, as_of, currency, settings)
    return weekly(found, as_of, currency, settings.weeks)


# --- back-test ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class History:
    """Everything that happened, including what came after the replayed days."""

    invoices: tuple[Invoice, ...]
    allocations: tuple[Allocation, ...]
    promises: tuple[Promise, ...] = ()


@dataclass(frozen=True, slots=True)
class BacktestResult:
    """Accuracy of a predictor replayed on past days.

    ``median_error_days``: median over (day, invoice later paid in full) of
    |predicted median date − actual payment date|. ``weekly_error``: mean over
    (day, week) of |expected − actual cash| for the invoices open that day;
    ``weekly_error_share`` = Σ |expected − actual| / Σ actual × 100.
    """

    median_error_days: float
    weekly_error: Decimal
    weekly_error_share: Decimal | None
    invoices: int
    weeks: int


def backtest(history: History, as_of_dates: Iterable[date], currency: str,
             predictor: Predictor = predict,
             settings: ForecastSettings = ForecastSettings()) -> BacktestResult:
    """Replay ``predictor`` at each of ``as_of_dates`` and compare with what happened."""
    final = allocated_by_invoice(history.allocations, date.max)
    errors: list[int] = []
    week_errors: list[Decimal] = []
    actual_total = ZERO
    for as_of in as_of_dates:
        found = predictor(history.invoices, history.allocations, history.promises, as_of,
                          currency, settings)
        errors += _date_errors(found, final)
        cash = _actual_weeks(found, history.allocations, as_of, settings.weeks)
        plan = weekly(found, as_of, currency, settings.weeks)
        week_errors += [abs(w.expected - cash[k]) for k, w in enumerate(plan.weeks)]
        actual_total += sum((cash[k] for k in range(settings.weeks)), ZERO)
    total_error = sum(week_errors, ZERO)
    return BacktestResult(
        float(statistics.median(errors)) if errors else 0.0,
        two_places(total_error / len(week_errors)) if week_errors else ZERO,
        two_places(total_error * 100 / actual_total) if actual_total else None,
        len(errors), len(week_errors))


def _date_errors(found: list[InvoiceForecast], final: dict[str, list[Allocation]]) -> list[int]:
    """|median − actual| in days per invoice, using its largest forecast part."""
    main: dict[str, InvoiceForecast] = {}
    for f in found:
        if f.invoice.number not in main or f.amount > main[f.invoice.number].amount:
            main[f.invoice.number] = f
    result = []
    for f in main.values():
        paid = settled_on(f.invoice, final)
        if paid is not None:
            result.append(abs((f.median - paid).days))
    return result


def _actual_weeks(found: list[InvoiceForecast], allocations: Iterable[Allocation],
                  as_of: date, weeks: int) -> dict[int, Decimal]:
    """Cash actually allocated after ``as_of`` to the invoices forecast, per week."""
    numbers = {f.invoice.number for f in found}
    result: dict[int, Decimal] = defaultdict(Decimal)
    for a in allocations:
        if a.invoice in numbers and a.date > as_of:
            result[week_index(a.date, as_of, weeks)] += a.amount
    return result
