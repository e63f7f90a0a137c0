"""« Send the statement »: the customer's statement of account, by email, on request.

A collector sends it when a customer asks where its account stands, or before a call.
The click makes one outbox message (``relance.messaging.statement``: its text, its
recipients – the accounts-payable contacts, else the first contact with an address –,
its PDF, and the rule that makes a double click one email) and asks at once for its
delivery through the function every message goes through (``messaging.services.deliver``,
limited to that message): the outbox folder or the organization's relay, with DKIM,
the journal, the retries and the audit trail. The customer's timeline says
"… sent to …" once the transport has accepted it (``statement_sent``); a temporary
failure is shown on the page and leaves the message to the retries of the following
deliveries (``relance send``, the workers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from relance.ledger.models import Customer
from relance.messaging import services, states
from relance.messaging.models import OutboxMessage
from relance.messaging.statement import REPEAT, recipients, request

__all__ = ["Request", "recipients", "send_statement"]


@dataclass(frozen=True)
class Request:
    """What a click did: the statement's message, and whether this click made it."""

    message: OutboxMessage
    new: bool  # False: an earlier click's message, on its way or delivered just before

    @property
    def delivered(self) -> bool:
        return self.message.status in states.DELIVERED

    @property
    def to(self) -> list[str]:
        return [parseaddr(line)[1] for line in self.message.recipients.splitlines()
                if line.strip()]

    def local(self, at: datetime) -> datetime:
        return at.astimezone(ZoneInfo(self.message.organization.timezone))

    @property
    def since(self) -> datetime:
        """When it left (delivered), else when it was asked for, in local time."""
        return self.local(self.message.sent_at if self.delivered and self.message.sent_at
                          else self.message.created_at)

    @property
    def again_after(self) -> datetime:
        """From when a new click sends the statement once more."""
        return self.since + REPEAT


def send_statement(customer: Customer, as_of: date, now: datetime, by: str) -> Request:
    """Ask for the statement on ``as_of`` to be emailed; returns what the request did.

    A new message is delivered at once; an earlier one (still on its way, or delivered
    less than ``REPEAT`` ago) is returned as it is. Raises ``InputError`` when no
    contact has an address.
    """
    message, new = request(customer, as_of, now, by)
    if new:
        # acting on the page's day, as the approval page's delivery does
        services.deliver(customer.organization, as_of=as_of, only=[message.pk])
        message.refresh_from_db()
    return Request(message, new)
