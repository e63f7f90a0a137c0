"""``relance user add NAME --org SLUG [--role admin|collector|viewer]``: a login for the web pages.

The password comes from ``--password`` or, safer, from the ``RELANCE_PASSWORD``
environment variable, or is asked for on the terminal.
"""

import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from relance.errors import RelanceError
from relance.ledger.management.commands._common import ensure_database
from relance.web.accounts import add_user


class Command(BaseCommand):
    help = "Create or update a user of the web interface and give it a role in organizations."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="create or update a user")
        add.add_argument("username")
        add.add_argument("--org", action="append", required=True,
                         help="organization slug (repeat for several)")
        add.add_argument("--role", default="collector", choices=["admin", "collector", "viewer"])
        add.add_argument("--email", default="")
        add.add_argument("--password", help="else RELANCE_PASSWORD, else asked")
        add.add_argument("--first-name", default="")
        add.add_argument("--last-name", default="")

    def handle(self, *args, **o):
        ensure_database()
        password = o["password"] or os.environ.get("RELANCE_PASSWORD") or getpass.getpass()
        if not password:
            raise CommandError("password: an empty password is refused")
        try:
            user = add_user(o["username"], password, o["org"], o["role"], email=o["email"],
                            first_name=o["first_name"], last_name=o["last_name"])
        except RelanceError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"user {user.username}: {o['role']} of {', '.join(o['org'])}")
