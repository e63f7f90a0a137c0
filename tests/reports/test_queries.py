"""Running totals by day: how the KPIs read receivables and sales at any day."""

from __future__ import annotations

from datetime import date

from relance.reports.queries import RunningTotal

MARCH = RunningTotal.of({date(2025, 3, 10): 300, date(2025, 3, 1): 1000,
                         date(2025, 3, 31): -50})


def test_through_a_day_sums_every_day_up_to_it_included():
    assert MARCH.through(date(2025, 2, 28)) == 0
    assert MARCH.through(date(2025, 3, 1)) == 1000
    assert MARCH.through(date(2025, 3, 15)) == 1300
    assert MARCH.through(date(2025, 4, 30)) == 1250


def test_between_two_days_includes_both():
    assert MARCH.between(date(2025, 3, 10), date(2025, 3, 31)) == 250
    assert MARCH.between(date(2025, 3, 2), date(2025, 3, 9)) == 0


def test_first_is_the_earliest_day_or_none():
    assert MARCH.first == date(2025, 3, 1)
    assert RunningTotal.of({}).first is None
    assert RunningTotal.of({}).through(date(2025, 1, 1)) == 0
