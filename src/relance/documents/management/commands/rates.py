"""``relance rates list`` and ``relance rates add --year Y --half 1|2 --ecb X
--legal-other Y --legal-private Z --source "…"``: the late-payment rate table.

The ECB main refinancing rate is on the ECB's website (key ECB interest rates); both
legal interest rates of a semester are set by an arrêté published in the Journal
officiel at the end of the previous semester (Banque de France, "Taux de l'intérêt légal").
"""

from django.core.management.base import BaseCommand, CommandError

from relance.core.money import MoneyError, to_decimal
from relance.core.rates import Semester
from relance.documents.services import add_rate, rate_rows
from relance.errors import InputError
from relance.ledger.management.commands._common import ensure_database


class Command(BaseCommand):
    help = "List the penalty rates by semester, or add a semester's rates."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="every semester known, with its source")
        add = actions.add_parser("add", help="add or correct one semester's rates")
        add.add_argument("--year", type=int, required=True)
        add.add_argument("--half", type=int, choices=[1, 2], required=True,
                         help="1: January-June, 2: July-December")
        add.add_argument("--ecb", required=True, help="ECB main refinancing rate, e.g. 2.15")
        add.add_argument("--legal-other", required=True,
                         help="legal interest rate for all other cases, e.g. 2.62")
        add.add_argument("--legal-private", required=True,
                         help="legal interest rate for private individuals, e.g. 6.67")
        add.add_argument("--source", default="", help="where the rates were published")

    def handle(self, *args, **o):
        ensure_database()
        if o["action"] == "list":
            self._list()
        else:
            self._add(o)

    def _list(self):
        self.stdout.write("semester  ECB    legal (other)  legal (private)  origin    source")
        for row, origin in rate_rows():
            self.stdout.write(f"{row.semester!s:<9} {row.ecb:<6} {row.legal_other:<14} "
                              f"{row.legal_private:<16} {origin:<9} {row.source}")

    def _add(self, o):
        semester = Semester(o["year"], o["half"])
        try:
            values = [to_decimal(o[k]) for k in ("ecb", "legal_other", "legal_private")]
            replaced = add_rate(semester, *values, source=o["source"])
        except (MoneyError, InputError) as exc:
            raise CommandError(str(exc)) from None
        verb = "replaced" if replaced else "added"
        self.stdout.write(f"{semester}: rates {verb} (ECB {values[0]} %, legal {values[1]} % "
                          f"/ {values[2]} %)")
