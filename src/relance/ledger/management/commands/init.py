"""``relance init``: create the database and an organization."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from relance.ledger.checks import check_email, check_payment_terms, check_siren, check_slug
from relance.ledger.management.commands._common import ensure_database
from relance.ledger.models import Organization

#: Each checked option and the rule of the settings page it follows (relance.ledger.checks).
CHECKS = {"org": check_slug, "siren": check_siren, "collector_email": check_email,
          "payment_terms": check_payment_terms}


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
                            help="days from invoice date to due date when a file has none "
                                 "(0 to 60, Code de commerce L441-10)")

    def handle(self, *args, **o):
        o = checked(o)
        ensure_database()
        values = {k: v for k, v in {
            "name": o["name"], "siren": o["siren"], "collector_name": o["collector_name"],
            "collector_function": o["collector_function"],
            "collector_email": o["collector_email"], "sender_email": o["collector_email"],
            "payment_terms_days": o["payment_terms"]}.items() if v not in (None, "")}
        org, created = Organization.objects.update_or_create(
            slug=o["org"], defaults=values, create_defaults={"name": o["org"], **values})
        self.stdout.write(f"organization {org.slug} {'created' if created else 'updated'}")


def checked(options: dict) -> dict:
    """The options as the settings page would store them, or a CommandError naming the
    first one it would refuse: nothing is written before every value is known good."""
    options = dict(options)
    with translation.override("en"):  # the command line speaks English
        for name, check in CHECKS.items():
            try:
                options[name] = check(options[name])
            except ValidationError as exc:
                option = "--" + name.replace("_", "-")
                raise CommandError(f"{option}: {' '.join(exc.messages)}") from None
    return options
