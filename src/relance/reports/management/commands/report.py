"""``relance report aged|dso|forecast --org X --date D [--format csv|xlsx|json]``.

Without ``--format`` the report is printed as an aligned table. ``--out FILE`` writes
it to a file (needed for XLSX). Amounts and ratios have two decimals; JSON gives
them as strings so that no reader turns them into floats.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relance.ledger.management.commands._common import ensure_database, organization, parse_day
from relance.reports import services, tables
from relance.reports.exports import Table, as_json, export
from relance.reports.text import as_text

REPORTS = ("aged", "dso", "forecast")


def build(report: str, org, as_of, currency: str) -> Table:
    if report == "aged":
        return tables.aged_table(services.aged_balance(org, as_of, currency),
                                 services.customer_names(org))
    if report == "dso":
        return tables.dso_table(services.indicators(org, as_of, currency=currency), org.slug,
                                as_of)
    return tables.forecast_table(services.forecast(org, as_of, currency))


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
        ensure_database()
        org = organization(o["org"])
        as_of = parse_day(o["date"], org)
        currency = (o["currency"] or org.currency).upper()
        table = build(o["report"], org, as_of, currency)
        data = self._render(table, o, org, as_of, currency)
        if o["out"]:
            Path(o["out"]).write_bytes(data)
            self.stdout.write(f"{o['report']} report written to {o['out']}")
        elif o["format"] == "xlsx":
            raise CommandError("--format xlsx needs --out FILE")
        else:
            self.stdout.write(data.decode("utf-8-sig"), ending="")

    def _render(self, table: Table, o: dict, org, as_of, currency: str) -> bytes:
        fmt, language = o["format"], o["language"]
        if fmt in ("csv", "xlsx"):
            return export(table, fmt, language)
        if fmt == "json":
            document = {"report": o["report"], "organization": org.slug,
                        "date": as_of.isoformat(), "currency": currency, "rows": as_json(table)}
            return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
        return as_text(table, language, currency).encode()
