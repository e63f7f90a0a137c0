"""The aged balance (balance âgée) summed by the database.

Same figures as :func:`relance.core.reporting.aged_balance` (docs/reporting.md,
"Aged balance"): each bucket is a window of due dates, its cell the sum of the
balances at ``as_of`` of a customer's invoices due in it, and ``unallocated`` the
customer's credit still unallocated, negative. Four grouped queries in all, however
large the book: invoices and their allocations by bucket, credits and theirs.

A customer appears when one of its cells is not zero. The core lists a customer
when one of its invoices has a non-zero balance; the two agree because an
allocation never exceeds the balance it pays (ledger rule), so balances are never
negative and a zero sum means every balance in it is zero.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from relance.core.money import from_minor, minor_units
from relance.core.reporting import BUCKETS, AgedBalance, AgedRow
from relance.ledger.models import Customer, Organization
from relance.reports.queries import Window, ledger_sums, unallocated_sums

# Days overdue of each bucket, both ends included (None: open-ended), as in the core.
BUCKET_DAYS = {"not_due": (None, 0), "d1_30": (1, 30), "d31_60": (31, 60),
               "d61_90": (61, 90), "over_90": (91, None)}
assert tuple(BUCKET_DAYS) == BUCKETS


def aged_windows(as_of: date) -> dict[str, Window]:
    """Each bucket as a window of due dates: d days overdue means due = as_of − d."""
    def day(days: int | None) -> date | None:
        return None if days is None else as_of - timedelta(days=days)

    return {name: Window(as_of, due_from=day(most), due_to=day(least))
            for name, (least, most) in BUCKET_DAYS.items()}


def aged_cells(org_scope: dict, group: tuple[str, ...], as_of: date,
               ) -> dict[tuple, dict[str, int]]:
    """Per group key, the bucket sums and ``unallocated`` (negative), in minor units.

    ``group`` names fields that exist on both invoices and credits (``customer``,
    ``organization``, ``currency``); cells that are all zero are dropped.
    """
    cells: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(
        (*BUCKETS, "unallocated"), 0))
    for key, sums in ledger_sums(org_scope, group, aged_windows(as_of)).items():
        cells[key].update({name: sums[name] for name in BUCKETS})
    for key, left in unallocated_sums(org_scope, group, as_of).items():
        cells[key]["unallocated"] = -left
    return {key: row for key, row in cells.items() if any(row.values())}


def _row(customer: str, cells: dict[str, int], currency: str) -> AgedRow:
    # from_minor's value, without its per-call checks: this runs for every customer
    places = -minor_units(currency)
    return AgedRow(customer, **{name: Decimal(v).scaleb(places) for name, v in cells.items()})


def _total(rows: list[AgedRow], currency: str) -> AgedRow:
    zero = from_minor(0, currency)
    return AgedRow("", **{name: sum((getattr(r, name) for r in rows), zero)
                          for name in (*BUCKETS, "unallocated")})


def _balances(rows_by_currency: dict[str, list[AgedRow]], as_of: date,
              ) -> dict[str, AgedBalance]:
    result = {}
    for currency in sorted(rows_by_currency):
        rows = sorted(rows_by_currency[currency], key=lambda r: r.customer)
        result[currency] = AgedBalance(as_of, currency, tuple(rows), _total(rows, currency))
    return result


def aged_balances(org: Organization, as_of: date) -> dict[str, AgedBalance]:
    """One aged balance per currency of ``org``, rows by customer reference."""
    refs = dict(org.customers.order_by().values_list("id", "ref"))
    by_currency: dict[str, list[AgedRow]] = defaultdict(list)
    for (customer, currency), row in aged_cells({"organization": org}, ("customer", "currency"),
                                                as_of).items():
        by_currency[currency].append(_row(refs[customer], row, currency))
    return _balances(by_currency, as_of)


def aged_balance(org: Organization, as_of: date, currency: str | None = None) -> AgedBalance:
    """The aged balance of ``org`` in ``currency`` (default: the organization's)."""
    currency = currency or org.currency
    empty = AgedBalance(as_of, currency, (), _total([], currency))
    return aged_balances(org, as_of).get(currency, empty)


def aged_balances_all(as_of: date, orgs: list[Organization] | None = None,
                      ) -> dict[int, dict[str, AgedBalance]]:
    """Every organization's aged balances (or those of ``orgs``), by organization id.

    The same four queries as for one organization, grouped by customer over the
    whole book.
    """
    scope = {} if orgs is None else {"organization__in": [o.pk for o in orgs]}
    customers = Customer.objects.filter(**scope).order_by()
    owner = {pk: (org, ref) for pk, org, ref in customers.values_list("id", "organization", "ref")}
    grouped: dict[int, dict[str, list[AgedRow]]] = defaultdict(lambda: defaultdict(list))
    for (customer, currency), row in aged_cells(scope, ("customer", "currency"), as_of).items():
        org, ref = owner[customer]
        grouped[org][currency].append(_row(ref, row, currency))
    return {org: _balances(by_currency, as_of) for org, by_currency in grouped.items()}


def aged_totals(scope: dict, as_of: date) -> dict[tuple[int, str], AgedRow]:
    """The total row of each (organization id, currency): the portfolio's aged columns."""
    return {key: _row("", row, key[1])
            for key, row in aged_cells(scope, ("organization", "currency"), as_of).items()}


def customer_names(org: Organization) -> dict[str, str]:
    """Customer reference → name, for display next to the aged rows."""
    return dict(org.customers.values_list("ref", "name"))
