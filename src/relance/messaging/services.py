"""The messaging service: draft, approve, deliver and account for every outgoing email.

Three steps, as everywhere in Relance: the dunning run *records* actions; :func:`prepare`
*drafts* one outbox message per email action (approved at once on autopilot, or kept
for a person's approval); :func:`deliver` *sends* the approved ones through the
configured transport with the crash-safe protocol of ``sender.py``.

Transport: without ``RELANCE_SMTP_HOST`` every message is written as an ``.eml`` file
under ``<data>/outbox/<organization>/<day>/`` (immediately: it reaches nobody, so the
send window does not apply); with it, messages go to that SMTP relay inside the
organization's send window. With ``RELANCE_BROKER_URL`` delivery runs on Celery
workers (``tasks.py``); without it, in this process. This module holds the one
function that reads the clock for sending (:func:`clock`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

import relance.clock
from relance.ledger.models import Organization
from relance.messaging import outbox, states
from relance.messaging.models import OutboxMessage, SendingSettings
from relance.messaging.rules import Window, next_opening
from relance.messaging.sender import Outcome, Sender
from relance.messaging.transport import FolderTransport, SmtpTransport


def clock() -> datetime:
    """Now, in UTC: the moment a message is claimed, sent and recorded."""
    return relance.clock.now()


def transport(org: Organization | None = None) -> FolderTransport | SmtpTransport:
    """The organization's own SMTP relay (set in its settings page), else the install's,
    else the outbox folder."""
    smtp = dict(settings.RELANCE_SMTP)
    if org is not None:
        from relance.web.mailtest import relay_of  # the settings page's storage

        smtp = relay_of(org)
    return SmtpTransport(smtp) if smtp["host"] else FolderTransport(Path(settings.OUTBOX_DIR))


def send_pending(org: Organization, day: date) -> tuple[list[OutboxMessage], list[str]]:
    """Draft every email action up to ``day`` and deliver what is approved and due.

    Returns the messages delivered by this call and the failures (text). Messages
    awaiting approval are listed by :func:`awaiting_approval`; with a broker, delivery
    happens on the workers and this returns no delivered message.
    """
    failures = outbox.prepare(org, day, clock())  # the run expired what waited too long
    from relance.messaging import tasks

    if tasks.enabled():
        tasks.deliver_organization.delay(org.pk, day.isoformat())
        return [], failures
    result = deliver(org, as_of=day)
    return result.delivered, failures + result.failures


def deliver(org: Organization, now: Callable[[], datetime] = clock, via=None,
            limit: int | None = None, as_of: date | None = None,
            only: Collection[int] | None = None) -> Outcome:
    """Send ``org``'s approved, due messages (inside its send window for SMTP).

    ``as_of`` is the day the delivery acts on (a daily run's day; default: the local
    date of ``now``): a message drafted for a day long before it is not sent
    (``freshness.MAX_AGE``). ``only`` names the messages a person has just asked to
    send (a statement, ``statement.py``): only they are claimed, and at once, whatever
    the send window – the window keeps automatic reminders to office hours, and this
    person is sending now. Their retries, if any, are ordinary deliveries.
    """
    via = via or transport(org)
    closed = only is None and via.respects_window and closed_now(org, now())
    if closed:
        return Outcome(closed=closed)
    return Sender(org, via, now, as_of=as_of, only=only).run(limit)


def closed_now(org: Organization, now: datetime) -> str:
    """Why nothing leaves now and when it can (the window's next opening, local time);
    empty when the send window is open."""
    local, opening = _opening(org, now)
    if opening == local:
        return ""
    return f"outside the send window; it opens {opening:%Y-%m-%d %H:%M} ({org.timezone})"


def _opening(org: Organization, now: datetime) -> tuple[datetime, datetime]:
    """``now`` in the organization's time zone, and the send window's next opening."""
    from relance.dunning.services import calendar_of

    conf = SendingSettings.of(org)
    local = now.astimezone(ZoneInfo(org.timezone))
    window = Window(conf.window_start, conf.window_end, conf.business_days_only)
    return local, next_opening(local, window, calendar_of(org))


def awaiting_approval(org: Organization, day: date) -> list[OutboxMessage]:
    """Messages up to ``day`` that a person must approve before they leave."""
    return list(OutboxMessage.objects.filter(organization=org, status=states.AWAITING,
                                             action__day__lte=day)
                .select_related("action__customer").order_by("action__day", "id"))


def _local_day(message: OutboxMessage, at: datetime) -> date:
    return at.astimezone(ZoneInfo(message.organization.timezone)).date()


def _who(user) -> str:
    return getattr(user, "username", None) or str(user)


def approve(message: OutboxMessage, user) -> OutboxMessage:
    """A person approves ``message``; it leaves at the next delivery in the window."""
    at = clock()
    return outbox.approve(message, _who(user), at, _local_day(message, at))


def skip(message: OutboxMessage, user, reason: str) -> OutboxMessage:
    """Do not send ``message``; the reason goes on the customer's timeline."""
    at = clock()
    return outbox.skip(message, _who(user), reason, at, _local_day(message, at))


def edit(message: OutboxMessage, user, subject: str, body: str) -> OutboxMessage:
    """Change the subject and body of a message awaiting approval."""
    at = clock()
    return outbox.edit(message, _who(user), subject, body, at, _local_day(message, at))


def retry(message: OutboxMessage, user) -> OutboxMessage:
    """Draft a failed message again and approve it (after fixing what made it fail)."""
    at = clock()
    return outbox.retry(message, _who(user), at, _local_day(message, at))


def audit(org: Organization, since: date | None = None) -> Iterator[dict]:
    """Every message as stored and sent, with its moves: the exportable audit trail."""
    rows = (OutboxMessage.objects.filter(organization=org).select_related("action__customer")
            .prefetch_related("events").order_by("id"))
    if since:
        rows = rows.filter(action__day__gte=since)
    for m in rows.iterator(chunk_size=500):
        yield {"message_id": m.message_id, "key": m.key, "customer": m.action.customer.ref,
               "step": m.action.step, "day": m.action.day.isoformat(), "status": m.status,
               "subject": m.subject, "from": m.sender, "reply_to": m.reply_to,
               "to": m.recipients.splitlines(), "in_reply_to": m.in_reply_to,
               "references": m.references.split(), "headers": m.headers, "body": m.body,
               "attachments": m.files, "attempts": m.attempts, "smtp_reply": m.smtp_reply,
               "error": m.error, "sent_at": m.sent_at.isoformat() if m.sent_at else None,
               "events": [{"at": e.at.isoformat(), "from": e.from_status, "to": e.to_status,
                           "cause": e.cause} for e in m.events.all()]}
