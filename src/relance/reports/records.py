"""Database rows turned into the core's frozen records, for the figures that need them.

Sums go through :mod:`relance.reports.queries`; what depends on the order of events
(settlement dates, steps before a payment, promises, the forecast) is decided by the
pure core on records loaded here, restricted by the caller to the rows that can
matter. Keys are the ones the core uses: the customer's ``ref``, the invoice
``number``, the credit ``key`` (all unique within an organization).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from relance.core import ledger as core
from relance.core.holds import Promise
from relance.core.money import from_minor
from relance.core.reporting import CollectorAction, StepEvent
from relance.dunning import models as dunning
from relance.ledger import models as ledger
from relance.ledger.models import Organization


@dataclass(frozen=True, slots=True)
class Book:
    """One organization's ledger as core records (all currencies)."""

    invoices: tuple[core.Invoice, ...]
    allocations: tuple[core.Allocation, ...]
    credits: tuple[core.Credit, ...] = ()
    promises: tuple[Promise, ...] = ()
    steps: tuple[StepEvent, ...] = ()


def invoices(rows: QuerySet) -> list[core.Invoice]:
    """Invoice rows as core invoices (amount in currency units, customer by ref)."""
    fields = ("number", "customer__ref", "issued", "due", "amount_minor", "currency",
              "known_from")
    return [core.Invoice(number, ref, issued, due, from_minor(minor, currency), currency, known)
            for number, ref, issued, due, minor, currency, known in rows.values_list(*fields)]


def allocations(rows: QuerySet) -> list[core.Allocation]:
    fields = ("credit__key", "invoice__number", "amount_minor", "invoice__currency", "date")
    return [core.Allocation(key, number, from_minor(minor, currency), day)
            for key, number, minor, currency, day in rows.values_list(*fields)]


def credits(rows: QuerySet) -> list[core.Credit]:
    fields = ("key", "customer__ref", "date", "amount_minor", "currency", "kind", "reference")
    return [core.Credit(key, ref, day, from_minor(minor, currency), currency, kind, reference)
            for key, ref, day, minor, currency, kind, reference in rows.values_list(*fields)]


def promises(rows: QuerySet) -> list[Promise]:
    """Promise rows with the numbers of the invoices they cover; an amount is in the
    currency of those invoices (how ``relance.dunning.events`` records it)."""
    covered: dict[int, set[str]] = {}
    currency: dict[int, str] = {}
    through = dunning.Promise.invoices.through.objects.filter(promise__in=rows)
    for pk, number, cur in through.values_list("promise_id", "invoice__number",
                                               "invoice__currency"):
        covered.setdefault(pk, set()).add(number)
        currency[pk] = cur
    fields = ("pk", "made_on", "until", "amount_minor", "status", "closed_on")
    return [Promise(str(pk), made_on, until, frozenset(covered.get(pk, ())),
                    None if minor is None else from_minor(minor, currency.get(pk, "EUR")),
                    status, closed_on)
            for pk, made_on, until, minor, status, closed_on in rows.values_list(*fields)]


def steps(rows: QuerySet) -> list[StepEvent]:
    return [StepEvent(number, step, day)
            for number, step, day in rows.values_list("invoice__number", "step", "day")]


def collector_actions(messages: QuerySet, tasks: QuerySet) -> list[CollectorAction]:
    """Messages sent and tasks done, each credited to the customer's collector
    (``""`` when the customer has none)."""
    sent = [CollectorAction(name or "", day, f"message:{step}", ref) for name, day, step, ref
            in messages.values_list("customer__collector__username", "day", "step",
                                    "customer__ref")]
    done = [CollectorAction(name or "", day, f"task:{kind}", ref) for name, day, kind, ref
            in tasks.values_list("customer__collector__username", "done_on", "kind",
                                 "customer__ref")]
    return sent + done


def book(org: Organization) -> Book:
    """The whole ledger of ``org`` as core records: the reference the SQL paths are
    tested against, and what small organizations can afford to load."""
    return Book(tuple(invoices(ledger.Invoice.objects.filter(organization=org))),
                tuple(allocations(ledger.Allocation.objects.filter(invoice__organization=org))),
                tuple(credits(ledger.Credit.objects.filter(organization=org))),
                tuple(promises(dunning.Promise.objects.filter(customer__organization=org))),
                tuple(steps(dunning.StepRecord.objects.filter(invoice__organization=org))))


def total(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, Decimal(0))
