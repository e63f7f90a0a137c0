"""What a collector records by hand: a call's outcome, a note.

A call ends a call task and goes on the customer's timeline; a promise or a
dispute said on the phone is recorded through the dunning events, so the
scenario holds exactly as if it had come from the portal (spec/dunning-rules.md,
rules 5 and 6).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from relance.dunning.events import open_dispute, record_promise
from relance.dunning.models import Task, TimelineEntry
from relance.ledger.models import Customer

SUMMARIES = {
    "no_answer": "call: no answer", "voicemail": "call: voicemail left",
    "promise": "call: promise to pay", "dispute": "call: dispute",
    "paid": "call: customer says the invoices are already paid",
    "not_received": "call: customer says the invoice was not received",
}


def invoice_numbers(task: Task) -> list[str]:
    return sorted(task.action.steps.values_list("invoice__number", flat=True))


@transaction.atomic
def log_call(task: Task, day: date, outcome: str, note: str = "", until: date | None = None,
             amount: Decimal | None = None, reason: str = "") -> Task:
    """Record a call made for ``task`` and close it."""
    customer, numbers = task.customer, invoice_numbers(task)
    if outcome == "promise":
        record_promise(customer, numbers, day, until, amount)
    elif outcome == "dispute":
        open_dispute(customer, numbers, day, reason)
    summary = SUMMARIES[outcome] + (f" – {note.strip()}" if note.strip() else "")
    TimelineEntry.objects.create(customer=customer, day=day, kind="call", summary=summary,
                                 params={"outcome": outcome, "note": note.strip()},
                                 action=task.action)
    task.done_on, task.outcome = day, summary
    task.save(update_fields=["done_on", "outcome"])
    return task


def close_task(task: Task, day: date, note: str = "") -> Task:
    task.done_on, task.outcome = day, note.strip() or "done"
    task.save(update_fields=["done_on", "outcome"])
    TimelineEntry.objects.create(customer=task.customer, day=day, kind=f"task_{task.kind}",
                                 summary=f"{task.get_kind_display()} done"
                                 + (f" – {note.strip()}" if note.strip() else ""),
                                 params={"note": note.strip()}, action=task.action)
    return task


def add_note(customer: Customer, day: date, text: str, author: str) -> TimelineEntry:
    return TimelineEntry.objects.create(customer=customer, day=day, kind="note",
                                        summary=f"{author}: {text.strip()}",
                                        params={"author": author, "text": text.strip()})
