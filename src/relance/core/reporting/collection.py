"""Collection work and its results: lateness, promises, steps, collectors.

An invoice is *paid* on the day its balance reaches zero (``book.settled_on``);
partly paid invoices are not counted until then.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relance.core.holds import BROKEN, KEPT, OPEN, Promise
from relance.core.ledger import Allocation, Credit, Invoice
from relance.core.reporting.book import ZERO, Period, of_currency, percent, settlements, two_places

BEFORE_ANY_STEP = ""


def paid_in(invoices: Iterable[Invoice], allocations: Iterable[Allocation],
            period: Period, currency: str) -> list[tuple[Invoice, date]]:
    """The invoices in ``currency`` whose settlement date falls in ``period``."""
    done = settlements(of_currency(invoices, currency), allocations, period.end)
    return [(inv, day) for inv, day in done if day in period]


def days_late(invoice: Invoice, paid_on: date) -> int:
    """Days between the due date and payment; an early payment is 0 days late, not negative,
    so early payers cannot offset late ones in an average."""
    return max(0, (paid_on - invoice.due).days)


@dataclass(frozen=True, slots=True)
class DaysLate:
    """Average days late of ``count`` invoices paid in a period (None when count is 0).

    simple = Σ days_i / n; weighted = Σ (amount_i × days_i) / Σ amount_i, where
    amount_i is the invoice amount including VAT. Both to two decimals.
    """

    count: int
    simple: Decimal | None
    weighted: Decimal | None


def average_days_late(invoices: Iterable[Invoice], allocations: Iterable[Allocation],
                      period: Period, currency: str) -> DaysLate:
    """Average days late of the invoices paid in ``period``, simple and amount-weighted."""
    paid = paid_in(invoices, allocations, period, currency)
    if not paid:
        return DaysLate(0, None, None)
    days = [Decimal(days_late(inv, day)) for inv, day in paid]
    amounts = [inv.amount for inv, _ in paid]
    weighted = sum((a * d for a, d in zip(amounts, days, strict=True)), ZERO)
    total = sum(amounts, ZERO)
    return DaysLate(len(paid), two_places(sum(days, ZERO) / len(paid)),
                    two_places(weighted / total) if total else None)


def on_time_share(invoices: Iterable[Invoice], allocations: Iterable[Allocation],
                  period: Period, currency: str) -> Decimal | None:
    """Percent of the invoices paid in ``period`` that were paid on or before their due date.

    Counted in invoices, not amounts: (paid on time / paid) × 100. None if none was paid.
    """
    paid = paid_in(invoices, allocations, period, currency)
    on_time = sum(1 for inv, day in paid if day <= inv.due)
    return percent(Decimal(on_time), Decimal(len(paid)))


@dataclass(frozen=True, slots=True)
class PromiseTally:
    """Promises falling due in a period, by status; ``ratio`` = kept / (kept + broken) × 100."""

    kept: int
    broken: int
    open: int

    @property
    def ratio(self) -> Decimal | None:
        return percent(Decimal(self.kept), Decimal(self.kept + self.broken))


def promises_kept(promises: Iterable[Promise], period: Period) -> PromiseTally:
    """Tally of the promises whose promised date (``until``) is in ``period``.

    Open promises are counted apart and left out of the ratio: they are not
    decided yet (spec/dunning-rules.md rule 5 decides them at U + grace).
    """
    count = Counter(p.status for p in promises if p.until in period)
    return PromiseTally(count[KEPT], count[BROKEN], count[OPEN])


@dataclass(frozen=True, slots=True)
class StepEvent:
    """Step ``step`` of the scenario was carried out for ``invoice`` on ``day``."""

    invoice: str
    step: str
    day: date


def payments_only(allocations: Iterable[Allocation], credits: Iterable[Credit],
                  ) -> list[Allocation]:
    """The allocations that come from payments: a credit note recovers no money."""
    notes = {c.key for c in credits if c.kind == "credit_note"}
    return [a for a in allocations if a.source not in notes]


def recovered_by_step(steps: Iterable[StepEvent], allocations: Iterable[Allocation],
                      invoices: Iterable[Invoice], period: Period, currency: str,
                      ) -> dict[str, Decimal]:
    """Money allocated in ``period`` to invoices in ``currency``, per scenario step.

    An allocation dated D to an invoice is attributed to the invoice's last
    step carried out strictly before D: money allocated after a step and up to
    (and including) the day of the next step belongs to the first one, since a
    transfer dated the day a reminder goes out was already on its way. Money
    allocated before any step goes to ``BEFORE_ANY_STEP``. Pass payment
    allocations only (``payments_only``).
    """
    numbers = {inv.number for inv in of_currency(invoices, currency)}
    timeline: dict[str, list[StepEvent]] = defaultdict(list)
    for event in sorted(steps, key=lambda e: e.day):
        timeline[event.invoice].append(event)
    result: dict[str, Decimal] = defaultdict(Decimal)
    for a in allocations:
        if a.invoice in numbers and a.date in period:
            result[_step_before(timeline[a.invoice], a.date)] += a.amount
    return dict(result)


def _step_before(events: list[StepEvent], day: date) -> str:
    index = bisect_left([e.day for e in events], day)
    return events[index - 1].step if index else BEFORE_ANY_STEP


@dataclass(frozen=True, slots=True)
class CollectorAction:
    """Something a collector did: a call, an email sent, a letter, a note."""

    collector: str
    day: date
    kind: str = ""
    customer: str = ""


def actions_per_collector(actions: Iterable[CollectorAction], period: Period,
                          ) -> dict[str, int]:
    """Number of actions each collector carried out in ``period``, by collector name."""
    count = Counter(a.collector for a in actions if a.day in period)
    return dict(sorted(count.items()))
