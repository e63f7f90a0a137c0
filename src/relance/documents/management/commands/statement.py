"""``relance statement CUSTOMER_REF [--date D] [--format pdf|csv] [--currency C] [--org X]
[--out FILE]``: one file per currency of the customer unless ``--currency`` names one."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relance.documents.management.commands._documents import customer_by_ref, write
from relance.documents.services import statement_for_customer
from relance.errors import InputError, RateMissing
from relance.ledger.management.commands._common import ensure_database, organization, parse_day
from relance.ledger.services import currencies_of


class Command(BaseCommand):
    help = ("Write a customer's statement of account (relevé de compte) on a date: open "
            "invoices, unallocated payments and credit notes, balance, late interest to date.")

    def add_arguments(self, parser):
        parser.add_argument("customer", help="the customer's reference")
        parser.add_argument("--date", help="the statement's date (default: today, local time)")
        parser.add_argument("--format", choices=["pdf", "csv"], default="pdf")
        parser.add_argument("--org", help="the organization (default: the only one)")
        parser.add_argument("--currency", help="only the statement in this currency "
                                               "(default: one per currency of the customer)")
        parser.add_argument("--out", help="file or folder to write (default: ./<name>)")
        parser.add_argument("--language", choices=["fr", "en"],
                            help="default: the customer's language")

    def handle(self, *args, **o):
        ensure_database()
        org = organization(o["org"])
        customer = customer_by_ref(org, o["customer"])
        currencies = ([o["currency"].upper()] if o["currency"]
                      else currencies_of(customer))
        if len(currencies) > 1 and o["out"] and not Path(o["out"]).is_dir():
            raise CommandError(f"{customer.ref} has invoices or credits in "
                               f"{', '.join(currencies)}: one statement each; give --out a "
                               f"folder, or --currency")
        day = parse_day(o["date"], org)
        try:
            files = [statement_for_customer(customer, day, o["format"], o["language"], c)
                     for c in currencies]
        except (InputError, RateMissing) as exc:
            raise CommandError(str(exc)) from None
        for name, content in files:
            self.stdout.write(f"{write(o['out'], name, content)}")
