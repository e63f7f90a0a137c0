"""French business days, and how step days shift around them."""

from datetime import date

import pytest

from relance.core.calendar import BusinessCalendar

FR = BusinessCalendar()
ALSACE = BusinessCalendar("FR", "Alsace-Moselle")


@pytest.mark.parametrize("day", [
    date(2026, 1, 1), date(2026, 4, 6),   # Easter Monday 2026
    date(2026, 5, 1), date(2026, 5, 8), date(2026, 5, 14),  # Ascension 2026
    date(2026, 5, 25), date(2026, 7, 14), date(2026, 8, 15), date(2026, 11, 1),
    date(2026, 11, 11), date(2026, 12, 25), date(2028, 5, 25),  # Ascension 2028
])
def test_public_holidays_are_not_business_days(day):
    assert FR.is_holiday(day) and not FR.is_business_day(day)


def test_alsace_moselle_adds_good_friday_and_saint_stephen():
    for day in (date(2026, 4, 3), date(2026, 12, 26), date(2025, 12, 26)):
        assert ALSACE.is_holiday(day) and not FR.is_holiday(day)


def test_shifts_skip_weekends_and_holidays_both_ways():
    # Thursday 14 May 2026 is Ascension: forward to Friday 15, back to Wednesday 13.
    assert FR.next_business_day(date(2026, 5, 14)) == date(2026, 5, 15)
    assert FR.previous_business_day(date(2026, 5, 14)) == date(2026, 5, 13)
    # Saturday 25 December 2027 (Christmas), Sunday 26: forward to Monday 27.
    assert FR.next_business_day(date(2027, 12, 25)) == date(2027, 12, 27)
    # Saturday 1 May 2027 back to Friday 30 April; Monday 1 January 2029 back to 29 December.
    assert FR.previous_business_day(date(2027, 5, 1)) == date(2027, 4, 30)
    assert FR.previous_business_day(date(2029, 1, 1)) == date(2028, 12, 29)


def test_a_leap_day_can_be_a_business_day():
    assert FR.is_business_day(date(2028, 2, 29))
