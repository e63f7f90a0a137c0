"""Long lists worked through a chunk at a time: one query names at most ``CHUNK`` ids
(SQLite refuses more than 32,766 parameters in a statement), one statement writes at
most ``CHUNK`` rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

CHUNK = 1000


def chunked(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    """``items`` as lists of ``size`` (the last one shorter)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
