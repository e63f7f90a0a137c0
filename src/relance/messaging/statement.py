"""The statement of account as an outbox message: drafted when a person asks, sent at once.

A collector asks for it from the customer's page (``relance.web.statement_mail``). It
is a message of the outbox like a reminder – one ``Action`` whose step is
``statement`` (``statement-2``, ``-3``… for a later one the same day, since an action
is unique per customer, step, day and currency) and its ``OutboxMessage`` – so the
transport, the organization's relay, DKIM, retries with backoff, the journal and the
audit export apply to it unchanged. It differs from a reminder in what a request is:

* no approval: the collector's click is the request (the event says who asked);
* no invoice step: the PDF states the account as of its day, so the freshness check
  has nothing to re-render, and a pause or litigation does not hold it back (it is
  information, not a claim);
* one request, one email (:func:`request`): asking again while the message is on its
  way, or less than :data:`REPEAT` after it was delivered (a double click, a reloaded
  form), returns that message instead of drafting another. A request made later, or
  after a failure or a cancel, drafts a new message: a deliberate second send.

It goes to the customer's accounts-payable contacts (the people who pay), or, when
none has an address, to the first contact that has one. The text is short and neutral:
the PDF (``relance.documents.services.statement_for_customer``) says everything. The PDF
is kept under ``<documents>/statements/<organization>/`` as it was drafted, like a
formal notice's letter, and re-read and hashed when the message is built for sending.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q

from relance.dunning.models import Action
from relance.errors import InputError
from relance.ledger.models import Customer
from relance.messaging import states
from relance.messaging.causes import cause
from relance.messaging.compose import (
    STATEMENT,
    Draft,
    domain_of,
    file_ref,
    is_statement,
    key_of,
    sender_of,
    signature_of,
    stored_document,
)
from relance.messaging.formatting import format_day
from relance.messaging.mime import make_message_id
from relance.messaging.models import OutboxMessage
from relance.messaging.outbox import Log, fill

REPEAT = timedelta(minutes=10)  # a request this soon after a delivery repeats it
PENDING = frozenset({states.DRAFT, states.AWAITING, states.APPROVED, states.SENDING})

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


def request(customer: Customer, day: date, at: datetime, by: str) -> tuple[OutboxMessage, bool]:
    """The message that sends ``customer``'s statement as of ``day``, and whether this
    request drafted it (``False``: an earlier request's, see :func:`earlier`).

    A new message is ``approved`` at once. Raises :class:`InputError` when no contact
    has an address. Two requests at the same instant cannot both draft: the second
    one's action breaks the uniqueness of (customer, step, day) and it returns the first.
    """
    if not recipients(customer):
        raise InputError(f"customer {customer.ref}: no contact with an email address")
    try:
        with transaction.atomic():
            found = earlier(customer, day, at)
            if found is not None:
                return found, False
            return _drafted(customer, day, at, by), True
    except IntegrityError:  # a concurrent request drafted it between our look and insert
        found = earlier(customer, day, at)
        if found is None:
            raise
        return found, False


def earlier(customer: Customer, day: date, at: datetime) -> OutboxMessage | None:
    """The statement message a request at ``at`` repeats: the customer's latest for
    ``day`` when it is on its way, or was delivered less than :data:`REPEAT` before."""
    last = (_statements(customer).filter(action__day=day).select_related("action")
            .order_by("-id").first())
    if last is None:
        return None
    if last.status in PENDING:
        return last
    if last.status in states.DELIVERED and last.sent_at and at - last.sent_at < REPEAT:
        return last
    return None


def _statements(customer: Customer):
    return OutboxMessage.objects.filter(
        Q(action__step=STATEMENT) | Q(action__step__startswith=STATEMENT + "-"),
        action__customer=customer)


def _drafted(customer: Customer, day: date, at: datetime, by: str) -> OutboxMessage:
    org = customer.organization
    count = _statements(customer).filter(action__day=day).count()
    to = recipients(customer)
    action = Action.objects.create(
        organization=org, customer=customer, day=day, channels="email",
        step=STATEMENT if count == 0 else f"{STATEMENT}-{count + 1}",
        currency=org.currency, amount_minor=0,  # it claims nothing
        recipients=" ".join(address for _name, address in to))
    row = OutboxMessage(action=action, organization=org, key=key_of(action),
                        status=states.DRAFT)
    fill(row, draft(action))
    row.save()
    log = Log(at)
    log.move(row, states.APPROVED, cause("requested", by=by), day)
    row.save(update_fields=["status"])
    log.flush()
    return row


def draft(action: Action) -> Draft:
    """The email of a statement action: short text, the PDF attached, no thread (a
    statement answers a question; it is not one more reminder)."""
    from relance.documents.services import statements_for_customer

    if not is_statement(action.step):
        raise InputError(f"{action.step} is not a statement")
    org, customer = action.organization, action.customer
    language = customer.language if customer.language in TEXTS else "fr"
    signature = signature_of(org)
    values = {"org": org.name, "day": format_day(action.day, language),
              "name": signature.name, "function": signature.function}
    subject, body = (text.format(**values) for text in TEXTS[language])
    # One PDF per currency of the customer: a statement never adds two currencies.
    files = tuple(file_ref(stored_document("statements", action, name, pdf), name)
                  for name, pdf in statements_for_customer(customer, action.day))
    key = key_of(action)
    return Draft(key, make_message_id(key, domain_of(org)), subject, body,
                 (signature.name, sender_of(org)), tuple(recipients(customer)),
                 org.collector_email, files)
