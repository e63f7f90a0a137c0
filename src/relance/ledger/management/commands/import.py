"""``relance import KIND FILE… [--mapping NAME]`` or ``relance import --watch DIR``.

A bank statement exported as CSV is read through a saved column mapping
(``relance bank-mapping``): the one ``--mapping`` names, else the only one whose
columns the file's header holds.

The report of each file (counts, rejected rows, warnings) is printed in English, like
the rest of the command line, or in French with ``--language fr``
(``relance.imports.wording``).

Each imported file is a run on the web page of imports (origin "command line", or
"watched folder" with ``--watch``), in the organization the command imports into:
``--org``, or the only one there is; with several and no ``--org`` the command stops
before reading any file. A file rejected whole is not a run.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext

from relance.errors import FormatError, NotFound
from relance.imports import wording
from relance.imports.bank_csv import mapping_named
from relance.imports.folder import IMPORTERS, run_import, watch_once
from relance.ledger.management.commands._common import ensure_database, organization, parse_day


class Command(BaseCommand):
    help = ("Import files: fec, contacts (customers and contacts CSV), invoices (CSV), "
            "einvoice (Factur-X/ZUGFeRD PDF or XML, UBL) or bank (camt.053/054, CFONB 120, "
            "OFX, MT940, or CSV through a saved column mapping); or watch a folder and "
            "import whatever is dropped in it.")

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", choices=sorted(IMPORTERS))
        parser.add_argument("files", nargs="*", type=Path)
        parser.add_argument("--org")
        parser.add_argument("--date", help="the day the data becomes known (default: today)")
        parser.add_argument("--mapping", metavar="NAME",
                            help="bank CSV: the saved column mapping to read it with "
                                 "(default: the one whose columns the file holds)")
        parser.add_argument("--verbose-rows", action="store_true", help="list every row")
        parser.add_argument("--language", choices=["en", "fr"], default="en",
                            help="language of the report of each file (default: en)")
        parser.add_argument("--watch", type=Path, metavar="DIR",
                            help="import every file dropped in DIR (kind found from content)")
        parser.add_argument("--once", action="store_true", help="with --watch: one pass")
        parser.add_argument("--interval", type=float, default=5.0,
                            help="with --watch: seconds between two looks (default 5)")

    def handle(self, *args, **o):
        ensure_database()
        org = organization(o["org"])
        if o["watch"]:
            return self.watch(org, o["watch"], o)
        if not o["kind"] or not o["files"]:
            raise CommandError("say what to import: relance import KIND FILE… or --watch DIR")
        day = parse_day(o["date"], org)
        if o["mapping"]:
            self.check_mapping(org, o)
        failed = False
        for path in o["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                report = run_import(o["kind"], org, path, day, mapping=o["mapping"],
                                    origin="command")
            except FormatError as exc:
                with translation.override(o["language"]):
                    self.stderr.write(gettext("%(file)s: rejected, nothing imported: "
                                              "%(reason)s") % {
                        "file": path, "reason": wording.refusal(exc, "command")})
                failed = True
                continue
            with translation.override(o["language"]):
                self.stdout.write(wording.summary(report))
            if o["verbose_rows"]:
                for line, kind, ref, outcome in report.rows:
                    self.stdout.write(f"  line {line}: {kind} {ref} {outcome}")
        if failed:
            with translation.override(o["language"]):
                raise CommandError(gettext("some files were rejected"))

    def check_mapping(self, org, o) -> None:
        if o["kind"] != "bank":
            raise CommandError("--mapping is for bank statements: relance import bank FILE "
                               "--mapping NAME")
        try:
            o["mapping"] = mapping_named(org, o["mapping"]).name
        except NotFound as exc:
            raise CommandError(f"{exc}; list them with: relance bank-mapping list") from None

    def watch(self, org, folder: Path, o) -> None:
        if not folder.is_dir():
            raise CommandError(f"{folder}: no such folder")
        if not o["once"]:
            self.stdout.write(f"watching {folder} (Ctrl-C to stop)")
        while True:
            with translation.override(o["language"]):
                lines = watch_once(org, folder, parse_day(o["date"], org))
            for line in lines:
                self.stdout.write(line)
            if o["once"]:
                return
            time.sleep(o["interval"])
