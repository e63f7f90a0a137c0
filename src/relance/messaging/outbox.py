"""Drafting the outbox and moving its messages: every move checked, stored and explained.

:func:`prepare` turns each recorded email action without a message into an outbox row:
``draft``, then ``approved`` (autopilot) or ``awaiting_approval`` (review mode, and
formal notices unless the organization said otherwise). A message that cannot be
drafted (a template hole, a missing rate for a formal notice's letter) becomes
``failed`` with its reason: never sent half-made, never silently skipped.
:func:`approve`, :func:`skip`, :func:`edit` and :func:`retry` are what a person does.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from email.headerregistry import Address
from email.utils import parseaddr
from functools import lru_cache

from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from relance.dunning.models import Action, StepRecord, TimelineEntry
from relance.errors import DeliveryError, InputError, RateMissing, RelanceError
from relance.ledger.models import Organization
from relance.messaging import bulk, causes, freshness, states
from relance.messaging.causes import Cause, cause
from relance.messaging.compose import (
    CONTACTS,
    FORMAL_NOTICE,
    STEPS,
    Draft,
    draft,
    edited_templates,
    is_statement,
    key_of,
)
from relance.messaging.models import MessageEvent, OutboxMessage, SendingSettings

DRAFT_ERRORS = (RelanceError, RateMissing, InputError, DeliveryError, OSError, ValueError)
QUIET = frozenset({states.SENDING})  # internal claims: in the audit events, not the timeline


class Log:
    """Moves made in one transaction: checked now, their events written in bulk."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        self.events: list[MessageEvent] = []
        self.timeline: list[TimelineEntry] = []

    def move(self, row: OutboxMessage, target: str, why: Cause | str, day: date,
             before: dict | None = None) -> None:
        """``why`` is worded in English on the event, in the reader's language on the
        timeline (``relance.messaging.causes``); ``before`` is the text the message had
        until now when the move comes with a new one (:func:`text_of`)."""
        states.check_move(row.status, target)
        self.events.append(_event(row, self.at, row.status, target, str(why)))
        if target not in QUIET:
            kind, summary, params = _timeline_line(row, target, why)
            self.timeline.append(TimelineEntry(
                customer_id=row.action.customer_id, day=day, action_id=row.action_id,
                kind=kind, summary=summary, params=_with_text(params, before)))
        row.status = target

    def note(self, row: OutboxMessage, why: Cause | str, day: date,
             before: dict | None = None) -> None:
        """Something happened to ``row`` that is not a move (a re-render, an edit)."""
        self.events.append(_event(row, self.at, row.status, row.status, str(why)))
        self.timeline.append(TimelineEntry(
            customer_id=row.action.customer_id, day=day, action_id=row.action_id,
            kind="message_changed", summary=f"{row.subject} – {why}",
            params=_with_text(_with_cause({"subject": row.subject}, why), before)))

    def flush(self) -> None:
        bulk.insert(self.events)
        bulk.insert(self.timeline)
        self.events, self.timeline = [], []


def _timeline_line(row: OutboxMessage, target: str,
                   why: Cause | str) -> tuple[str, str, dict]:
    """A move's line on the customer's timeline (kind, English summary, values); a
    delivered statement says what went to whom (``statement_sent``), as the customer
    page has always shown it."""
    if target in states.DELIVERED and is_statement(row.action.step):
        to = [parseaddr(line)[1] for line in row.recipients.splitlines() if line.strip()]
        files = [n for n in row.attachments.splitlines() if n] or [row.subject]
        return ("statement_sent", f"{', '.join(files)} sent to {', '.join(to)} – {why}",
                _with_cause({"files": files, "to": to}, why))
    return (f"message_{target}", f"{row.subject} – {why}",
            _with_cause({"subject": row.subject}, why))


#: What a person reads of a message (:func:`text_of`).
TEXT_FIELDS = ("subject", "recipients", "attachments", "body")


def text_of(row: OutboxMessage) -> dict[str, str]:
    """What a person reads of a message: kept on the line of the change that replaces it,
    so that the timeline shows each earlier line with the text it had then."""
    return {name: getattr(row, name) for name in TEXT_FIELDS}


def _with_text(params: dict, before: dict | None) -> dict:
    return {**params, "before": before} if before and params else params


def _with_cause(params: dict, why: Cause | str) -> dict:
    """A line's values and its cause's; none for a cause given as a plain sentence, so
    the line shows its English summary."""
    kept = causes.stored(why)
    return {**params, **kept} if kept else {}


def _event(row: OutboxMessage, at: datetime, before: str, after: str,
           cause: str) -> MessageEvent:
    """The event of a move; by id when the message is stored (Django checks an object
    at each assignment), else by object, its id taken when both are inserted."""
    if row.pk is None:
        return MessageEvent(message=row, at=at, from_status=before, to_status=after,
                            cause=cause)
    return MessageEvent(message_id=row.pk, at=at, from_status=before, to_status=after,
                        cause=cause)


def template_of(action: Action, cache: dict | None = None) -> str:
    """The template a step renders: its own name unless its scenario names another."""
    from relance.dunning.services import policy_of

    try:
        return policy_of(action.customer, cache).step(action.step).template_name
    except KeyError:  # the scenario changed since the action was recorded
        return action.step


def pending_actions(org: Organization, day: date) -> list[Action]:
    """The organization's email actions up to ``day`` that have no message yet.

    The organization is read once and shared by every action and customer, rather than
    joined into each row (and read again for each customer's payment terms). Step
    records and contacts come as lists (``compose.steps_of``, ``contacts_of``).
    """
    actions = list(Action.objects.filter(organization=org, day__lte=day,
                                         channels__contains="email", message__isnull=True)
                   .select_related("customer")
                   .prefetch_related(  # plain lists: a queryset per action costs more
                       Prefetch("steps", StepRecord.objects.select_related("invoice"),
                                to_attr=STEPS),
                       Prefetch("customer__contacts", to_attr=CONTACTS))
                   .order_by("day", "customer__ref", "id"))
    current = Organization.objects.get(pk=org.pk) if actions else org
    for action in actions:
        action.organization = action.customer.organization = current
    return actions


def prepare(org: Organization, day: date, at: datetime, batch: int = 500) -> list[str]:
    """Draft a message for every email action up to ``day``; returns the failures."""
    conf, failures = SendingSettings.of(org), []
    policies: dict = {}
    actions = pending_actions(org, day)
    templates = edited_templates(org)  # once per run, not once per message
    threads = _threads(org, {a.customer_id for a in actions})
    for start in range(0, len(actions), batch):
        rows = []
        for action in actions[start:start + batch]:
            row = _drafted(action, conf, threads, policies, failures, templates)
            threads[action.customer_id].append(row.message_id)
            rows.append(row)
        _store(rows, at)
    return failures


def _drafted(action: Action, conf: SendingSettings, threads: dict, policies: dict,
             failures: list[str], templates) -> OutboxMessage:
    template = template_of(action, policies)
    row = OutboxMessage(action=action, organization=action.organization, key=key_of(action),
                        status=states.DRAFT)
    try:
        fill(row, draft(action, threads[action.customer_id], template, templates=templates))
    except DRAFT_ERRORS as exc:
        row.subject, row.error = f"{action.step} {action.day}", str(exc)
        row.message_id = draft_id(action)
        row.recipients = action.recipients
        failures.append(f"{action.customer.ref} {action.step} {action.day}: {exc}")
        row.target = states.FAILED
        return row
    row.needs_approval = conf.mode == "review" or (
        template == FORMAL_NOTICE and conf.notices_need_approval)
    row.target = states.AWAITING if row.needs_approval else states.APPROVED
    return row


def draft_id(action: Action) -> str:
    from relance.messaging.compose import domain_of
    from relance.messaging.mime import make_message_id

    return make_message_id(key_of(action), domain_of(action.organization))


def fill(row: OutboxMessage, d: Draft) -> None:
    row.message_id, row.subject, row.body = d.message_id, d.subject, d.body
    row.sender = mailbox_text(*d.sender)
    row.reply_to = d.reply_to
    row.recipients = "\n".join(mailbox_text(name, email) if name else email
                               for name, email in d.to)
    row.in_reply_to, row.references = d.in_reply_to, " ".join(d.references)
    row.files = [f.as_dict() for f in d.files]
    row.attachments = "\n".join(f.name for f in d.files)


_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                            r"@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*")


@lru_cache(maxsize=4096)
def mailbox_text(name: str, email: str) -> str:
    """``Name <address>`` as ``str(Address(name, addr_spec=email))`` writes it (RFC 5322
    §3.4, a name with specials quoted). A plain dot-atom address needs none of the
    package's address parser, which costs more than drafting the rest of the message."""
    if "=?" not in email and _PLAIN_ADDRESS.fullmatch(email):
        local, _, domain = email.partition("@")
        return str(Address(name, username=local, domain=domain))
    return str(Address(name, addr_spec=email))


def _store(rows: list[OutboxMessage], at: datetime) -> None:
    """Insert the drafts and their first move; a concurrent run's rows are left alone."""
    try:
        with transaction.atomic():
            _insert(rows, at)
    except IntegrityError:
        for row in rows:  # another process drafted some of them: keep theirs
            row.pk = None
            try:
                with transaction.atomic():
                    _insert([row], at)
            except IntegrityError:
                continue


def _insert(rows: list[OutboxMessage], at: datetime) -> None:
    """Insert the rows directly in their first status; the events record the move."""
    log = Log(at)
    for row in rows:
        why = {states.FAILED: cause("cannot_draft", error=row.error),
               states.AWAITING: cause("drafted_to_approve"),
               states.APPROVED: cause("drafted_autopilot")}[row.target]
        log.move(row, row.target, why, row.action.day)
    bulk.insert(rows, ids=True)
    log.flush()


def _threads(org: Organization, customers: set[int]) -> dict[int, list[str]]:
    """Each customer's earlier messages, oldest first: the thread a new one joins."""
    threads: dict[int, list[str]] = defaultdict(list)
    for customer_id, message_id in (
            OutboxMessage.objects.filter(organization=org, action__customer_id__in=customers)
            .exclude(status__in=[states.FAILED, states.CANCELLED])
            .order_by("action__day", "id").values_list("action__customer_id", "message_id")):
        threads[customer_id].append(message_id)
    return threads


# --- what a person does ------------------------------------------------------------------

def _one(message: OutboxMessage, target: str, why: Cause, at: datetime, day: date,
         **fields) -> OutboxMessage:
    with transaction.atomic():
        row = OutboxMessage.objects.select_for_update().select_related("action").get(
            pk=message.pk)
        log = Log(at)
        log.move(row, target, why, day)
        for name, value in fields.items():
            setattr(row, name, value)
        row.save(update_fields=["status", *fields])
        log.flush()
    return row


def approve(message: OutboxMessage, by: str, at: datetime, day: date) -> OutboxMessage:
    """A person approves ``message``: it leaves at the next delivery inside the window."""
    return _one(message, states.APPROVED, cause("approved", by=by), at, day, next_attempt_at=None)


def skip(message: OutboxMessage, by: str, reason: str, at: datetime, day: date) -> OutboxMessage:
    """Do not send ``message``; the reason goes on the customer's timeline."""
    return _one(message, states.CANCELLED, cause("cancelled", by=by, reason=reason), at, day)


def edit(message: OutboxMessage, by: str, subject: str, body: str, at: datetime,
         day: date) -> OutboxMessage:
    """Change an awaiting message's text; it still needs approving."""
    if message.status != states.AWAITING:
        raise states.MoveRefused("only a message awaiting approval can be edited")
    if "\n" in subject or not subject.strip() or not body.strip():
        raise InputError("a message needs a one-line subject and a body")
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(subject=subject.strip(), body=body)
        MessageEvent.objects.create(message=message, at=at, from_status=message.status,
                                    to_status=message.status, cause=f"edited by {by}")
    message.refresh_from_db()
    return message


def retry(message: OutboxMessage, by: str, at: datetime, day: date) -> OutboxMessage:
    """Try a failed message again, drafted afresh (a rate added, an address corrected)."""
    action = message.action
    fresh = OutboxMessage(pk=message.pk, action=action)
    if is_statement(action.step):  # its own text and PDF, not a scenario's template
        from relance.messaging import statement

        fill(fresh, statement.draft(action))
    else:
        fill(fresh, draft(action, [r for r in message.references.split() if r],
                          template_of(action)))
    fields = {f: getattr(fresh, f) for f in ("subject", "body", "sender", "reply_to",
                                             "recipients", "files", "attachments")}
    # Drafted from the step's balances again: the last look before sending compares with
    # those and re-renders what changed since.
    fields["shown_balances"] = {}
    return _one(message, states.APPROVED, cause("retried", by=by), at, day, attempts=0,
                next_attempt_at=None, error="", **fields)


def expire(org: Organization, day: date, at: datetime) -> int:
    """Cancel what awaits approval and is already too old to leave on ``day``
    (``freshness.too_old``), so the approval queue holds only what can still go out;
    returns how many. Each gets a timeline line saying why.
    """
    oldest = day - timedelta(days=freshness.MAX_AGE_NOTICE)
    rows = list(OutboxMessage.objects.filter(organization=org, status=states.AWAITING,
                                             action__day__lt=oldest)
                .select_related("action__customer"))
    moves, policies, expired = Log(at), {}, []
    for row in rows:
        reason = freshness.too_old(row.action.day, day,
                                   template_of(row.action, policies) == FORMAL_NOTICE)
        if reason:
            moves.move(row, states.CANCELLED, cause("expired", reason=reason), day)
            expired.append(row.pk)
    with transaction.atomic():
        OutboxMessage.objects.filter(pk__in=expired).update(status=states.CANCELLED)
        moves.flush()
    return len(expired)
