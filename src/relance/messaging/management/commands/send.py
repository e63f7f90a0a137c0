"""``relance send [--org X] [--date D]``: draft due messages and deliver the approved ones.

Run it from cron every few minutes (or let Celery workers do it with a broker): it
settles what a crashed sender left, drafts the messages of actions up to ``--date``,
then sends what is approved and due, inside each organization's send window.
"""

from django.core.management.base import BaseCommand

from relance.ledger.management.commands._common import ensure_database, organization, parse_day
from relance.ledger.models import Organization
from relance.messaging import outbox, tasks
from relance.messaging.services import clock, deliver

SHOWN = 10  # postponed messages listed one by one; the rest counted


class Command(BaseCommand):
    help = "Deliver approved, due messages (SMTP or the outbox folder); safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="one organization (default: all)")
        parser.add_argument("--date", help="draft messages of actions up to this day and "
                                           "send as of it; a message drafted for more than "
                                           "7 days earlier (3 for a formal notice) is "
                                           "cancelled, not sent stale (default: today, "
                                           "local time)")
        parser.add_argument("--limit", type=int, help="stop after this many messages")

    def handle(self, *args, **o):
        ensure_database()
        orgs = [organization(o["org"])] if o["org"] else list(Organization.objects.all())
        for org in orgs:
            day = parse_day(o["date"], org)
            expired = outbox.expire(org, day, clock())
            failures = outbox.prepare(org, day, clock())
            if tasks.enabled():
                tasks.deliver_organization.delay(org.pk, day.isoformat())
                self.stdout.write(f"{org.slug}: delivery queued for the workers")
                continue
            result = deliver(org, limit=o["limit"], as_of=day)
            line = (f"{org.slug}: {len(result.delivered)} delivered, "
                    f"{len(failures) + len(result.failures)} failed")
            if result.postponed:
                line += f", {len(result.postponed)} postponed"
            if result.cancelled or expired:
                line += f", {len(result.cancelled) + expired} cancelled"
            self.stdout.write(line + (f" ({result.closed})" if result.closed else ""))
            for failure in failures + result.failures:
                self.stdout.write(f"  FAILED {failure}")
            if expired:
                self.stdout.write(f"  EXPIRED {expired} awaiting approval, too old to send "
                                  f"as of {day} (not approved in time)")
            for cancelled in result.cancelled[:SHOWN]:
                self.stdout.write(f"  CANCELLED {cancelled}")
            for postponed in result.postponed[:SHOWN]:
                self.stdout.write(f"  POSTPONED {postponed}")
            if len(result.postponed) > SHOWN:
                self.stdout.write(f"  … and {len(result.postponed) - SHOWN} more postponed "
                                  "(relance outbox --status approved)")
