"""The figures of a formal notice (mise en demeure de payer), computed purely.

What the letter must carry, and why:

* the creditor (name, SIREN, address) and the debtor, the date, the invoices claimed
  with their remaining balance - a mise en demeure states precisely what is owed;
* B2B (Code de commerce **L441-10 II**): late interest owed from the day after each due
  date without any reminder, at the contractual rate or the ECB rate + 10 points, with
  its computation (period, base, rate, days); and **D441-5**: the fixed indemnity of 40 €
  per invoice paid late;
* B2C (Code civil **1231-6** and **1344**): the letter *is* the formal notice; interest at
  the legal rate runs only from the day after it, and there is no fixed indemnity;
* a deadline to pay (8 days by default) and the bank details for the transfer.

A semester missing from the rate table refuses the document: :class:`RateMissing`
propagates with its message naming the semester (spec: a document never shows an
estimate). No Django, no clock: the caller gives ``as_of``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from relance.core.money import to_decimal
from relance.core.penalties import (
    InterestResult,
    Reduction,
    fixed_indemnity,
    late_interest,
)
from relance.core.rates import RateTable, semester_of
from relance.documents.common import (
    BankDetails,
    Party,
    Signatory,
    TransferRequest,
    check_language,
    dated_until,
    transfer_request,
)

NOTICE_DAYS = 8  # default deadline of a formal notice, spec/dunning-rules.md
ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class NoticeInvoice:
    """One invoice claimed: ``balance`` is what is still owed on it on the letter's date.

    ``reductions`` are the payments and credit notes allocated to it, dated (the base of
    late interest). ``noticed_on`` is the day of an earlier formal notice that already
    covered it (B2C interest runs from the day after that one); ``None``: this letter.
    """

    number: str
    issued: date
    due: date
    amount: Decimal
    balance: Decimal
    reductions: tuple[Reduction, ...] = ()
    noticed_on: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        object.__setattr__(self, "balance", to_decimal(self.balance))
        object.__setattr__(self, "reductions",
                           tuple((d, to_decimal(v)) for d, v in self.reductions))


@dataclass(frozen=True)
class NoticeData:
    """Everything a formal notice is computed and rendered from.

    ``deadline`` defaults to ``as_of`` + 8 days. ``contractual_rate`` is the annual rate
    the creditor's terms (CGV) state, if any. ``insolvency``: proceedings forbid paying
    the claim when due, so no fixed indemnity (L441-10 II).
    """

    creditor: Party
    debtor: Party
    invoices: tuple[NoticeInvoice, ...]
    as_of: date
    rates: RateTable = field(repr=False)
    signatory: Signatory
    currency: str = "EUR"
    language: str = "fr"
    consumer: bool = False
    deadline: date | None = None
    bank: BankDetails | None = None
    contractual_rate: Decimal | None = None
    insolvency: bool = False
    threshold: Decimal = Decimal("1.00")
    reference: str = ""

    def __post_init__(self) -> None:
        check_language(self.language)
        if not self.invoices:
            raise ValueError("a formal notice claims at least one invoice")
        deadline = self.deadline or self.as_of + timedelta(days=NOTICE_DAYS)
        if deadline <= self.as_of:
            raise ValueError(f"the deadline {deadline} must be after the letter's date")
        object.__setattr__(self, "deadline", deadline)


@dataclass(frozen=True, slots=True)
class InvoiceFigures:
    """One invoice's lines in the letter: what was paid, what is owed, and the penalties."""

    number: str
    issued: date
    due: date
    amount: Decimal
    paid: Decimal
    balance: Decimal
    days_late: int
    interest: InterestResult
    indemnity: Decimal


@dataclass(frozen=True, slots=True)
class NoticeFigures:
    """The letter's totals: ``total`` = principal + interest + indemnity.

    B2C: ``consumer_rate`` is the legal rate ("all other cases", the creditor being a
    company) that runs from ``interest_from``, the day after this notice.
    """

    invoices: tuple[InvoiceFigures, ...]
    principal: Decimal
    interest: Decimal
    indemnity: Decimal
    total: Decimal
    currency: str
    transfer: TransferRequest | None
    consumer_rate: Decimal | None = None
    interest_from: date | None = None
    warnings: tuple[str, ...] = ()

    @property
    def late_invoices(self) -> int:
        """How many invoices owe the fixed indemnity."""
        return sum(1 for line in self.invoices if line.indemnity > 0)


def notice_figures(data: NoticeData) -> NoticeFigures:
    """Compute every amount the letter shows; raises :class:`RateMissing` for a missing semester.

    Interest is rounded once per invoice (:func:`relance.core.penalties.late_interest`);
    the totals add those rounded amounts, so the letter's columns add up.
    """
    lines = tuple(_invoice_figures(data, inv) for inv in data.invoices)
    principal = sum((line.balance for line in lines), ZERO)
    interest = sum((line.interest.amount for line in lines), ZERO)
    indemnity = sum((line.indemnity for line in lines), ZERO)
    total = principal + interest + indemnity
    transfer = transfer_request(data.creditor, data.bank, total, data.currency,
                                (line.number for line in lines))
    consumer_rate, starts = _consumer_terms(data)
    warnings = dict.fromkeys(w for line in lines for w in line.interest.warnings)
    return NoticeFigures(lines, principal, interest, indemnity, total, data.currency,
                         transfer, consumer_rate, starts, tuple(warnings))


def _invoice_figures(data: NoticeData, inv: NoticeInvoice) -> InvoiceFigures:
    known = dated_until(inv.reductions, data.as_of)
    interest = late_interest(inv.amount, inv.due, known, data.as_of, data.rates,
                             consumer=data.consumer, notice_date=inv.noticed_on or data.as_of,
                             contractual_rate=data.contractual_rate, currency=data.currency)
    indemnity = fixed_indemnity(inv.amount, inv.due, known, data.as_of, consumer=data.consumer,
                                insolvency=data.insolvency, threshold=data.threshold)
    return InvoiceFigures(inv.number, inv.issued, inv.due, inv.amount,
                          inv.amount - inv.balance, inv.balance,
                          max(0, (data.as_of - inv.due).days), interest, indemnity)


def _consumer_terms(data: NoticeData) -> tuple[Decimal | None, date | None]:
    """B2C: the legal rate of the day after the notice, and that day (Code civil 1231-6)."""
    if not data.consumer:
        return None, None
    starts = data.as_of + timedelta(days=1)
    return data.rates.legal(semester_of(starts)), starts
