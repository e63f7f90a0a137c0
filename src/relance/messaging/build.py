"""Right before a message leaves: look again at its invoices, then build the bytes to send.

:func:`fresh_look` loads, for a claimed batch, what the freshness rule needs (current
balances, open disputes and promises, pause and litigation) and applies
``freshness.check``: cancel, re-render or send. :func:`build` turns a stored message
into its MIME bytes with the packaged builder (``mime.build_email``), re-reading each
attachment and hashing what is actually sent, and signs it with DKIM when configured.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from zoneinfo import ZoneInfo

from relance.core.money import from_minor
from relance.dunning.models import Dispute, Promise, StepRecord
from relance.errors import DeliveryError
from relance.ledger.models import Invoice
from relance.ledger.services import with_balance
from relance.messaging import freshness, states
from relance.messaging.compose import FORMAL_NOTICE, draft
from relance.messaging.context import RenderedMessage
from relance.messaging.mime import Attachment, build_email
from relance.messaging.models import OutboxMessage, SendingSettings
from relance.messaging.outbox import fill, template_of
from relance.messaging.transport import dkim_sign

SEND_HOUR = time(9, 0)  # the Date of a message written to the folder: its day's window
ATTACHMENT_ERRORS = (DeliveryError, OSError)


@dataclass(frozen=True, slots=True)
class Built:
    message: EmailMessage
    data: bytes
    envelope_from: str
    envelope_to: list[str]
    where: tuple[str, str, str]
    headers: str
    files: list[dict]


def build(row: OutboxMessage, now: datetime, transport: str,
          conf: SendingSettings) -> Built:
    """The bytes of ``row`` as they leave now; raises ``DeliveryError`` on a lost file."""
    action, org = row.action, row.action.organization
    sender = parseaddr(row.sender)
    to = [parseaddr(line) for line in row.recipients.splitlines() if line.strip()]
    date_ = now if transport == "smtp" else datetime.combine(action.day, SEND_HOUR,
                                                               ZoneInfo(org.timezone))
    attachments, files = _attachments(row.files)
    message = build_email(RenderedMessage(row.subject, row.body), sender=sender, to=to,
                          reply_to=row.reply_to or None, message_id=row.message_id,
                          date=date_, attachments=attachments,
                          in_reply_to=row.in_reply_to or None,
                          references=row.references.split())
    data = message.as_bytes()
    if transport == "smtp" and conf.dkim_selector and conf.dkim_key_path:
        data = dkim_sign(data, conf.dkim_selector, sender[1].rpartition("@")[2],
                         conf.dkim_key_path)
    stem = f"{action.customer.ref}-{action.step}-{action.currency}"
    return Built(message, data, sender[1], [address for _name, address in to],
                 (org.slug, action.day.isoformat(), stem),
                 data.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace"), files)


def _attachments(files: list[dict]) -> tuple[list[Attachment], list[dict]]:
    """Read each file again; record the hash of what is sent (and the drafted one if
    the file changed since)."""
    attachments, sent = [], []
    for f in files:
        path = Path(f["path"])
        if not path.is_file():
            raise DeliveryError(f"attachment {f['name']} is missing: {path}")
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        entry = dict(f, sha256=digest, size=len(content))
        if digest != f["sha256"]:
            entry["drafted_sha256"] = f["sha256"]
        attachments.append(Attachment(f["name"], content, f["mime"]))
        sent.append(entry)
    return attachments, sent


# --- the freshness check -----------------------------------------------------------------

def fresh_look(batch: list[OutboxMessage], moves, day_of) -> set[int]:
    """Cancel or re-render what changed; returns the ids of the messages to send now.

    ``moves`` is the batch's ``outbox.Log``; ``day_of(row)`` the day a move is dated.
    """
    facts = _Facts(batch)
    ready, policies = set(), {}
    for row in batch:
        day = day_of(row)
        template = template_of(row.action, policies)
        verdict = freshness.check(facts.situation(row, day), strict=template == FORMAL_NOTICE)
        if verdict.decision == freshness.SEND:
            ready.add(row.pk)
        elif verdict.decision == freshness.CANCEL:
            moves.move(row, states.CANCELLED, f"not sent: {verdict.reason}", day)
        else:
            ready |= _rerender(row, verdict, facts, template, day, moves)
    return ready


def _rerender(row, verdict, facts, template: str, day: date, moves) -> set[int]:
    balances = {n: facts.current[row.pk][n] for n in verdict.keep}
    fill(row, draft(row.action, [r for r in row.references.split() if r], template, balances))
    cause = f"re-rendered before sending: {verdict.reason}"
    if row.needs_approval:
        moves.move(row, states.AWAITING, cause + "; approve it again", day)
        return set()
    moves.note(row, cause, day)
    return {row.pk}


class _Facts:
    """What is true now about the invoices of a batch of messages."""

    def __init__(self, batch: list[OutboxMessage]) -> None:
        by_action = {row.action_id: row for row in batch}
        records = list(StepRecord.objects.filter(action_id__in=by_action)
                       .select_related("invoice"))
        ids = [r.invoice_id for r in records]
        balances = dict(with_balance(Invoice.objects.filter(pk__in=ids))
                        .values_list("pk", "balance_minor"))
        self.recorded: dict[int, dict] = {row.pk: {} for row in batch}
        self.current: dict[int, dict] = {row.pk: {} for row in batch}
        self.number_of = {r.invoice_id: r.invoice.number for r in records}
        for r in records:
            row = by_action[r.action_id]
            currency = row.action.currency
            self.recorded[row.pk][r.invoice.number] = from_minor(r.balance_minor, currency)
            self.current[row.pk][r.invoice.number] = from_minor(balances[r.invoice_id],
                                                                currency)
        self.disputes = list(Dispute.objects.filter(invoice_id__in=ids, resolved_on__isnull=True)
                             .values_list("invoice_id", "opened_on"))
        self.promises = list(Promise.objects.filter(status="open", invoices__in=ids)
                             .values_list("invoices", "made_on", "until"))

    def situation(self, row: OutboxMessage, day: date) -> freshness.Situation:
        numbers = set(self.recorded[row.pk])
        disputed = {self.number_of.get(i) for i, opened in self.disputes if opened <= day}
        promised = {self.number_of.get(i) for i, made, until in self.promises
                    if made <= day <= until}
        return freshness.Situation(
            self.recorded[row.pk], self.current[row.pk], frozenset(disputed & numbers),
            frozenset(promised & numbers), _customer_hold(row.action.customer, day))


def _customer_hold(customer, day: date) -> str | None:
    if customer.litigation_since and customer.litigation_since <= day:
        return f"customer in litigation since {customer.litigation_since}"
    if customer.paused_until and (customer.paused_from or date.min) <= day <= \
            customer.paused_until:
        return f"customer paused until {customer.paused_until}"
    return None
