"""What can be wrong in a bank statement: the bank section of ``relance.formats.problems``.

The bank readers import the catalogue's tools from here. :data:`ENGLISH` holds the codes
a bank reader may report: those of every reader (a bad date, a bad amount) and the
bank's own (a cut amount, balances that do not add up, a CFONB record out of place…).
"""

from __future__ import annotations

from relance.formats.problems import (
    BANK,
    SHARED,
    WARNINGS,
    Problem,
    as_row_error,
    date_pattern,
    english,
    named,
    row_error,
    unreadable,
)

#: The English sentence of each problem a bank reader reports.
ENGLISH: dict[str, str] = {**SHARED, **BANK}

__all__ = ["ENGLISH", "WARNINGS", "Problem", "as_row_error", "date_pattern", "english",
           "named", "row_error", "unreadable"]
