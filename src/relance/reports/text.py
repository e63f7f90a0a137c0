"""A report table as aligned plain text, for reading in a terminal."""

from __future__ import annotations

from relance.reports.exports import Table
from relance.reports.tables import shown


def as_text(table: Table, language: str = "fr", currency: str = "EUR") -> str:
    """Columns padded to their widest cell, numbers right-aligned, one line per row."""
    view = shown(table, language, currency)
    lines = [view.header, *view.rows]
    widths = [max(len(line[i][0]) for line in lines) for i in range(len(view.header))]
    out = []
    for line in lines:
        cells = [text.rjust(w) if number else text.ljust(w)
                 for (text, number), w in zip(line, widths, strict=True)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out) + "\n"
