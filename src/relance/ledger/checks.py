"""What an organization's settings may hold, checked alike wherever they are typed.

The settings page (``relance.web.forms``), ``relance init`` and the contacts CSV file
(``relance.formats.csv_ledger``, for a customer's payment terms) apply these rules, so
that nothing the page would refuse gets in another way. Each check returns the value
as stored (a SIREN without its spaces) or raises Django's ``ValidationError`` with a
message in the active language and a ``code``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.utils.translation import gettext as _

from relance.core.terms import payment_terms_problem

#: The organization's slug column (``Organization.slug``, a ``SlugField``).
SLUG_MAX_LENGTH = 50


def check_slug(value: str) -> str:
    """A slug names the organization in every address (``/o/<slug>/``): ASCII letters,
    digits, ``-`` and ``_`` only, or no page of it could be linked to."""
    try:
        validate_slug(value)
    except ValidationError:
        raise ValidationError(_("An organization's short name has only letters without "
                                "accents, digits, “-” and “_”, e.g. acme-sas."),
                              code="invalid_slug") from None
    if len(value) > SLUG_MAX_LENGTH:
        raise ValidationError(_("An organization's short name has %(max)s characters at "
                                "most.") % {"max": SLUG_MAX_LENGTH}, code="slug_too_long")
    return value


def check_siren(value: str) -> str:
    """A SIREN (INSEE, 9 digits, the last a Luhn check digit) without its spaces; empty
    when none is given."""
    from stdnum.fr import siren

    value = value.replace(" ", "")
    if value and not siren.is_valid(value):
        raise ValidationError(_("A SIREN has 9 digits and a valid check digit."),
                              code="invalid_siren")
    return value


def check_email(value: str) -> str:
    """An address replies and reminders can use; empty when none is given."""
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(_("Enter a valid email address, e.g. "
                                    "recouvrement@example.com."), code="invalid_email") from None
    return value


def check_payment_terms(days: int) -> int:
    """Payment terms of 0 to 60 days (Code de commerce L441-10 I)."""
    problem = payment_terms_problem(days)
    if problem == "negative_payment_terms":
        raise ValidationError(_("Payment terms are a number of days from 0 up."), code=problem)
    if problem == "payment_terms_over_limit":
        # The limit is in the sentence: MAX_PAYMENT_TERMS_DAYS is 60.
        raise ValidationError(_("French law allows 60 days at most (L441-10)."), code=problem)
    return days
