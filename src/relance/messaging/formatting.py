"""Amounts and dates as a French or English reader expects them, by Babel (CLDR data).

French output keeps Babel's characters on purpose: the group separator is a narrow
no-break space (U+202F) and the space before the currency sign a no-break space
(U+00A0), as the Imprimerie nationale's typographic rules ask, so ``1234.56`` EUR
reads ``1 234,56 €`` and never breaks across lines. English uses the ``en_GB``
locale: ``€1,234.56`` and day-month-year dates (``12 March 2026``), the order a
European reader expects. The first day of a month is ``1er`` in French (``1er mars
2026``), as French usage writes it; CLDR has no ordinal for it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency

from relance.core.money import to_decimal

# The Babel locale behind each message language.
LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def locale_of(language: str) -> str:
    """The Babel locale of a message language; only ``fr`` and ``en`` exist."""
    try:
        return LOCALES[language]
    except KeyError:
        raise ValueError(f"language must be one of {sorted(LOCALES)}, not {language!r}") from None


@lru_cache(maxsize=8)
def _locale(language: str) -> Locale:
    """The parsed locale, once: Babel would parse the name again at every amount."""
    return Locale.parse(locale_of(language))


def format_money(amount: Decimal | int | str, currency: str, language: str) -> str:
    """``1 234,56 €`` (fr) or ``€1,234.56`` (en), with the currency's minor units.

    A float is refused (:func:`relance.core.money.to_decimal`): it would already be wrong.

    >>> format_money(Decimal("1234.56"), "EUR", "en")
    '€1,234.56'
    """
    return _format_money(str(to_decimal(amount)), currency, language)


@lru_cache(maxsize=4096)  # keyed by the exact digits: 1.1 and 1.10 are cached apart
def _format_money(amount: str, currency: str, language: str) -> str:
    return format_currency(Decimal(amount), currency, locale=_locale(language))


def format_day(day: date, language: str) -> str:
    """``12 mars 2026`` / ``1er mars 2026`` (fr) or ``12 March 2026`` (en).

    >>> format_day(date(2026, 3, 1), "fr")
    '1er mars 2026'
    """
    return _format_day(day, language)


@lru_cache(maxsize=4096)  # a book's invoices share a few issue and due dates
def _format_day(day: date, language: str) -> str:
    locale = _locale(language)
    if language == "fr" and day.day == 1:
        return "1er " + babel_format_date(day, format="MMMM y", locale=locale)
    return babel_format_date(day, format="long", locale=locale)
