"""A small, fixed book for message tests: Atelier Nord chases Boulangerie Dupré.

Every value is written out by hand so the expected texts can be checked by eye.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from relance.messaging.render import MessageContext, MessageInvoice, Signature

SIGNATURE = Signature(
    name="Claire Martin",
    function="Comptable clients, direction financière",
    email="claire.martin@atelier-nord.example",
    phone="01 23 45 67 89",
)

# Issued 10 February, due 30 days later; nothing paid yet.
F001 = MessageInvoice("F-2026-001", date(2026, 2, 10), date(2026, 3, 12),
                      Decimal("1234.56"), Decimal("1234.56"))
# Issued 1 February for 3 000 €, a 500 € payment already allocated to it.
F007 = MessageInvoice("F-2026-007", date(2026, 2, 1), date(2026, 3, 3),
                      Decimal("3000.00"), Decimal("2500.00"))
# A small one, fully open.
F012 = MessageInvoice("F-2026-012", date(2026, 2, 15), date(2026, 3, 17),
                      Decimal("785.44"), Decimal("785.44"))

STEPS = ("courtesy", "reminder_1", "reminder_2", "formal_notice", "litigation_review")
CUSTOMER_STEPS = STEPS[:-1]


def context(step: str, language: str = "fr", **changes: object) -> MessageContext:
    """The standard B2B context of one invoice, with ``changes`` applied."""
    base = MessageContext(
        step=step,
        language=language,
        organization_name="Atelier Nord",
        customer_name="Boulangerie Dupré",
        contact_first_name="Inès",
        invoices=(F001,),
        currency="EUR",
        signature=SIGNATURE,
        payment_terms_days=30,
        late_interest=Decimal("18.40"),
        indemnity=Decimal("40.00"),
        deadline=date(2026, 4, 21),
        portal_url="https://relance.example/p/6f1c2a",
        iban="FR76 3000 6000 0112 3456 7890 189",
    )
    return replace(base, **changes)


def consumer_context(step: str, language: str = "fr") -> MessageContext:
    """A private customer: no indemnity, no late interest yet (B2C rules)."""
    return context(step, language, consumer=True, customer_name="Jean Dupont",
                   contact_first_name="Jean", indemnity=None, late_interest=None)


def several_invoices(step: str, language: str = "fr") -> MessageContext:
    """Three invoices in one message, no known first name, no phone, portal or IBAN."""
    return context(step, language, invoices=(F007, F001, F012), contact_first_name=None,
                   signature=replace(SIGNATURE, phone=""), portal_url=None, iban=None)
