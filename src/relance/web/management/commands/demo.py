"""``relance demo``: import a book, replay the collection days, print what went out, serve.

Without files it uses the demo book Relance generates itself (``relance.demo``),
dated so that every step of the standard scenario happens on the demo day. With
``--fec`` and ``--contacts`` it does the same on your own files.
"""

import os
import shutil
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from relance import demo
from relance.dunning.services import run_day
from relance.imports.csv_files import import_contacts
from relance.imports.fec import import_fec
from relance.ledger.management.commands._common import ensure_database, parse_day
from relance.ledger.models import Organization
from relance.ledger.services import totals, with_balance
from relance.messaging.services import awaiting_approval
from relance.web.accounts import DEMO_LOGIN, demo_user
from relance.web.management.commands.serve import serve

MARKER = ".relance-demo"
REPLAY_DAYS = 60


class Command(BaseCommand):
    help = "Run the whole job on a demo book (or your FEC and contacts) and serve the page."
    requires_system_checks = []  # checks would open the database before it is made afresh

    def add_arguments(self, parser):
        parser.add_argument("--date", help=f"the demo day (default {demo.DEMO_DAY}, or today "
                                           "with your own files)")
        parser.add_argument("--fec", type=Path, help="your own FEC file")
        parser.add_argument("--contacts", type=Path, help="your own contacts CSV")
        parser.add_argument("--no-serve", action="store_true", help="stop after the summary")
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, **o):
        if bool(o["fec"]) != bool(o["contacts"]):
            raise CommandError("--fec and --contacts go together")
        own = o["fec"] is not None
        day = parse_day(o["date"]) if (o["date"] or own) else demo.DEMO_DAY
        fresh_data_dir()
        ensure_database()
        org = demo_organization()
        demo_user(org)
        fec, contacts = (o["fec"], o["contacts"]) if own else demo.write_book(
            settings.DATA_DIR / "demo-input", day)
        self.load(org, fec, contacts, day - timedelta(days=REPLAY_DAYS), own)
        replayed = self.replay(org, day)
        self.summary(org, day, replayed)
        if not o["no_serve"]:
            self.stdout.write(f"\nServing http://{o['addr']}/ – Ctrl-C to stop.")
            serve(o["addr"])

    def load(self, org, fec: Path, contacts: Path, known_from: date, own: bool) -> None:
        for path in (fec, contacts):
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        self.stdout.write(import_contacts(org, contacts.read_bytes(), contacts.name).summary())
        report = import_fec(org, fec.read_bytes(), fec.name, known_from=known_from)
        self.stdout.write(report.summary().splitlines()[0]
                          + ("" if len(report.rejected) < 10 else " (first 10 shown)"))
        for line in report.summary().splitlines()[1:11]:
            self.stdout.write(line)
        if not own:
            attach_demo_pdfs(org)

    def replay(self, org, day: date) -> int:
        """Run each day from the history's start up to the day before ``day``."""
        count = 0
        for n in range(REPLAY_DAYS, 0, -1):
            count += len(run_day(org, day - timedelta(days=n)).actions)
        return count

    def summary(self, org, day: date, replayed: int) -> None:
        report = run_day(org, day)
        open_invoices = list(with_balance(org.invoices.all()).filter(balance_minor__gt=0))
        w = self.stdout.write
        w(f"\n== Relance – {org.name} – {day:%d/%m/%Y} ==")
        w(f"customers: {org.customers.count()}   open invoices: {len(open_invoices)}   "
          f"open amount: {totals(open_invoices):.2f} EUR")
        w(f"history replayed over the {REPLAY_DAYS} previous days: {replayed} actions")
        w(f"actions today: {len(report.actions)}")
        for step, n in sorted(report.by_step().items(), key=lambda kv: _order(kv[0])):
            w(f"  {step:<18} {n}")
        for a in report.actions:
            w(f"    {a.customer.ref:<10} {a.step:<18} {a.channels:<12} "
              f"{a.amount:>10} {a.currency}  {', '.join(s.invoice.number for s in a.steps.all())}")
        w(f"messages written today: {len(report.messages)}")
        for m in report.messages:
            w(f"  {m.recipients.replace(chr(10), ', ')}: {m.subject}")
            w(f"      {m.path}")
        waiting = awaiting_approval(org, day)
        w(f"awaiting approval: {len(waiting)}")
        command = f"{_program()} --data {_shown(settings.DATA_DIR)}"
        for m in waiting:
            w(f"  {m.pk} {m.recipients.replace(chr(10), ', ')}: {m.subject}"
              f"  ({command} approve {m.pk})")
        if waiting:  # the demo's day is not today: send as of it, or the notice is stale
            w(f"  then: {command} send --date {day}")
        for f in report.failures:
            w(f"  FAILED {f}")
        w(f"outbox folder: {settings.OUTBOX_DIR}")
        w(f"web login: {DEMO_LOGIN[0]} / {DEMO_LOGIN[1]}")


def _program() -> str:
    """How the user can call this command again: ``relance`` when it is on the PATH,
    else the path it was started from (``./relance.sh demo`` runs ``.venv/bin/relance``)."""
    if shutil.which("relance") or not sys.argv[0].endswith("relance"):
        return "relance"
    return _shown(Path(sys.argv[0]))


def _shown(folder: Path) -> str:
    """``folder`` as the user can type it from here."""
    relative = os.path.relpath(folder)
    return folder.as_posix() if relative.startswith("..") else relative


def _order(step: str) -> int:
    names = ["courtesy", "reminder_1", "reminder_2", "formal_notice", "litigation_review"]
    return names.index(step) if step in names else len(names)


def fresh_data_dir() -> None:
    """Start from an empty data directory, refusing to wipe one the demo did not make."""
    folder: Path = settings.DATA_DIR
    occupied = {p.name for p in folder.iterdir() if p.stat().st_size} if folder.exists() else set()
    if occupied and not (folder / MARKER).exists():
        raise CommandError(f"{folder} holds data that is not a demo's; choose another folder "
                           "with RELANCE_DATA=… or relance --data DIR demo")
    for path in sorted(folder.rglob("*"), reverse=True) if folder.exists() else []:
        path.rmdir() if path.is_dir() else path.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("created by relance demo\n")


def demo_organization() -> Organization:
    return Organization.objects.create(
        slug="demo", name="Exemple Services SAS", siren="732829320",
        address="12 rue de la Paix\n75002 Paris", collector_name="Camille Martin",
        collector_function="Responsable recouvrement",
        collector_email="recouvrement@exemple-services.example",
        sender_email="recouvrement@exemple-services.example", collector_phone="+33 1 84 00 00 00",
        iban="FR7630006000011234567890189")


def attach_demo_pdfs(org) -> None:
    folder = settings.DOCUMENTS_DIR / "invoices"
    folder.mkdir(parents=True, exist_ok=True)
    for inv in org.invoices.select_related("customer"):
        path = folder / f"{inv.number}.pdf"
        path.write_bytes(demo.invoice_pdf(inv.number, inv.customer.name, inv.issued, inv.due,
                                          Decimal(inv.amount), org.name))
        inv.pdf_path = f"invoices/{inv.number}.pdf"
        inv.save(update_fields=["pdf_path"])
