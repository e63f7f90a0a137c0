"""``relance report aged|dso|forecast --org X --date D [--format csv|xlsx|json]``.

Without ``--format`` the report is printed as an aligned table, or written in the
format ``--out FILE`` names by its extension (``.csv``, ``.xlsx``, ``.json``); XLSX
needs ``--out``. Amounts have their currency's decimals and ratios two; JSON gives
them as strings so that no reader turns them into floats.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext

from relance.errors import InputError
from relance.ledger.management.commands._common import ensure_database, organization, parse_day
from relance.reports.asked import report_currency, report_day
from relance.reports.exports import Table, export
from relance.reports.tables import REPORTS, report_document, report_table
from relance.reports.text import as_text


class Command(BaseCommand):
    help = "Print or export a report: aged balance, DSO, 13-week cash-in forecast."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=REPORTS)
        parser.add_argument("--org", help="organization slug (not needed if there is only one)")
        parser.add_argument("--date", help="report day, YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=("csv", "xlsx", "json"),
                            help="default: a table for reading")
        parser.add_argument("--currency", help="default: the organization's currency")
        parser.add_argument("--language", choices=("fr", "en"), default="fr",
                            help="column names (default fr)")
        parser.add_argument("--out", help="write to this file instead of the standard output")

    def handle(self, *args, **o):
        """Every message in ``--language``, like the report itself."""
        ensure_database()
        language = o["language"]
        org = organization(o["org"], language)
        as_of = parse_day(o["date"], org, language)
        with translation.override(language):
            try:
                as_of = report_day(as_of, "--date")
                currency = report_currency(o["currency"] or org.currency)
            except InputError as exc:
                raise CommandError(str(exc)) from None
            self._answer(o, org, as_of, currency)

    def _answer(self, o: dict, org, as_of, currency: str) -> None:
        """The report on the standard output, or written to ``--out`` (worded in the
        active language)."""
        if o["out"] and not o["format"]:  # aged.xlsx: the name says the format
            o["format"] = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}.get(
                Path(o["out"]).suffix.lower())
        if not o["out"] and o["format"] == "xlsx":
            raise CommandError(gettext("--format xlsx needs --out FILE"))
        data = self._render(o, org, as_of, currency)
        if not o["out"]:
            self.stdout.write(data.decode("utf-8-sig"), ending="")
            return
        try:
            Path(o["out"]).write_bytes(data)
        except OSError as exc:
            raise CommandError(gettext("--out: cannot write %(file)s: %(reason)s") % {
                "file": o["out"], "reason": exc.strerror}) from None
        self.stdout.write(gettext("%(report)s report written to %(file)s") % {
            "report": o["report"], "file": o["out"]})

    def _render(self, o: dict, org, as_of, currency: str) -> bytes:
        fmt, language = o["format"], o["language"]
        if fmt == "json":  # the API's document (relance.api)
            document = report_document(o["report"], org, as_of, currency)
            return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
        table: Table = report_table(o["report"], org, as_of, currency)
        if fmt in ("csv", "xlsx"):
            return export(table, fmt, language)
        return as_text(table, language, currency).encode()
