"""Many new rows in one statement, for a fraction of what ``bulk_create`` costs.

Sending records three rows per message and move (the message, its event, its timeline
line). Django's ``bulk_create`` compiles every value of every row through its generic
query compiler, which costs more per message than the SMTP transaction. :func:`insert`
stores the same values (each field's ``pre_save`` then ``get_db_prep_save``, as the
compiler does) with one ``executemany``, or one multi-row ``INSERT … RETURNING`` when
the new ids are needed. Anything it does not handle (a database default, an
expression as a value, a database that cannot return ids) goes to ``bulk_create``.
"""

from __future__ import annotations

from django.db import connection, models
from django.db.models import AutoField, Model
from django.db.models.expressions import DatabaseDefault


def insert(objs: list[Model], ids: bool = False) -> None:
    """Insert ``objs`` (all of one model, without primary keys); ``ids`` sets them."""
    if not objs:
        return
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields
              if not f.generated and not isinstance(f, AutoField)]
    values = _values(objs, fields)
    if values is None or ids and not connection.features.can_return_rows_from_bulk_insert:
        model.objects.bulk_create(objs)
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        if ids:
            _returning(cursor, objs, fields, values, f"INSERT INTO {table} ({columns}) VALUES ")
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {row}", values)
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias


def _values(objs: list[Model], fields: list) -> list[list] | None:
    """Each row's database values; None when one needs the query compiler."""
    rows: list[list] = []
    preparers = [_preparer(f) for f in fields]
    for obj in objs:
        # sets a foreign key from an object saved after it was assigned (events of
        # messages inserted in the same transaction), as bulk_create does
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        if obj.pk is not None:
            return None
        raw = [f.pre_save(obj, True) for f in fields]
        if any(isinstance(v, DatabaseDefault) or hasattr(v, "resolve_expression")
               for v in raw):
            return None
        rows.append([prepare(v) for prepare, v in zip(preparers, raw, strict=True)])
    return rows


# Field classes whose get_db_prep_save returns a value of this exact type unchanged
# (to_python of a str is the str, int() of an int is the int, on every backend).
_UNCHANGED = {models.CharField: str, models.TextField: str, models.EmailField: str,
              models.SlugField: str, models.IntegerField: int,
              models.PositiveIntegerField: int, models.BigIntegerField: int,
              models.BooleanField: bool}


def _preparer(field):
    """How to turn one field's values into database values, as bulk_create does."""
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    same = int if isinstance(target, AutoField) and field.is_relation \
        else _UNCHANGED.get(type(field))
    if same is not None:
        def prepare(value):
            return value if type(value) is same else field.get_db_prep_save(value, connection)
        return prepare
    if isinstance(field, models.DateField):  # a batch shares its day and its time
        memo: dict = {}

        def prepare(value):
            key = (value, getattr(value, "tzinfo", None))
            if key not in memo:
                memo[key] = field.get_db_prep_save(value, connection)
            return memo[key]
        return prepare
    return lambda value: field.get_db_prep_save(value, connection)


def _returning(cursor, objs: list[Model], fields: list, values: list[list],
               head: str) -> None:
    pk = objs[0]._meta.pk
    size = connection.ops.bulk_batch_size(fields, objs)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    for start in range(0, len(objs), size):
        chunk = values[start:start + size]
        sql = (head + ", ".join([row] * len(chunk))
               + f" RETURNING {connection.ops.quote_name(pk.column)}")
        cursor.execute(sql, [value for one in chunk for value in one])
        for obj, (key,) in zip(objs[start:start + size], cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, key)
