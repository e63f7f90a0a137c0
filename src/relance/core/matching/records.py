"""The records of reconciliation: a bank credit, an open invoice, and what the matcher says.

The bank line is whatever the statement readers produce (``relance.formats.bank``'s
``BankLine``); the core does not import them and accepts any object with the attributes
of :class:`PaymentLine`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal, NamedTuple, Protocol

from relance.core.money import to_decimal

ZERO = Decimal(0)

Decision = Literal["auto", "review", "none"]


class PaymentLine(Protocol):
    """A movement on the bank account; ``amount`` > 0 is money received."""

    @property
    def amount(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...
    @property
    def booking_date(self) -> date: ...
    @property
    def counterparty_name(self) -> str: ...
    @property
    def counterparty_iban(self) -> str: ...
    @property
    def remittance(self) -> str: ...
    @property
    def structured_reference(self) -> str: ...


@dataclass(frozen=True, slots=True)
class BankCredit:
    """A minimal :class:`PaymentLine`, for callers and tests without a statement reader."""

    amount: Decimal
    currency: str
    booking_date: date
    counterparty_name: str = ""
    counterparty_iban: str = ""
    remittance: str = ""
    structured_reference: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An invoice still owed: ``balance`` is what remains after earlier payments."""

    invoice_number: str
    customer_ref: str
    customer_name: str
    currency: str
    due: date
    balance: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "balance", to_decimal(self.balance))


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How much a payment may fall short of the balance and still settle it.

    Banks deduct their fees from foreign or intermediated transfers (SHA/BEN charging
    options of SEPA and SWIFT credit transfers), so a 500.00 invoice arrives as 497.50.
    A shortfall up to ``absolute`` (in the payment's currency) *and* up to ``relative``
    of the remaining balance is accepted as paid in full; the difference is written off
    as bank fees. A larger shortfall leaves the invoice open for the rest.
    """

    absolute: Decimal = Decimal("5.00")
    relative: Decimal = Decimal("0.02")

    def accepts(self, shortfall: Decimal, balance: Decimal) -> bool:
        """Whether paying ``balance - shortfall`` settles ``balance``."""
        return ZERO <= shortfall <= self.absolute and shortfall <= balance * self.relative


class Reason(NamedTuple):
    """Why the matcher says what it says: a code and its values, all strings.

    The core words nothing: the collector reads each reason in their own language,
    worded at the edge (``relance.ledger.reasons``), as import problems are; stored
    results keep the code and values, so a page in English shows English. The codes
    are :data:`REASON_CODES`. (A tuple: one is built for each piece of evidence of
    each candidate of each explained line.)
    """

    code: str
    values: tuple[tuple[str, str], ...] = ()

    @property
    def params(self) -> dict[str, str]:
        return dict(self.values)


def reason(code: str, **values: object) -> Reason:
    """A :class:`Reason` with ``values`` as strings (a list of invoices joined by ", ")."""
    return Reason(code, tuple((name, ", ".join(value) if isinstance(value, tuple)
                               else str(value)) for name, value in values.items()))


#: Every reason the matcher gives, with its values, and those of a collector's decision.
REASON_CODES = {
    "quoted": ("invoice",),                    # the invoice number in the remittance
    "quoted_rf": ("invoice",),                 # its RF creditor reference (ISO 11649)
    "quoted_own": ("reference", "invoice"),    # the organization's own reference
    "close_name": ("name", "score"),           # payer name close to the customer's
    "one_balance": (),                         # amount equal to the remaining balance
    "sum_of_balances": ("count",),             # amount equal to the sum of balances
    "within_tolerance": ("shortfall", "currency"),  # short by bank fees
    "known_iban": (),                          # the customer's known IBAN
    "other_customer_iban": ("customer",),      # an IBAN known for another customer
    "other_currency": ("invoice", "currency", "line_currency"),  # quoted, ignored
    "not_a_credit": (),                        # a debit or zero amount
    "nothing_matches": (),                     # no reference, amount or known payer
    "sure": ("invoices",),                     # allocated automatically
    "close_rivals": ("best", "best_score", "rival", "rival_score"),
    "weak_evidence": (),                       # nothing strong enough: review
    "already_matched": ("invoices",),          # settled by an earlier line: review
    # A collector's decision on a line under review (relance.ledger.reconcile).
    "by_hand": ("invoices",),                  # allocated by a collector to these invoices
    "assigned_by_hand": ("customer",),         # recorded by a collector as this customer's
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """One explanation of a payment: these invoices, together, of one customer.

    ``amount_gap`` is the payment minus the candidate's total balance: positive for an
    over-payment, negative for a short one. ``reasons`` are shown to the collector.
    """

    invoices: tuple[str, ...]
    score: int
    reasons: tuple[Reason, ...]
    amount_gap: Decimal
    customer_ref: str = ""


class MatchResult:
    """What to do with one bank line.

    ``decision`` is "auto" (allocate without asking), "review" (a collector chooses
    among ``candidates``) or "none" (no open invoice looks paid by it). Only an "auto"
    result has ``allocations``: the amount settled on each invoice, quoted invoices first,
    then oldest due date first. ``write_off`` is the accepted shortfall (bank fees) that
    settles the last invoice with the cash; ``unallocated`` is the cash left over, a
    credit on the customer. Hence ``sum(allocations) + unallocated == amount + write_off``.

    ``candidates`` and ``reasons`` explain the decision to a collector. A result from
    :meth:`MatchResult.explained_later` computes them on first access only (most lines
    of a statement are settled without anyone reading why), from the same evidence;
    either way the record reads the same. Read-only by convention: a slotted class
    rather than a frozen dataclass so that the explanation can be filled in once.
    """

    __slots__ = ("_candidates", "_explain", "_reasons", "allocations", "decision", "line",
                 "unallocated", "write_off")

    def __init__(self, line: PaymentLine, candidates: tuple[Candidate, ...],
                 decision: Decision, allocations: tuple[tuple[str, Decimal], ...],
                 unallocated: Decimal, reasons: tuple[Reason, ...],
                 write_off: Decimal = ZERO) -> None:
        self.line, self.decision, self.allocations = line, decision, allocations
        self.unallocated, self.write_off = unallocated, write_off
        self._candidates, self._reasons = candidates, reasons
        self._explain: Callable[[PaymentLine], Explanation] | None = None

    @classmethod
    def explained_later(cls, line: PaymentLine, decision: Decision,
                        allocations: tuple[tuple[str, Decimal], ...], unallocated: Decimal,
                        write_off: Decimal, explain: Callable[[PaymentLine], Explanation],
                        ) -> MatchResult:
        """A result whose candidates and reasons ``explain(line)`` gives when first read."""
        result = cls.__new__(cls)  # one call fewer than __init__: built for every line
        result.line, result.decision, result.allocations = line, decision, allocations
        result.unallocated, result.write_off, result._explain = unallocated, write_off, explain
        return result

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        """Up to five explanations, best first, each with its reasons."""
        if self._explain is not None:
            self._fill()
        return self._candidates

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Why this decision, for the collector."""
        if self._explain is not None:
            self._fill()
        return self._reasons

    def _fill(self) -> None:
        explain, self._explain = self._explain, None
        assert explain is not None
        self._candidates, self._reasons = explain(self.line)

    @property
    def allocated(self) -> Decimal:
        """Total settled on invoices (cash plus the written-off fees)."""
        return sum((amount for _, amount in self.allocations), ZERO)

    def _fields(self) -> tuple:
        return (self.line, self.candidates, self.decision, self.allocations,
                self.unallocated, self.reasons, self.write_off)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MatchResult):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        names = ("line", "candidates", "decision", "allocations", "unallocated", "reasons",
                 "write_off")
        return "MatchResult(" + ", ".join(
            f"{name}={value!r}" for name, value in zip(names, self._fields(), strict=True)) + ")"


#: What explains a result: its candidates and its reasons.
Explanation = tuple[tuple[Candidate, ...], tuple[Reason, ...]]
