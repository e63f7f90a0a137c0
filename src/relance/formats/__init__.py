"""Readers of the files finance teams actually have: bytes in, records out.

Every reader follows one contract, ``parse(data: bytes) -> (records, errors)``:
records are frozen dataclasses, errors are :class:`RowError` values naming the
line and what was expected. A file that cannot be read at all raises
:class:`relance.errors.FormatError` and yields nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RowError:
    """One row of a file that could not be used; the others still are."""

    line: int | None
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "file"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"
