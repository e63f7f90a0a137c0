"""The documents service: read the ledger, compute with the pure modules, render the PDF.

Called by the CLI (``relance letter``, ``relance statement``, ``relance rates``), the web
pages and the messaging service, which attaches :func:`formal_notice_pdf` to the formal
notice email. Every function returns ``(filename, bytes)``; writing or sending them is
the caller's business. A semester missing from the rate table refuses a letter or a
statement with :class:`relance.errors.RateMissing` (its message names the semester and
how to add it).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from relance.core.money import from_minor, to_decimal
from relance.core.rates import Semester, SemesterRates
from relance.documents.common import BankDetails, Party, Signatory
from relance.documents.letter import NoticeData, NoticeInvoice, notice_figures
from relance.documents.models import RateOverride
from relance.documents.pdf import notice_pdf, statement_pdf
from relance.documents.rates import load_rates
from relance.documents.statement import (
    StatementCredit,
    StatementData,
    StatementInvoice,
    statement_csv,
    statement_figures,
)
from relance.dunning.models import Action, Dispute
from relance.dunning.services import policy_of
from relance.errors import InputError
from relance.ledger.models import Credit, Customer, Invoice, Organization
from relance.ledger.services import currencies_of

FORMAL_NOTICE = "formal_notice"
THRESHOLD = Decimal("1.00")  # no step, no claim under this balance (spec rule 1)
FILE_STEMS = {"notice": {"fr": "mise-en-demeure", "en": "formal-notice"},
              "statement": {"fr": "releve-de-compte", "en": "statement-of-account"}}
DEFAULT_FUNCTION = {"fr": "Service comptabilité clients", "en": "Accounts receivable"}


# --- rates -------------------------------------------------------------------------------

def rate_rows() -> list[tuple[SemesterRates, str]]:
    """Every semester known, oldest first, with where it comes from: package or user."""
    added = {row.semester for row in RateOverride.objects.all()}
    return [(row, "added" if row.semester in added else "packaged")
            for row in load_rates().rows]


@transaction.atomic
def add_rate(semester: Semester, ecb: Decimal, legal_other: Decimal, legal_private: Decimal,
             source: str = "") -> bool:
    """Store a semester's rates; True when they replace rates already known for it."""
    values = {"ecb_mro": _rate(ecb, "ECB rate"), "legal_other": _rate(legal_other, "legal rate"),
              "legal_private": _rate(legal_private, "legal rate for private individuals"),
              "source": source.strip()}
    replaced = semester in load_rates()
    RateOverride.objects.update_or_create(year=semester.year, half=semester.half,
                                          defaults=values)
    return replaced


def _rate(value: Decimal | str, name: str) -> Decimal:
    rate = to_decimal(value)
    if not 0 <= rate < 100 or rate != rate.quantize(Decimal("0.01")):
        raise InputError(f"{name}: a percentage with at most two decimals, between 0 and "
                         f"100, is expected (like 2.15), not {value}")
    return rate


# --- formal notice -----------------------------------------------------------------------

def formal_notice_pdf(action: Action) -> tuple[str, bytes]:
    """The letter of a ``formal_notice`` action: its invoices, at the balances it recorded."""
    data = notice_data_for_action(action)
    return _filename("notice", action.customer, action.day, data.language, "pdf"), \
        notice_pdf(data, notice_figures(data))


def template_of(action: Action) -> str:
    """The template a step renders: its own name unless its scenario names another."""
    try:
        return policy_of(action.customer).step(action.step).template_name
    except KeyError:  # the scenario changed since the action was recorded
        return action.step


def notice_data_for_action(action: Action) -> NoticeData:
    """What the action's letter says, so its email can quote the same totals."""
    if template_of(action) != FORMAL_NOTICE:
        raise InputError(f"action {action.pk} is a {action.step} step, not a formal notice")
    records = (action.steps.select_related("invoice")
               .prefetch_related("invoice__allocations").order_by("invoice__due",
                                                                  "invoice__number"))
    invoices = tuple(_notice_invoice(r.invoice, from_minor(r.balance_minor, action.currency),
                                     None) for r in records)
    return _notice_data(action.customer, action.day, invoices, None, action.currency)


def notice_for_customer(customer: Customer, as_of: date, language: str | None = None,
                        currency: str | None = None) -> tuple[str, bytes]:
    """A formal notice on demand: every overdue, undisputed invoice still open on ``as_of``."""
    currency = currency or customer.organization.currency
    invoices = tuple(_notice_invoice(inv, _balance_on(inv, as_of), _noticed_on(inv, as_of))
                     for inv in _claimable(customer, as_of, currency))
    if not invoices:
        raise InputError(f"customer {customer.ref}: no overdue {currency} invoice of at least "
                         f"{THRESHOLD} to claim on {as_of}")
    data = _notice_data(customer, as_of, invoices, language, currency)
    return _filename("notice", customer, as_of, data.language, "pdf"), \
        notice_pdf(data, notice_figures(data))


def _notice_data(customer: Customer, as_of: date, invoices: tuple[NoticeInvoice, ...],
                 language: str | None, currency: str) -> NoticeData:
    org, language = customer.organization, _language(customer, language)
    return NoticeData(
        creditor=creditor_of(org), debtor=debtor_of(customer), invoices=invoices,
        as_of=as_of, rates=load_rates(), signatory=_signatory(org, language),
        currency=currency, language=language, consumer=customer.kind == "b2c",
        bank=_bank(org), insolvency=customer.insolvency, threshold=THRESHOLD,
        contractual_rate=customer.late_interest_rate,
        reference=f"{customer.ref}-{as_of.isoformat()}")


def _notice_invoice(inv: Invoice, balance: Decimal, noticed_on: date | None) -> NoticeInvoice:
    return NoticeInvoice(inv.number, inv.issued, inv.due, inv.amount, balance,
                         _reductions(inv), noticed_on)


def _claimable(customer: Customer, as_of: date, currency: str) -> list[Invoice]:
    """Overdue on ``as_of``, at least the threshold still owed, no open dispute."""
    disputed = Dispute.objects.filter(opened_on__lte=as_of).filter(
        Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of)).values("invoice")
    candidates = (customer.invoices.filter(currency=currency, issued__lte=as_of, due__lt=as_of)
                  .exclude(pk__in=disputed).prefetch_related("allocations", "steps")
                  .order_by("due", "number"))
    return [inv for inv in candidates if _balance_on(inv, as_of) >= THRESHOLD]


# --- statement ---------------------------------------------------------------------------

def statement_for_customer(customer: Customer, as_of: date, fmt: str = "pdf",
                           language: str | None = None,
                           currency: str | None = None) -> tuple[str, bytes]:
    """The customer's statement of account on ``as_of``, as PDF or CSV."""
    if fmt not in ("pdf", "csv"):
        raise InputError(f"format: pdf or csv, not {fmt!r}")
    data = statement_data(customer, as_of, language, currency)
    figures = statement_figures(data)
    content = statement_pdf(data, figures) if fmt == "pdf" else statement_csv(figures)
    name = _filename("statement", customer, as_of, data.language, fmt)
    if data.currency != customer.organization.currency:  # one file per currency
        stem, _, ext = name.rpartition(".")
        name = f"{stem}-{data.currency.lower()}.{ext}"
    return name, content


def statements_for_customer(customer: Customer, as_of: date, fmt: str = "pdf",
                            language: str | None = None) -> list[tuple[str, bytes]]:
    """One statement per currency of the customer (``ledger.services.currencies_of``):
    a statement never adds two currencies."""
    return [statement_for_customer(customer, as_of, fmt, language, currency)
            for currency in currencies_of(customer)]


def statement_data(customer: Customer, as_of: date, language: str | None = None,
                   currency: str | None = None) -> StatementData:
    """Everything the statement is computed from: all invoices and credits in ``currency``."""
    org = customer.organization
    currency = currency or org.currency
    invoices = customer.invoices.filter(currency=currency).prefetch_related("allocations",
                                                                            "steps")
    credits = customer.credits.filter(currency=currency).prefetch_related("allocations")
    return StatementData(
        creditor=creditor_of(org), debtor=debtor_of(customer), as_of=as_of,
        rates=load_rates(), invoices=tuple(_statement_invoice(i, as_of) for i in invoices),
        credits=tuple(_statement_credit(c) for c in credits), currency=currency,
        language=_language(customer, language), consumer=customer.kind == "b2c",
        bank=_bank(org))


def _statement_invoice(inv: Invoice, as_of: date) -> StatementInvoice:
    return StatementInvoice(inv.number, inv.issued, inv.due, inv.amount, _reductions(inv),
                            _noticed_on(inv, as_of))


def _statement_credit(credit: Credit) -> StatementCredit:
    used = tuple((a.date, from_minor(a.amount_minor, credit.currency))
                 for a in credit.allocations.all())
    return StatementCredit(credit.kind, credit.number or credit.reference[:40], credit.date,
                           credit.amount, used)


# --- shared ------------------------------------------------------------------------------

def creditor_of(org: Organization) -> Party:
    return Party(org.name, org.siren, org.address)


def debtor_of(customer: Customer) -> Party:
    return Party(customer.name, customer.siren, customer.address)


def _signatory(org: Organization, language: str) -> Signatory:
    return Signatory(org.collector_name or org.name,
                     org.collector_function or DEFAULT_FUNCTION[language])


def _bank(org: Organization) -> BankDetails | None:
    return BankDetails(org.iban, org.bic) if org.iban else None


def _language(customer: Customer, language: str | None) -> str:
    chosen = language or customer.language
    return chosen if chosen in ("fr", "en") else "fr"


def _reductions(inv: Invoice) -> tuple[tuple[date, Decimal], ...]:
    """Dated allocations (uses the prefetched ones; same as ledger ``reductions``)."""
    rows = sorted(inv.allocations.all(), key=lambda a: (a.date, a.pk))
    return tuple((a.date, from_minor(a.amount_minor, inv.currency)) for a in rows)


def _balance_on(inv: Invoice, day: date) -> Decimal:
    """The balance at the end of ``day``: allocations dated later are not known yet."""
    return inv.amount - sum((v for d, v in _reductions(inv) if d <= day), Decimal(0))


def _noticed_on(inv: Invoice, as_of: date) -> date | None:
    """The day a formal notice covered ``inv``, when that was on or before ``as_of``."""
    days = [r.day for r in inv.steps.all() if r.step == FORMAL_NOTICE and r.day <= as_of]
    return min(days, default=None)


def _filename(kind: str, customer: Customer, day: date, language: str, ext: str) -> str:
    return f"{FILE_STEMS[kind][language]}-{slugify(customer.ref) or customer.pk}-{day}.{ext}"

