"""Compose each recorded email action and deliver it: outbox folder or SMTP.

Without SMTP settings, every message is written as an ``.eml`` file under
``<data>/outbox/<organization>/<day>/``; with ``RELANCE_SMTP_HOST`` it is sent.
A message that cannot be composed (a template hole, a missing rate for a formal
notice) is recorded as failed with its reason: never sent half-made, never
silently skipped.
"""

from __future__ import annotations

import mimetypes
import smtplib
import ssl
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction

from relance.core.money import from_minor
from relance.core.penalties import fixed_indemnity, late_interest
from relance.core.rates import load_default
from relance.dunning.models import Action, TimelineEntry
from relance.errors import DeliveryError, RateMissing, TemplateError
from relance.ledger.models import Invoice, Organization
from relance.ledger.services import reductions
from relance.messaging.context import MessageContext, MessageInvoice, Signature
from relance.messaging.mime import Attachment, build_email, make_message_id
from relance.messaging.models import OutboxMessage
from relance.messaging.render import render

NOTICE_DAYS = 8  # payment deadline of a formal notice, spec/dunning-rules.md
SEND_HOUR = time(9, 0)  # start of the default send window


def send_pending(org: Organization, day: date) -> tuple[list[OutboxMessage], list[str]]:
    """Deliver every email action up to ``day`` that has no message yet."""
    sent, failures = [], []
    pending = (Action.objects.filter(organization=org, day__lte=day, channels__contains="email",
                                     message__isnull=True)
               .select_related("customer").order_by("day", "customer__ref", "id"))
    for action in pending:
        try:
            sent.append(deliver(action))
        except (TemplateError, RateMissing, DeliveryError, OSError, smtplib.SMTPException) as exc:
            failures.append(f"{action.customer.ref} {action.step} {action.day}: {exc}")
            TimelineEntry.objects.create(customer=action.customer, day=action.day, action=action,
                                         kind="message_failed", summary=str(exc))
    return sent, failures


def compose(action: Action) -> tuple[EmailMessage, list[str]]:
    """The email for ``action`` and the names of its attachments."""
    org, customer = action.organization, action.customer
    invoices = [r.invoice for r in action.steps.select_related("invoice").order_by("invoice__due")]
    balances = {r.invoice_id: from_minor(r.balance_minor, action.currency)
                for r in action.steps.all()}
    ctx = _context(action, invoices, balances)
    rendered = render(ctx)
    attachments = [a for a in (_invoice_pdf(i) for i in invoices) if a is not None]
    message = build_email(
        rendered, sender=(ctx.signature.name, _sender(org)),
        to=[(_names(customer).get(e, ""), e) for e in action.recipients.split()],
        reply_to=org.collector_email or None,
        message_id=make_message_id(f"{org.slug}/{customer.ref}/{action.step}/{action.day}"
                                   f"/{action.currency}", _domain(org)),
        date=datetime.combine(action.day, SEND_HOUR, ZoneInfo(org.timezone)),
        attachments=attachments)
    return message, [a.filename for a in attachments]


def _context(action: Action, invoices: list[Invoice], balances: dict) -> MessageContext:
    org, customer = action.organization, action.customer
    contacts = [c for c in customer.contacts.all() if c.email in action.recipients.split()]
    first_names = {c.first_name for c in contacts if c.first_name}
    notice = template_of(action) == "formal_notice"
    interest, indemnity = _penalties(invoices, action.day, customer.kind == "b2c",
                                     customer.insolvency) if notice else (None, None)
    return MessageContext(
        step=template_of(action), language=customer.language, organization_name=org.name,
        customer_name=customer.name,
        contact_first_name=first_names.pop() if len(first_names) == 1 else None,
        invoices=tuple(MessageInvoice(i.number, i.issued, i.due, i.amount, balances[i.pk])
                       for i in invoices),
        currency=action.currency, signature=_signature(org), consumer=customer.kind == "b2c",
        payment_terms_days=customer.terms, late_interest=interest,
        indemnity=None if customer.kind == "b2c" else indemnity,
        deadline=action.day + timedelta(days=NOTICE_DAYS) if notice else None,
        iban=org.iban or None)


def template_of(action: Action) -> str:
    """The template a step renders: its own name unless its scenario names another."""
    from relance.dunning.services import policy_of

    try:
        return policy_of(action.customer).step(action.step).template_name
    except KeyError:  # the scenario changed since the action was recorded
        return action.step


def _penalties(invoices: list[Invoice], day: date, consumer: bool,
               insolvency: bool) -> tuple[Decimal, Decimal]:
    """Late interest and fixed indemnities owed on ``invoices`` as of ``day``."""
    rates = load_default()
    interest = indemnity = Decimal(0)
    for inv in invoices:
        dated = reductions(inv)
        if not consumer:  # B2C interest runs only after the formal notice itself
            interest += late_interest(inv.amount, inv.due, dated, day, rates,
                                      currency=inv.currency).amount
        indemnity += fixed_indemnity(inv.amount, inv.due, dated, day, consumer=consumer,
                                     insolvency=insolvency)
    return interest, indemnity


def _signature(org: Organization) -> Signature:
    return Signature(org.collector_name or org.name,
                     org.collector_function or "Service comptabilité clients",
                     org.collector_email or _sender(org), org.collector_phone)


def _sender(org: Organization) -> str:
    return org.sender_email or org.collector_email or f"comptabilite@{_domain(org)}"


def _domain(org: Organization) -> str:
    address = org.sender_email or org.collector_email
    return address.rsplit("@", 1)[1] if "@" in address else f"{org.slug}.relance.invalid"


def _names(customer) -> dict[str, str]:
    return {c.email: f"{c.first_name} {c.last_name}".strip() for c in customer.contacts.all()}


def _invoice_pdf(invoice: Invoice) -> Attachment | None:
    if not invoice.pdf_path:
        return None
    path = Path(invoice.pdf_path)
    if not path.is_absolute():
        path = Path(settings.DOCUMENTS_DIR) / path
    if not path.is_file():
        return None
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Attachment(path.name, path.read_bytes(), mime)


def deliver(action: Action) -> OutboxMessage:
    """Compose ``action``'s email and write it to the outbox folder or send it by SMTP."""
    message, attachments = compose(action)
    if settings.RELANCE_SMTP["host"]:
        _smtp_send(message)
        path, status = "", "sent"
    else:
        path, status = str(_write(action, message)), "written"
    try:
        with transaction.atomic():
            row = OutboxMessage.objects.create(
                action=action, message_id=message["Message-ID"], subject=str(message["Subject"]),
                sender=str(message["From"]), recipients=action.recipients,
                body=message.get_body(("plain",)).get_content(), path=path,
                attachments="\n".join(attachments), status=status)
            TimelineEntry.objects.create(customer=action.customer, day=action.day, action=action,
                                         kind=f"message_{status}", summary=row.subject)
    except IntegrityError:
        row = OutboxMessage.objects.get(action=action)
    return row


def _write(action: Action, message: EmailMessage) -> Path:
    folder = Path(settings.OUTBOX_DIR) / action.organization.slug / action.day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{action.customer.ref}-{action.step}-{action.currency}.eml"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(message.as_bytes())
    tmp.replace(path)  # atomic: a crash never leaves half a message in the outbox
    return path


def _smtp_send(message: EmailMessage) -> None:
    smtp_settings = settings.RELANCE_SMTP
    factory = smtplib.SMTP_SSL if smtp_settings["tls"] == "ssl" else smtplib.SMTP
    with factory(smtp_settings["host"], smtp_settings["port"], timeout=30) as smtp:
        if smtp_settings["tls"] == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if smtp_settings["user"]:
            smtp.login(smtp_settings["user"], smtp_settings["password"])
        smtp.send_message(message)
