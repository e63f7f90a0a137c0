"""``bulk.insert`` stores exactly what Django's ``bulk_create`` stores, for less."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from relance.dunning.models import Action, TimelineEntry
from relance.messaging import bulk
from relance.messaging.models import MessageEvent, OutboxMessage

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 5, 10, 30, 15, 123456, tzinfo=UTC)


def _messages(org, suffix: str) -> list[OutboxMessage]:
    customer = org.customers.first()
    rows = []
    for index in range(3):
        action = Action.objects.create(organization=org, customer=customer,
                                       step=f"step{suffix}{index}", day=date(2026, 3, 5),
                                       channels="email", currency="EUR", amount_minor=100)
        rows.append(OutboxMessage(
            action=action, organization=org, key=f"k{suffix}{index}",
            message_id=f"<{suffix}{index}@acme.example>", subject="Relance – échéance",
            sender="Camille <c@acme.example>", recipients="a@b.example", body="Bonjour\n",
            files=[{"name": "F-1.pdf", "size": 3}], status="approved", attempts=index,
            needs_approval=bool(index % 2), next_attempt_at=AT if index else None))
    return rows


def _stored(model, ids, exclude=("id", "created_at", "key", "message_id", "action_id",
                                  "message_id_id")) -> list[dict]:
    rows = model.objects.filter(pk__in=ids).order_by("id").values()
    return [{k: v for k, v in row.items() if k not in exclude} for row in rows]


def test_messages_events_and_timeline_lines_are_stored_alike(book):
    ours, theirs = _messages(book, "a"), _messages(book, "b")
    bulk.insert(ours, ids=True)
    OutboxMessage.objects.bulk_create(theirs)
    assert all(row.pk for row in ours) and all(not row._state.adding for row in ours)
    assert _stored(OutboxMessage, [r.pk for r in ours]) == \
        _stored(OutboxMessage, [r.pk for r in theirs])

    def events(rows):
        return [MessageEvent(message=row, at=AT, from_status="draft", to_status="approved",
                             cause="drafted; autopilot") for row in rows]

    def lines(rows):
        return [TimelineEntry(customer_id=row.action.customer_id, day=date(2026, 3, 5),
                              action_id=row.action_id, kind="message_approved",
                              summary="Relance – drafted") for row in rows]

    bulk.insert(events(ours))
    MessageEvent.objects.bulk_create(events(theirs))
    mine = list(MessageEvent.objects.filter(message__in=ours).order_by("id").values(
        "message_id", "at", "from_status", "to_status", "cause"))
    assert [e["message_id"] for e in mine] == [r.pk for r in ours]
    assert [dict(e, message_id=None) for e in mine] == [
        dict(e, message_id=None) for e in MessageEvent.objects.filter(
            message__in=theirs).order_by("id").values(
            "message_id", "at", "from_status", "to_status", "cause")]
    bulk.insert(lines(ours))
    TimelineEntry.objects.bulk_create(lines(theirs))
    mine = list(TimelineEntry.objects.filter(action__in=[r.action for r in ours])
                .order_by("id").values("day", "kind", "summary", "credit_id"))
    assert mine == list(TimelineEntry.objects.filter(action__in=[r.action for r in theirs])
                        .order_by("id").values("day", "kind", "summary", "credit_id"))
    assert len(mine) == 3 and mine[0]["day"] == date(2026, 3, 5)
