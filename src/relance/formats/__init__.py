"""Readers of the files finance teams actually have: bytes in, records out.

Every reader follows one contract, ``parse(data: bytes) -> (records, errors)``:
records are frozen dataclasses, errors are :class:`RowError` values naming the
line and what was expected (with a code and its values where the reader gives them,
so the edge can word them in the user's language; a warning's records are returned
all the same). A file that cannot be read at all raises
:class:`relance.errors.FormatError` and yields nothing.
"""

from __future__ import annotations

from relance.errors import RowError

__all__ = ["RowError"]
