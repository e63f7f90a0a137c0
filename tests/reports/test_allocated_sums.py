"""The sums of allocations the database keeps per invoice and credit (ledger.sums).

The aged balance trusts them, so they must equal the allocations after every way an
allocation is written, changed or removed, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from relance.ledger import services, sums
from relance.ledger.models import Allocation, Credit, Invoice, Organization
from relance.reports.aged import aged_balance
from tests.reports.books import Writer, random_book

D = date(2026, 3, 2)


def drift() -> list[tuple[str, int, int, int]]:
    """Rows whose kept sum differs from their allocations: (table, id, kept, true)."""
    rows = []
    with connection.cursor() as cursor:
        for table, column in (("ledger_invoice", "invoice_id"), ("ledger_credit", "credit_id")):
            cursor.execute(
                f"SELECT id, allocated_minor, COALESCE((SELECT SUM(a.amount_minor) FROM "
                f"ledger_allocation a WHERE a.{column} = t.id), 0) FROM {table} t")
            rows += [(table, *row) for row in cursor.fetchall() if row[1] != row[2]]
    return rows


def kept(row: Invoice | Credit) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT allocated_minor FROM {row._meta.db_table} WHERE id = %s",
                       [row.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def book(db) -> Writer:
    w = Writer(Organization.objects.create(slug="sums", name="Sums"))
    w.customer("C1")
    w.invoice("F1", "C1", D, D, "100.00")
    w.invoice("F2", "C1", D, D, "250.00")
    return w


def test_the_triggers_columns_and_indexes_exist_once_migrated(db):
    with connection.cursor() as cursor:
        for table in sums.TABLES:
            names = {c.name for c in connection.introspection.get_table_description(
                cursor, table)}
            assert "allocated_minor" in names, table
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        assert set(sums.TRIGGERS) <= {name for (name,) in cursor.fetchall()}
        indexes = connection.introspection.get_constraints(cursor, "ledger_invoice")
        assert sums.OPEN_INVOICES in indexes


def test_every_way_of_writing_an_allocation_keeps_the_sums(book):
    f1, f2 = book.invoices["F1"], book.invoices["F2"]
    credit = book.credit("C1", D, "300.00", {"F1": ("60.00", D)})
    assert (kept(f1), kept(credit)) == (6000, 6000)
    services.allocate_credit(credit)  # bulk_create: 40.00 to F1, 200.00 to F2
    assert (kept(f1), kept(f2), kept(credit)) == (10000, 20000, 30000)
    other = book.credit("C1", D, "80.00")
    services.allocate_explicit(other, f2, Decimal("50.00"))  # create
    assert kept(f2) == 25000
    allocation = Allocation.objects.get(credit=other)
    allocation.amount_minor = 3000
    allocation.save()  # an amount changed
    assert (kept(f2), kept(other)) == (23000, 3000)
    allocation.invoice = f1
    allocation.save()  # moved to another invoice
    assert (kept(f1), kept(f2)) == (13000, 20000)
    Allocation.objects.filter(credit=credit, invoice=f2).update(amount_minor=15000)
    assert (kept(f2), kept(credit)) == (15000, 25000)
    allocation.delete()
    assert (kept(f1), kept(other)) == (10000, 0)
    credit.delete()  # its allocations go with it
    assert (kept(f1), kept(f2)) == (0, 0)
    assert drift() == []


def test_deleting_an_invoice_gives_its_allocations_back_to_the_credit(book):
    credit = book.credit("C1", D, "350.00", {"F1": ("100.00", D), "F2": ("250.00", D)})
    book.invoices["F1"].delete()
    assert kept(credit) == 25000
    assert drift() == []


def test_a_random_book_keeps_exact_sums_and_a_recompute_repairs_them(db):
    random_book(Organization.objects.create(slug="r", name="R"), seed=7, invoices=120)
    assert drift() == []
    before = aged_balance(Organization.objects.get(slug="r"), date(2026, 2, 1))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_invoice SET allocated_minor = 0")
        assert drift()
        sums.recompute(cursor)
    assert drift() == []
    assert aged_balance(Organization.objects.get(slug="r"), date(2026, 2, 1)) == before
