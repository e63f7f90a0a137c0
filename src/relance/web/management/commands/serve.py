"""``relance serve``: serve the web pages (embedded default; use a WSGI server in production)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from relance.ledger.management.commands._common import ensure_database


class Command(BaseCommand):
    help = "Serve the web interface on http://127.0.0.1:8000/ until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port")

    def handle(self, *args, **o):
        ensure_database()
        serve(o["addr"])


def serve(addr: str) -> None:
    call_command("runserver", addr, use_reloader=False, use_threading=True)
