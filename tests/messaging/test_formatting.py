"""Amounts and dates as French and English readers expect them (Babel's own characters)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.core.money import MoneyError
from relance.messaging.formatting import format_day, format_money


def test_french_amount_uses_narrow_no_break_group_separator_and_no_break_space() -> None:
    # Babel (CLDR) writes U+202F between thousands and U+00A0 before the euro sign.
    assert format_money(Decimal("1234.56"), "EUR", "fr") == "1\u202f234,56\u00a0€"
    assert format_money(Decimal("1234567.8"), "EUR", "fr") == "1\u202f234\u202f567,80\u00a0€"


def test_english_amount() -> None:
    assert format_money(Decimal("1234.56"), "EUR", "en") == "€1,234.56"
    assert format_money(Decimal("40"), "EUR", "en") == "€40.00"


def test_minor_units_follow_the_currency() -> None:
    assert format_money(Decimal("1500"), "JPY", "en") == "JP¥1,500"


def test_float_is_refused() -> None:
    with pytest.raises(MoneyError):
        format_money(1234.56, "EUR", "fr")  # type: ignore[arg-type]


def test_french_dates() -> None:
    assert format_day(date(2026, 3, 12), "fr") == "12 mars 2026"
    assert format_day(date(2026, 2, 1), "fr") == "1er février 2026"
    assert format_day(date(2026, 8, 15), "fr") == "15 août 2026"


def test_english_dates_are_day_month_year() -> None:
    assert format_day(date(2026, 3, 12), "en") == "12 March 2026"
    assert format_day(date(2026, 3, 1), "en") == "1 March 2026"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        format_day(date(2026, 3, 12), "de")
