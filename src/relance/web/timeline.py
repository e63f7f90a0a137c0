"""A customer's history in one list: timeline entries with their messages, and money in.

Every message is shown with its full content as it was at each line (PRODUCT.md:
every exchange is traceable): a line written before a re-render shows the text drafted
or approved then. Payments and credit notes appear on the day they are dated even when
the import that brought them wrote no timeline line. Each line is worded in the
reader's language when the page is made (``relance.dunning.wording``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from relance.dunning import wording
from relance.dunning.models import TimelineEntry
from relance.ledger.models import Credit, Customer
from relance.messaging import causes
from relance.messaging.models import OutboxMessage
from relance.messaging.outbox import TEXT_FIELDS


@dataclass(frozen=True)
class Event:
    day: date
    kind: str
    summary: str
    message: OutboxMessage | None = None
    credit: Credit | None = None
    order: int = 0


def of(customer: Customer, limit: int = 300) -> list[Event]:
    entries = list(TimelineEntry.objects.filter(customer=customer)
                   .select_related("action", "credit").order_by("-day", "-at", "-id")[:limit])
    action_ids = {e.action_id for e in entries if e.action_id}
    messages = {m.action_id: m for m in OutboxMessage.objects.filter(action_id__in=action_ids)}
    shown_credits = {e.credit_id for e in entries if e.credit_id}
    texts = _texts(entries, messages)
    events = [Event(e.day, e.kind, wording.worded(e.kind, e.params, e.summary),
                    texts.get(e.pk), e.credit, e.pk) for e in entries]
    events += [Event(c.date, c.kind, c.reference or c.number, None, c, 0)
               for c in customer.credits.order_by("-date", "-id")[:limit]
               if c.pk not in shown_credits]
    return sorted(events, key=lambda e: (e.day, e.order), reverse=True)[:limit]


def _texts(entries: list[TimelineEntry], messages: dict) -> dict[int, OutboxMessage]:
    """The message text each line shows: the one it had then. Read from the newest line
    back: a message's current text until the line that gave it (a re-render before
    sending), the text that line replaced (kept in its values) on the lines before."""
    texts, shown = {}, {}
    # In the order they were written, not by the day they are dated: a line is dated by
    # the day it acts on, which a delivery or an approval may set apart from the clock.
    for entry in sorted(entries, key=lambda e: (e.at, e.pk), reverse=True):
        message = _message_of(entry, messages)
        if message is None:
            continue
        texts[entry.pk] = shown.get(entry.action_id, message)
        before = (entry.params or {}).get("before")
        if isinstance(before, dict):
            shown[entry.action_id] = OutboxMessage(**{k: before.get(k, "") for k in TEXT_FIELDS})
    return texts


def _message_of(entry: TimelineEntry, messages: dict) -> OutboxMessage | None:
    # a delivered statement's line is a move of its message (outbox.Log) too
    if (entry.kind.startswith("message_") or entry.kind == "statement_sent") and \
            entry.action_id in messages:
        return messages[entry.action_id]
    return None


def error_of(message: OutboxMessage) -> str:
    """Why ``message`` was not sent (cancelled before sending, failed, to be tried
    again), in the reader's language: from its last move's line, whose reason has its
    code; the English ``error`` it keeps when that line has none (an older line)."""
    if not message.error:
        return ""
    entry = (TimelineEntry.objects.filter(action_id=message.action_id,
                                          kind=f"message_{message.status}")
             .order_by("-at", "-id").first())
    reason = (entry.params or {}).get("reason") if entry else None
    if not isinstance(reason, (dict, list)):
        return message.error
    try:
        return str(causes.shown(reason))
    except (KeyError, ValueError, TypeError):  # values of another version of a cause
        return message.error
