"""``relance import KIND FILE``: import a FEC, a contacts CSV or an invoices CSV."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relance.errors import FormatError
from relance.imports.bank import import_statement
from relance.imports.csv_files import import_contacts, import_invoices
from relance.imports.einvoice import import_einvoice
from relance.imports.fec import import_fec
from relance.ledger.management.commands._common import ensure_database, organization, parse_day

IMPORTERS = {"fec": import_fec, "contacts": import_contacts, "invoices": import_invoices,
             "einvoice": import_einvoice, "bank": import_statement}


class Command(BaseCommand):
    help = ("Import files: fec, contacts (customers and contacts CSV), invoices (CSV) or "
            "einvoice (Factur-X/ZUGFeRD PDF or XML, UBL) or bank (camt.053/054, CFONB 120, "
            "OFX, MT940).")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--org")
        parser.add_argument("--date", help="the day the data becomes known (default: today)")
        parser.add_argument("--verbose-rows", action="store_true", help="list every row")

    def handle(self, *args, **o):
        ensure_database()
        org = organization(o["org"])
        day = parse_day(o["date"], org)
        failed = False
        for path in o["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                report = run_import(o["kind"], org, path, day)
            except FormatError as exc:
                self.stderr.write(f"{path}: rejected, nothing imported: {exc}")
                failed = True
                continue
            self.stdout.write(report.summary())
            if o["verbose_rows"]:
                for line, kind, ref, outcome in report.rows:
                    self.stdout.write(f"  line {line}: {kind} {ref} {outcome}")
        if failed:
            raise CommandError("some files were rejected")


def run_import(kind: str, org, path: Path, day):
    importer = IMPORTERS[kind]
    if kind == "contacts":
        return importer(org, path.read_bytes(), path.name)
    return importer(org, path.read_bytes(), path.name, known_from=day)
