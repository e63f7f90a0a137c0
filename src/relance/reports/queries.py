"""Sums of balances, sales and unallocated credit, computed by the database.

A balance is an amount minus the allocations made to it (spec/dunning-rules.md,
"Allocation of money"), and a sum of balances is linear: Σ (amount − allocated) =
Σ amounts − Σ allocations. So every figure here comes from a few grouped queries,
one pass over invoices, one over allocations joined to their credit and invoice,
one over credits, subtracted in Python. No row is loaded one by one. The aged
balance goes further: each invoice and credit carries the sum of its allocations,
kept by the database (:mod:`relance.ledger.sums`), so a balance at a day is what is
open today plus what was allocated after that day, and only open invoices are read.

Each pass over invoices reads them in the order of an index and groups in that
order, so the database never sorts a million invoices (migration ledger 0006: the
open invoices by organization, customer, currency, due and issue day with their
amounts, for the aged balance; ledger 0005: organization, currency, issue day, due
day, amount for sums by day; both read from the index alone).
Results are integer minor units.

Dialect details matter for speed and nothing else. SQLite gives a ``date`` column
numeric affinity, so comparing it with a date parameter converts the parameter on
every row; ``+due`` has no affinity and compares text to text, the same order for
ISO dates. PostgreSQL is pointed at one organization's allocations
(:func:`_allocations_of`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from django.db import connection
from django.db.models import BooleanField, F, Func, QuerySet, Subquery

from relance.core.reporting import BUCKETS
from relance.ledger import daysums
from relance.ledger.models import Allocation, Credit, Customer, Invoice

INVOICES = Invoice._meta.db_table
CREDITS = Credit._meta.db_table
ALLOCATIONS = Allocation._meta.db_table
CUSTOMERS = Customer._meta.db_table
DAYS = daysums.TABLE
CELLS = len(BUCKETS) + 1  # the buckets, then ``unallocated``
# Days overdue where a bucket starts, after ``not_due`` (due on or after the day).
BUCKET_STARTS = (30, 60, 90)

Scope = int | Sequence[int] | None  # one organization id, several, or every one


def _plain(column: str) -> str:
    """``column`` without type affinity (see the module docstring)."""
    return f"+{column}" if connection.vendor == "sqlite" else column


def _day(value) -> date:
    """A date read back through a bare cursor (SQLite gives ISO text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _rows(sql: str, params: dict) -> list[tuple]:
    days = {k: connection.ops.adapt_datefield_value(v) if isinstance(v, date) else v
            for k, v in params.items()}
    with connection.cursor() as cursor:
        cursor.execute(sql, days)
        return cursor.fetchall()


def _scope(column: str, scope: Scope, params: dict) -> str:
    """The condition restricting ``column`` (an organization id) to ``scope``."""
    if scope is None:
        return "1 = 1"
    if isinstance(scope, int):
        params["org"] = scope
        return f"{column} = %(org)s"
    names = [f"org{n}" for n in range(len(scope))]
    params.update(zip(names, scope, strict=True))
    return f"{column} IN ({', '.join(f'%({n})s' for n in names) or 'NULL'})"


def _allocations_of(scope: Scope) -> str:
    """For one organization on PostgreSQL, the allocations of its credits by their
    index: the planner would otherwise read every allocation of the book to join a few
    (the join states the same condition; SQLite starts from the credits anyway)."""
    if connection.vendor != "postgresql" or not isinstance(scope, int):
        return ""
    return (f" AND a.credit_id = ANY(ARRAY(SELECT id FROM {CREDITS} "
            "WHERE organization_id = %(org)s))")


class _AmongArray(Func):
    """``column = ANY(ARRAY(subquery))``, a condition (PostgreSQL)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        column, subquery = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{column[0]} = ANY(ARRAY{subquery[0]})", (*column[1], *subquery[1])


def allocations_of(org: int, allocations: QuerySet) -> QuerySet:
    """``allocations`` narrowed to the credits of ``org`` by their index on PostgreSQL,
    as :func:`_allocations_of` does for the SQL written here; unchanged elsewhere."""
    if connection.vendor != "postgresql":
        return allocations
    credits = Credit.objects.filter(organization=org).values("id")
    return allocations.filter(_AmongArray(F("credit_id"), Subquery(credits)))


def _sum(amount: str, condition: str) -> str:
    return f"SUM({amount}) FILTER (WHERE {condition})"


# --- aged balance ---------------------------------------------------------------------

def _bucket_cells(amount: str, due: str) -> str:
    """The five bucket cells of ``amount`` by due date, as integer columns.

    Each row is compared with where the buckets start (due on or after as_of,
    as_of − 30, − 60, − 90) into cumulative sums; a bucket is the difference of two
    neighbours, taken once per group: four comparisons a row instead of eight.
    """
    due = _plain(due)
    starts = ["as_of", *(f"d{days}" for days in BUCKET_STARTS)]
    ge = [f"COALESCE({_sum(amount, f'{due} >= %({s})s')}, 0)" for s in starts]
    ge.append(f"COALESCE(SUM({amount}), 0)")
    cells = [ge[0], *(f"{ge[n + 1]} - {ge[n]}" for n in range(len(starts)))]
    return ", ".join(f"CAST({cell} AS BIGINT)" for cell in cells)


def _bucket_days(as_of: date) -> dict[str, date]:
    return {"as_of": as_of} | {f"d{days}": as_of - timedelta(days=days)
                               for days in BUCKET_STARTS}


BY_CUSTOMER = ("organization_id", "customer_id", "currency")
BY_ORGANIZATION = ("organization_id", "currency")
BY_ISSUE_DAY = ("organization_id", "currency", "issued")


def aged_sums(scope: Scope, as_of: date, keys: tuple[str, ...] = BY_CUSTOMER,
              ) -> dict[tuple, list[int]]:
    """Per group of ``keys`` (organization id, customer id, currency; or organization
    id, currency for the total rows), the aged balance cells at the end of ``as_of`` in
    minor units: the five buckets (Σ balances of the invoices issued by then, by due
    date), then ``unallocated`` (negative). Groups of zeros are left out.

    A balance at ``as_of`` is what is open today plus what was allocated after
    ``as_of``; the same for a credit's unallocated part. So three queries: the open
    invoices and the open credits, each from its partial index (the sums of
    allocations the database keeps, :mod:`relance.ledger.sums`), and the allocations
    dated after ``as_of``, none for a report of today.
    """
    width = len(keys)
    # Rows end with a 0 for ``unallocated``; made lists only when something changes.
    cells: dict[tuple, Sequence[int]] = {
        row[:width]: row[width:] for row in _open_buckets(scope, as_of, keys)}
    blank = (0,) * CELLS

    def change(key: tuple, amounts: Sequence[int], sign: int) -> None:
        cells[key] = [a + sign * b for a, b in zip(cells.get(key, blank), amounts, strict=True)]

    for row in _allocations_after(scope, as_of, keys):
        paid = row[2 * width + 1:]
        if any(paid):
            change(row[:width], (*paid, 0), 1)
        if given := row[2 * width]:
            change(row[width:2 * width], (0,) * len(BUCKETS) + (given,), -1)
    for *key, left in _credits(scope, as_of, keys, still_open=True):
        change(tuple(key), (0,) * len(BUCKETS) + (left,), -1)
    return {key: row for key, row in cells.items() if any(row)}


# Written as the partial indexes' condition, for SQLite to use them (ledger.sums).
OPEN = "amount_minor <> allocated_minor"


def _open_buckets(scope: Scope, as_of: date, keys: tuple[str, ...]) -> list[tuple]:
    """What the invoices issued by ``as_of`` and open today still owe, by bucket.

    Ordered as grouped, which costs nothing and makes PostgreSQL read one
    organization from the partial index alone, in order (twice as fast), rather than
    hash its rows fetched through the organization index."""
    params: dict = _bucket_days(as_of)
    where = _scope("organization_id", scope, params)
    return _rows(f"SELECT {_columns(keys)}, "
                 f"{_bucket_cells('amount_minor - allocated_minor', 'due')}, 0 "
                 f"FROM {INVOICES} WHERE {where} AND {OPEN} "
                 f"AND {_plain('issued')} <= %(as_of)s GROUP BY {_columns(keys)} "
                 f"ORDER BY {_columns(keys)}", params)


def _allocations_after(scope: Scope, as_of: date, keys: tuple[str, ...]) -> list[tuple]:
    """Allocations dated after ``as_of``: the invoice's ``keys``, the credit's, what
    they took from credits dated by ``as_of``, then the bucket cells of what they gave
    invoices issued by then: both were still open at ``as_of``. None for a report of
    today. For one organization, read from its credits through their allocations by
    date (``CROSS JOIN`` fixes that order for SQLite); for more, the allocations are
    read once, fewer than their credits' look-ups."""
    params: dict = _bucket_days(as_of)
    where = _scope("c.organization_id", scope, params)
    columns, groups = _allocation_columns(keys)
    tables = (f"{CREDITS} c CROSS JOIN {ALLOCATIONS} a" if isinstance(scope, int)
              else f"{ALLOCATIONS} a CROSS JOIN {CREDITS} c")
    return _rows(
        f"SELECT {columns} FROM {tables} CROSS JOIN {INVOICES} i "
        f"WHERE {where}{_allocations_of(scope)} AND a.credit_id = c.id AND a.date > %(as_of)s "
        f"AND i.id = a.invoice_id AND i.organization_id = c.organization_id "
        f"GROUP BY {groups}", params)


def _allocation_columns(keys: tuple[str, ...]) -> tuple[str, str]:
    """What a pass over allocations selects, and groups by: the invoice's ``keys``, the
    credit's, what the allocations took from credits dated by ``as_of``, then the bucket
    cells of what they gave invoices issued by then."""
    issued = f"{_plain('i.issued')} <= %(as_of)s"
    amount = f"CASE WHEN {issued} THEN a.amount_minor END"
    taken = f"CAST(COALESCE({_sum('a.amount_minor', _plain('c.date') + ' <= %(as_of)s')}, 0) " \
            "AS BIGINT)"
    both = f"{_columns(keys, 'i.')}, {_columns(keys, 'c.')}"
    return f"{both}, {taken}, {_bucket_cells(amount, 'i.due')}", both


def _net(cells: dict[tuple, list[int]], scope: Scope, as_of: date, keys: tuple[str, ...],
         ) -> dict[tuple, list[int]]:
    """``cells`` (invoice amounts by bucket, then 0) less the allocations, plus the
    unallocated credit, per group of ``keys``; groups of zeros left out."""
    width = len(keys)
    blank = [0] * CELLS
    for row in _allocations(scope, as_of, keys):
        paid = row[2 * width + 1:]
        if any(paid):
            owed = cells.setdefault(row[:width], blank.copy())
            for n, amount in enumerate(paid):
                owed[n] -= amount
        if used := row[2 * width]:
            cells.setdefault(row[width:2 * width], blank.copy())[-1] += used
    for *key, given in _credits(scope, as_of, keys):
        cells.setdefault(tuple(key), blank.copy())[-1] -= given
    return {key: row for key, row in cells.items() if any(row)}


def organization_sums(scope: Scope, as_of: date,
                      ) -> tuple[dict[tuple, list[int]], dict[tuple, RunningTotal]]:
    """Per (organization id, currency): the total row of the aged balance at ``as_of``
    (as :func:`aged_sums`), and the amounts issued by day through ``as_of`` (what a
    countback walks back through). One pass over invoices, grouped by issue day in
    index order, gives both: a day's bucket cells add up to what was issued that day."""
    cells: dict[tuple, list[int]] = {}
    issued: dict[tuple, dict[date, int]] = {}
    for org, currency, day, *row in _invoice_buckets(scope, as_of, BY_ISSUE_DAY):
        total = cells.setdefault((org, currency), [0] * CELLS)
        for n, amount in enumerate(row):
            total[n] += amount
        issued.setdefault((org, currency), {})[_day(day)] = sum(row)
    return (_net(cells, scope, as_of, BY_ORGANIZATION),
            {key: RunningTotal.of(days) for key, days in issued.items()})


def _columns(keys: tuple[str, ...], table: str = "") -> str:
    return ", ".join(f"{table}{key}" for key in keys)


def _invoice_buckets(scope: Scope, as_of: date, keys: tuple[str, ...]) -> list[tuple]:
    params: dict = _bucket_days(as_of)
    where = _scope("organization_id", scope, params)
    return _rows(f"SELECT {_columns(keys)}, {_bucket_cells('amount_minor', 'due')} "
                 f"FROM {INVOICES} WHERE {where} AND {_plain('issued')} <= %(as_of)s "
                 f"GROUP BY {_columns(keys)}", params)


def _allocations(scope: Scope, as_of: date, keys: tuple[str, ...]) -> list[tuple]:
    """Allocations dated by ``as_of``: the invoice's ``keys``, the credit's, what
    credits dated by ``as_of`` gave, then the bucket cells of what invoices issued by
    then received."""
    params: dict = _bucket_days(as_of)
    where = _scope("c.organization_id", scope, params)
    columns, groups = _allocation_columns(keys)
    return _rows(
        f"SELECT {columns} FROM {CREDITS} c JOIN {ALLOCATIONS} a ON a.credit_id = c.id "
        f"JOIN {INVOICES} i ON i.id = a.invoice_id "
        f"WHERE {where} AND i.organization_id = c.organization_id{_allocations_of(scope)} "
        f"AND {_plain('a.date')} <= %(as_of)s GROUP BY {groups}", params)


def _credits(scope: Scope, as_of: date, keys: tuple[str, ...], still_open: bool = False,
             ) -> list[tuple]:
    """What the credits dated by ``as_of`` gave in all; ``still_open``, what they have
    not given yet today (from their partial index, :mod:`relance.ledger.sums`)."""
    params: dict = {"as_of": as_of}
    where = _scope("organization_id", scope, params)
    amount, open_only = ("amount_minor - allocated_minor", f" AND {OPEN}") if still_open \
        else ("amount_minor", "")
    return _rows(f"SELECT {_columns(keys)}, CAST(SUM({amount}) AS BIGINT) "
                 f"FROM {CREDITS} WHERE {where}{open_only} AND {_plain('date')} <= %(as_of)s "
                 f"GROUP BY {_columns(keys)}", params)


def customer_refs(scope: Scope) -> list[tuple[int, int, str]]:
    """(organization id, customer id, ref) of the customers of ``scope``, by
    organization then by reference in code point order, as Python sorts strings."""
    params: dict = {}
    where = _scope("organization_id", scope, params)
    ref = "ref" if connection.vendor == "sqlite" else 'ref COLLATE "C"'
    return _rows(f"SELECT organization_id, id, ref FROM {CUSTOMERS} WHERE {where} "
                 f"ORDER BY organization_id, {ref}", params)


# --- sums by day ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RunningTotal:
    """Amounts by day, summed up to any day: ``through(d)`` is Σ amounts of days ≤ d."""

    days: tuple[date, ...]  # ascending
    running: tuple[int, ...]  # running[n] = Σ amounts of days[: n + 1]

    @classmethod
    def of(cls, amounts: dict[date, int]) -> RunningTotal:
        days, running, total = sorted(amounts), [], 0
        for day in days:
            total += amounts[day]
            running.append(total)
        return cls(tuple(days), tuple(running))

    @classmethod
    def of_sorted(cls, days: tuple[date, ...], amounts: list[int]) -> RunningTotal:
        """From ``amounts`` on ascending, distinct ``days``."""
        return cls(days, tuple(accumulate(amounts)))

    def through(self, day: date) -> int:
        n = bisect_right(self.days, day)
        return self.running[n - 1] if n else 0

    def between(self, start: date, end: date) -> int:
        """Σ amounts from ``start`` through ``end``, both included."""
        return self.through(end) - self.through(start - timedelta(days=1))

    @property
    def first(self) -> date | None:
        return self.days[0] if self.days else None


@dataclass(frozen=True, slots=True)
class DailyLedger:
    """One organization's invoices in one currency, summed by day, in minor units.

    ``issued`` sums amounts by issue day; ``paid`` sums allocations by the later of
    the invoice's issue day and the allocation's date, the day from which the
    allocation counts in a balance. So Σ balances at the end of ``d`` of the invoices
    issued by then is ``issued.through(d) − paid.through(d)``.
    """

    issued: RunningTotal
    paid: RunningTotal

    def receivables(self, day: date) -> int:
        return self.issued.through(day) - self.paid.through(day)


def daily_ledger(org: int, currency: str, last: date) -> DailyLedger:
    """The sums by day through ``last`` of the invoices of ``org`` in ``currency`` and of
    the allocations that count by then: one query over the days the database keeps
    (:mod:`relance.ledger.daysums`), a few hundred rows a year, not the invoices."""
    rows = _rows(f"SELECT day, issued_minor, paid_minor FROM {DAYS} "
                 "WHERE organization_id = %(org)s AND currency = %(currency)s "
                 "AND day <= %(last)s ORDER BY day",
                 {"org": org, "currency": currency, "last": last})
    days = tuple(_day(row[0]) for row in rows)
    return DailyLedger(RunningTotal.of_sorted(days, [row[1] for row in rows]),
                       RunningTotal.of_sorted(days, [row[2] for row in rows]))


def due_split(org: int, currency: str, day: date) -> tuple[int, int]:
    """Σ balances at the end of ``day`` of the invoices of ``org`` in ``currency`` issued
    by then: those not due yet (due on or after ``day``), and those overdue; the total
    row of the aged balance, without its rows."""
    cells = aged_sums(org, day, BY_ORGANIZATION).get((org, currency), (0,) * CELLS)
    return cells[0], sum(cells[1:len(BUCKETS)])
