"""Sums of balances, sales and unallocated credit, computed by the database.

A balance is an amount minus the allocations made to it (spec/dunning-rules.md,
"Allocation of money"), and a sum of balances is linear: Σ (amount − allocated) =
Σ amounts − Σ allocations. So every figure here is two grouped queries, one over
invoices and one over allocations joined to their invoice, with the same filters,
subtracted in Python. No per-invoice step, no row loaded: a report over a million
invoices reads them once per query, in the database's own loop.

Each query asks for several figures at once with conditional sums
(``SUM(CASE WHEN … THEN amount_minor END)``), one column per ``Window`` or sales
``Period``. Results are integer minor units, keyed by the ``group`` fields.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connections
from django.db.models import Min, Q, Sum

from relance.core.reporting import Period
from relance.ledger.models import Allocation, Credit, Invoice

Sums = dict[tuple, dict[str, int]]
FIRST_ISSUED = "first_issued"


@dataclass(frozen=True, slots=True)
class Window:
    """Σ balances at the end of ``at`` of the invoices issued by then, optionally only
    those due from ``due_from`` through ``due_to`` (both included)."""

    at: date
    due_from: date | None = None
    due_to: date | None = None

    def invoice_filter(self, prefix: str = "") -> Q:
        q = Q(**{f"{prefix}issued__lte": self.at})
        if self.due_from is not None:
            q &= Q(**{f"{prefix}due__gte": self.due_from})
        if self.due_to is not None:
            q &= Q(**{f"{prefix}due__lte": self.due_to})
        return q


def _prefixed(fields: Mapping[str, object] | Sequence[str], prefix: str):
    if isinstance(fields, Mapping):
        return {f"{prefix}{k}": v for k, v in fields.items()}
    return [f"{prefix}{f}" for f in fields]


def _grouped(queryset, group: Sequence[str], aggregates: dict) -> Sums:
    """``{group values: {name: value}}`` of one GROUP BY query.

    The ORM writes the SQL; the rows are read straight from the cursor, as tuples,
    because building a dict per row through the ORM costs more than the query
    itself on a large book.
    """
    if not aggregates:
        return {}
    if not group:  # one line for everything: values() without fields would group by all
        return {(): queryset.aggregate(**aggregates)}
    query = queryset.order_by().values(*group).annotate(**aggregates).values_list(
        *group, *aggregates).query
    sql, params = query.get_compiler(queryset.db).as_sql()
    names, width = list(aggregates), len(group)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {row[:width]: dict(zip(names, row[width:], strict=True)) for row in rows}


def ledger_sums(scope: Mapping[str, object], group: Sequence[str],
                windows: Mapping[str, Window] = {},
                periods: Mapping[str, Period] = {}) -> Sums:
    """Per group, Σ balances of each window and Σ amounts issued in each period.

    ``scope`` and ``group`` name invoice fields (``{"organization": org}``,
    ``("customer", "currency")``). With ``periods``, ``FIRST_ISSUED`` gives the
    earliest issue date (the countback walk stops there).
    """
    invoice_sums = {name: Sum("amount_minor", filter=w.invoice_filter())
                    for name, w in windows.items()}
    invoice_sums |= {name: Sum("amount_minor", filter=Q(issued__range=(p.start, p.end)))
                     for name, p in periods.items()}
    if periods:
        invoice_sums[FIRST_ISSUED] = Min("issued")
    amounts = _grouped(Invoice.objects.filter(**scope), group, invoice_sums)
    allocated = _grouped(
        Allocation.objects.filter(**_prefixed(scope, "invoice__")),
        _prefixed(group, "invoice__"),
        {name: Sum("amount_minor", filter=w.invoice_filter("invoice__") & Q(date__lte=w.at))
         for name, w in windows.items()})
    return {key: _minus(row, allocated.get(key, {})) for key, row in amounts.items()}


def _minus(amounts: dict, allocated: dict) -> dict:
    # int(): PostgreSQL sums bigints as numeric, which arrives as Decimal
    result = {name: int(value or 0) - int(allocated.get(name) or 0)
              for name, value in amounts.items() if name != FIRST_ISSUED}
    if FIRST_ISSUED in amounts:  # SQLite gives dates back as text through a bare cursor
        first = amounts[FIRST_ISSUED]
        result[FIRST_ISSUED] = date.fromisoformat(first) if isinstance(first, str) else first
    return result


def unallocated_sums(scope: Mapping[str, object], group: Sequence[str], as_of: date,
                     ) -> dict[tuple, int]:
    """Per group, what the credits dated by ``as_of`` still hold unallocated at ``as_of``
    (payments and credit notes minus their allocations dated by then). Zeros are left out.

    ``scope`` and ``group`` name credit fields.
    """
    given = _grouped(Credit.objects.filter(**scope, date__lte=as_of), group,
                     {"t": Sum("amount_minor")})
    used = _grouped(Allocation.objects.filter(**_prefixed(scope, "credit__"),
                                              credit__date__lte=as_of, date__lte=as_of),
                    _prefixed(group, "credit__"), {"t": Sum("amount_minor")})
    result: dict[tuple, int] = defaultdict(int)
    for key, row in given.items():
        result[key] = int(row["t"] or 0) - int(used.get(key, {}).get("t") or 0)
    return {key: value for key, value in result.items() if value}
