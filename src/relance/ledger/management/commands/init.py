"""``relance init``: create the database and an organization."""

from django.core.management.base import BaseCommand

from relance.ledger.management.commands._common import ensure_database
from relance.ledger.models import Organization


class Command(BaseCommand):
    help = "Create (or upgrade) the database and create or update an organization."

    def add_arguments(self, parser):
        parser.add_argument("--org", default="default", help="organization slug")
        parser.add_argument("--name", help="organization name")
        parser.add_argument("--siren", default="")
        parser.add_argument("--collector-name", default="")
        parser.add_argument("--collector-function", default="")
        parser.add_argument("--collector-email", default="")
        parser.add_argument("--payment-terms", type=int, default=30,
                            help="days from invoice date to due date when a file has none")

    def handle(self, *args, **o):
        ensure_database()
        values = {k: v for k, v in {
            "name": o["name"], "siren": o["siren"], "collector_name": o["collector_name"],
            "collector_function": o["collector_function"],
            "collector_email": o["collector_email"], "sender_email": o["collector_email"],
            "payment_terms_days": o["payment_terms"]}.items() if v}
        org, created = Organization.objects.update_or_create(
            slug=o["org"], defaults=values, create_defaults={"name": o["org"], **values})
        self.stdout.write(f"organization {org.slug} {'created' if created else 'updated'}")
