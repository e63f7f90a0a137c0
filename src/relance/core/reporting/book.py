"""The book as it stood on a past day: what every report reads first.

A report at ``as_of`` sees the invoices issued on or before that day and the
allocations dated on or before it, nothing later, so a report run today for
31 March gives the figures 31 March had (a back-dated report is right). An
invoice's balance is its amount minus what was allocated to it
(spec/dunning-rules.md, "Allocation of money"); it is *settled* on the day its
balance first reaches zero.

Ratios are ``Decimal`` percentages rounded half-up to two decimals
(``Decimal('37.50')``), the way a French dashboard prints them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from relance.core.ledger import Allocation, Invoice

ZERO = Decimal(0)
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Period:
    """The days from ``start`` through ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def two_places(value: Decimal) -> Decimal:
    """``value`` rounded half-up to two decimals (how every ratio is shown)."""
    return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part / whole × 100`` to two decimals; None when ``whole`` is zero."""
    return two_places(part * 100 / whole) if whole else None


def of_currency(invoices: Iterable[Invoice], currency: str) -> list[Invoice]:
    """The invoices in ``currency``; every report keeps currencies apart."""
    return [inv for inv in invoices if inv.currency == currency]


def issued_by(invoices: Iterable[Invoice], as_of: date) -> list[Invoice]:
    """The invoices that existed at the end of ``as_of``."""
    return [inv for inv in invoices if inv.issued <= as_of]


def allocated_by_invoice(allocations: Iterable[Allocation], as_of: date,
                         ) -> dict[str, list[Allocation]]:
    """Allocations dated on or before ``as_of``, per invoice number, oldest first."""
    result: dict[str, list[Allocation]] = defaultdict(list)
    for a in sorted(allocations, key=lambda a: a.date):
        if a.date <= as_of:
            result[a.invoice].append(a)
    return result


def balance_at(invoice: Invoice, paid: dict[str, list[Allocation]]) -> Decimal:
    """What was still owed on ``invoice`` given the allocations in ``paid``."""
    return invoice.amount - sum((a.amount for a in paid.get(invoice.number, ())), ZERO)


def open_balances(invoices: Iterable[Invoice], allocations: Iterable[Allocation],
                  as_of: date) -> list[tuple[Invoice, Decimal]]:
    """Each invoice existing at ``as_of`` with a non-zero balance, and that balance."""
    paid = allocated_by_invoice(allocations, as_of)
    pairs = ((inv, balance_at(inv, paid)) for inv in issued_by(invoices, as_of))
    return [(inv, owed) for inv, owed in pairs if owed != 0]


def receivables(invoices: Iterable[Invoice], allocations: Iterable[Allocation],
                as_of: date) -> Decimal:
    """Open receivables at the end of ``as_of``: the sum of open invoice balances.

    Unallocated credit is not deducted: it is shown in its own column of the
    aged balance, and deducting it would hide overdue invoices behind money the
    customer meant for something else.
    """
    return sum((owed for _, owed in open_balances(invoices, allocations, as_of)), ZERO)


def sales(invoices: Iterable[Invoice], period: Period) -> Decimal:
    """Amount (incl. VAT, like receivables) of the invoices issued in ``period``."""
    return sum((inv.amount for inv in invoices if inv.issued in period), ZERO)


def settled_on(invoice: Invoice, paid: dict[str, list[Allocation]]) -> date | None:
    """The date of the allocation that brought the balance to zero, or None if still open."""
    owed = invoice.amount
    for a in paid.get(invoice.number, ()):
        owed -= a.amount
        if owed <= 0:
            return a.date
    return None


def settlements(invoices: Iterable[Invoice], allocations: Iterable[Allocation],
                as_of: date) -> Iterator[tuple[Invoice, date]]:
    """Each invoice fully paid by ``as_of`` with its settlement date."""
    paid = allocated_by_invoice(allocations, as_of)
    for inv in invoices:
        day = settled_on(inv, paid)
        if day is not None:
            yield inv, day


def day_before(day: date) -> date:
    return day - timedelta(days=1)
