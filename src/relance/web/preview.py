"""Render a template the way it will go out, on one of the organization's real invoices.

The template editor shows what the customer would read: the placeholders are
checked against the documented list (``check_template``) and the message is
rendered by the same sandboxed renderer as the real sending, with the penalties
of a formal notice computed as the sender computes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from relance.core.penalties import fixed_indemnity, late_interest
from relance.errors import RateMissing, TemplateError
from relance.ledger.models import Invoice, Organization
from relance.ledger.services import balance_of, reductions, with_balance
from relance.messaging.render import (
    MessageContext,
    MessageInvoice,
    MessageTemplate,
    RenderedMessage,
    Signature,
    check_template,
    render,
)

NOTICE_DAYS = 8


@dataclass(frozen=True)
class Preview:
    rendered: RenderedMessage | None
    errors: dict[str, list[str]]  # field name ("subject", "body") → messages
    invoice: Invoice | None


def sample_invoice(org: Organization) -> Invoice | None:
    """An open invoice to show (the oldest overdue one), else any invoice."""
    invoices = with_balance(org.invoices.select_related("customer"))
    return (invoices.filter(balance_minor__gt=0).order_by("due", "id").first()
            or org.invoices.select_related("customer").order_by("-id").first())


def context_for(invoice: Invoice, step: str, language: str, as_of: date) -> MessageContext:
    org, customer = invoice.organization, invoice.customer
    balance = balance_of(invoice)
    interest, indemnity = _penalties(invoice, as_of) if step == "formal_notice" else (None, None)
    consumer = customer.kind == "b2c"
    first_names = {c.first_name for c in customer.contacts.all() if c.first_name}
    return MessageContext(
        step=step, language=language, organization_name=org.name, customer_name=customer.name,
        contact_first_name=sorted(first_names)[0] if first_names else None,
        invoices=(MessageInvoice(invoice.number, invoice.issued, invoice.due, invoice.amount,
                                 balance if balance > 0 else invoice.amount),),
        currency=invoice.currency,
        signature=Signature(org.collector_name or org.name,
                            org.collector_function or "Service comptabilité clients",
                            org.collector_email or org.sender_email or "", org.collector_phone),
        consumer=consumer, payment_terms_days=customer.terms, late_interest=interest,
        indemnity=None if consumer else indemnity,
        deadline=as_of + timedelta(days=NOTICE_DAYS) if step == "formal_notice" else None,
        iban=org.iban or None)


def _penalties(invoice: Invoice, as_of: date) -> tuple[Decimal | None, Decimal | None]:
    from relance.documents.rates import load_rates

    dated = reductions(invoice)
    consumer = invoice.customer.kind == "b2c"
    try:
        interest = None if consumer else late_interest(
            invoice.amount, invoice.due, dated, as_of, load_rates(),
            currency=invoice.currency).amount
    except RateMissing:
        interest = None
    return interest, fixed_indemnity(invoice.amount, invoice.due, dated, as_of,
                                     consumer=consumer)


def preview(org: Organization, language: str, step: str, template: MessageTemplate,
            as_of: date) -> Preview:
    """Check ``template`` and render it on a real invoice of ``org``."""
    errors: dict[str, list[str]] = {}
    for name, source in (("subject", template.subject), ("body", template.body)):
        try:
            unknown = check_template(source)
        except TemplateError as exc:
            errors.setdefault(name, []).append(str(exc))
            continue
        if unknown:
            errors.setdefault(name, []).append("unknown: " + ", ".join(unknown))
    invoice = sample_invoice(org)
    if errors or invoice is None:
        return Preview(None, errors, invoice)
    ctx = context_for(invoice, step, language, as_of)
    try:
        return Preview(render(ctx, {(language, step): template}), errors, invoice)
    except TemplateError as exc:
        field = "subject" if ".subject" in str(exc) else "body"
        return Preview(None, {field: [str(exc)]}, invoice)
