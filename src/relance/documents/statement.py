"""A customer's statement of account (relevé de compte) on a date, computed purely.

The statement lists what is open on ``as_of`` - only what was known that day: invoices
issued by then, payments and credit notes dated by then - so a statement of a past date
can be reproduced. Open invoices show their amount, what was paid, the balance and the
days overdue; payments and credit notes not yet allocated to an invoice are listed as
credit in the customer's favour (spec/dunning-rules.md, "Allocation of money"). The
balance is the open invoices minus that credit.

Late interest to date follows :func:`relance.core.penalties.late_interest` (B2B from the
day after the due date; B2C only after a formal notice). A statement is a document the
customer receives: when the rate table lacks a semester it needs, it is refused with
:class:`relance.errors.RateMissing` naming the semester (spec/dunning-rules.md, "Rates"),
like a letter. Only a screen may ask for an estimate (``StatementData.estimate``): the
last known rates, marked provisional ("estimation provisoire"), saying why.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from relance.core.money import to_decimal
from relance.core.penalties import InterestResult, Reduction, late_interest
from relance.core.rates import RateTable
from relance.documents.common import (
    BankDetails,
    Party,
    TransferRequest,
    check_language,
    dated_until,
    transfer_request,
)

ZERO = Decimal("0.00")
CSV_COLUMNS = ("kind", "number", "date", "due", "amount", "paid", "balance",
               "days_overdue", "interest", "provisional")


@dataclass(frozen=True, slots=True)
class StatementInvoice:
    """An invoice of the customer with every dated reduction (payment, credit note).

    ``noticed_on``: the day a formal notice covered it (B2C interest runs after it).
    """

    number: str
    issued: date
    due: date
    amount: Decimal
    reductions: tuple[Reduction, ...] = ()
    noticed_on: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        object.__setattr__(self, "reductions",
                           tuple((d, to_decimal(v)) for d, v in self.reductions))


@dataclass(frozen=True, slots=True)
class StatementCredit:
    """A payment or credit note (``kind``) with the dated allocations made from it."""

    kind: str
    number: str
    day: date
    amount: Decimal
    allocations: tuple[Reduction, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in ("payment", "credit_note"):
            raise ValueError(f"a credit is a payment or a credit_note, not {self.kind!r}")
        object.__setattr__(self, "amount", to_decimal(self.amount))
        object.__setattr__(self, "allocations",
                           tuple((d, to_decimal(v)) for d, v in self.allocations))


@dataclass(frozen=True)
class StatementData:
    """Everything a statement is computed and rendered from, in one currency."""

    creditor: Party
    debtor: Party
    as_of: date
    rates: RateTable = field(repr=False)
    invoices: tuple[StatementInvoice, ...] = ()
    credits: tuple[StatementCredit, ...] = ()
    currency: str = "EUR"
    language: str = "fr"
    consumer: bool = False
    contractual_rate: Decimal | None = None
    bank: BankDetails | None = None
    estimate: bool = False  # a screen's estimate with the last known rates, not a document

    def __post_init__(self) -> None:
        check_language(self.language)


@dataclass(frozen=True, slots=True)
class StatementLine:
    """An open invoice on the statement; ``days_overdue`` is 0 until the due date passes."""

    number: str
    issued: date
    due: date
    amount: Decimal
    paid: Decimal
    balance: Decimal
    days_overdue: int
    interest: InterestResult


@dataclass(frozen=True, slots=True)
class CreditLine:
    """Money in the customer's favour not yet allocated to an invoice."""

    kind: str
    number: str
    day: date
    amount: Decimal
    unallocated: Decimal


@dataclass(frozen=True, slots=True)
class StatementFigures:
    """The statement: ``balance`` = ``open_total`` - ``unallocated_total``."""

    invoices: tuple[StatementLine, ...]
    credits: tuple[CreditLine, ...]
    open_total: Decimal
    overdue_total: Decimal
    unallocated_total: Decimal
    balance: Decimal
    interest: Decimal
    provisional: bool
    warnings: tuple[str, ...]
    currency: str
    transfer: TransferRequest | None


def statement_figures(data: StatementData) -> StatementFigures:
    """Compute the statement of ``data.debtor`` on ``data.as_of``."""
    lines = tuple(sorted((line for inv in data.invoices
                          if (line := _line(data, inv)) is not None),
                         key=lambda line: (line.due, line.number)))
    credits = tuple(sorted((c for credit in data.credits
                            if (c := _credit_line(credit, data.as_of)) is not None),
                           key=lambda c: (c.day, c.number)))
    open_total = sum((line.balance for line in lines), ZERO)
    unallocated = sum((c.unallocated for c in credits), ZERO)
    balance = open_total - unallocated
    warnings = dict.fromkeys(w for line in lines for w in line.interest.warnings)
    return StatementFigures(
        lines, credits, open_total,
        sum((line.balance for line in lines if line.days_overdue > 0), ZERO),
        unallocated, balance, sum((line.interest.amount for line in lines), ZERO),
        any(line.interest.provisional for line in lines), tuple(warnings), data.currency,
        transfer_request(data.creditor, data.bank, balance, data.currency,
                         (line.number for line in lines)))


def _line(data: StatementData, inv: StatementInvoice) -> StatementLine | None:
    """The invoice's line on ``as_of``, or ``None`` when not yet issued or nothing is owed."""
    known = dated_until(inv.reductions, data.as_of)
    balance = inv.amount - sum((v for _, v in known), ZERO)
    if inv.issued > data.as_of or balance <= 0:
        return None
    return StatementLine(inv.number, inv.issued, inv.due, inv.amount, inv.amount - balance,
                         balance, max(0, (data.as_of - inv.due).days),
                         _interest(data, inv, known))


def _interest(data: StatementData, inv: StatementInvoice,
              known: tuple[Reduction, ...]) -> InterestResult:
    """Interest to date; without a semester's rates, ``RateMissing``, or for a screen's
    ``estimate`` the last known rates, marked provisional."""
    if data.consumer and (inv.noticed_on is None or inv.noticed_on > data.as_of):
        return InterestResult(ZERO, currency=data.currency)  # no notice yet: nothing runs
    return late_interest(inv.amount, inv.due, known, data.as_of, data.rates,
                         consumer=data.consumer, notice_date=inv.noticed_on,
                         contractual_rate=data.contractual_rate, currency=data.currency,
                         provisional_ok=data.estimate)


def _credit_line(credit: StatementCredit, as_of: date) -> CreditLine | None:
    if credit.day > as_of:
        return None
    used = sum((v for _, v in dated_until(credit.allocations, as_of)), ZERO)
    left = credit.amount - used
    return CreditLine(credit.kind, credit.number, credit.day, credit.amount, left) \
        if left > 0 else None


def statement_csv(figures: StatementFigures) -> bytes:
    """The statement as CSV (RFC 4180, UTF-8, ISO dates, dot decimals), one row per item.

    Columns: ``kind`` (invoice, payment, credit_note, total), number, date, due date,
    amount, paid (for a payment or credit note: the part already allocated), balance
    (negative for credit in the customer's favour), days overdue, late interest to date
    and ``provisional`` (1 when that interest is an estimate). The ``total`` row carries
    the balance and the interest. A machine-readable file: the PDF is the one for people.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in figures.invoices:
        writer.writerow(("invoice", line.number, line.issued.isoformat(), line.due.isoformat(),
                         line.amount, line.paid, line.balance, line.days_overdue,
                         line.interest.amount, int(line.interest.provisional)))
    for c in figures.credits:
        writer.writerow((c.kind, c.number, c.day.isoformat(), "", c.amount,
                         c.amount - c.unallocated, -c.unallocated, "", "", ""))
    writer.writerow(("total", "", "", "", "", "", figures.balance, "", figures.interest,
                     int(figures.provisional)))
    return out.getvalue().encode("utf-8")
