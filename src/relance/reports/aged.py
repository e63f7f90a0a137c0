"""The aged balance (balance âgée) summed by the database.

Same figures as :func:`relance.core.reporting.aged_balance` (docs/reporting.md,
"Aged balance"): each bucket is a window of due dates, its cell the sum of the
balances at ``as_of`` of a customer's invoices due in it, and ``unallocated`` the
customer's credit still unallocated, negative. Three grouped queries in all, however
large the book (:func:`relance.reports.queries.aged_sums`).

A customer appears when one of its cells is not zero. The core lists a customer
when one of its invoices has a non-zero balance; the two agree because an
allocation never exceeds the balance it pays (ledger rule), so balances are never
negative and a zero sum means every balance in it is zero.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from relance.core.money import from_minor, minor_units
from relance.core.reporting import AgedBalance, AgedRow
from relance.ledger.models import Organization
from relance.reports.queries import aged_sums, customer_refs

Cells = dict[tuple[int, int, str], Sequence[int]]


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while the rows are built.

    A book's aged balances are hundreds of thousands of small acyclic objects (cells,
    rows, Decimals). The collector starts a pass every 700 new containers and its
    older generations walk every live object, so left on it takes as long as the
    building itself, to free nothing: reference counting frees all of these.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _money(currency: str) -> tuple[Callable[[int], Decimal], Decimal]:
    """Minor units to the currency's Decimal, as from_minor gives them, without its
    per-call checks: this runs for every cell of every customer. A Decimal times an
    int is exact here (at most 19 digits against a precision of 28), and the bound
    method is called without a Python frame. Most cells are zero: one Decimal for all."""
    multiply = Decimal(1).scaleb(-minor_units(currency)).__mul__
    return multiply, multiply(0)


def _balances(cells: Cells, customers: list[tuple[int, int, str]], as_of: date,
              ) -> dict[int, dict[str, AgedBalance]]:
    """Aged balances by organization id and currency. ``customers`` are (organization
    id, customer id, ref) by organization, then by reference, as the core sorts rows."""
    result: dict[int, dict[str, AgedBalance]] = defaultdict(dict)
    get, make = cells.get, AgedRow._make  # _make: no Python frame per row
    for currency in sorted({currency for _o, _c, currency in cells}):
        money, zero = _money(currency)
        for org, of_org in groupby(customers, key=itemgetter(0)):
            listed, minor = [], []
            for _org, customer, ref in of_org:
                cell = get((org, customer, currency))
                if cell is not None:
                    listed.append(make((ref, *[money(m) if m else zero for m in cell])))
                    minor.append(cell)
            if listed:
                total = AgedRow("", *(from_minor(sum(column), currency)
                                      for column in zip(*minor, strict=True)))
                result[org][currency] = AgedBalance(as_of, currency, tuple(listed), total)
    return result


def _nothing(currency: str) -> AgedRow:
    zero = from_minor(0, currency)
    return AgedRow("", zero, zero, zero, zero, zero, zero)


def aged_balances(org: Organization, as_of: date) -> dict[str, AgedBalance]:
    """One aged balance per currency of ``org``, rows by customer reference."""
    with _no_cycle_collection():
        balances = _balances(aged_sums(org.pk, as_of), customer_refs(org.pk), as_of)
    return dict(sorted(balances.get(org.pk, {}).items()))


def aged_balance(org: Organization, as_of: date, currency: str | None = None) -> AgedBalance:
    """The aged balance of ``org`` in ``currency`` (default: the organization's)."""
    currency = currency or org.currency
    empty = AgedBalance(as_of, currency, (), _nothing(currency))
    return aged_balances(org, as_of).get(currency, empty)


def aged_balances_all(as_of: date, orgs: list[Organization] | None = None,
                      ) -> dict[int, dict[str, AgedBalance]]:
    """Every organization's aged balances (or those of ``orgs``), by organization id.

    The same three queries as for one organization, over the whole book.
    """
    scope = None if orgs is None else [o.pk for o in orgs]
    with _no_cycle_collection():
        balances = _balances(aged_sums(scope, as_of), customer_refs(scope), as_of)
    return {org: dict(sorted(by_currency.items())) for org, by_currency in balances.items()}


def customer_names(org: Organization) -> dict[str, str]:
    """Customer reference → name, for display next to the aged rows."""
    return dict(org.customers.values_list("ref", "name"))
