"""The sales and payments by day the database keeps (ledger.daysums).

The KPIs trust them, so they must equal the invoices and allocations after every way
either is written, changed or removed, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from relance.ledger import daysums, services, sums
from relance.ledger.models import Allocation, Invoice, Organization
from relance.reports import services as reports
from tests.reports.books import Writer, random_book

D = date(2026, 3, 2)


def _day(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def expected() -> dict[tuple, tuple[int, int]]:
    """(organization id, currency, day) → (issued, paid), from the rows themselves."""
    sums_: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for org, currency, issued, amount in Invoice.objects.values_list(
            "organization_id", "currency", "issued", "amount_minor"):
        sums_[(org, currency, issued)][0] += amount
    for org, currency, issued, on, amount in Allocation.objects.values_list(
            "invoice__organization_id", "invoice__currency", "invoice__issued", "date",
            "amount_minor"):
        sums_[(org, currency, max(issued, on))][1] += amount
    return {key: tuple(v) for key, v in sums_.items() if any(v)}


def kept() -> dict[tuple, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT organization_id, currency, day, issued_minor, paid_minor "
                       f"FROM {daysums.TABLE}")
        return {(org, cur, _day(day)): (issued, paid)
                for org, cur, day, issued, paid in cursor.fetchall() if issued or paid}


@pytest.fixture
def book(db) -> Writer:
    w = Writer(Organization.objects.create(slug="days", name="Days"))
    w.customer("C1")
    w.invoice("F1", "C1", D, D, "100.00")
    w.invoice("F2", "C1", D + timedelta(days=3), D, "250.00")
    return w


def test_the_table_and_its_triggers_exist_once_migrated(db):
    assert daysums.installed(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {name for (name,) in cursor.fetchall()}
    assert set(daysums.TRIGGERS) <= names


def test_every_way_of_writing_an_invoice_keeps_the_days(book):
    f1, f2 = book.invoices["F1"], book.invoices["F2"]
    assert kept() == expected() == {(book.org.pk, "EUR", D): (10000, 0),
                                    (book.org.pk, "EUR", D + timedelta(days=3)): (25000, 0)}
    book.credit("C1", D, "60.00", {"F1": ("60.00", D - timedelta(days=5))})
    f1.refresh_from_db()
    f1.amount_minor = 12000
    f1.issued = D + timedelta(days=1)  # its allocation counts from the new day
    f1.save()
    assert kept() == expected()
    assert kept()[(book.org.pk, "EUR", D + timedelta(days=1))] == (12000, 6000)
    Invoice.objects.filter(pk=f2.pk).update(currency="USD")
    assert kept() == expected()
    other = Organization.objects.create(slug="other", name="Other")
    Invoice.objects.filter(pk=f1.pk).update(organization=other)
    assert kept() == expected()
    f1.refresh_from_db()
    f1.next_decision_on = D  # a column the sums do not read
    f1.save()
    assert kept() == expected()
    f1.delete()  # its allocations go with it
    assert kept() == expected() == {(book.org.pk, "USD", D + timedelta(days=3)): (25000, 0)}


def test_every_way_of_writing_an_allocation_keeps_the_days(book):
    f1, f2 = book.invoices["F1"], book.invoices["F2"]
    credit = book.credit("C1", D, "300.00", {"F1": ("60.00", D + timedelta(days=9))})
    assert kept() == expected()
    services.allocate_credit(credit)  # bulk_create
    other = book.credit("C1", D, "80.00")
    services.allocate_explicit(other, f2, Decimal("50.00"))  # create
    assert kept() == expected()
    allocation = Allocation.objects.get(credit=other)
    allocation.amount_minor = 3000
    allocation.date = D + timedelta(days=20)
    allocation.save()
    assert kept() == expected()
    allocation.invoice = f1
    allocation.save()  # moved to another invoice
    assert kept() == expected()
    Allocation.objects.filter(credit=credit, invoice=f2).update(amount_minor=15000)
    assert kept() == expected()
    allocation.delete()
    assert kept() == expected()
    credit.delete()  # its allocations go with it
    assert kept() == expected()
    assert all(paid == 0 for _issued, paid in kept().values())


def test_either_order_of_deleting_an_invoice_and_its_allocations_keeps_the_days(book):
    book.credit("C1", D, "350.00", {"F1": ("100.00", D), "F2": ("250.00", D)})
    with connection.cursor() as cursor:  # the invoice first, as a database cascade would
        cursor.execute("DELETE FROM ledger_invoice WHERE id = %s", [book.invoices["F1"].pk])
        assert kept() == expected() | {}  # the allocation is still there, its invoice gone
        cursor.execute("DELETE FROM ledger_allocation WHERE invoice_id = %s",
                       [book.invoices["F1"].pk])
    assert kept() == expected()


def test_a_random_book_keeps_exact_days_and_a_recompute_repairs_them(db):
    org = Organization.objects.create(slug="r", name="R")
    random_book(org, seed=7, invoices=120)
    assert kept() == expected()
    before = reports.indicators(org, date(2025, 6, 30))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {daysums.TABLE} SET paid_minor = 0, issued_minor = 1")
        assert kept() != expected()
        sums.recompute(cursor)
    assert kept() == expected()
    assert reports.indicators(org, date(2025, 6, 30)) == before
