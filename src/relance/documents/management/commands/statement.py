"""``relance statement CUSTOMER_REF [--date D] [--format pdf|csv] [--org X] [--out FILE]``."""

from django.core.management.base import BaseCommand, CommandError

from relance.documents.management.commands._documents import customer_by_ref, write
from relance.documents.services import statement_for_customer
from relance.errors import InputError, RateMissing
from relance.ledger.management.commands._common import ensure_database, organization, parse_day


class Command(BaseCommand):
    help = ("Write a customer's statement of account (relevé de compte) on a date: open "
            "invoices, unallocated payments and credit notes, balance, late interest to date.")

    def add_arguments(self, parser):
        parser.add_argument("customer", help="the customer's reference")
        parser.add_argument("--date", help="the statement's date (default: today, local time)")
        parser.add_argument("--format", choices=["pdf", "csv"], default="pdf")
        parser.add_argument("--org", help="the organization (default: the only one)")
        parser.add_argument("--out", help="file or folder to write (default: ./<name>)")
        parser.add_argument("--language", choices=["fr", "en"],
                            help="default: the customer's language")

    def handle(self, *args, **o):
        ensure_database()
        org = organization(o["org"])
        customer = customer_by_ref(org, o["customer"])
        try:
            name, content = statement_for_customer(customer, parse_day(o["date"], org),
                                                   o["format"], o["language"])
        except (InputError, RateMissing) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{write(o['out'], name, content)}")
