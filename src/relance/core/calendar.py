"""Business days: Monday to Friday except the organization's public holidays.

Holidays come from the ``holidays`` package (French metropolitan calendar by
default; ``subdiv="Alsace-Moselle"`` adds Good Friday and 26 December, Code du
travail L3134-13). Step target days shift as spec/dunning-rules.md says: a
pre-due step to the previous business day, a post-due step to the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import holidays


def later(day: date, days: int) -> date:
    """``day`` plus ``days``, or the last day a date can hold: a promise or a pause
    stored with a far date (9999-12-31) must hold reminders, not stop the run."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max

ONE_DAY = timedelta(days=1)

# Alsace-Moselle (Bas-Rhin, Haut-Rhin, Moselle) keeps Good Friday and 26 December;
# the holidays package files that calendar under Moselle's code.
SUBDIVISION_ALIASES = {"Alsace-Moselle": "57", "alsace-moselle": "57"}


@dataclass(frozen=True)
class BusinessCalendar:
    """Which days are business days for one organization."""

    country: str = "FR"
    subdiv: str | None = None
    _cache: dict[int, frozenset[date]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def _subdiv(self) -> str | None:
        return SUBDIVISION_ALIASES.get(self.subdiv or "", self.subdiv or None)

    def _holidays_of(self, year: int) -> frozenset[date]:
        if year not in self._cache:
            self._cache[year] = frozenset(holidays.country_holidays(
                self.country, subdiv=self._subdiv, years=year).keys())
        return self._cache[year]

    def is_holiday(self, day: date) -> bool:
        return day in self._holidays_of(day.year)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_holiday(day)

    def next_business_day(self, day: date) -> date:
        """``day`` itself when it is a business day, else the next one."""
        while not self.is_business_day(day):
            day += ONE_DAY
        return day

    def previous_business_day(self, day: date) -> date:
        """``day`` itself when it is a business day, else the previous one."""
        while not self.is_business_day(day):
            day -= ONE_DAY
        return day


FRANCE = BusinessCalendar()
