"""``relance run [--date D]``: the daily collection run for one or all organizations."""

from django.core.management.base import BaseCommand

from relance.dunning.services import run_day
from relance.ledger.management.commands._common import ensure_database, organization, parse_day
from relance.ledger.models import Organization


class Command(BaseCommand):
    help = "Run the collection day: decide the due steps, record them, write or send messages."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to run (default: today, local time)")
        parser.add_argument("--org", help="one organization (default: all)")

    def handle(self, *args, **o):
        ensure_database()
        orgs = [organization(o["org"])] if o["org"] else list(Organization.objects.all())
        for org in orgs:
            report = run_day(org, parse_day(o["date"], org))
            self.stdout.write(format_report(report))


def format_report(report) -> str:
    steps = ", ".join(f"{n} {s}" for s, n in sorted(report.by_step().items())) or "none"
    lines = [f"{report.organization} {report.day}: {report.examined} invoices examined, "
             f"{len(report.actions)} actions ({steps}), {len(report.messages)} messages"]
    lines += [f"  {m.status}: {m.recipients.replace(chr(10), ', ')} – {m.subject}"
              + (f" ({m.path})" if m.path else "") for m in report.messages]
    lines += [f"  FAILED {f}" for f in report.failures]
    if report.expired:
        lines.append(f"  EXPIRED {report.expired} awaiting approval, too old to send as of "
                     f"{report.day} (not approved in time)")
    return "\n".join(lines)
