"""Sales and payments summed by day per organization and currency, kept by the database.

``ledger_day_sums`` holds, for each (organization, currency, day), ``issued_minor``,
the amounts of the invoices issued that day, and ``paid_minor``, the allocations that
count in a balance from that day: an allocation counts from the later of its invoice's
issue day and its own date (spec/dunning-rules.md, "Allocation of money": a balance is
the amount less the allocations made by then). So the receivables at the end of any day
are Σ issued − Σ paid through it, and a month's sales Σ issued over its days: the KPIs
read an organization's few hundred days instead of its invoices (docs/performance.md,
"Reports").

Triggers on ``ledger_invoice`` and ``ledger_allocation`` (SQLite and PostgreSQL) keep
the sums exact for every way a row is written or removed, as :mod:`relance.ledger.sums`
does for the sums per invoice: an invoice created, deleted, or changed in amount, issue
day, currency or organization (its allocations move with it); an allocation created,
deleted or changed in amount, date or invoice. A deleted invoice takes back the
allocations it still has, and an allocation whose invoice is already gone (a cascade
that deletes the invoice first) takes back nothing, so either order of deletion is
right. A ``TRUNCATE`` (PostgreSQL, the test database's flush) empties the sums too.
Rows that fall back to zero are left: they change no sum.

The table is not a model on purpose, like the sums per invoice: nothing but the
database writes it. :func:`recompute` sets it from the invoices and allocations (a
repair; :func:`relance.ledger.sums.recompute` calls it).
"""

from __future__ import annotations

TABLE = "ledger_day_sums"
TRIGGERS = ("ledger_invoice_days_insert", "ledger_invoice_days_delete",
            "ledger_invoice_days_update", "ledger_allocation_days_insert",
            "ledger_allocation_days_delete", "ledger_allocation_days_update")
TRUNCATE_TRIGGERS = ("ledger_invoice_days_truncate", "ledger_allocation_days_truncate")
_INVOICE_CHANGE = ("organization_id", "currency", "issued", "amount_minor")
_ALLOCATION_CHANGE = ("amount_minor", "invoice_id", "date")
_KEY = "organization_id, currency, day"


def _later(a: str, b: str, vendor: str) -> str:
    return f"GREATEST({a}, {b})" if vendor == "postgresql" else f"MAX({a}, {b})"


def _add(column: str, select: str) -> str:
    """Adds each (organization, currency, day, amount) row of ``select`` to ``column``."""
    other = "paid_minor" if column == "issued_minor" else "issued_minor"
    return (f"INSERT INTO {TABLE} ({_KEY}, {column}, {other}) "
            f"SELECT organization_id, currency, day, amount, 0 FROM ({select}) AS s WHERE true "
            f"ON CONFLICT ({_KEY}) DO UPDATE SET {column} = {TABLE}.{column} + "
            f"excluded.{column}")


def _issued(sign: str, row: str) -> str:
    """What invoice ``row`` (NEW or OLD) adds (``+``) to, or takes back from, its day."""
    return _add("issued_minor", f"SELECT {row}.organization_id AS organization_id, "
                f"{row}.currency AS currency, {row}.issued AS day, "
                f"{sign}{row}.amount_minor AS amount")


def _paid_of_invoice(sign: str, row: str, vendor: str) -> str:
    """The allocations of invoice ``row``, by the day each counts from."""
    day = _later(f"{row}.issued", "a.date", vendor)
    return _add("paid_minor", f"SELECT {row}.organization_id AS organization_id, "
                f"{row}.currency AS currency, d.day AS day, {sign}SUM(d.amount) AS amount "
                f"FROM (SELECT {day} AS day, a.amount_minor AS amount FROM ledger_allocation a "
                f"WHERE a.invoice_id = {row}.id) AS d GROUP BY d.day")


def _paid_of_allocation(sign: str, row: str, vendor: str) -> str:
    """Allocation ``row`` on the day it counts from (nothing if its invoice is gone)."""
    day = _later("i.issued", f"{row}.date", vendor)
    return _add("paid_minor", f"SELECT i.organization_id AS organization_id, "
                f"i.currency AS currency, {day} AS day, {sign}{row}.amount_minor AS amount "
                f"FROM ledger_invoice i WHERE i.id = {row}.invoice_id")


def _bodies(vendor: str) -> list[tuple[str, str, str, str, list[str]]]:
    """(name, table, event, condition, statements) of each row trigger."""
    def changed(columns: tuple[str, ...]) -> str:
        differ = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
        return " OR ".join(f"OLD.{c} {differ} NEW.{c}" for c in columns)
    invoice_out = [_issued("-", "OLD"), _paid_of_invoice("-", "OLD", vendor)]
    invoice_in = [_issued("+", "NEW"), _paid_of_invoice("+", "NEW", vendor)]
    inv_insert, inv_delete, inv_update, alloc_insert, alloc_delete, alloc_update = TRIGGERS
    return [
        # A new invoice has no allocation yet.
        (inv_insert, "ledger_invoice", "INSERT", "", [_issued("+", "NEW")]),
        (inv_delete, "ledger_invoice", "DELETE", "", invoice_out),
        (inv_update, "ledger_invoice", f"UPDATE OF {', '.join(_INVOICE_CHANGE)}",
         changed(_INVOICE_CHANGE), invoice_out + invoice_in),
        (alloc_insert, "ledger_allocation", "INSERT", "",
         [_paid_of_allocation("+", "NEW", vendor)]),
        (alloc_delete, "ledger_allocation", "DELETE", "",
         [_paid_of_allocation("-", "OLD", vendor)]),
        (alloc_update, "ledger_allocation", f"UPDATE OF {', '.join(_ALLOCATION_CHANGE)}",
         changed(_ALLOCATION_CHANGE),
         [_paid_of_allocation("-", "OLD", vendor), _paid_of_allocation("+", "NEW", vendor)]),
    ]


def _sqlite() -> list[str]:
    return [f"CREATE TABLE {TABLE} (organization_id integer NOT NULL, currency text NOT NULL, "
            "day text NOT NULL, issued_minor bigint NOT NULL DEFAULT 0, "
            f"paid_minor bigint NOT NULL DEFAULT 0, PRIMARY KEY ({_KEY})) WITHOUT ROWID",
            *(f"CREATE TRIGGER {name} AFTER {event} ON {table}"
              + (f" WHEN {condition}" if condition else "")
              + " BEGIN " + " ".join(f"{s};" for s in body) + " END"
              for name, table, event, condition, body in _bodies("sqlite"))]


def _postgresql() -> list[str]:
    statements = [f"CREATE TABLE {TABLE} (organization_id bigint NOT NULL, "
                  "currency varchar(3) NOT NULL, day date NOT NULL, "
                  "issued_minor bigint NOT NULL DEFAULT 0, paid_minor bigint NOT NULL DEFAULT 0, "
                  f"PRIMARY KEY ({_KEY}))"]
    for name, table, event, condition, body in _bodies("postgresql"):
        statements += [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            + " ".join(f"{s};" for s in body) + " RETURN NULL; END $$",
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW"
            + (f" WHEN ({condition})" if condition else "") + f" EXECUTE FUNCTION {name}()"]
    invoices, allocations = TRUNCATE_TRIGGERS
    for name, table, body in ((invoices, "ledger_invoice", f"DELETE FROM {TABLE}"),
                              (allocations, "ledger_allocation",
                               f"UPDATE {TABLE} SET paid_minor = 0")):
        statements += [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{body}; RETURN NULL; END $$",
            f"CREATE TRIGGER {name} AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"]
    return statements


def installed(connection) -> bool:
    with connection.cursor() as cursor:
        return TABLE in connection.introspection.table_names(cursor)


def recompute(cursor, vendor: str) -> None:
    """Set every day's sums from the invoices and allocations (also a repair)."""
    cursor.execute(f"DELETE FROM {TABLE}")
    cursor.execute(_add("issued_minor", "SELECT organization_id, currency, issued AS day, "
                        "SUM(amount_minor) AS amount FROM ledger_invoice "
                        "GROUP BY organization_id, currency, issued"))
    day = _later("i.issued", "a.date", vendor)
    cursor.execute(_add("paid_minor", "SELECT organization_id, currency, day, "
                        "SUM(amount) AS amount FROM (SELECT i.organization_id, i.currency, "
                        f"{day} AS day, a.amount_minor AS amount FROM ledger_allocation a "
                        "JOIN ledger_invoice i ON i.id = a.invoice_id) AS d "
                        "GROUP BY organization_id, currency, day"))


def install(apps, schema_editor) -> None:
    """Create the table and its triggers, then compute the sums (again after a
    migration that makes SQLite rebuild ``ledger_invoice`` or ``ledger_allocation``)."""
    connection = schema_editor.connection
    vendor = connection.vendor
    with connection.cursor() as cursor:
        _drop(cursor, vendor)
        for statement in _postgresql() if vendor == "postgresql" else _sqlite():
            cursor.execute(statement)
        recompute(cursor, vendor)


def uninstall(apps, schema_editor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        _drop(cursor, connection.vendor)


def _drop(cursor, vendor: str) -> None:
    tables = dict(zip(TRIGGERS, ["ledger_invoice"] * 3 + ["ledger_allocation"] * 3,
                      strict=True))
    tables.update(zip(TRUNCATE_TRIGGERS, ("ledger_invoice", "ledger_allocation"), strict=True))
    for name, table in tables.items():
        if vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
