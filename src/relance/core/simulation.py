"""Replay a dunning policy over a period, day by day, as the daily run would.

spec/scenario.md, "How a day is replayed": for each day, in order, invoices
that become known join the book (and take the customer's unallocated credit),
that day's credit notes and payments are allocated in file order, that day's
events apply, promises are checked (kept / broken), then the day's steps are
decided. Nothing happened before the period's first day: what is dated earlier
is applied on that first day, and an invoice already overdue then starts its
sequence by the catch-up rule.

The decisions come from the very same functions the daily run calls
(``dunning.due_step``, ``actions.group``); this module only keeps the book.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from relance.core.actions import Action, Customer, group
from relance.core.calendar import BusinessCalendar
from relance.core.dunning import Decision, due_steps
from relance.core.holds import (
    KEPT,
    CustomerHold,
    Dispute,
    Promise,
    allocated_to,
    check_promise,
    held,
)
from relance.core.ledger import Credit, Invoice, allocate, payment_order
from relance.core.penalties import fixed_indemnity, late_interest
from relance.core.policy import Policy
from relance.core.rates import RateTable

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Event:
    """A dated event of a scenario: promise, dispute, resolve_dispute, pause, litigation."""

    day: date
    type: str
    invoices: tuple[str, ...] = ()
    customer: str = ""
    until: date | None = None
    amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    policy: Policy
    start: date
    end: date
    customers: tuple[Customer, ...]
    invoices: tuple[Invoice, ...]
    credits: tuple[Credit, ...] = ()
    events: tuple[Event, ...] = ()
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar)
    currency: str = "EUR"


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    day: date
    type: str  # promise_kept or promise_broken
    invoices: tuple[str, ...]


@dataclass
class Book:
    """The simulated ledger and dunning state; mutated only by ``Simulator``."""

    known: dict[str, Invoice] = field(default_factory=dict)
    balances: dict[str, Decimal] = field(default_factory=dict)
    allocations: dict[str, list[tuple[date, Decimal]]] = field(
        default_factory=lambda: defaultdict(list))
    credit: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    done: dict[str, dict[str, date]] = field(default_factory=lambda: defaultdict(dict))
    promises: list[Promise] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    customer_holds: dict[str, list[CustomerHold]] = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True, slots=True)
class SimulationResult:
    actions: tuple[Action, ...]
    events: tuple[TimelineEvent, ...]
    book: Book


class Simulator:
    """Keeps a scenario's book and advances it one day at a time."""

    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        self.book = Book()
        self.actions: list[Action] = []
        self.events: list[TimelineEvent] = []
        self.customers = {c.ref: c for c in scenario.customers}

    def run(self) -> SimulationResult:
        day = self.s.start
        while day <= self.s.end:
            self.advance(day)
            day += timedelta(days=1)
        return SimulationResult(tuple(self.actions), tuple(self.events), self.book)

    def _on(self, when: date, day: date) -> bool:
        """Whether something dated ``when`` happens on ``day`` (earlier: on the first day)."""
        return when == day or (day == self.s.start and when < day)

    def advance(self, day: date) -> None:
        joining = [inv for inv in self.s.invoices if self._on(inv.known, day)]
        for inv in joining:
            self._join(inv)
        for pocket in dict.fromkeys((inv.customer, inv.currency) for inv in joining):
            self._use_credit(pocket, day)
        for credit in self.s.credits:
            if self._on(credit.date, day):
                self._allocate(credit, day)
        for event in self.s.events:
            if self._on(event.day, day):
                self._apply(event)
        self._check_promises(day)
        self._decide(day)

    def _join(self, inv: Invoice) -> None:
        self.book.known[inv.number] = inv
        self.book.balances[inv.number] = inv.amount

    def _use_credit(self, pocket: tuple[str, str], day: date) -> None:
        """The customer's unallocated credit goes to the invoices that just joined
        (with the others still open), oldest due date first: the allocation rule."""
        customer, currency = pocket
        if self.book.credit[pocket] > 0:
            carried = Credit(f"credit:{customer}", customer, day, self.book.credit[pocket],
                             currency)
            self.book.credit[pocket] = ZERO
            self._allocate(carried, day)

    def _allocate(self, credit: Credit, day: date) -> None:
        allocations, left = allocate(credit, self.book.known.values(), self.book.balances, day)
        for a in allocations:
            self.book.balances[a.invoice] -= a.amount
            self.book.allocations[a.invoice].append((credit.date, a.amount))
        self.book.credit[(credit.customer, credit.currency)] += left

    def _apply(self, event: Event) -> None:
        handler: dict[str, Callable[[Event], None]] = {
            "promise": self._promise, "dispute": self._dispute,
            "resolve_dispute": self._resolve, "pause": self._pause,
            "litigation": self._litigation,
        }
        handler[event.type](event)

    def _promise(self, e: Event) -> None:
        key = f"promise:{len(self.book.promises) + 1}"
        self.book.promises.append(Promise(key, e.day, e.until or e.day, frozenset(e.invoices),
                                          e.amount))

    def _dispute(self, e: Event) -> None:
        self.book.disputes += [Dispute(n, e.day) for n in e.invoices]

    def _resolve(self, e: Event) -> None:
        self.book.disputes = [replace(d, resolved_on=e.day)
                              if d.invoice in e.invoices and d.resolved_on is None else d
                              for d in self.book.disputes]

    def _pause(self, e: Event) -> None:
        self.book.customer_holds[e.customer].append(CustomerHold("pause", e.day, e.until))

    def _litigation(self, e: Event) -> None:
        self.book.customer_holds[e.customer].append(CustomerHold("litigation", e.day))

    def _check_promises(self, day: date) -> None:
        grace, threshold = self.s.policy.promise_grace, self.s.policy.threshold
        updated = []
        for p in self.book.promises:
            covered = sum((self.book.balances.get(n, ZERO) for n in p.invoices), ZERO)
            since = allocated_to(p.invoices, self.book.allocations, p.made_on)
            q = check_promise(p, covered, since, day, grace, threshold)
            if q.status != p.status:
                self._record(q)
            updated.append(q)
        self.book.promises = updated

    def _record(self, p: Promise) -> None:
        kind = "promise_kept" if p.status == KEPT else "promise_broken"
        numbers = sorted(p.invoices, key=self._order)
        self.events.append(TimelineEvent(p.closed_on or p.made_on, kind, tuple(numbers)))

    def _order(self, number: str) -> tuple:
        inv = self.book.known.get(number)
        return payment_order(inv) if inv else (date.max, number)

    def _decide(self, day: date) -> None:
        decisions = []
        for number, inv in self.book.known.items():
            balance = self.book.balances[number]
            for step in due_steps(inv, balance, self.book.done[number], self.s.policy,
                                  self.s.calendar, day, held=self._held(inv, day)):
                self.book.done[number][step.name] = day
                decisions.append(Decision(inv, step, day, balance))
        self.actions += group(decisions, self.customers, self.s.policy)

    def _held(self, inv: Invoice, day: date) -> bool:
        return held(inv.number, day, self.s.policy.promise_grace, self.book.promises,
                    self.book.disputes, self.book.customer_holds.get(inv.customer, []))


def simulate(scenario: Scenario) -> SimulationResult:
    """Replay ``scenario``; pure: the same scenario always gives the same result."""
    return Simulator(scenario).run()


def notice_day(result: SimulationResult, number: str) -> date | None:
    """The day of the formal notice (mise en demeure) that listed invoice ``number``."""
    return next((a.day for a in result.actions
                 if a.step.name == "formal_notice" and any(i.number == number for i in a.invoices)),
                None)


def invoice_penalties(scenario: Scenario, result: SimulationResult, inv: Invoice,
                      rates: RateTable) -> dict[str, Decimal]:
    """Late interest to the period's last day and the fixed indemnity, per the spec."""
    customer = next(c for c in scenario.customers if c.ref == inv.customer)
    reductions = sorted(result.book.allocations.get(inv.number, []))
    interest = late_interest(inv.amount, inv.due, reductions, scenario.end, rates,
                             consumer=customer.consumer,
                             notice_date=notice_day(result, inv.number), currency=inv.currency)
    indemnity = fixed_indemnity(inv.amount, inv.due, reductions, scenario.end,
                                consumer=customer.consumer, threshold=scenario.policy.threshold)
    return {"late_interest": interest.amount, "indemnity": indemnity}
