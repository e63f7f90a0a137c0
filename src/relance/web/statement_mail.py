"""« Send the statement »: the customer's statement of account, by email, on request.

A collector sends it when a customer asks where its account stands, or before a call.
It goes to the customer's accounts-payable contacts (the people who pay), or, when none
has an address, to the first contact that has one. The text is short and neutral: the
PDF (``relance.documents.services.statement_for_customer``) says everything, and a
statement is information, not a reminder. The email is built by the messaging package
(``mime.build_email``) and handed to its transport (the outbox folder, or the SMTP
relay), then the customer's timeline records who received it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils.text import slugify

from relance.dunning.models import TimelineEntry
from relance.errors import DeliveryError, InputError
from relance.ledger.models import Customer
from relance.messaging.compose import domain_of, sender_of, signature_of
from relance.messaging.context import RenderedMessage
from relance.messaging.formatting import format_day
from relance.messaging.mime import Attachment, build_email, make_message_id
from relance.messaging.models import SendingSettings
from relance.messaging.services import transport
from relance.messaging.transport import dkim_sign

TEXTS = {
    "fr": ("Relevé de compte – {org}",
           "Bonjour,\n\nVeuillez trouver ci-joint le relevé de votre compte chez {org} "
           "au {day}.\n\nCordialement,\n\n{name}\n{function}\n{org}\n"),
    "en": ("Statement of account – {org}",
           "Hello,\n\nPlease find attached the statement of your account with {org} "
           "as of {day}.\n\nKind regards,\n\n{name}\n{function}\n{org}\n"),
}


def recipients(customer: Customer) -> list[tuple[str, str]]:
    """(name, address) of the accounts-payable contacts, else of the first with an address."""
    people = [c for c in customer.contacts.all() if c.email.strip()]
    payers = [c for c in people if c.role == "accounts_payable"]
    return [(f"{c.first_name} {c.last_name}".strip(), c.email.strip())
            for c in payers or people[:1]]


def send_statement(customer: Customer, as_of: date, now: datetime) -> list[str]:
    """Email the statement on ``as_of``; returns the addresses it went to.

    Raises :class:`InputError` when no contact has an address, :class:`DeliveryError`
    when the transport refuses the message (nothing is recorded then).
    """
    to = recipients(customer)
    if not to:
        raise InputError(f"customer {customer.ref}: no contact with an email address")
    from relance.documents.services import statement_for_customer

    name, pdf = statement_for_customer(customer, as_of)
    data = _email_bytes(customer, as_of, now, to, Attachment(name, pdf))
    sent = _deliver(customer, as_of, now, data, [address for _name, address in to])
    TimelineEntry.objects.create(customer=customer, day=as_of, kind="statement_sent",
                                 summary=f"{name} sent to {', '.join(sent)}")
    return sent


def _email_bytes(customer: Customer, as_of: date, now: datetime, to: list[tuple[str, str]],
                 attachment: Attachment) -> bytes:
    org = customer.organization
    language = customer.language if customer.language in TEXTS else "fr"
    signature = signature_of(org)
    values = {"org": org.name, "day": format_day(as_of, language), "name": signature.name,
              "function": signature.function}
    subject, body = (text.format(**values) for text in TEXTS[language])
    # The key holds the instant: each request is a new message, never a duplicate.
    key = f"{org.slug}/{customer.ref}/statement/{now.isoformat()}"
    message = build_email(RenderedMessage(subject, body), sender=(signature.name, sender_of(org)),
                          to=to, reply_to=org.collector_email or None,
                          message_id=make_message_id(key, domain_of(org)),
                          date=now.astimezone(ZoneInfo(org.timezone)), attachments=[attachment])
    return message.as_bytes()


def _deliver(customer: Customer, as_of: date, now: datetime, data: bytes,
             addresses: list[str]) -> list[str]:
    """Hand the bytes to the transport; the addresses the server did not refuse."""
    org = customer.organization
    via = transport(org)
    conf = SendingSettings.of(org)
    sender = sender_of(org)
    if via.name == "smtp" and conf.dkim_selector and conf.dkim_key_path:
        data = dkim_sign(data, conf.dkim_selector, sender.rpartition("@")[2], conf.dkim_key_path)
    stem = f"{slugify(customer.ref) or customer.pk}-statement-{now:%H%M%S}"
    try:
        receipt = via.send(data, sender, addresses, (org.slug, as_of.isoformat(), stem))
    except OSError as exc:  # smtplib's errors are OSErrors too
        raise DeliveryError(str(exc) or type(exc).__name__) from exc
    finally:
        via.close()
    return [a for a in addresses if a not in receipt.refused]
