"""The penalty rate table in force: the packaged semesters and those users added.

Every place that computes late interest reads it here (the formal notice email, its
PDF letter, the statement, the preview), so an added or corrected semester
(``relance rates add``, the rates page) is used by all of them alike and the email's
interest is the letter's.
"""

from __future__ import annotations

from relance.core.rates import RateTable, load_default
from relance.documents.models import RateOverride


def load_rates() -> RateTable:
    """The packaged rate table with the semesters users added (theirs win)."""
    table = load_default()
    for row in RateOverride.objects.all():
        table = table.with_rate(row.as_rates())
    return table
