"""What each invoice and credit has been given so far, kept by the database itself.

``ledger_invoice.allocated_minor`` and ``ledger_credit.allocated_minor`` hold the sum
of the allocations made to the invoice and from the credit, whatever their date. The
aged balance reads the open invoices (amount ≠ allocated) from one partial index that
holds all it needs, and adds back the few allocations dated after its day, instead of
joining every allocation of the book (docs/performance.md, "Reports").

The sums are maintained by triggers on ``ledger_allocation``, so that every way an
allocation is written or removed keeps them exact: the services' ``create`` and
``bulk_create``, cascades when a credit or an invoice is deleted, the admin, a
fixture. The columns are not model fields on purpose: Django writes every field of a
model it saves, and a stale value read before a payment would overwrite the
database's. ``tests/ledger/test_sums.py`` checks that the triggers, columns and index
exist once migrated and that the sums equal the allocations after every kind of write.

A later migration that makes SQLite rebuild ``ledger_invoice``, ``ledger_credit`` or
``ledger_allocation`` (an altered field) loses the columns or the triggers: end it
with ``migrations.RunPython(sums.install, sums.uninstall)`` again, which puts them
back, with the sums by day of :mod:`relance.ledger.daysums`, and recomputes them.
"""

from __future__ import annotations

from relance.ledger import daysums

TABLES = ("ledger_invoice", "ledger_credit")
TRIGGERS = ("ledger_allocation_sums_insert", "ledger_allocation_sums_delete",
            "ledger_allocation_sums_update")
OPEN_INVOICES = "invoice_open_by_customer"
OPEN_CREDITS = "credit_open_by_customer"
ALLOCATIONS_BY_CREDIT_DAY = "allocation_by_credit_day"
ALLOCATIONS_BY_DAY = "allocation_by_day"

# The open invoices in the aged balance's order, with every column it reads, so that
# it never visits the table; the open credits likewise. ``amount_minor <>
# allocated_minor`` must be written as is in a query for SQLite to use them. A
# credit's allocations by date find those made after a day. An index on the date
# alone serves PostgreSQL, whose statistics tell how many allocations a range of days
# holds; SQLite's do not, and it would prefer such an index for a month's allocations
# of one organization although it holds every organization's.
_INDEXES = (
    f"CREATE INDEX {OPEN_INVOICES} ON ledger_invoice (organization_id, customer_id, "
    "currency, due, issued, amount_minor, allocated_minor) "
    "WHERE amount_minor <> allocated_minor",
    f"CREATE INDEX {OPEN_CREDITS} ON ledger_credit (organization_id, customer_id, "
    "currency, date, amount_minor, allocated_minor) WHERE amount_minor <> allocated_minor",
    f"CREATE INDEX {ALLOCATIONS_BY_CREDIT_DAY} ON ledger_allocation (credit_id, date)",
)
_POSTGRESQL_INDEXES = (f"CREATE INDEX {ALLOCATIONS_BY_DAY} ON ledger_allocation (date)",)


def _change(sign: str, row: str) -> list[str]:
    """The two updates that add (``+``) or take back (``-``) allocation ``row``."""
    return [f"UPDATE {table} SET allocated_minor = allocated_minor {sign} {row}.amount_minor "
            f"WHERE id = {row}.{column}"
            for table, column in (("ledger_invoice", "invoice_id"),
                                  ("ledger_credit", "credit_id"))]


def _sqlite_triggers() -> list[str]:
    def trigger(name: str, event: str, body: list[str]) -> str:
        return (f"CREATE TRIGGER {name} AFTER {event} ON ledger_allocation BEGIN "
                + " ".join(f"{statement};" for statement in body) + " END")
    insert, delete, update = TRIGGERS
    return [trigger(insert, "INSERT", _change("+", "NEW")),
            trigger(delete, "DELETE", _change("-", "OLD")),
            trigger(update, "UPDATE OF amount_minor, invoice_id, credit_id",
                    _change("-", "OLD") + _change("+", "NEW"))]


def _postgresql_triggers() -> list[str]:
    def function(name: str, body: list[str]) -> str:
        return (f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + " ".join(f"{statement};" for statement in body) + " RETURN NULL; END $$")

    def trigger(name: str, event: str) -> str:
        return (f"CREATE TRIGGER {name} AFTER {event} ON ledger_allocation "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()")
    insert, delete, update = TRIGGERS
    return [function(insert, _change("+", "NEW")), trigger(insert, "INSERT"),
            function(delete, _change("-", "OLD")), trigger(delete, "DELETE"),
            function(update, _change("-", "OLD") + _change("+", "NEW")),
            trigger(update, "UPDATE OF amount_minor, invoice_id, credit_id")]


def recompute(cursor) -> None:
    """Set every sum from the allocations, and the sums by day once they exist
    (:mod:`relance.ledger.daysums`): a repair."""
    _recompute_allocated(cursor)
    if daysums.TABLE in cursor.db.introspection.table_names(cursor):
        daysums.recompute(cursor, cursor.db.vendor)


def _recompute_allocated(cursor) -> None:
    for table, column in (("ledger_invoice", "invoice_id"), ("ledger_credit", "credit_id")):
        cursor.execute(
            f"UPDATE {table} SET allocated_minor = COALESCE((SELECT SUM(a.amount_minor) "
            f"FROM ledger_allocation a WHERE a.{column} = {table}.id), 0)")


def install(apps, schema_editor) -> None:
    """Add the columns, the triggers and the indexes, then compute the sums."""
    connection = schema_editor.connection
    columns = {table: {c.name for c in connection.introspection.get_table_description(
        connection.cursor(), table)} for table in TABLES}
    with connection.cursor() as cursor:
        for table in TABLES:
            if "allocated_minor" not in columns[table]:
                cursor.execute(f"ALTER TABLE {table} "
                               "ADD COLUMN allocated_minor BIGINT NOT NULL DEFAULT 0")
        _drop(cursor, connection.vendor)
        postgresql = connection.vendor == "postgresql"
        triggers = _postgresql_triggers() if postgresql else _sqlite_triggers()
        for statement in (*triggers, *_INDEXES, *(_POSTGRESQL_INDEXES if postgresql else ())):
            cursor.execute(statement)
        _recompute_allocated(cursor)
    if daysums.installed(connection):  # a rebuilt table lost its triggers too
        daysums.install(apps, schema_editor)


def uninstall(apps, schema_editor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        _drop(cursor, connection.vendor)
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN allocated_minor")


def _drop(cursor, vendor: str) -> None:
    for index in (OPEN_INVOICES, OPEN_CREDITS, ALLOCATIONS_BY_CREDIT_DAY, ALLOCATIONS_BY_DAY):
        cursor.execute(f"DROP INDEX IF EXISTS {index}")
    for name in TRIGGERS:
        if vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON ledger_allocation")
            cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
