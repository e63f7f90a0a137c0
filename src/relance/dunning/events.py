"""Recording what customers say and what collectors decide: promises, disputes, pauses,
litigation. Each is written to the customer's timeline, and each re-plans the
customer's invoices so the next run sees the change (spec/dunning-rules.md, rules 5–7).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction

from relance.core.money import to_minor
from relance.dunning import wording
from relance.dunning.models import Dispute, Promise, TimelineEntry
from relance.dunning.services import replan_customer
from relance.errors import InputError, NotFound
from relance.ledger.models import Customer, Invoice


def _invoices(customer: Customer, numbers: Sequence[str]) -> list[Invoice]:
    found = list(customer.invoices.filter(number__in=numbers))
    missing = sorted(set(numbers) - {i.number for i in found})
    if missing:
        raise NotFound(f"no invoice {', '.join(missing)} for customer {customer.ref}")
    if not found:
        raise InputError("name at least one invoice")
    return found


def _note(customer: Customer, day: date, kind: str, summary: str, **params) -> None:
    """A line on the timeline: its English ``summary`` and the values it is worded from
    when read (``relance.dunning.wording``)."""
    TimelineEntry.objects.create(customer=customer, day=day, kind=kind, summary=summary,
                                 params=params)


PROMISE_YEARS = 2


def latest_promise(made_on: date) -> date:
    """The furthest date a promise made on ``made_on`` may name: two years on, the
    longest grace a court may grant a debtor (article 1343-5 du Code civil). A later
    date is a typing error (9999 for 2026), and would hold the invoice's reminders."""
    try:
        return made_on.replace(year=made_on.year + PROMISE_YEARS)
    except ValueError:  # 29 February
        return made_on.replace(year=made_on.year + PROMISE_YEARS, day=28)


@transaction.atomic
def record_promise(customer: Customer, numbers: Sequence[str], made_on: date, until: date,
                   amount: Decimal | None = None) -> Promise:
    """The customer promises to pay ``numbers`` by ``until`` (optionally ``amount``)."""
    if until < made_on:
        raise InputError(f"until: the promised date {until} is before the promise {made_on}")
    if until > latest_promise(made_on):
        raise InputError(f"until: the promised date {until} is more than {PROMISE_YEARS} "
                         f"years after the promise {made_on}")
    invoices = _invoices(customer, numbers)
    currency = invoices[0].currency
    promise = Promise.objects.create(
        customer=customer, made_on=made_on, until=until,
        amount_minor=None if amount is None else to_minor(amount, currency))
    promise.invoices.set(invoices)
    what = f" {amount} {currency}" if amount is not None else ""
    promised = wording.amount(amount, currency) if amount is not None else {}
    _note(customer, made_on, "promise",
          f"promise to pay{what} by {until}: {', '.join(sorted(numbers))}",
          until=wording.day(until), invoices=sorted(numbers), **promised)
    return promise


@transaction.atomic
def open_dispute(customer: Customer, numbers: Sequence[str], day: date,
                 reason: str = "") -> list[Dispute]:
    """No step for these invoices until the dispute is resolved."""
    disputes = [Dispute.objects.create(invoice=i, opened_on=day, reason=reason)
                for i in _invoices(customer, numbers)]
    _note(customer, day, "dispute", f"dispute on {', '.join(sorted(numbers))}: {reason}".strip(),
          invoices=sorted(numbers), reason=reason.strip())
    return disputes


@transaction.atomic
def resolve_dispute(customer: Customer, numbers: Sequence[str], day: date) -> int:
    """The sequence resumes by the catch-up rule from ``day``."""
    count = Dispute.objects.filter(invoice__in=_invoices(customer, numbers),
                                   resolved_on__isnull=True).update(resolved_on=day)
    _note(customer, day, "dispute_resolved", f"dispute resolved: {', '.join(sorted(numbers))}",
          invoices=sorted(numbers))
    replan_customer(customer, day)
    return count


@transaction.atomic
def pause(customer: Customer, start: date, until: date) -> None:
    """No step at all for the customer from ``start`` through ``until`` (inclusive)."""
    if until < start:
        raise InputError(f"until: {until} is before {start}")
    customer.paused_from, customer.paused_until = start, until
    customer.save(update_fields=["paused_from", "paused_until"])
    _note(customer, start, "pause", f"paused through {until}", until=wording.day(until))
    replan_customer(customer, start)


@transaction.atomic
def set_litigation(customer: Customer, since: date | None) -> None:
    """Litigation from ``since`` on (None lifts it): the amicable steps stop."""
    customer.litigation_since = since
    customer.save(update_fields=["litigation_since"])
    _note(customer, since or date.min, "litigation",
          f"litigation since {since}" if since else "litigation lifted",
          since=wording.day(since))
    replan_customer(customer, since or date.min)
