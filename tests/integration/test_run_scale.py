"""The daily run's bulk path: same actions as the pure engine, exactly once, crash-safe.

The run decides and records a chunk of customers at a time with bulk inserts; these
tests make the chunks tiny so that a few hundred generated invoices cross many chunk
boundaries (and customers with more same-day invoices than a chunk holds), then check:

- day after day, the recorded actions are exactly those of the pure simulator
  (``relance.core.simulation``), which decides invoice by invoice;
- running a day again records nothing;
- a run interrupted in the middle, then run again, ends with exactly the rows of an
  uninterrupted run;
- a row already recorded by another run makes the chunk fall back to recording action
  by action, skipping only that row.
"""

from __future__ import annotations

import functools
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from relance.core.actions import Contact, Customer
from relance.core.calendar import BusinessCalendar
from relance.core.ledger import Credit, Invoice
from relance.core.money import to_minor
from relance.core.policy import STANDARD
from relance.core.simulation import Event, Scenario, simulate
from relance.dunning import services
from relance.dunning.models import Action, StepRecord, Task, TimelineEntry
from relance.dunning.services import plan, run_day
from relance.ledger.models import Invoice as InvoiceRow
from relance.ledger.models import Organization

from . import replay as replay_module
from .replay import load_customers

START, END = date(2026, 1, 5), date(2026, 4, 17)
TINY_CHUNK = 3  # fewer invoices than one customer can have due on one day


@pytest.fixture(autouse=True)
def tiny_chunks(monkeypatch):
    monkeypatch.setattr(services, "CHUNK", TINY_CHUNK)


def generated(seed: int, customers: int = 10, invoices: int = 100,
              subdivision: str | None = None) -> Scenario:
    """A book as a collector sees it: monthly billing, some paid, a few holds."""
    rng = random.Random(seed)
    people = tuple(_customer(rng, n) for n in range(customers))
    books = [_invoice(rng, n, people[n % customers].ref) for n in range(invoices)]
    credits = tuple(_payment(rng, inv) for inv in books if rng.random() < 0.2)
    events = _events(books, people)
    return Scenario(STANDARD, START, END, people, tuple(books), credits, events,
                    BusinessCalendar("FR", subdivision))


def _customer(rng: random.Random, n: int) -> Customer:
    ref = f"C{n:02d}"
    if n % 7 == 3:  # no usable address: call tasks instead of emails
        return Customer(ref, f"Client {n}", contacts=(Contact("", phone="0102030405"),))
    return Customer(ref, f"Client {n}", contacts=(Contact(f"compta@c{n}.example"),))


def _invoice(rng: random.Random, n: int, customer: str) -> Invoice:
    # Issue days cluster on a few billing days, so one customer reaches a step with
    # several invoices on the same day: more than a tiny chunk holds.
    issued = START + timedelta(days=rng.choice((-80, -50, -20, -6, 9, 24, 38)))
    due = issued + timedelta(days=rng.choice((30, 45)))
    known = max(issued, START - timedelta(days=10)) if rng.random() < 0.8 else \
        issued + timedelta(days=rng.randrange(5, 40))
    return Invoice(f"F-{n:04d}", customer, issued, due, Decimal(rng.randrange(5000, 900000)) / 100,
                   "EUR", known)


def _payment(rng: random.Random, inv: Invoice) -> Credit:
    day = max(inv.known, inv.due + timedelta(days=rng.randrange(-8, 30)))
    share = inv.amount if rng.random() < 0.7 else (inv.amount / 2).quantize(Decimal("0.01"))
    return Credit(f"pay-{inv.number}", inv.customer, day, share, reference=f"VIR {inv.number}",
                  applies_to=(inv.number,))


def _events(books: list[Invoice], people: tuple[Customer, ...]) -> tuple[Event, ...]:
    first, second, third = books[1], books[2], books[4]
    return (
        Event(first.due + timedelta(days=5), "promise", (first.number,),
              until=first.due + timedelta(days=20)),
        Event(second.due + timedelta(days=4), "dispute", (second.number,)),
        Event(second.due + timedelta(days=30), "resolve_dispute", (second.number,)),
        Event(START + timedelta(days=20), "pause", customer=people[-1].ref,
              until=START + timedelta(days=34)),
        Event(third.due, "promise", (third.number,), until=third.due + timedelta(days=10)),
    )


def expected(scenario: Scenario) -> list[tuple]:
    """The actions of the pure simulator, which decides invoice by invoice."""
    return sorted((a.day.isoformat(), a.customer.ref, a.step.name,
                   tuple(sorted(i.number for i in a.invoices)),
                   str(a.amount_due.quantize(Decimal("0.01"))))
                  for a in simulate(scenario).actions)


def replayed(org: Organization, scenario: Scenario, monkeypatch) -> list[tuple]:
    """The same days through the database, recording without sending."""
    monkeypatch.setattr(replay_module, "run_day", functools.partial(run_day, send=False))
    return sorted((d, c, s, tuple(sorted(numbers)), amount)
                  for d, c, s, numbers, amount in replay_module.replay(org, scenario))


def organization(slug: str, subdivision: str = "") -> Organization:
    return Organization.objects.create(slug=slug, name=slug.title(), subdivision=subdivision)


def rows(org: Organization) -> dict[str, list]:
    """Everything the run records for ``org``, as comparable plain values."""
    return {
        "actions": sorted(Action.objects.filter(organization=org).values_list(
            "customer__ref", "step", "day", "channels", "amount_minor", "recipients")),
        "steps": sorted(StepRecord.objects.filter(invoice__organization=org).values_list(
            "invoice__number", "step", "day", "balance_minor", "action__customer__ref")),
        "tasks": sorted(Task.objects.filter(organization=org).values_list(
            "customer__ref", "kind", "due_on", "action__step")),
        "timeline": sorted(TimelineEntry.objects.filter(customer__organization=org,
                                                        kind__startswith="step:")
                           .values_list("customer__ref", "day", "kind", "summary")),
        "planned": sorted(InvoiceRow.objects.filter(organization=org).values_list(
            "number", "next_decision_on"), key=lambda r: (r[0], r[1] or date.min)),
    }


def load_book(org: Organization, scenario: Scenario) -> None:
    """Customers and invoices known by the scenario's start, planned as an import does."""
    customers = load_customers(org, scenario)
    for inv in scenario.invoices:
        row = InvoiceRow.objects.create(
            organization=org, customer=customers[inv.customer], number=inv.number,
            issued=inv.issued, due=inv.due, amount_minor=to_minor(inv.amount, inv.currency),
            currency=inv.currency, known_from=min(inv.known, START))
        plan(row, row.known_from)


@pytest.mark.parametrize("seed, subdivision", [(1, None), (2, "Alsace-Moselle"), (3, None)])
def test_bulk_run_records_what_the_engine_decides_invoice_by_invoice(db, monkeypatch, seed,
                                                                     subdivision):
    scenario = generated(seed, subdivision=subdivision)
    org = organization(f"org-{seed}", subdivision or "")
    got = replayed(org, scenario, monkeypatch)
    want = expected(scenario)
    assert len(want) > 60  # a real workload: every step kind, several per customer
    assert {s for _d, _c, s, _n, _a in want} == {s.name for s in STANDARD.steps}
    assert any(len(numbers) > TINY_CHUNK for _d, _c, _s, numbers, _a in want)
    assert got == want


def test_running_the_same_day_again_records_nothing(db, monkeypatch):
    scenario = generated(4)
    org = organization("again")
    replayed(org, scenario, monkeypatch)
    before = rows(org)
    for day in (END, END - timedelta(days=30)):
        assert run_day(org, day, send=False).actions == []
    assert rows(org) == before


def test_an_interrupted_run_completes_on_re_run_without_duplicates(db, monkeypatch):
    scenario = generated(5)
    day = START + timedelta(days=8)  # many invoices are caught up that day
    crashed, reference = organization("crashed"), organization("reference")
    for org in (crashed, reference):
        load_book(org, scenario)
    complete = run_day(reference, day, send=False)
    assert len(complete.actions) > 4 * TINY_CHUNK / 2

    real_replan, calls = services._replan, []

    def crash_on_third_chunk(planned):
        calls.append(planned)
        if len(calls) == 3:
            raise RuntimeError("power cut")
        real_replan(planned)

    monkeypatch.setattr(services, "_replan", crash_on_third_chunk)
    with pytest.raises(RuntimeError):
        run_day(crashed, day, send=False)
    partial = Action.objects.filter(organization=crashed).count()
    assert 0 < partial < len(complete.actions)  # two chunks committed, the third rolled back
    monkeypatch.setattr(services, "_replan", real_replan)
    resumed = run_day(crashed, day, send=False)
    assert partial + len(resumed.actions) == len(complete.actions)
    assert run_day(crashed, day, send=False).actions == []
    assert rows(crashed) == rows(reference)


def test_a_row_recorded_by_another_run_falls_back_to_one_by_one(db):
    scenario = generated(6)
    day = START + timedelta(days=8)
    org, reference = organization("busy"), organization("alone")
    for o in (org, reference):
        load_book(o, scenario)
    complete = run_day(reference, day, send=False)
    taken = complete.actions[len(complete.actions) // 2]
    # Another process recorded this customer's step today, between our read and write.
    Action.objects.create(organization=org, customer=org.customers.get(ref=taken.customer.ref),
                          step=taken.step, day=day, channels=taken.channels,
                          currency=taken.currency, amount_minor=taken.amount_minor)
    report = run_day(org, day, send=False)
    recorded = {(a.customer.ref, a.step) for a in report.actions}
    assert recorded == {(a.customer.ref, a.step) for a in complete.actions} - {
        (taken.customer.ref, taken.step)}
    assert Action.objects.filter(organization=org).count() == len(complete.actions)
    assert StepRecord.objects.filter(invoice__organization=org).count() == \
        StepRecord.objects.filter(invoice__organization=reference).count() - taken.steps.count()
