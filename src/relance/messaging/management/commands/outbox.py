"""``relance outbox [--org X] [--status S] [--export FILE]``: list or export the outbox.

``--export`` writes the audit trail as JSON lines: every message as stored and sent
(headers, body, attachments' hashes) with each status change, its time and cause.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from relance.ledger.management.commands._common import ensure_database, organization
from relance.messaging import states
from relance.messaging.models import OutboxMessage
from relance.messaging.services import audit


class Command(BaseCommand):
    help = "List outbox messages by status, or export the sending audit trail."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="one organization (default: the only one)")
        parser.add_argument("--status", choices=sorted(states.TRANSITIONS))
        parser.add_argument("--export", type=Path, metavar="FILE",
                            help="write the audit trail as JSON lines")

    def handle(self, *args, **o):
        ensure_database()
        org = organization(o["org"])
        if o["export"]:
            count = 0
            with o["export"].open("w", encoding="utf-8") as out:
                for record in audit(org):
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                    count += 1
            self.stdout.write(f"{count} messages exported to {o['export']}")
            return
        rows = OutboxMessage.objects.filter(organization=org).select_related("action__customer")
        if o["status"]:
            rows = rows.filter(status=o["status"])
        if not rows.exists():  # an empty list is an answer, not an error
            self.stdout.write("no message" + (f" with status {o['status']}" if o["status"]
                                              else " yet"))
            return
        for m in rows.order_by("action__day", "id"):
            self.stdout.write(f"{m.pk:>6} {m.status:<17} {m.action.day} "
                              f"{m.action.customer.ref:<10} {m.action.step:<14} {m.subject}"
                              + (f"  [{m.error}]" if m.error else ""))
