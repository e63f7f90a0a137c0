"""Import one file and record the run the imports page lists, whoever imports it.

The web upload, ``relance import KIND FILE…`` and the folder ``relance import --watch``
reads all call :func:`import_file` (PRODUCT.md: web, API, CLI and scheduler call the same
service functions), so a collector sees on the page the bank statement the scheduled
job imported this morning. A run always belongs to the organization the file was
imported into: the command picks one (``--org``, or the only one) before it reads any
file. A file that cannot be imported (unreadable, of no known kind) writes nothing; it
is a run, saying why, only when it came through the watched folder
(:func:`record_refusal`): the web page and the command refuse it in front of their user.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db import transaction

from relance.errors import FormatError
from relance.imports import wording
from relance.imports.bank import import_statement
from relance.imports.csv_files import import_contacts, import_invoices
from relance.imports.einvoice import import_einvoice
from relance.imports.fec import import_fec
from relance.imports.report import ImportReport
from relance.ledger.models import Organization
from relance.web.models import FigureSnapshot, ImportRun  # the pages' storage

IMPORTERS = {"fec": import_fec, "contacts": import_contacts, "invoices": import_invoices,
             "einvoice": import_einvoice, "bank": import_statement}
ORIGINS = frozenset(code for code, _label in ImportRun.ORIGINS)
KEPT = 5000  # rows and problems a run keeps: the page shows 500, the summary counts all


def read(kind: str, org: Organization, data: bytes, name: str, day: date,
         mapping: str | None = None) -> ImportReport:
    """Import ``data`` as ``kind``; ``mapping`` names the saved format a CSV bank
    statement is read with (else the one whose columns its header holds)."""
    if kind == "contacts":  # contacts carry no date to know them from
        return import_contacts(org, data, name)
    if kind == "bank":
        return import_statement(org, data, name, known_from=day, mapping=mapping)
    return IMPORTERS[kind](org, data, name, known_from=day)


def record(org: Organization, kind: str, name: str, report: ImportReport, *, origin: str,
           user=None) -> ImportRun:
    """Store ``report`` as a run of ``org``; problems as code and values, worded when read."""
    return ImportRun.objects.create(
        organization=org, kind=kind, file_name=name[:255], origin=_known(origin),
        user=user if user is not None and user.is_authenticated else None,
        summary=report.summary().splitlines()[0],
        rows=[list(r) for r in report.rows[:KEPT]],
        counts=dict(Counter(outcome for *_row, outcome in report.rows)),
        rejected=[wording.stored(e) for e in report.rejected[:KEPT]],
        warnings=[wording.stored(e) for e in report.warnings[:KEPT]])


def record_refusal(org: Organization, kind: str | None, name: str, error: FormatError, *,
                   origin: str) -> ImportRun:
    """Store a file refused as a whole (``kind`` ``None``: not recognised), with why,
    worded when read."""
    return ImportRun.objects.create(
        organization=org, kind=kind or "unknown", file_name=name[:255], origin=_known(origin),
        summary=f"{name}: rejected, nothing imported: {error}",
        refused={"code": error.code, "params": error.params, "message": str(error)})


def _known(origin: str) -> str:
    if origin not in ORIGINS:
        raise ValueError(f"unknown import origin {origin!r}")
    return origin


def import_file(org: Organization, kind: str, data: bytes, name: str, day: date, *,
                origin: str, user=None, mapping: str | None = None
                ) -> tuple[ImportReport, ImportRun]:
    """Import one file and record its run, together: the run is listed if and only if
    the rows were written. Raises ``FormatError`` (nothing written, no run) when the file
    cannot be read."""
    with transaction.atomic():
        report = read(kind, org, data, name, day, mapping)
        # The portfolio's kept figures of this organization are out of date: it computes
        # them again when next shown, whoever imported (the web page refreshes at once).
        FigureSnapshot.objects.filter(organization=org).delete()
        return report, record(org, kind, name, report, origin=origin, user=user)
