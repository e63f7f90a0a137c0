"""Draft the email of a recorded action: who sends it, to whom, what it says, what it carries.

The sender identity is the organization's: ``From`` the collector's name at the finance
address (``sender_email``), ``Reply-To`` the collector, so answers reach a person. The
Message-ID is derived from the action's identity (``key``), and each message names the
customer's earlier messages in ``In-Reply-To``/``References`` (RFC 5322 §3.6.4) so a
customer's reminders form one thread. Attachments are referenced by path with their
SHA-256, checked again when the message is built for sending. The formal notice carries
its letter (``relance.documents.services.formal_notice_pdf``), kept under the documents
folder as it was sent.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from relance.core.ledger import natural_key
from relance.core.money import from_minor
from relance.core.penalties import fixed_indemnity, late_interest
from relance.documents.rates import load_rates
from relance.dunning.models import Action
from relance.ledger.models import Invoice, Organization
from relance.ledger.services import reductions
from relance.messaging.context import MessageContext, MessageInvoice, Signature
from relance.messaging.mime import make_message_id
from relance.messaging.render import TemplateSource, render

NOTICE_DAYS = 8  # payment deadline of a formal notice, spec/dunning-rules.md
FORMAL_NOTICE = "formal_notice"
STATEMENT = "statement"  # a statement of account sent on request (``statement.py``)
THREAD_DEPTH = 20  # References kept: the first message and the latest ones (RFC 5322)


@dataclass(frozen=True, slots=True)
class FileRef:
    """An attachment as referenced by the outbox: where it is and what it hashed to."""

    name: str
    path: str
    mime: str
    size: int
    sha256: str

    def as_dict(self) -> dict:
        return {"name": self.name, "path": self.path, "mime": self.mime, "size": self.size,
                "sha256": self.sha256}


@dataclass(frozen=True, slots=True)
class Draft:
    key: str
    message_id: str
    subject: str
    body: str
    sender: tuple[str, str]
    to: tuple[tuple[str, str], ...]
    reply_to: str
    files: tuple[FileRef, ...]
    in_reply_to: str = ""
    references: tuple[str, ...] = ()


def is_statement(step: str) -> bool:
    """True for the step of a requested statement: ``statement``, then ``statement-2``…
    for a later one the same day (an action is unique per customer, step and day)."""
    return step == STATEMENT or step.startswith(STATEMENT + "-")


def key_of(action: Action) -> str:
    return (f"{action.organization.slug}/{action.customer.ref}/{action.step}/{action.day}"
            f"/{action.currency}")


def edited_templates(org) -> TemplateSource:
    """The organization's own versions of the templates (edited in the web interface);
    the packaged ones serve every other step and language."""
    from relance.web.templates_store import overrides  # the editor's storage

    return overrides(org)


STEPS, CONTACTS = "drafted_steps", "drafted_contacts"  # lists a batch load attaches


def steps_of(action: Action) -> list:
    """The action's step records (with their invoices), as loaded with a batch of
    actions (``outbox.pending_actions``) or else read now."""
    loaded = getattr(action, STEPS, None)
    return loaded if loaded is not None else list(action.steps.select_related("invoice"))


def contacts_of(customer) -> list:
    loaded = getattr(customer, CONTACTS, None)
    return loaded if loaded is not None else list(customer.contacts.all())


def draft(action: Action, thread: list[str], template: str,
          balances: dict[str, Decimal] | None = None,
          templates: TemplateSource | None = None) -> Draft:
    """The email of ``action``; ``balances`` (invoice number → balance) re-renders it
    with what is owed now, listing only those invoices. ``templates`` are the
    organization's edited ones (:func:`edited_templates`), read here when not given."""
    org, customer = action.organization, action.customer
    records = sorted(steps_of(action),
                     key=lambda r: (r.invoice.due, natural_key(r.invoice.number)))
    recorded = {r.invoice.number: from_minor(r.balance_minor, action.currency)
                for r in records}
    owed = recorded if balances is None else balances
    invoices = [r.invoice for r in records if r.invoice.number in owed]
    files = [f for f in (_invoice_pdf(i) for i in invoices) if f is not None]
    ctx = _context(action, invoices, owed, template, copies_attached=bool(files))
    rendered = render(ctx, edited_templates(org) if templates is None else templates)
    if template == FORMAL_NOTICE:
        files.append(_notice_letter(action))
    key = key_of(action)
    return Draft(key, make_message_id(key, domain_of(org)), rendered.subject, rendered.text,
                 (ctx.signature.name, sender_of(org)),
                 tuple((_names(customer).get(e, ""), e) for e in action.recipients.split()),
                 org.collector_email, tuple(files), thread[-1] if thread else "",
                 tuple(thread[:1] + thread[1:][-(THREAD_DEPTH - 1):]))


def _context(action: Action, invoices: list[Invoice], balances: dict[str, Decimal],
             template: str, copies_attached: bool = True) -> MessageContext:
    org, customer = action.organization, action.customer
    contacts = [c for c in contacts_of(customer) if c.email in action.recipients.split()]
    first_names = {c.first_name for c in contacts if c.first_name}
    notice = template == FORMAL_NOTICE
    interest, indemnity = _penalties(invoices, action.day, customer.kind == "b2c",
                                     customer.insolvency) if notice else (None, None)
    return MessageContext(
        step=template, language=customer.language, organization_name=org.name,
        customer_name=customer.name,
        contact_first_name=first_names.pop() if len(first_names) == 1 else None,
        invoices=tuple(MessageInvoice(i.number, i.issued, i.due, i.amount, balances[i.number])
                       for i in invoices),
        currency=action.currency, signature=signature_of(org), consumer=customer.kind == "b2c",
        payment_terms_days=customer.terms, late_interest=interest,
        # The indemnity is 40 euros (D441-5): a notice in another currency cannot add it
        # to its total, so it does not claim it (to be claimed apart, in euros).
        indemnity=None if customer.kind == "b2c" else
        indemnity if action.currency == "EUR" else Decimal("0.00"),
        deadline=action.day + timedelta(days=NOTICE_DAYS) if notice else None,
        iban=org.iban or None, copies_attached=copies_attached)


def _penalties(invoices: list[Invoice], day: date, consumer: bool,
               insolvency: bool) -> tuple[Decimal, Decimal]:
    """Late interest and fixed indemnities owed on ``invoices`` as of ``day``."""
    rates = load_rates()  # with the semesters users added, as the letter reads them
    interest = indemnity = Decimal(0)
    for inv in invoices:
        dated = reductions(inv)
        if not consumer:  # B2C interest runs only after the formal notice itself
            interest += late_interest(inv.amount, inv.due, dated, day, rates,
                                      currency=inv.currency).amount
        indemnity += fixed_indemnity(inv.amount, inv.due, dated, day, consumer=consumer,
                                     insolvency=insolvency)
    return interest, indemnity


def signature_of(org: Organization) -> Signature:
    return Signature(org.collector_name or org.name,
                     org.collector_function or "Service comptabilité clients",
                     org.collector_email or sender_of(org), org.collector_phone)


def sender_of(org: Organization) -> str:
    """The finance address messages come from."""
    return org.sender_email or org.collector_email or f"comptabilite@{domain_of(org)}"


def domain_of(org: Organization) -> str:
    address = org.sender_email or org.collector_email
    return address.rsplit("@", 1)[1] if "@" in address else f"{org.slug}.relance.invalid"


def _names(customer) -> dict[str, str]:
    return {c.email: f"{c.first_name} {c.last_name}".strip() for c in contacts_of(customer)}


def file_ref(path: Path, name: str | None = None) -> FileRef:
    content = path.read_bytes()
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileRef(name or path.name, str(path), mime, len(content),
                   hashlib.sha256(content).hexdigest())


def _invoice_pdf(invoice: Invoice) -> FileRef | None:
    """The invoice's own PDF when the import named one that exists; else none."""
    if not invoice.pdf_path:
        return None
    path = Path(invoice.pdf_path)
    if not path.is_absolute():
        path = Path(settings.DOCUMENTS_DIR) / path
    return file_ref(path) if path.is_file() else None


def _notice_letter(action: Action) -> FileRef:
    """The mise en demeure letter, stored as sent; raises ``RateMissing`` without a rate."""
    from relance.documents.services import formal_notice_pdf

    name, content = formal_notice_pdf(action)
    return file_ref(stored_document("notices", action, name, content), name)


def stored_document(kind: str, action: Action, name: str, content: bytes) -> Path:
    """A document kept as drafted, under the documents folder by ``kind`` and
    organization (written whole, then renamed: never half a file)."""
    folder = Path(settings.DOCUMENTS_DIR) / kind / action.organization.slug
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{action.pk}-{name}"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    return path
