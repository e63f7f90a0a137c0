"""Right before a message leaves: look again at its invoices, then build the bytes to send.

:func:`fresh_look` loads, for a claimed batch, what the freshness rule needs (current
balances, open disputes and promises, pause and litigation) and applies
``freshness.check``: cancel, re-render or send. :func:`build` turns a stored message
into its MIME bytes (``wire.message_bytes``: the bytes ``mime.build_email`` would
write), re-reading each attachment and hashing what is actually sent, and signs it with
DKIM when configured.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from relance.core.money import from_minor
from relance.dunning.models import Dispute, Promise, StepRecord
from relance.errors import DeliveryError
from relance.ledger.models import Invoice
from relance.ledger.services import with_balance
from relance.messaging import freshness, states
from relance.messaging.causes import Cause, cause
from relance.messaging.compose import FORMAL_NOTICE, draft, is_statement
from relance.messaging.context import RenderedMessage
from relance.messaging.mime import Attachment
from relance.messaging.models import OutboxMessage, SendingSettings
from relance.messaging.outbox import fill, template_of, text_of
from relance.messaging.transport import dkim_sign
from relance.messaging.wire import message_bytes

SEND_HOUR = time(9, 0)  # the Date of a message written to the folder: its day's window
ATTACHMENT_ERRORS = (DeliveryError, OSError)


@dataclass(frozen=True, slots=True)
class Built:
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
    sender = _mailbox(row.sender)
    to = [_mailbox(line) for line in row.recipients.splitlines() if line.strip()]
    date_ = now if transport == "smtp" else datetime.combine(action.day, SEND_HOUR,
                                                               ZoneInfo(org.timezone))
    attachments, files = _attachments(row.files)
    data = message_bytes(RenderedMessage(row.subject, row.body), sender=sender, to=to,
                         reply_to=row.reply_to or None, message_id=row.message_id,
                         date=date_, attachments=attachments,
                         in_reply_to=row.in_reply_to or None,
                         references=row.references.split())
    if transport == "smtp" and conf.dkim_selector and conf.dkim_key_path:
        data = dkim_sign(data, conf.dkim_selector, sender[1].rpartition("@")[2],
                         conf.dkim_key_path)
    stem = f"{action.customer.ref}-{action.step}-{action.currency}"
    return Built(data, sender[1], [address for _name, address in to],
                 (org.slug, action.day.isoformat(), stem),
                 data.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace"), files)


_ATOMS = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_WORD = r"[^\x00-\x20\x7f\"(),.:;<>@\[\]\\]+"
_PLAIN_LINE = re.compile(rf"({_WORD}(?: {_WORD})*) <({_ATOMS}@{_ATOMS})>|({_ATOMS}@{_ATOMS})")


@lru_cache(maxsize=4096)
def _mailbox(line: str) -> tuple[str, str]:
    """(name, address) of a stored ``Name <address>`` line, as ``parseaddr`` reads it;
    plain names and addresses (nearly all) without its parser."""
    found = _PLAIN_LINE.fullmatch(line)
    if found is None:
        return parseaddr(line)
    return (found[1], found[2]) if found[2] else ("", found[3])


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

def fresh_look(batch: list[OutboxMessage], moves, day_of,
               sending_on: date | None = None) -> set[int]:
    """Cancel or re-render what changed; returns the ids of the messages to send now.

    ``moves`` is the batch's ``outbox.Log``; ``day_of(row)`` the day a move is dated;
    ``sending_on`` the day the delivery acts on (a run's day), else ``day_of(row)``:
    a message drafted for much earlier is too old to leave (``freshness.MAX_AGE``).
    """
    facts = _Facts(batch, sending_on)
    ready, policies = set(), {}
    for row in batch:
        day = day_of(row)
        template = template_of(row.action, policies)
        verdict = freshness.check(facts.situation(row, day), strict=template == FORMAL_NOTICE)
        if verdict.decision == freshness.SEND:
            ready.add(row.pk)
        elif verdict.decision == freshness.CANCEL:
            row.error = verdict.reason  # shown with the message, not only on the timeline
            moves.move(row, states.CANCELLED, cause("not_sent", reason=verdict.why),
                       sending_on or day)
        else:
            ready |= _rerender(row, verdict, facts, template, day, moves)
    return ready


def _rerender(row, verdict, facts, template: str, day: date, moves) -> set[int]:
    balances = {n: facts.current[row.pk][n] for n in verdict.keep}
    before = text_of(row)
    fill(row, draft(row.action, [r for r in row.references.split() if r], template, balances))
    # What it claims from now on: the next look compares with this, not with the step's
    # balances, or a message approved again would be re-rendered again at every send.
    row.shown_balances = {number: str(balance) for number, balance in balances.items()}
    if row.needs_approval:
        moves.move(row, states.AWAITING, cause("rerendered_to_approve", reason=verdict.why),
                   day, before)
        return set()
    moves.note(row, cause("rerendered", reason=verdict.why), day, before)
    return {row.pk}


class _Facts:
    """What is true now about the invoices of a batch of messages."""

    def __init__(self, batch: list[OutboxMessage], sending_on: date | None) -> None:
        self.sending_on = sending_on
        by_action = {row.action_id: row for row in batch}
        records = list(StepRecord.objects.filter(action_id__in=by_action).values_list(
            "action_id", "invoice_id", "invoice__number", "balance_minor"))
        ids = [invoice_id for _action, invoice_id, _number, _balance in records]
        balances = dict(with_balance(Invoice.objects.filter(pk__in=ids))
                        .values_list("pk", "balance_minor"))
        self.recorded: dict[int, dict] = {row.pk: {} for row in batch}
        self.current: dict[int, dict] = {row.pk: {} for row in batch}
        self.number_of = {invoice_id: number for _a, invoice_id, number, _b in records}
        for action_id, invoice_id, number, balance in records:
            row = by_action[action_id]
            currency = row.action.currency
            if row.shown_balances and number not in row.shown_balances:
                continue  # dropped when the message was re-rendered: no longer claimed
            shown = row.shown_balances.get(number)
            self.recorded[row.pk][number] = (Decimal(shown) if shown is not None
                                             else from_minor(balance, currency))
            self.current[row.pk][number] = from_minor(balances[invoice_id], currency)
        self.disputes = list(Dispute.objects.filter(invoice_id__in=ids, resolved_on__isnull=True)
                             .values_list("invoice_id", "opened_on"))
        self.promises = list(Promise.objects.filter(status="open", invoices__in=ids)
                             .values_list("invoices", "made_on", "until"))

    def situation(self, row: OutboxMessage, day: date) -> freshness.Situation:
        numbers = set(self.recorded[row.pk])
        disputed = {self.number_of.get(i) for i, opened in self.disputes if opened <= day}
        promised = {self.number_of.get(i) for i, made, until in self.promises
                    if made <= day <= until}
        # A statement a person asked for is information, not a claim: no hold stops it.
        hold = None if is_statement(row.action.step) else _customer_hold(row.action.customer,
                                                                           day)
        return freshness.Situation(
            self.recorded[row.pk], self.current[row.pk], frozenset(disputed & numbers),
            frozenset(promised & numbers), hold,
            drafted_for=row.action.day, sending_on=self.sending_on or day,
            currency=row.action.currency)


def _customer_hold(customer, day: date) -> Cause | None:
    if customer.litigation_since and customer.litigation_since <= day:
        return cause("customer_litigation", since=customer.litigation_since)
    if customer.paused_until and (customer.paused_from or date.min) <= day <= \
            customer.paused_until:
        return cause("customer_paused", until=customer.paused_until)
    return None
