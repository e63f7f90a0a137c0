"""FEC, the Fichier des Écritures Comptables (LPF art. L47 A and A47 A-1).

:func:`parse` reads the file into :class:`FecLine` records (see :mod:`.reader`);
:func:`receivables` derives the customers, documents and open items a collection
tool needs from the customer-account lines (see :mod:`.receivables`).
"""

from __future__ import annotations

from relance.formats.fec.reader import FIELDS, FecLine, parse
from relance.formats.fec.receivables import (
    FecCustomer,
    FecDocument,
    Receivables,
    open_total,
    open_totals,
    receivables,
)

__all__ = [
    "FIELDS",
    "FecCustomer",
    "FecDocument",
    "FecLine",
    "Receivables",
    "open_total",
    "open_totals",
    "parse",
    "receivables",
]
