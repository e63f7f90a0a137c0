"""Reconciliation: bank credits matched to open invoices, applied or queued for review.

The pure matcher (``relance.core.matching``) says which invoices a bank credit pays
and how sure it is. A confident ("auto") match is applied at once: a payment is
recorded, allocated as the matcher says (accepted bank fees are written off as
such), the payer's IBAN is learned, and the customer's invoices are re-planned so no
reminder goes out for what is paid. Anything less waits in the review queue with
its candidates and reasons until a collector accepts one or assigns the line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from relance.core.matching import Matcher, MatchResult, OpenItem
from relance.core.matching.records import reason
from relance.core.money import from_minor, to_minor
from relance.errors import InputError
from relance.ledger import reasons
from relance.ledger.models import BankLine, Credit, Customer, Invoice, Organization
from relance.ledger.services import allocate_credit, allocate_explicit, with_balance


def matcher_for(org: Organization) -> Matcher:
    """A matcher over the organization's open invoices and its customers' known IBANs."""
    rows = (with_balance(org.invoices.all()).filter(balance_minor__gt=0)
            .values_list("number", "customer__ref", "customer__name", "currency", "due",
                         "balance_minor"))
    items = [OpenItem(n, ref, name, cur, due, from_minor(b, cur))
             for n, ref, name, cur, due, b in rows]
    ibans = {iban: ref for ref, text in org.customers.exclude(ibans="")
             .values_list("ref", "ibans") for iban in text.split()}
    return Matcher(items, ibans)


def reconcile(org: Organization, lines: Iterable[BankLine]) -> dict[str, int]:
    """Match a statement's new credit lines in one pass over one index of the book;
    apply the confident ones. Returns counts by status.

    An invoice that an earlier line of the same statement settles automatically is
    never paid twice: the later match goes to review (``Matcher.match_all``).
    """
    counts = {"matched": 0, "review": 0, "unmatched": 0}
    lines = list(lines)
    if not lines:
        return counts
    # every line's candidates and reasons are stored: explain them while matching
    results = matcher_for(org).match_all((line_view(line) for line in lines), explained=True)
    for line, result in zip(lines, results, strict=True):
        counts[apply_result(line, result)] += 1
    return counts


class line_view:  # noqa: N801 - a read-only view with the matcher's attribute names
    def __init__(self, line: BankLine) -> None:
        self.amount, self.currency = line.amount, line.currency
        self.booking_date = line.booking_date
        self.counterparty_name, self.counterparty_iban = (line.counterparty_name,
                                                          line.counterparty_iban)
        self.remittance, self.structured_reference = line.remittance, line.structured_reference


@transaction.atomic
def apply_result(line: BankLine, result: MatchResult) -> str:
    line.candidates = [{"invoices": list(c.invoices), "score": c.score,
                        "reasons": reasons.stored(c.reasons), "amount_gap": str(c.amount_gap),
                        "customer": c.customer_ref} for c in result.candidates]
    line.reasons = reasons.stored(result.reasons)
    if result.decision == "auto":
        _record_payment(line, result.allocations, result.write_off)
        line.status = "matched"
    else:
        line.status = "review" if result.decision == "review" else "unmatched"
    line.save()
    return line.status


def accept(line: BankLine, invoice_numbers: Sequence[str]) -> Credit:
    """A collector says which invoices ``line`` pays, allocated in the order quoted;
    what is left after them stays the customer's unallocated credit. An invoice named
    twice is refused, not merged: the collector meant two invoices or made a typo, and
    either way the allocation would not be the one they read back.

    The line's reasons become the collector's decision (``by_hand``): the matcher's
    ("nothing matches", "to check") no longer explain a matched line; its candidates
    stay, as what the matcher had suggested."""
    numbers = list(invoice_numbers)
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    if twice:
        raise InputError(_("invoices: %(numbers)s named more than once") % {
            "numbers": ", ".join(twice)})
    found = {i.number: i for i in with_balance(Invoice.objects.filter(
        organization=line.organization, number__in=numbers))}
    unknown = [n for n in numbers if n not in found]
    if unknown or not numbers:
        raise InputError(_("invoices: no invoice %(numbers)s in this organization") % {
            "numbers": ", ".join(unknown)})
    invoices = [found[n] for n in numbers]
    if {i.customer_id for i in invoices} != {invoices[0].customer_id}:
        raise InputError(_("invoices: a payment settles invoices of one customer"))
    if any(i.currency != line.currency for i in invoices):
        raise InputError(_("invoices: the payment and the invoices are in different currencies"))
    paid = [i.number for i in invoices if i.balance_minor <= 0]
    if paid:
        raise InputError(_("invoices: %(numbers)s has nothing left to pay") % {
            "numbers": ", ".join(sorted(paid))})
    with transaction.atomic():
        line = _open_credit_line(line)
        credit = _record_payment(line, [(i.number, i.amount) for i in invoices], Decimal(0))
        line.status = "matched"
        line.reasons = reasons.stored([reason("by_hand", invoices=tuple(numbers))])
        line.save(update_fields=["credit", "status", "reasons"])
    return credit


def assign(line: BankLine, customer: Customer) -> Credit:
    """Record ``line`` as the customer's payment, allocated by the ordinary rule; its
    reasons become the collector's decision (``assigned_by_hand``)."""
    with transaction.atomic():
        line = _open_credit_line(line)
        credit = _credit(line, customer)
        allocate_credit(credit)
        line.credit, line.status = credit, "matched"
        line.reasons = reasons.stored([reason("assigned_by_hand", customer=customer.ref)])
        line.save(update_fields=["credit", "status", "reasons"])
    _after_payment(customer, line)
    return credit


def _open_credit_line(line: BankLine) -> BankLine:
    """``line`` read again and locked (PostgreSQL; SQLite writes one at a time) if it is
    money in that no payment was recorded for yet: two collectors clicking at once, or a
    retried request, record one payment, and a debit never becomes a customer's."""
    fresh = BankLine.objects.select_for_update().get(pk=line.pk)
    if fresh.status == "matched" or fresh.credit_id is not None:
        raise InputError(_("bank line %(id)s is already matched") % {"id": line.pk})
    if fresh.status == "debit" or fresh.amount_minor <= 0:
        raise InputError(_("bank line %(id)s is money going out, not a payment to allocate")
                         % {"id": line.pk})
    return fresh


def _record_payment(line: BankLine, allocations: Iterable[tuple[str, Decimal]],
                    write_off: Decimal) -> Credit:
    invoices = {i.number: i for i in Invoice.objects.filter(
        organization=line.organization, number__in=[n for n, _a in allocations])
        .select_related("customer")}
    customer = next(iter(invoices.values())).customer
    credit = _credit(line, customer)
    for number, amount in allocations:
        allocate_explicit(credit, invoices[number], amount)
    if write_off > 0:
        _write_off(line, customer, invoices, allocations, write_off)
    line.credit = credit
    _after_payment(customer, line)
    return credit


def _credit(line: BankLine, customer: Customer) -> Credit:
    return Credit.objects.create(
        organization=line.organization, customer=customer, kind="payment",
        key=f"bank:{line.key}", number=line.structured_reference[:64],
        reference=line.remittance[:500], date=line.booking_date,
        amount_minor=line.amount_minor, currency=line.currency, source="bank")


def _write_off(line, customer, invoices, allocations, amount: Decimal) -> None:
    """Accepted bank fees settle the last invoice of the match (spec: judged on balance)."""
    last = invoices[list(allocations)[-1][0]]
    fees = Credit.objects.create(
        organization=line.organization, customer=customer, kind="write_off",
        key=f"fees:{line.key}", reference=f"frais bancaires {line.remittance[:80]}",
        date=line.booking_date, amount_minor=to_minor(amount, line.currency),
        currency=line.currency, source="bank")
    allocate_explicit(fees, last, amount)


def _after_payment(customer: Customer, line: BankLine) -> None:
    from relance.dunning import wording
    from relance.dunning.models import TimelineEntry
    from relance.dunning.services import replan_customer

    if line.counterparty_iban and line.counterparty_iban not in customer.ibans.split():
        customer.ibans = "\n".join([*customer.ibans.split(), line.counterparty_iban])
        customer.save(update_fields=["ibans"])
    TimelineEntry.objects.create(
        customer=customer, day=line.booking_date, kind="payment", credit=line.credit,
        summary=f"payment {line.amount} {line.currency} {line.remittance[:120]}".strip(),
        params={**wording.amount(line.amount, line.currency),
                "remittance": line.remittance[:120].strip()})
    replan_customer(customer, line.booking_date)
