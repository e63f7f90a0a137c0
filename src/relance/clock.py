"""The one place that reads the clock: the shell asks here for "today"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def now() -> datetime:
    """This instant, in UTC (when a message is claimed, sent and recorded)."""
    return datetime.now(UTC)


def today(timezone: str = "Europe/Paris") -> date:
    """The organization's local date now."""
    return datetime.now(ZoneInfo(timezone)).date()
