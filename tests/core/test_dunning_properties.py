"""Properties of the dunning engine over random small books (spec/dunning-rules.md).

Random books (1-4 customers, 1-6 invoices, payments, credit notes, promises, disputes,
pauses, litigation, a 90-day period, the standard or a random policy) are replayed by
``simulation.simulate``. Each property is checked against a *reference replay* written
here from the spec, independently of the engine: its own ledger (allocation by named
invoices, then oldest due date, then unallocated credit carried to the next invoice),
its own holds (promise windows P..U+grace ending when kept, open disputes, pauses,
litigation) and its own calendar (``holidays`` directly, not ``BusinessCalendar``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import holidays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relance.core.actions import Contact, Customer
from relance.core.ledger import Credit, Invoice
from relance.core.policy import STANDARD, Policy, Step
from relance.core.simulation import Event, Scenario, SimulationResult, simulate

ONE_DAY = timedelta(days=1)
PERIOD_DAYS = 90
FIRST_START = date(2024, 1, 1)
FR_HOLIDAYS = holidays.country_holidays("FR", years=range(2023, 2028))
NUMBERS = ("F-1", "F-12", "F-123", "F-2", "A-7", "A-70")
CUSTOMERS = ("C0", "C1", "C2", "C3")
PROPERTY = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- random books ----------------------------------------------------------------------


def amounts() -> st.SearchStrategy[Decimal]:
    cents = st.integers(min_value=1, max_value=300_000).map(lambda c: Decimal(c) / 100)
    return st.one_of(cents, st.sampled_from([Decimal(v) for v in ("0.50", "1.00", "1.01")]))


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    """The standard policy or a random one (pre-due targets may share a business day,
    ``min_gap`` may be 0)."""
    if draw(st.booleans()):
        return STANDARD
    pre = draw(st.lists(st.integers(-15, -1), max_size=3, unique=True))
    post = draw(st.lists(st.integers(0, 50), min_size=1, max_size=4, unique=True))
    channels = st.lists(st.sampled_from(("email", "call", "letter", "task")), min_size=1,
                        max_size=2, unique=True).map(tuple)
    steps = tuple(Step(f"s{i}", draw(channels), offset)
                  for i, offset in enumerate(sorted(pre) + sorted(post)))
    return Policy("random", steps, min_gap=draw(st.integers(0, 10)),
                  threshold=draw(st.sampled_from([Decimal("0.01"), Decimal("1.00"),
                                                  Decimal("50.00")])),
                  promise_grace=draw(st.integers(0, 5)))


CONTACTS = {
    "ap": (Contact("ap@example.com"),),
    "business": (Contact("boss@example.com", role="business"),),
    "unusable": (Contact("", role="accounts_payable"), Contact("nope", role="business")),
    "none": (),
}


@st.composite
def books(draw: st.DrawFn) -> Scenario:
    start = FIRST_START + timedelta(days=draw(st.integers(0, 800)))
    end = start + timedelta(days=PERIOD_DAYS - 1)
    refs = CUSTOMERS[:draw(st.integers(1, 4))]
    customers = tuple(Customer(r, r, draw(st.sampled_from(("b2b", "b2c"))), "fr",
                               CONTACTS[draw(st.sampled_from(sorted(CONTACTS)))])
                      for r in refs)
    invoices = [draw(invoices_of(number, refs, start))
                for number in NUMBERS[:draw(st.integers(1, 6))]]
    numbers = [i.number for i in invoices]
    credits = tuple(draw(credits_of(refs, numbers, start, end, i))
                    for i in range(draw(st.integers(0, 6))))
    events = tuple(draw(events_of(refs, numbers, start, end))
                   for _ in range(draw(st.integers(0, 4))))
    return Scenario(draw(policies()), start, end, customers, tuple(invoices), credits, events)


@st.composite
def invoices_of(draw: st.DrawFn, number: str, refs, start: date) -> Invoice:
    """Issued around the period; due 0-60 days later; sometimes imported late (or early)."""
    issued = start + timedelta(days=draw(st.integers(-60, 80)))
    shift = draw(st.one_of(st.none(), st.integers(-5, 40)))
    return Invoice(number, draw(st.sampled_from(refs)), issued,
                   issued + timedelta(days=draw(st.integers(0, 60))), draw(amounts()),
                   draw(st.sampled_from(("EUR", "EUR", "EUR", "GBP"))),
                   None if shift is None else issued + timedelta(days=shift))


@st.composite
def credits_of(draw: st.DrawFn, refs, numbers, start, end, index: int) -> Credit:
    words = draw(st.lists(st.sampled_from(["VIR", "paiement", "fact.", *numbers]), max_size=3))
    named = draw(st.lists(st.sampled_from(numbers), max_size=2, unique=True))
    explicit = draw(st.one_of(st.just({}), st.dictionaries(
        st.sampled_from(numbers), amounts(), max_size=1)))
    return Credit(f"K{index}", draw(st.sampled_from(refs)),
                  start + timedelta(days=draw(st.integers(-20, (end - start).days))),
                  draw(amounts()), draw(st.sampled_from(("EUR", "EUR", "GBP"))),
                  draw(st.sampled_from(("payment", "credit_note"))),
                  draw(st.sampled_from((" ", "/", ", "))).join(words),
                  tuple(named) if draw(st.booleans()) else (), explicit)


@st.composite
def events_of(draw: st.DrawFn, refs, numbers, start, end) -> Event:
    when = start + timedelta(days=draw(st.integers(1, (end - start).days)))
    kind = draw(st.sampled_from(("promise", "promise", "dispute", "resolve_dispute",
                                 "pause", "litigation")))
    covered = tuple(draw(st.lists(st.sampled_from(numbers), min_size=1, max_size=3,
                                  unique=True)))
    until = when + timedelta(days=draw(st.integers(0, 25)))
    if kind == "promise":
        return Event(when, kind, covered, until=until,
                     amount=draw(st.one_of(st.none(), amounts())))
    if kind in ("dispute", "resolve_dispute"):
        return Event(when, kind, covered)
    return Event(when, kind, customer=draw(st.sampled_from(refs)),
                 until=until if kind == "pause" else None)


# --- the reference replay ---------------------------------------------------------------


def business(day: date) -> bool:
    return day.weekday() < 5 and day not in FR_HOLIDAYS


def previous_business(day: date) -> date:
    while not business(day):
        day -= ONE_DAY
    return day


def number_order(number: str) -> tuple[str, int]:
    prefix, digits = number.rsplit("-", 1)
    return prefix.lower(), int(digits)


def oldest_first(inv: Invoice) -> tuple:
    return inv.due, number_order(inv.number)


def tokens(reference: str) -> set[str]:
    return {t for t in re.split(r"[\s/,;:]+", reference.lower()) if t}


@dataclass
class PromiseState:
    made: date
    last: date  # U + grace
    invoices: frozenset[str]
    amount: Decimal | None
    status: str = "open"


@dataclass
class Replay:
    """Per-day state of the reference replay."""

    balances: dict[date, dict[str, Decimal]] = field(default_factory=dict)
    held: dict[date, set[str]] = field(default_factory=dict)
    decisions: set[tuple[str, str, date]] = field(default_factory=set)
    events: list[tuple[date, str, frozenset[str]]] = field(default_factory=list)
    final: dict[str, Decimal] = field(default_factory=dict)


class Reference:
    """The spec's day loop, in the plainest code: joins, money, events, promises, steps."""

    def __init__(self, s: Scenario) -> None:
        self.s, self.out = s, Replay()
        self.known: dict[str, Invoice] = {}
        self.bal: dict[str, Decimal] = {}
        self.pocket: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        self.log: list[tuple[date, str, Decimal]] = []
        self.promises: list[PromiseState] = []
        self.disputed: set[str] = set()
        self.pauses: list[tuple[str, date, date]] = []
        self.litigation: dict[str, date] = {}
        self.done: dict[str, dict[str, date]] = defaultdict(dict)

    def run(self) -> Replay:
        day = self.s.start
        while day <= self.s.end:
            self.day(day)
            day += ONE_DAY
        self.out.final = dict(self.bal)
        return self.out

    def happens(self, when: date, day: date) -> bool:
        return when == day or (day == self.s.start and when < day)

    def day(self, day: date) -> None:
        joined = set()
        for inv in self.s.invoices:
            if self.happens(inv.known_from or inv.issued, day):
                self.known[inv.number], self.bal[inv.number] = inv, inv.amount
                joined.add((inv.customer, inv.currency))
        for customer, currency in sorted(joined):
            carried = self.pocket.pop((customer, currency), Decimal(0))
            if carried > 0:
                self.spread(day, customer, currency, carried, {}, set())
        for c in self.s.credits:
            if self.happens(c.date, day):
                self.spread(day, c.customer, c.currency, c.amount, c.allocations,
                            set(c.applies_to) | {n for n in self.known
                                                 if n.lower() in tokens(c.reference)})
        for e in self.s.events:
            if e.day == day:
                self.apply(e)
        self.check_promises(day)
        self.out.balances[day] = dict(self.bal)
        self.out.held[day] = {n for n in self.known if self.is_held(self.known[n], day)}
        self.decide(day)

    def spread(self, day, customer, currency, amount, explicit, named) -> None:
        open_ = sorted((i for i in self.known.values() if i.customer == customer
                        and i.currency == currency and self.bal[i.number] > 0), key=oldest_first)
        left = amount
        numbers = {i.number for i in open_}

        def take(number: str, wanted: Decimal) -> None:
            nonlocal left
            part = min(wanted, self.bal[number], left)
            if part > 0:
                self.bal[number] -= part
                left -= part
                self.log.append((day, number, part))

        for number, wanted in explicit.items():
            if number in numbers:
                take(number, wanted)
        for inv in open_:
            if inv.number in named:
                take(inv.number, self.bal[inv.number])
        for inv in open_:
            take(inv.number, self.bal[inv.number])
        self.pocket[(customer, currency)] += left

    def apply(self, e: Event) -> None:
        grace = timedelta(days=self.s.policy.promise_grace)
        if e.type == "promise":
            self.promises.append(PromiseState(e.day, e.until + grace, frozenset(e.invoices),
                                              e.amount))
        elif e.type == "dispute":
            self.disputed |= set(e.invoices)
        elif e.type == "resolve_dispute":
            self.disputed -= set(e.invoices)
        elif e.type == "pause":
            self.pauses.append((e.customer, e.day, e.until))
        else:
            self.litigation.setdefault(e.customer, e.day)

    def check_promises(self, day: date) -> None:
        """Kept on the first day the covered balance is under the threshold or, with an
        amount, that much was allocated since P; else broken on U + grace + 1."""
        for p in self.promises:
            if p.status != "open":
                continue
            if day > p.last:
                p.status = "broken"
                self.out.events.append((day, "promise_broken", p.invoices))
                continue
            covered = sum((self.bal.get(n, Decimal(0)) for n in p.invoices), Decimal(0))
            since = sum((a for d, n, a in self.log if n in p.invoices and d >= p.made),
                        Decimal(0))
            by_amount = p.amount is not None and since >= p.amount
            by_balance = covered < self.s.policy.threshold
            if by_amount or by_balance:
                p.status = "kept"
                self.out.events.append((day, "promise_kept", p.invoices))

    def is_held(self, inv: Invoice, day: date) -> bool:
        c = inv.customer
        return (self.litigation.get(c, date.max) <= day
                or any(r == c and a <= day <= b for r, a, b in self.pauses)
                or inv.number in self.disputed
                or any(p.status == "open" and inv.number in p.invoices
                       and p.made <= day <= p.last for p in self.promises))

    def decide(self, day: date) -> None:
        if not business(day):
            return
        for number, inv in self.known.items():
            if number in self.out.held[day] or self.bal[number] < self.s.policy.threshold:
                continue
            for step in self.due(inv, day):
                self.done[number][step.name] = day
                self.out.decisions.add((number, step.name, day))

    def due(self, inv: Invoice, day: date) -> list[Step]:
        """Every step due that day: pre-due ones on their shifted day (rule 2), then
        post-due ones in order while target and gap allow (rule 3; min_gap 0 allows
        several the same day)."""
        policy, done = self.s.policy, dict(self.done[inv.number])
        steps = [step for step in policy.pre_due_steps if step.name not in done
                 and day >= inv.issued
                 and previous_business(inv.due + timedelta(days=step.offset)) == day]
        for step in policy.post_due_steps:
            if step.name in done:
                continue
            earliest = inv.due + timedelta(days=step.offset)
            posts = [done[s.name] for s in policy.post_due_steps if s.name in done]
            if posts:
                earliest = max(earliest, max(posts) + timedelta(days=policy.min_gap))
            if day < earliest:
                break
            steps.append(step)
            done[step.name] = day
        return steps


def replay(s: Scenario) -> tuple[SimulationResult, Replay]:
    return simulate(s), Reference(s).run()


def sent(result: SimulationResult):
    """(action, invoice, balance) for every invoice line of every action."""
    return [(a, inv, b) for a in result.actions for inv, b in zip(a.invoices, a.balances,
                                                                    strict=True)]


# --- properties --------------------------------------------------------------------------


@PROPERTY
@given(books())
def test_no_action_on_a_non_business_day(s: Scenario) -> None:
    assert all(business(a.day) for a in simulate(s).actions)


@PROPERTY
@given(books())
def test_nothing_under_the_threshold_and_amounts_are_that_days_balances(s: Scenario) -> None:
    result, ref = replay(s)
    for action, inv, balance in sent(result):
        assert balance == ref.balances[action.day][inv.number]
        assert balance >= s.policy.threshold
    for a in result.actions:
        assert a.amount_due == sum((ref.balances[a.day][i.number] for i in a.invoices),
                                   Decimal(0))


@PROPERTY
@given(books())
def test_each_step_once_and_post_due_steps_in_order_and_apart(s: Scenario) -> None:
    result = simulate(s)
    fired: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for action, inv, _ in sent(result):
        fired[inv.number].append((action.day, action.step.name))
    invoices = {i.number: i for i in s.invoices}
    post = [step.name for step in s.policy.post_due_steps]
    for number, steps in fired.items():
        names = [name for _, name in steps]
        assert len(names) == len(set(names)), number
        posts = sorted((d, post.index(name)) for d, name in steps if name in post)
        assert [i for _, i in posts] == list(range(len(posts))), number
        for (before, _), (after, _) in zip(posts, posts[1:], strict=False):
            assert (after - before).days >= s.policy.min_gap
        inv = invoices[number]
        for d, i in posts:
            assert d >= inv.due + timedelta(days=s.policy.post_due_steps[i].offset)
            assert d >= (inv.known_from or inv.issued)


@PROPERTY
@given(books())
def test_nothing_while_a_promise_dispute_pause_or_litigation_holds(s: Scenario) -> None:
    result, ref = replay(s)
    for action, inv, _ in sent(result):
        assert inv.number not in ref.held[action.day], (action.day, inv.number)


@PROPERTY
@given(books())
def test_pre_due_steps_on_their_shifted_day_only(s: Scenario) -> None:
    for action, inv, _ in sent(simulate(s)):
        step = action.step
        if step.offset < 0:
            assert action.day == previous_business(inv.due + timedelta(days=step.offset))
            assert action.day < inv.due
            assert action.day >= inv.issued and action.day >= (inv.known_from or inv.issued)


@PROPERTY
@given(books())
def test_actions_group_one_customer_step_day_and_currency(s: Scenario) -> None:
    result = simulate(s)
    keys = [(a.day, a.customer.ref, a.step.name, a.currency) for a in result.actions]
    assert len(keys) == len(set(keys))
    for a in result.actions:
        assert {i.customer for i in a.invoices} == {a.customer.ref}
        assert {i.currency for i in a.invoices} == {a.currency}
        assert list(a.invoices) == sorted(a.invoices, key=oldest_first)
        reachable = any(c.usable for c in a.customer.contacts)
        assert ("email" in a.channels) == (reachable and "email" in a.step.channels)
        assert bool(a.to) == ("email" in a.channels)
    order = [(a.day, a.customer.ref, s.policy.order(a.step.name)) for a in result.actions]
    assert order == sorted(order)


@PROPERTY
@given(books())
def test_balances_agree_with_the_reference_ledger(s: Scenario) -> None:
    result, ref = replay(s)
    assert result.book.balances == ref.final


@PROPERTY
@given(books())
def test_the_result_is_deterministic(s: Scenario) -> None:
    def summary(r: SimulationResult):
        return ([(a.day, a.customer.ref, a.step.name, a.channels,
                  tuple(i.number for i in a.invoices), a.balances, a.to) for a in r.actions],
                list(r.events), dict(r.book.balances))

    assert summary(simulate(s)) == summary(simulate(s))


@PROPERTY
@given(books())
def test_steps_and_events_are_exactly_those_of_the_reference_replay(s: Scenario) -> None:
    """The reference replay predicts every step sent and every promise kept or broken."""
    result, ref = replay(s)
    got = {(inv.number, a.step.name, a.day) for a, inv, _ in sent(result)}
    assert got == ref.decisions
    events = [(e.day, e.type, frozenset(e.invoices)) for e in result.events]
    assert sorted(events, key=str) == sorted(ref.events, key=str)
