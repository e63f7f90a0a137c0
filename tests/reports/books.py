"""Books for the reporting tests, written straight into the database.

``hand_book`` is small enough to compute by hand (see its docstring); ``random_book``
is a seeded mess of what a real ledger holds: partial payments, payments spread over
several invoices, credit notes, overpayments left unallocated, allocations dated
after their credit, invoices known late, a second currency, promises and steps.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal

from relance.core.money import to_minor
from relance.dunning.models import Action, Promise, StepRecord
from relance.ledger.models import Allocation, Credit, Customer, Invoice, Organization

STEPS = ("courtesy", "reminder_1", "reminder_2", "formal_notice")


class Writer:
    """Creates rows of one organization with readable calls."""

    def __init__(self, org: Organization) -> None:
        self.org = org
        self.customers: dict[str, Customer] = {}
        self.invoices: dict[str, Invoice] = {}
        self.credits = 0

    def customer(self, ref: str, name: str = "", policy: str = "standard") -> Customer:
        row = Customer.objects.create(organization=self.org, ref=ref, name=name or ref,
                                      policy=policy)
        self.customers[ref] = row
        return row

    def invoice(self, number: str, ref: str, issued: date, due: date, amount: str,
                currency: str = "EUR", known: date | None = None) -> Invoice:
        row = Invoice.objects.create(
            organization=self.org, customer=self.customers[ref], number=number, issued=issued,
            due=due, amount_minor=to_minor(Decimal(amount), currency), currency=currency,
            known_from=known or issued)
        self.invoices[number] = row
        return row

    def credit(self, ref: str, day: date, amount: str, pays: Mapping[str, tuple[str, date]] = {},
               kind: str = "payment", currency: str = "EUR") -> Credit:
        """A credit and its allocations: ``{invoice number: (amount, allocation date)}``."""
        self.credits += 1
        row = Credit.objects.create(
            organization=self.org, customer=self.customers[ref], kind=kind,
            key=f"K{self.credits}", date=day, amount_minor=to_minor(Decimal(amount), currency),
            currency=currency)
        for number, (part, on) in pays.items():
            Allocation.objects.create(credit=row, invoice=self.invoices[number], date=on,
                                      amount_minor=to_minor(Decimal(part), currency))
        return row

    def step(self, number: str, step: str, day: date) -> StepRecord:
        invoice = self.invoices[number]
        action, _ = Action.objects.get_or_create(
            organization=self.org, customer=invoice.customer, step=step, day=day,
            currency=invoice.currency,
            defaults={"channels": "email", "amount_minor": invoice.amount_minor})
        return StepRecord.objects.create(invoice=invoice, step=step, day=day,
                                         balance_minor=invoice.amount_minor, action=action)

    def promise(self, ref: str, numbers: list[str], made_on: date, until: date,
                amount: str | None = None, status: str = "open",
                closed_on: date | None = None) -> Promise:
        row = Promise.objects.create(
            customer=self.customers[ref], made_on=made_on, until=until, status=status,
            closed_on=closed_on,
            amount_minor=None if amount is None else to_minor(Decimal(amount), "EUR"))
        row.invoices.set([self.invoices[n] for n in numbers])
        return row


def random_book(org: Organization, seed: int, invoices: int = 80) -> Writer:
    rng = random.Random(seed)
    w = Writer(org)
    refs = [f"C{n}" for n in range(6)]
    for n, ref in enumerate(refs):
        w.customer(ref, f"Client {n}", "standard" if n % 3 else "strict")
    start = date(2024, 1, 1)
    for k in range(invoices):
        _random_invoice(rng, w, f"F-{k}", rng.choice(refs), start)
    for ref in refs:
        if rng.random() < 0.5:  # money on account, never allocated
            w.credit(ref, start + timedelta(days=rng.randrange(700)),
                     f"{rng.randrange(1, 500)}.{rng.randrange(100):02d}")
    _random_promises(rng, w)
    return w


def _random_invoice(rng: random.Random, w: Writer, number: str, ref: str, start: date) -> None:
    issued = start + timedelta(days=rng.randrange(730))
    due = issued + timedelta(days=rng.choice((0, 30, 45, 60)))
    currency = "USD" if rng.random() < 0.15 else "EUR"
    cents = rng.randrange(1_000, 500_000)
    known = issued + timedelta(days=rng.choice((0, 0, 0, 12)))
    w.invoice(number, ref, issued, due, f"{cents // 100}.{cents % 100:02d}", currency, known)
    for n, step in enumerate(STEPS[:rng.randrange(len(STEPS) + 1)]):
        w.step(number, step, due + timedelta(days=-5 + 10 * n))
    draw = rng.random()
    paid_on = max(issued, due + timedelta(days=rng.randrange(-15, 80)))
    if draw < 0.45:  # paid in full, sometimes allocated a few days after the transfer
        on = paid_on + timedelta(days=rng.choice((0, 0, 3)))
        extra = rng.choice((0, 0, 0, 2_500))  # an overpayment stays unallocated
        w.credit(ref, paid_on, _cents(cents + extra), {number: (_cents(cents), on)},
                 currency=currency)
    elif draw < 0.65:  # paid in two parts
        first = cents // 3
        w.credit(ref, paid_on, _cents(first), {number: (_cents(first), paid_on)},
                 currency=currency)
        later = paid_on + timedelta(days=rng.randrange(1, 60))
        w.credit(ref, later, _cents(cents - first), {number: (_cents(cents - first), later)},
                 currency=currency)
    elif draw < 0.75:  # a credit note for part of it
        part = cents // 4
        w.credit(ref, paid_on, _cents(part), {number: (_cents(part), paid_on)},
                 kind="credit_note", currency=currency)


def _cents(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _random_promises(rng: random.Random, w: Writer) -> None:
    eur = [n for n, inv in w.invoices.items() if inv.currency == "EUR"]
    for k in range(8):
        number = rng.choice(eur)
        inv = w.invoices[number]
        made = inv.due + timedelta(days=rng.randrange(1, 30))
        until = made + timedelta(days=rng.randrange(3, 20))
        status = rng.choice(("open", "kept", "broken"))
        closed = None if status == "open" else until + timedelta(days=rng.randrange(0, 4))
        amount = None if k % 2 else "100.00"
        w.promise(inv.customer.ref, [number], made, until, amount, status, closed)


HAND_DAY = date(2025, 6, 30)  # a Monday


def hand_book(org: Organization) -> Writer:
    """A book to check by hand, seen at the end of Monday 30 June 2025::

        A Atelier   F-1 1 000.00 issued 10/06 due 10/07        not due
                    F-2   500.00 issued 01/05 due 15/06        200 paid 20/06 → 300, 15 days
                    F-3   800.00 issued 01/03 due 31/03        91 days
                    F-7   999.00 issued 01/07                  after the day: not seen
        B Boréal    F-4 1 200.00 issued 01/04 due 01/05        60 days
                    F-5   400.00 issued 15/03 due 30/04        61 days (paid 02/07: later)
                    F-6   250.00 issued 01/02 due 03/03        paid 20/03, 17 days late
                    F-8   600.00 issued 10/05 due 09/06        paid 05/06, early
                    payment of 150.00 on 25/06, not allocated
                    promises: F-8 by 06/06 kept, F-4 by 20/06 broken

    Receivables 3 700 (overdue 2 700), unallocated 150.
    """
    w = Writer(org)
    w.customer("A", "Atelier Nord")
    w.customer("B", "Boréal Ltd")
    d = date
    w.invoice("F-1", "A", d(2025, 6, 10), d(2025, 7, 10), "1000.00")
    w.invoice("F-2", "A", d(2025, 5, 1), d(2025, 6, 15), "500.00")
    w.invoice("F-3", "A", d(2025, 3, 1), d(2025, 3, 31), "800.00")
    w.invoice("F-7", "A", d(2025, 7, 1), d(2025, 7, 31), "999.00")
    w.invoice("F-4", "B", d(2025, 4, 1), d(2025, 5, 1), "1200.00")
    w.invoice("F-5", "B", d(2025, 3, 15), d(2025, 4, 30), "400.00")
    w.invoice("F-6", "B", d(2025, 2, 1), d(2025, 3, 3), "250.00")
    w.invoice("F-8", "B", d(2025, 5, 10), d(2025, 6, 9), "600.00")
    w.step("F-2", "reminder_1", d(2025, 6, 18))
    w.credit("A", d(2025, 6, 20), "200.00", {"F-2": ("200.00", d(2025, 6, 20))})
    w.credit("B", d(2025, 3, 20), "250.00", {"F-6": ("250.00", d(2025, 3, 20))})
    w.credit("B", d(2025, 6, 5), "600.00", {"F-8": ("600.00", d(2025, 6, 5))})
    w.credit("B", d(2025, 6, 25), "150.00")
    w.credit("B", d(2025, 7, 2), "400.00", {"F-5": ("400.00", d(2025, 7, 2))})
    w.promise("B", ["F-4"], d(2025, 6, 10), d(2025, 6, 20), status="broken",
              closed_on=d(2025, 6, 24))
    w.promise("B", ["F-8"], d(2025, 6, 1), d(2025, 6, 6), status="kept",
              closed_on=d(2025, 6, 5))
    return w
