"""What a report may be asked for: its day and its currency, checked alike by the
pages, ``relance report`` and the API, so that a typo is an error and not a report.

A day outside 1900–2999 is refused (a year typed 0001 or 9999 would carry the
month-end and week arithmetic past the calendar's ends); a currency must be an ISO 4217
code (CLDR's list, through Babel): ``XYZ`` would otherwise give an aged balance of
zeros, which reads as "nothing owed".
"""

from __future__ import annotations

from datetime import date

from babel.numbers import list_currencies
from django.utils.translation import gettext as _

from relance.errors import InputError

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def report_day(day: date, name: str = "date") -> date:
    """``day`` if a report can be made on it."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InputError(_("%(name)s: %(day)s is outside the years 1900 to 2999") % {
            "name": name, "day": day.isoformat()})
    return day


def report_currency(code: str) -> str:
    """``code`` in capitals if it is an ISO 4217 currency."""
    currency = code.strip().upper()
    if currency not in list_currencies():
        raise InputError(_("currency: %(code)s is not an ISO 4217 currency code (EUR, USD, "
                           "CHF…)") % {"code": code})
    return currency
