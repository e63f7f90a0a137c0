"""Import by kind, or from a watched folder where files of any kind are dropped.

Each file is recognised by its content (``relance.formats.sniff``; a CSV bank export by
the organization's one saved mapping whose columns its header holds), imported, then
moved to ``done/`` or ``rejected/`` beside a ``.report.txt`` with what happened, so
a file is never imported twice by the folder and never silently lost.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from relance.errors import FormatError
from relance.formats.sniff import kind_of
from relance.imports import bank_csv
from relance.imports.bank import import_statement
from relance.imports.csv_files import import_contacts, import_invoices
from relance.imports.einvoice import import_einvoice
from relance.imports.fec import import_fec
from relance.imports.report import ImportReport
from relance.ledger.models import Organization

IMPORTERS = {"fec": import_fec, "contacts": import_contacts, "invoices": import_invoices,
             "einvoice": import_einvoice, "bank": import_statement}


def run_import(kind: str, org: Organization, path: Path, day: date,
               mapping: str | None = None) -> ImportReport:
    """Import one file; ``mapping`` names the saved mapping a CSV bank statement needs."""
    importer = IMPORTERS[kind]
    if kind == "contacts":
        return importer(org, path.read_bytes(), path.name)
    if kind == "bank":
        return import_statement(org, path.read_bytes(), path.name, known_from=day,
                                mapping=mapping)
    return importer(org, path.read_bytes(), path.name, known_from=day)


def kind_in_folder(org: Organization, data: bytes) -> str | None:
    """The file's kind; a CSV of no other kind is a bank export if exactly one saved
    mapping fits its header (several or none: left for a human)."""
    kind = kind_of(data)
    if kind is None and bank_csv.needs_mapping(data) and len(bank_csv.fitting(org, data)) == 1:
        return "bank"
    return kind


def watch_once(org: Organization, folder: Path, day: date) -> list[str]:
    """Import every file of ``folder``; returns one summary per file."""
    lines = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        kind = kind_in_folder(org, path.read_bytes())
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
