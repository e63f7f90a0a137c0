"""``relance simulate FILE [--json]``: replay a scenario file; writes and sends nothing.

Interest is computed with the packaged rate table and the semesters added with
``relance rates add`` in this data folder, as letters are; a folder without a database
is not given one (the packaged table alone is used).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from relance.core.rates import RateTable, load_default
from relance.core.simulation import simulate
from relance.errors import RateMissing, ScenarioError
from relance.formats import scenario as scenario_file


class Command(BaseCommand):
    help = "Replay a scenario file (spec/scenario.md) day by day without touching the database."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="print the JSON document")

    def handle(self, *args, **o):
        path = o["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            scenario = scenario_file.load(path.read_bytes())
            result = simulate(scenario)
            document = scenario_file.report(scenario, result, _rates())
        except (ScenarioError, RateMissing) as exc:
            raise CommandError(f"{path}: {exc}") from None
        if o["json"]:
            self.stdout.write(scenario_file.dumps(document))
            return
        for a in document["actions"]:
            self.stdout.write(f"{a['date']}  {a['customer']:<10} {a['step']:<18} "
                              f"{'+'.join(a['channels']):<12} {a['amount_due']:>12} {a['currency']}"
                              f"  {', '.join(a['invoices'])}")
        for e in document["events"]:
            self.stdout.write(f"{e['date']}  {e['type']}: {', '.join(e['invoices'])}")


def _rates() -> RateTable:
    from relance.documents.rates import load_rates

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and not Path(database["NAME"]).exists():
        return load_default()
    try:
        return load_rates()
    except DatabaseError:  # a database not created or not migrated yet
        return load_default()
