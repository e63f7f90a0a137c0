"""Payment terms an organization or a customer may be given.

Code de commerce L441-10 I: between businesses, the agreed payment term may not exceed
60 days from the invoice date. A longer term typed in a settings page, given to
``relance init`` or read from a contacts file is a typing error or an unlawful clause:
Relance refuses it rather than planning reminders months late. Zero days (payment on
receipt) is allowed, a negative number of days is not a term at all.
"""

from __future__ import annotations

#: Code de commerce L441-10 I: 60 days from the invoice date at most.
MAX_PAYMENT_TERMS_DAYS = 60


def payment_terms_problem(days: int) -> str | None:
    """The code of what is wrong with ``days`` of payment terms, or None if they may be
    agreed: ``negative_payment_terms`` or ``payment_terms_over_limit`` (L441-10 I)."""
    if days < 0:
        return "negative_payment_terms"
    if days > MAX_PAYMENT_TERMS_DAYS:
        return "payment_terms_over_limit"
    return None
