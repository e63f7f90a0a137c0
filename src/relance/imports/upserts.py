"""Create or update many rows of one model, found by one key, in a few statements.

An accounting export re-imported every night holds the whole year: 200,000 invoices
of which a handful changed. Looking each one up, then saving it, cost two queries a
row (44 s for 20,000 invoices). :class:`Upserts` reads the existing rows of the keys
in the file by chunks, decides each row in memory with the outcomes of one-row
:func:`relance.imports.csv_files.upsert` ("created", "updated", "unchanged", a key
repeated in the file seeing its earlier line's values), then writes the new rows with
one ``bulk_create`` and the changed ones with one ``bulk_update`` per chunk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Model

from relance.batches import chunked


class Upserts:
    """Rows of ``model`` within ``scope`` (e.g. ``{"organization": org}``), by ``key``."""

    def __init__(self, model: type[Model], scope: Mapping[str, Any], key: str,
                 keys: Iterable[str]) -> None:
        self.model, self.scope, self.key = model, dict(scope), key
        self.rows: dict[str, Model] = {}
        for chunk in chunked(sorted(set(keys))):
            for row in model.objects.filter(**self.scope, **{f"{key}__in": chunk}):
                for name, value in self.scope.items():  # known: no query to read it
                    setattr(row, name, value)
                self.rows[getattr(row, key)] = row
        self.new: dict[str, Model] = {}
        self.changed: dict[str, Model] = {}
        self.fields: set[str] = set()

    def put(self, key: str, values: Mapping[str, Any],
            on_create: Mapping[str, Any] | None = None) -> tuple[Model, str]:
        """The row of ``key`` with ``values``, and whether it was created, updated or
        unchanged; ``on_create`` values are set only on a new row (the day an invoice
        became known), so re-importing the same file changes nothing."""
        row = self.rows.get(key)
        if row is None:
            row = self.model(**self.scope, **{self.key: key}, **values, **(on_create or {}))
            self.rows[key] = self.new[key] = row
            return row, "created"
        changed = [name for name, value in values.items() if not _same(row, name, value)]
        for name in changed:
            setattr(row, name, values[name])
        if changed and key not in self.new:
            self.changed[key] = row
            self.fields.update(changed)
        return row, "updated" if changed else "unchanged"

    def save(self) -> None:
        """Write what :meth:`put` decided; new rows get their primary keys."""
        for chunk in chunked(self.new.values()):
            self.model.objects.bulk_create(chunk)
        # bulk_update writes a CASE over the ids of its batch for each field: its cost
        # grows with the square of the batch, so batches stay small.
        for chunk in chunked(self.changed.values(), 100):
            self.model.objects.bulk_update(chunk, sorted(self.fields))
        self.new, self.changed, self.fields = {}, {}, set()


def _same(row: Model, name: str, value: Any) -> bool:
    """Compare a foreign key by id: reading the related row would cost a query."""
    if isinstance(value, Model):
        field = row._meta.get_field(name)
        return value.pk is not None and getattr(row, field.attname) == value.pk
    return getattr(row, name) == value
