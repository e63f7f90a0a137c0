"""Readers of the files finance teams actually have: bytes in, records out.

Every reader follows one contract, ``parse(data: bytes) -> (records, errors)``:
records are frozen dataclasses, errors are :class:`RowError` values naming the
line and what was expected. A file that cannot be read at all raises
:class:`relance.errors.FormatError` and yields nothing.
"""

from __future__ import annotations

from relance.errors import RowError

__all__ = ["RowError"]
