"""Import by kind, or from a watched folder where files of any kind are dropped.

Each file is recognised by its content (``relance.formats.sniff``), imported, then
moved to ``done/`` or ``rejected/`` beside a ``.report.txt`` with what happened, so
a file is never imported twice by the folder and never silently lost.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from relance.errors import FormatError
from relance.formats.sniff import kind_of
from relance.imports.bank import import_statement
from relance.imports.csv_files import import_contacts, import_invoices
from relance.imports.einvoice import import_einvoice
from relance.imports.fec import import_fec
from relance.imports.report import ImportReport
from relance.ledger.models import Organization

IMPORTERS = {"fec": import_fec, "contacts": import_contacts, "invoices": import_invoices,
             "einvoice": import_einvoice, "bank": import_statement}


def run_import(kind: str, org: Organization, path: Path, day: date) -> ImportReport:
    importer = IMPORTERS[kind]
    if kind == "contacts":
        return importer(org, path.read_bytes(), path.name)
    return importer(org, path.read_bytes(), path.name, known_from=day)


def watch_once(org: Organization, folder: Path, day: date) -> list[str]:
    """Import every file of ``folder``; returns one summary per file."""
    lines = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        kind = kind_of(path.read_bytes())
        try:
            if kind is None:
                raise FormatError(f"{path.name}: not a file Relance recognises")
            text, target = run_import(kind, org, path, day).summary(), "done"
        except FormatError as exc:
            text, target = f"{path.name}: rejected, nothing imported: {exc}", "rejected"
        destination = folder / target
        destination.mkdir(exist_ok=True)
        path.replace(destination / path.name)
        (destination / f"{path.name}.report.txt").write_text(text + "\n", encoding="utf-8")
        lines.append(f"[{kind or '?'}] {text}")
    return lines
