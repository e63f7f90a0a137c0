"""``relance letter CUSTOMER_REF [--date D] [--org X] [--out FILE] [--language fr|en]``."""

from django.core.management.base import BaseCommand, CommandError

from relance.documents.management.commands._documents import customer_by_ref, write
from relance.documents.services import notice_for_customer
from relance.errors import InputError, RateMissing
from relance.ledger.management.commands._common import ensure_database, organization, parse_day


class Command(BaseCommand):
    help = ("Write the formal notice letter (mise en demeure, PDF) claiming a customer's "
            "overdue invoices, with late interest and, for a business, the 40 EUR indemnity.")

    def add_arguments(self, parser):
        parser.add_argument("customer", help="the customer's reference")
        parser.add_argument("--date", help="the letter's date (default: today, local time)")
        parser.add_argument("--org", help="the organization (default: the only one)")
        parser.add_argument("--out", help="file or folder to write (default: ./<name>.pdf)")
        parser.add_argument("--language", choices=["fr", "en"],
                            help="default: the customer's language")

    def handle(self, *args, **o):
        ensure_database()
        org = organization(o["org"])
        customer = customer_by_ref(org, o["customer"])
        try:
            name, pdf = notice_for_customer(customer, parse_day(o["date"], org), o["language"])
        except (RateMissing, InputError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{write(o['out'], name, pdf)}")
