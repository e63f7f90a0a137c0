"""``relance approve ID… | --all [--org X]``: approve messages awaiting approval.

``--cancel REASON`` cancels them instead; ``--retry`` drafts failed ones afresh and
approves them. Every change is recorded with who made it.
"""

import getpass

from django.core.management.base import BaseCommand, CommandError

from relance.errors import RelanceError
from relance.ledger.management.commands._common import ensure_database, organization
from relance.messaging import services, states
from relance.messaging.models import OutboxMessage


class Command(BaseCommand):
    help = "Approve (or cancel, or retry) outbox messages by id."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int)
        parser.add_argument("--all", action="store_true", help="every awaiting message")
        parser.add_argument("--org", help="with --all: one organization")
        parser.add_argument("--cancel", metavar="REASON", help="cancel instead of approving")
        parser.add_argument("--retry", action="store_true", help="retry failed messages")

    def handle(self, *args, **o):
        ensure_database()
        user = getpass.getuser()
        for message in self.chosen(o):
            try:
                if o["cancel"]:
                    done = services.skip(message, user, o["cancel"])
                elif o["retry"]:
                    done = services.retry(message, user)
                else:
                    done = services.approve(message, user)
            except RelanceError as exc:
                raise CommandError(f"message {message.pk}: {exc}") from None
            self.stdout.write(f"{done.pk} {done.status}: {done.subject}")

    def chosen(self, o) -> list[OutboxMessage]:
        if o["all"]:
            status = states.FAILED if o["retry"] else states.AWAITING
            rows = OutboxMessage.objects.filter(status=status)
            if o["org"]:
                rows = rows.filter(organization=organization(o["org"]))
            return list(rows.select_related("action", "organization"))
        if not o["ids"]:
            raise CommandError("name the messages to approve (ids from: relance outbox) "
                               "or use --all")
        rows = {m.pk: m for m in OutboxMessage.objects.filter(pk__in=o["ids"])
                .select_related("action", "organization")}
        missing = [str(i) for i in o["ids"] if i not in rows]
        if missing:
            raise CommandError(f"no outbox message {', '.join(missing)}")
        return [rows[i] for i in o["ids"]]
