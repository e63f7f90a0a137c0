"""``relance bank-mapping list | show NAME [--sample FILE] | add NAME … | remove NAME``.

A bank's CSV export is described once (which column holds the date, the amount or the
debit and credit, the label…; its delimiter, encoding, date format and decimal
separator) and saved under a name for the organization; ``relance import bank FILE``
then reads every later export of that bank through it. Example, a French bank::

    relance bank-mapping add "Crédit Agricole export" --date Date --debit Débit \\
        --credit Crédit --label Libellé --encoding cp1252 --account FR76…
"""

import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from relance.errors import InputError, NotFound
from relance.imports import bank_csv, wording
from relance.ledger.management.commands._common import ensure_database, organization
from relance.ledger.models import BankCsvMapping

# Option → model field, for the columns; the header names are the bank's own.
COLUMN_OPTIONS = {"date": "date_column", "amount": "amount_column", "debit": "debit_column",
                  "credit": "credit_column", "label": "label_column",
                  "reference": "reference_column", "counterparty": "name_column",
                  "value_date": "value_date_column",
                  "counterparty_iban": "counterparty_iban_column"}
DELIMITERS = {";": ";", ",": ",", "tab": "\t", "\t": "\t", "|": "|"}
ENCODINGS = {"utf-8": "utf-8-sig", "utf-8-sig": "utf-8-sig", "cp1252": "cp1252",
             "windows-1252": "cp1252", "iso-8859-15": "iso-8859-15", "latin-9": "iso-8859-15",
             "cp850": "cp850"}


class Command(BaseCommand):
    help = "Saved column mappings of bank CSV exports: list | show NAME | add NAME … | remove NAME"

    def add_arguments(self, parser):
        parser.add_argument("--org")
        # --org is also accepted after the action; SUPPRESS keeps the one given before.
        common = argparse.ArgumentParser(add_help=False)
        common.add_argument("--org", default=argparse.SUPPRESS)
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", parents=[common], help="the organization's mappings")
        show = sub.add_parser("show", parents=[common],
                              help="one mapping; with --sample, what it reads from a file")
        show.add_argument("name")
        show.add_argument("--sample", type=Path, help="a CSV export to preview")
        sub.add_parser("remove", parents=[common], help="delete a mapping").add_argument("name")
        self.add_add(sub.add_parser("add", parents=[common], help="add or replace a mapping"))

    def add_add(self, add) -> None:
        add.add_argument("name", help='e.g. "Crédit Agricole export"')
        add.add_argument("--date", required=True, help="header of the booking date column")
        add.add_argument("--amount", help="signed amount column (or --debit and --credit)")
        add.add_argument("--debit", help="money out column")
        add.add_argument("--credit", help="money in column")
        add.add_argument("--label", help="label / remittance information column")
        add.add_argument("--reference", help="bank reference column")
        add.add_argument("--counterparty", help="payer's name column")
        add.add_argument("--value-date", help="value date column")
        add.add_argument("--counterparty-iban", help="payer's IBAN column")
        add.add_argument("--delimiter", default=";", choices=sorted(DELIMITERS),
                         metavar="{';' ',' tab '|'}", help="column separator (default ';')")
        add.add_argument("--encoding", default="utf-8", choices=sorted(ENCODINGS),
                         metavar="{" + " ".join(sorted(ENCODINGS)) + "}")
        formats = BankCsvMapping.DATE_FORMATS
        add.add_argument("--date-format", default="%d/%m/%Y", choices=[f for f, _ in formats],
                         metavar="FORMAT", help="how dates are written, one of: " + ", ".join(
                             f"{f} ({example})" for f, example in formats).replace("%", "%%"))
        add.add_argument("--decimal", default=",", choices=[",", "."], metavar="{',' '.'}",
                         help="decimal separator of the amounts (default ',')")
        add.add_argument("--skip-rows", type=int, default=0,
                         help="rows above the header (account number, period…)")
        add.add_argument("--account", default="", help="IBAN of the account")
        add.add_argument("--currency", default="EUR")

    @no_translations  # the model's validation messages in English, like the whole CLI
    def handle(self, *args, **o):
        ensure_database()
        org = organization(o.get("org"))
        try:
            getattr(self, "do_" + o["action"])(org, o)
        except (InputError, NotFound) as exc:
            raise CommandError(str(exc)) from None

    def do_list(self, org, o):
        rows = bank_csv.mappings_of(org)
        if not rows:
            self.stdout.write(f"no CSV mapping yet for {org.slug}; add one with: "
                              "relance bank-mapping add NAME --date COL --amount COL …")
        for row in rows:
            columns = ", ".join(row.csv_mapping().columns().values())
            self.stdout.write(f"{row.name}  [{row.account or 'no account'}]  {columns}")

    def do_show(self, org, o):
        row = bank_csv.mapping_named(org, o["name"])
        delimiter = "tab" if row.delimiter == "\t" else row.delimiter
        self.stdout.write(f"{row.name}: delimiter {delimiter!r}, encoding {row.encoding}, "
                          f"dates {row.date_format}, decimal {row.decimal_separator!r}, "
                          f"{row.skip_rows} row(s) skipped, {row.currency}, account "
                          f"{row.account or '-'}")
        for field, header in row.csv_mapping().columns().items():
            self.stdout.write(f"  {field:<18} {header}")
        if o["sample"]:
            self.show_preview(row, o["sample"])

    def show_preview(self, row, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        result = bank_csv.preview(path.read_bytes(), row)
        self.stdout.write(f"header of {path.name}: {' | '.join(result.header)}")
        if result.problem:
            raise CommandError(f"{path.name}: {result.problem}")
        for line in result.lines:
            self.stdout.write(f"  line {line.line}: {line.booking_date} {line.amount:>12} "
                              f"{line.currency} {line.counterparty_name} {line.remittance}")
        for error in result.errors:
            self.stdout.write(f"  rejected {wording.located(error)}")
        self.stdout.write(f"{result.total} line(s) read")

    def do_add(self, org, o):
        values = {field: o[option] or "" for option, field in COLUMN_OPTIONS.items()}
        values.update(delimiter=DELIMITERS[o["delimiter"]], encoding=ENCODINGS[o["encoding"]],
                      date_format=o["date_format"], decimal_separator=o["decimal"],
                      skip_rows=o["skip_rows"], account=o["account"], currency=o["currency"])
        row, created = bank_csv.save(org, o["name"], values)
        columns = ", ".join(f"{k} {v!r}" for k, v in row.csv_mapping().columns().items())
        self.stdout.write(f"{row.name}: mapping {'added' if created else 'replaced'} ({columns})")

    def do_remove(self, org, o):
        row = bank_csv.mapping_named(org, o["name"])
        row.delete()
        self.stdout.write(f"{row.name}: mapping removed")
