"""Ledger truth: invoices, credits (payments and credit notes) and their allocation.

An invoice's balance is its amount minus what was allocated to it; nothing else
is stored. Allocation follows spec/dunning-rules.md, "Allocation of money":

1. what the credit names explicitly (``allocations`` amounts, or ``applies_to``);
2. invoices whose number appears in the reference as a whole token
   ("F-12" is not found in "F-123");
3. the customer's other open invoices, oldest due date first, then lowest number;
4. what is left stays on the customer as unallocated credit.

Currencies are never mixed: a credit only pays invoices of its own currency.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from relance.core.money import to_decimal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Invoice:
    """An amount including VAT that a customer owes from ``due`` on."""

    number: str
    customer: str
    issued: date
    due: date
    amount: Decimal
    currency: str = "EUR"
    known_from: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))

    @property
    def known(self) -> date:
        """The first day Relance knows the invoice (its import), by default its issue."""
        return self.known_from or self.issued


@dataclass(frozen=True, slots=True)
class Credit:
    """Money in favour of the customer: a payment or a credit note.

    ``applies_to`` names invoices to pay first; ``allocations`` fixes exact amounts.
    """

    key: str
    customer: str
    date: date
    amount: Decimal
    currency: str = "EUR"
    kind: str = "payment"  # or "credit_note"
    reference: str = ""
    applies_to: tuple[str, ...] = ()
    allocations: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))


@dataclass(frozen=True, slots=True)
class Allocation:
    """``amount`` of credit ``source`` applied to invoice ``invoice`` on ``date``."""

    source: str
    invoice: str
    amount: Decimal
    date: date


def natural_key(number: str) -> tuple:
    """Sort key so that F-9 comes before F-10."""
    return tuple(int(part) if part.isdigit() else part.lower()
                 for part in re.split(r"(\d+)", number))


def payment_order(invoice: Invoice) -> tuple:
    """Oldest due date first, then lowest number (the default allocation order)."""
    return (invoice.due, natural_key(invoice.number))


def mentions(reference: str, number: str) -> bool:
    """Whether ``number`` appears in ``reference`` as a whole token.

    A token is not glued to another letter or digit, so "F-12" is found in
    "VIR F-12/F-13" but not in "VIR F-123".
    """
    pattern = r"(?<![0-9A-Za-z])" + re.escape(number) + r"(?![0-9A-Za-z])"
    return re.search(pattern, reference, flags=re.IGNORECASE) is not None


def _named(credit: Credit, candidates: Sequence[Invoice]) -> list[Invoice]:
    names = set(credit.applies_to)
    if credit.reference:
        names |= {inv.number for inv in candidates if mentions(credit.reference, inv.number)}
    return [inv for inv in candidates if inv.number in names]


def allocate(credit: Credit, open_invoices: Iterable[Invoice],
             balances: Mapping[str, Decimal], on: date | None = None,
             ) -> tuple[list[Allocation], Decimal]:
    """Spread ``credit`` over the customer's open invoices.

    ``balances`` gives each invoice's remaining balance before this credit.
    Returns the allocations and the unallocated remainder. Invoices of another
    customer or currency are never touched.
    """
    day = on or credit.date
    candidates = sorted((inv for inv in open_invoices
                         if inv.customer == credit.customer and inv.currency == credit.currency
                         and balances.get(inv.number, ZERO) > 0), key=payment_order)
    left = credit.amount
    room = {inv.number: balances[inv.number] for inv in candidates}
    result: list[Allocation] = []

    def give(number: str, wanted: Decimal) -> None:
        nonlocal left
        amount = min(wanted, room.get(number, ZERO), left)
        if amount > 0:
            result.append(Allocation(credit.key, number, amount, day))
            room[number] -= amount
            left -= amount

    for number, wanted in credit.allocations.items():
        give(number, to_decimal(wanted))
    for inv in _named(credit, candidates):
        give(inv.number, room[inv.number])
    for inv in candidates:
        give(inv.number, room[inv.number])
    return _merged(result), left


def _merged(allocations: list[Allocation]) -> list[Allocation]:
    """One allocation per invoice, in the order first touched."""
    totals: dict[str, Allocation] = {}
    for a in allocations:
        prev = totals.get(a.invoice)
        totals[a.invoice] = a if prev is None else Allocation(
            a.source, a.invoice, prev.amount + a.amount, a.date)
    return list(totals.values())


def balance(invoice: Invoice, allocations: Iterable[Allocation]) -> Decimal:
    """Amount still owed on ``invoice``: its amount minus what was allocated to it."""
    return invoice.amount - sum((a.amount for a in allocations if a.invoice == invoice.number),
                                ZERO)


def reductions(invoice: Invoice, allocations: Iterable[Allocation]) -> list[tuple[date, Decimal]]:
    """Dated amounts that reduced ``invoice`` (the input of late-interest computation)."""
    return sorted((a.date, a.amount) for a in allocations if a.invoice == invoice.number)
