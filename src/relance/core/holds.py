"""What suspends the dunning sequence: promises, disputes, pauses and litigation.

spec/dunning-rules.md, rules 5 to 7:

- a **promise** made on day P for a date U covers some invoices from P through
  U + grace; it is *kept* on the first day of that window when the covered balance
  falls under the threshold, or, with an amount, when that much has been allocated
  to them since P (a promise of 500 on invoices then fully paid is kept too), and
  *broken* on U + grace + 1 otherwise;
- an open **dispute** holds its invoice until the day it is resolved;
- a **pause** holds a whole customer through a date, inclusive;
- **litigation** holds a whole customer from its date on.

Once a hold ends, the sequence resumes by the catch-up rule (rule 3): nothing here
needs to remember what was missed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from relance.core.calendar import later

OPEN, KEPT, BROKEN = "open", "kept", "broken"


@dataclass(frozen=True, slots=True)
class Promise:
    key: str
    made_on: date
    until: date
    invoices: frozenset[str]
    amount: Decimal | None = None
    status: str = OPEN
    closed_on: date | None = None

    def last_day(self, grace: int) -> date:
        """The last day of the window: the promised date plus the grace days."""
        return later(self.until, grace)

    def holds(self, invoice: str, day: date, grace: int) -> bool:
        return (self.status == OPEN and invoice in self.invoices
                and self.made_on <= day <= self.last_day(grace))


@dataclass(frozen=True, slots=True)
class Dispute:
    invoice: str
    opened_on: date
    resolved_on: date | None = None

    def holds(self, day: date) -> bool:
        return self.opened_on <= day and (self.resolved_on is None or day < self.resolved_on)


@dataclass(frozen=True, slots=True)
class CustomerHold:
    """A pause (``until`` inclusive) or litigation (``until`` None: from ``start`` on)."""

    kind: str  # "pause" or "litigation"
    start: date
    until: date | None = None

    def holds(self, day: date) -> bool:
        return self.start <= day and (self.until is None or day <= self.until)


def check_promise(promise: Promise, covered_balance: Decimal, allocated_since: Decimal,
                  day: date, grace: int, threshold: Decimal) -> Promise:
    """The promise as it stands at the end of ``day``'s allocations.

    ``covered_balance`` is what is still owed on its invoices; ``allocated_since``
    what was allocated to them since it was made.
    """
    if promise.status != OPEN or day < promise.made_on:
        return promise
    if day <= promise.last_day(grace):
        met = covered_balance < threshold or (
            promise.amount is not None and allocated_since >= promise.amount)
        return replace(promise, status=KEPT, closed_on=day) if met else promise
    return replace(promise, status=BROKEN, closed_on=later(promise.last_day(grace), 1))


def held(invoice: str, day: date, grace: int, promises: list[Promise],
         disputes: list[Dispute], customer_holds: list[CustomerHold]) -> bool:
    """Whether any promise, dispute, pause or litigation stops steps for ``invoice``."""
    return (any(h.holds(day) for h in customer_holds)
            or any(d.holds(day) for d in disputes if d.invoice == invoice)
            or any(p.holds(invoice, day, grace) for p in promises))


def hold_end(invoice: str, day: date, grace: int, promises: list[Promise],
             disputes: list[Dispute], customer_holds: list[CustomerHold]) -> date | None:
    """The first day after ``day`` the invoice may be free again, or None if open-ended.

    Used to plan the next decision date; the caller re-plans on any new event.
    """
    ends: list[date] = []
    for h in customer_holds:
        if h.holds(day):
            if h.until is None:
                return None
            ends.append(later(h.until, 1))
    for d in disputes:
        if d.invoice == invoice and d.holds(day):
            return None  # a dispute ends only when someone resolves it
    ends += [later(p.last_day(grace), 1) for p in promises
             if p.holds(invoice, day, grace)]
    return max(ends) if ends else day


def allocated_to(invoices: frozenset[str], allocations: Mapping[str, list[tuple[date, Decimal]]],
                 since: date) -> Decimal:
    """Total allocated to ``invoices`` on or after ``since``."""
    return sum((amount for number in invoices for when, amount in allocations.get(number, [])
                if when >= since), Decimal(0))
