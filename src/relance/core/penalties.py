"""French late-payment penalties: late interest and the 40 € fixed recovery indemnity.

B2B (the customer is a business), Code de commerce:

* **L441-10 II** - late interest is owed from the day after the due date, without any
  reminder. The rate is the one the contract (CGV) states, which may not be below three
  times the legal interest rate; without one, the ECB main refinancing rate in force on
  1 January (days in January-June) or 1 July (days in July-December) plus 10 points.
* **D441-5** - a fixed indemnity for recovery costs of 40 € per invoice paid late, whatever
  its amount. L441-10 II excludes it when insolvency proceedings (sauvegarde, redressement,
  liquidation judiciaire) forbid paying the claim when due.

B2C (the customer is a consumer), Code civil **1231-6** and **1344**: interest at the legal
rate runs only from the formal notice (mise en demeure); no fixed indemnity. The legal
rate is the one of the *creditor*: for a company, the rate "for all other cases" of Code
monétaire et financier **L313-2**, fixed per semester.

Every amount is a ``Decimal``; floats are refused. Rates are annual percentages.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from relance.core.money import quantum, to_decimal
from relance.core.rates import RateTable, Semester, SemesterRates, semester_of
from relance.errors import RateMissing

ONE_DAY = timedelta(days=1)
FIXED_INDEMNITY = Decimal("40.00")  # Code de commerce D441-5
ECB_MARGIN = Decimal("10")  # points added to the ECB rate, L441-10 II
LEGAL_FLOOR_FACTOR = Decimal("3")  # contractual rate >= 3 x legal rate, L441-10 II
DAYS_PER_YEAR = 365  # see late_interest: also in leap years

Reduction = tuple[date, Decimal]


@dataclass(frozen=True, slots=True)
class InterestPeriod:
    """Days ``start``..``end`` (inclusive) at one base and one annual rate (percent)."""

    start: date
    end: date
    days: int
    base: Decimal
    rate: Decimal
    amount: Decimal  # unrounded; the exact value is base x rate x days / 36500

    @property
    def exact(self) -> Fraction:
        return Fraction(self.base) * Fraction(self.rate) * self.days / (100 * DAYS_PER_YEAR)


@dataclass(frozen=True, slots=True)
class InterestResult:
    """Late interest of one invoice: rounded total, how it was computed, what to tell."""

    amount: Decimal
    breakdown: tuple[InterestPeriod, ...] = ()
    warnings: tuple[str, ...] = ()
    provisional: bool = False
    currency: str = "EUR"

    @property
    def exact(self) -> Fraction:
        """The unrounded sum, exactly: the one value ``amount`` is rounded from."""
        return sum((p.exact for p in self.breakdown), Fraction(0))


def late_interest(amount: Decimal, due: date, reductions: Sequence[Reduction], as_of: date,
                  rates: RateTable, *, consumer: bool = False, notice_date: date | None = None,
                  contractual_rate: Decimal | None = None, currency: str = "EUR",
                  provisional_ok: bool = False) -> InterestResult:
    """Late interest on an invoice of ``amount`` (VAT included) due on ``due``, to ``as_of``.

    ``reductions`` are the payments and credit notes allocated to the invoice, dated. The
    base of a day is the balance at its start: a payment dated D still bears interest on
    D and lowers the base from D + 1, so a debt paid in full on D has D as its last day.

    B2B (Code de commerce L441-10 II): interest runs from ``due`` + 1 at
    ``contractual_rate`` when given, raised to 3 x the legal rate "for all other cases" of
    the day's semester when below it (with a warning), else at the ECB rate of the day's
    semester + 10 points. B2C (``consumer``, Code civil 1231-6 and 1344): only from the day
    after ``notice_date`` (nothing without a formal notice), at the legal rate "for all
    other cases" (the creditor is a company, CMF L313-2).

    Interest = Σ base x rate/100 x days/365 over the periods of constant base and rate
    (split at 1 January and 1 July), rounded half-up to the cent once, from the exact
    sum. The year counts 365 days even in a leap year: L441-10 sets an annual rate and no
    day count, and dividing by 365 is the common French practice (the formula
    professional guides publish); Relance follows it.

    A semester missing from ``rates`` raises :class:`RateMissing` naming it, unless
    ``provisional_ok``: then the last known semester's rates are used, the result is
    marked ``provisional`` and a warning says so (screens and reports only, never a
    document).
    """
    first = _first_day(due, consumer, notice_date)
    if first is None:
        to_decimal(amount)  # still refuse a float
        return InterestResult(round_exact(Fraction(0), currency), currency=currency,
                              warnings=("no formal notice: a consumer owes no late "
                                        "interest before it (Code civil 1231-6)",))
    return interest_between(amount, reductions, first, as_of, rates, consumer=consumer,
                            contractual_rate=contractual_rate, currency=currency,
                            provisional_ok=provisional_ok)


def interest_between(amount: Decimal, reductions: Sequence[Reduction], first: date,
                     last: date, rates: RateTable, *, consumer: bool = False,
                     contractual_rate: Decimal | None = None, currency: str = "EUR",
                     provisional_ok: bool = False) -> InterestResult:
    """Interest on the days ``first``..``last`` (inclusive), rules as in :func:`late_interest`.

    ``late_interest`` is this from its first interest day; splitting the days at any date
    splits the exact sum in two parts that add up to it.
    """
    amount, cleaned = to_decimal(amount), _clean(reductions)
    contractual_rate = _contractual(contractual_rate)
    periods: list[InterestPeriod] = []
    notes: dict[str, None] = {}  # an ordered set: each warning once
    provisional = False
    for start, end in _segments(first, last, cleaned):
        base = amount - sum((v for d, v in cleaned if d < start), Decimal(0))
        if base <= 0:
            continue  # nothing owed on these days (paid, or more credited than invoiced)
        row, estimated = _rates_of(rates, semester_of(start), provisional_ok)
        rate, floor_note = _annual_rate(row, consumer, contractual_rate)
        provisional |= estimated
        notes.update(dict.fromkeys(_notes(start, row, estimated, floor_note)))
        periods.append(_period(start, end, base, rate))
    exact = sum((p.exact for p in periods), Fraction(0))
    return InterestResult(round_exact(exact, currency), tuple(periods), tuple(notes),
                          provisional, currency)


def fixed_indemnity(amount: Decimal, due: date, reductions: Sequence[Reduction], as_of: date,
                    *, consumer: bool = False, insolvency: bool = False,
                    threshold: Decimal = Decimal("1.00")) -> Decimal:
    """The 40 € fixed recovery indemnity (Code de commerce D441-5), or 0.00.

    Owed per invoice in B2B when, on ``as_of`` (after the due date), the balance at the
    start of ``due`` + 1 - after the reductions dated on or before ``due`` - is at least
    ``threshold`` (a few cents of bank fees left over do not trigger it). Later partial
    payments do not reduce it. Never owed by a consumer, nor when insolvency proceedings
    forbid paying the claim when due (L441-10 II).
    """
    amount, cleaned = to_decimal(amount), _clean(reductions)
    late_balance = amount - sum((v for d, v in cleaned if d <= due), Decimal(0))
    owed = (not consumer and not insolvency and as_of > due
            and late_balance >= to_decimal(threshold))
    return FIXED_INDEMNITY if owed else Decimal("0.00")


def round_exact(value: Fraction, currency: str = "EUR") -> Decimal:
    """``value`` rounded half away from zero to the currency's minor unit, in one step."""
    unit = quantum(currency)
    units = math.floor(abs(value) / Fraction(unit) + Fraction(1, 2))
    return (Decimal(units if value >= 0 else -units) * unit).quantize(unit)


def _clean(reductions: Sequence[Reduction]) -> tuple[Reduction, ...]:
    return tuple((day, to_decimal(value)) for day, value in reductions)


def _contractual(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else to_decimal(rate)


def _first_day(due: date, consumer: bool, notice_date: date | None) -> date | None:
    """B2B: the day after the due date. B2C: the day after the formal notice, not before."""
    if not consumer:
        return due + ONE_DAY
    if notice_date is None:
        return None
    return max(due, notice_date) + ONE_DAY


def _segments(first: date, last: date,
              reductions: Sequence[Reduction]) -> list[tuple[date, date]]:
    """Split ``first``..``last`` where the base (day after a reduction) or semester changes."""
    cuts = {day + ONE_DAY for day, _ in reductions}
    semester = semester_of(first).next()
    while semester.first_day <= last:
        cuts.add(semester.first_day)
        semester = semester.next()
    starts = sorted({first} | {c for c in cuts if first < c <= last})
    ends = [s - ONE_DAY for s in starts[1:]] + [last]
    return [(s, e) for s, e in zip(starts, ends, strict=True) if s <= e]


def _rates_of(rates: RateTable, semester: Semester,
              provisional_ok: bool) -> tuple[SemesterRates, bool]:
    """The semester's rates, or (when allowed) the last known ones as an estimate."""
    try:
        return rates.rates(semester), False
    except RateMissing:
        if not provisional_ok:
            raise
        return rates.last_known(semester), True


def _annual_rate(row: SemesterRates, consumer: bool,
                 contractual: Decimal | None) -> tuple[Decimal, str | None]:
    """The rate for a day of ``row``'s semester, and a warning when a floor applied."""
    if consumer:
        return row.legal_other, None
    if contractual is None:
        return row.ecb + ECB_MARGIN, None
    floor = LEGAL_FLOOR_FACTOR * row.legal_other
    if contractual >= floor:
        return contractual, None
    return floor, (f"contractual rate {contractual} % is below 3 x the legal rate of "
                   f"{row.semester} (3 x {row.legal_other} % = {floor} %, Code de commerce "
                   f"L441-10): {floor} % applied")


def _notes(day: date, row: SemesterRates, estimated: bool,
           floor_note: str | None) -> list[str]:
    notes = [f"rates of {semester_of(day)} unknown: estimated with those of "
             f"{row.semester} (provisional)"] if estimated else []
    return notes + ([floor_note] if floor_note else [])


def _period(start: date, end: date, base: Decimal, rate: Decimal) -> InterestPeriod:
    days = (end - start).days + 1
    return InterestPeriod(start, end, days, base, rate,
                          base * rate * days / Decimal(100 * DAYS_PER_YEAR))
