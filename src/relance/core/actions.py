"""From per-invoice decisions to what goes out: one action per customer, step and day.

spec/dunning-rules.md rule 8: the invoices of one customer that reach the same
step on the same day, in the same currency, are listed in one message (and one
letter), sorted by due date then number. The message goes to the customer's
accounts-payable contacts, else the first contact with a usable address; a
customer without any usable email address gets a call task instead of the
email, never a silent skip.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relance.core.dunning import Decision
from relance.core.ledger import Invoice, payment_order
from relance.core.policy import Policy, Step

ACCOUNTS_PAYABLE = "accounts_payable"
_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True, slots=True)
class Contact:
    email: str
    role: str = ACCOUNTS_PAYABLE
    first_name: str = ""
    last_name: str = ""
    phone: str = ""

    @property
    def usable(self) -> bool:
        return bool(_EMAIL.match(self.email.strip()))


@dataclass(frozen=True, slots=True)
class Customer:
    ref: str
    name: str
    kind: str = "b2b"  # or "b2c": a consumer (no 40 € indemnity, Code de commerce D441-5)
    language: str = "fr"
    contacts: tuple[Contact, ...] = ()

    @property
    def consumer(self) -> bool:
        return self.kind == "b2c"


@dataclass(frozen=True, slots=True)
class Action:
    """One message/letter/task for a customer: a step reached by some invoices on a day."""

    day: date
    customer: Customer
    step: Step
    channels: tuple[str, ...]
    invoices: tuple[Invoice, ...]
    balances: tuple[Decimal, ...]
    currency: str
    to: tuple[Contact, ...]

    @property
    def amount_due(self) -> Decimal:
        return sum(self.balances, Decimal(0))


def recipients(customer: Customer) -> tuple[Contact, ...]:
    """Accounts-payable contacts with a usable address, else the first usable contact."""
    usable = [c for c in customer.contacts if c.usable]
    payable = tuple(c for c in usable if c.role == ACCOUNTS_PAYABLE)
    return payable or tuple(usable[:1])


def channels_for(step: Step, reachable: bool) -> tuple[str, ...]:
    """The step's channels; without a usable email, the email becomes a call."""
    if reachable:
        return step.channels
    return tuple(dict.fromkeys("call" if c == "email" else c for c in step.channels))


def group(decisions: Iterable[Decision], customers: Mapping[str, Customer],
          policy: Policy) -> list[Action]:
    """Gather decisions into actions, sorted by day, customer, then step order."""
    buckets: dict[tuple, list[Decision]] = {}
    for d in decisions:
        buckets.setdefault((d.day, d.invoice.customer, d.step.name, d.invoice.currency),
                           []).append(d)
    actions = [_action(items, customers[key[1]]) for key, items in buckets.items()]
    return sorted(actions, key=lambda a: (a.day, a.customer.ref, policy.order(a.step.name),
                                          a.currency))


def _action(items: list[Decision], customer: Customer) -> Action:
    items = sorted(items, key=lambda d: payment_order(d.invoice))
    first = items[0]
    to = recipients(customer)
    channels = channels_for(first.step, bool(to))
    return Action(first.day, customer, first.step, channels,
                  tuple(d.invoice for d in items), tuple(d.balance for d in items),
                  first.invoice.currency, to if "email" in channels else ())
