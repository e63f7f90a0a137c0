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

ONE_DAY = timedelta(days=1)

# holidays' own name for the Alsace-Moselle subdivision of France.
ALSACE_MOSELLE = "Alsace-Moselle"


@dataclass(frozen=True)
class BusinessCalendar:
    """Which days are business days for one organization."""

    country: str = "FR"
    subdiv: str | None = None
    _cache: dict[int, frozenset[date]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def _provider(self) -> holidays.HolidayBase:
        return holidays.country_holidays(self.country, subdiv=self.subdiv)

    def _holidays_of(self, year: int) -> frozenset[date]:
        if year not in self._cache:
            self._cache[year] = frozenset(self._provider.__class__(
                years=year, subdiv=self.subdiv).keys())
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
