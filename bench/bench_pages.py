"""Server time of every page of the web interface on the million-invoice book, at p95.

Generates the book of ``bench_daily_run.py`` (by default 1,000,000 invoices, 100,000
customers, 100 organizations, at steady state) into a dedicated SQLite database, runs
one organization's day in review mode so that messages await approval, and logs in as
an outsourced CFO who belongs to every organization. Each page is then requested with
Django's test client (warm: two requests first, then ``--samples`` timed ones) and the
p50, p95 and maximum are printed per page against the 300 ms target. The portfolio's
first, cold request (a hundred organizations' figures computed and kept) is printed
apart. Run:

    .venv/bin/python bench/bench_pages.py [--invoices N] [--orgs N] [--data DIR]

``--data DIR`` keeps the generated database in DIR and reuses it on the next run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

TARGET_MS = 300.0


def main() -> None:
    args = _arguments()
    if args.phase == "measure":
        measure(args)
        return
    with tempfile.TemporaryDirectory(prefix="relance-bench-pages-") as scratch:
        data = Path(args.data or scratch)
        data.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, RELANCE_DATA=str(data), RELANCE_LOG="ERROR",
                   RELANCE_DATABASE_URL=f"sqlite:///{data}/bench.sqlite3")
        if not (data / "bench.sqlite3").exists():
            _run([sys.executable, str(ROOT / "bench" / "bench_daily_run.py"), "--phase",
                  "generate", "--invoices", str(args.invoices), "--orgs", str(args.orgs)], env)
        _run([sys.executable, __file__, "--phase", "measure", "--samples", str(args.samples)],
             env)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--data", help="folder to keep (and reuse) the generated database")
    parser.add_argument("--phase", choices=("measure",), help=argparse.SUPPRESS)
    return parser.parse_args()


def _run(argv: list[str], env: dict) -> None:
    subprocess.run(argv, env=env, check=True)


# ---------------------------------------------------------------- measure

def measure(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    call_command("migrate", verbosity=0, interactive=False)
    setup_test_environment()  # the test client's hosts and in-memory mail
    settings.ALLOWED_HOSTS = ["testserver"]
    _pin_clock()
    org, pages = _setting_the_scene()
    client = Client()
    client.force_login(_cfo())
    started = time.perf_counter()
    assert client.get("/").status_code == 200
    cold = (time.perf_counter() - started) * 1000
    _print_header(org)
    slow = [name for name, url, data in pages if not _measure_page(client, name, url, data,
                                                                   args.samples)]
    print(f"\nportfolio, first request (figures of every organization computed and kept): "
          f"{cold:.0f} ms")
    print("all pages under the target" if not slow else f"over the target: {', '.join(slow)}")


def _pin_clock() -> None:
    from bench_daily_run import RUN_DAY

    import relance.clock

    relance.clock.today = lambda timezone="Europe/Paris": RUN_DAY


def _cfo():
    from django.contrib.auth import get_user_model

    from relance.ledger.models import Membership, Organization

    user, _created = get_user_model().objects.get_or_create(username="cfo")
    Membership.objects.bulk_create(
        [Membership(organization=o, user=user, role="admin") for o in Organization.objects.all()],
        ignore_conflicts=True)
    return user


def _setting_the_scene():
    """The largest organization's day, in review mode, and the ids the pages need."""
    from bench_daily_run import RUN_DAY
    from django.db.models import Count

    from relance.dunning.models import Task
    from relance.dunning.policies import save_policy
    from relance.dunning.services import run_day
    from relance.ledger.models import Organization
    from relance.messaging.models import OutboxMessage, SendingSettings
    from relance.web.models import ImportRun

    org = Organization.objects.annotate(n=Count("invoices")).order_by("-n", "id").first()
    conf = SendingSettings.of(org)
    conf.mode = "review"
    conf.save()
    if not OutboxMessage.objects.filter(organization=org).exists():
        _past_messages(org, RUN_DAY)
        run_day(org, RUN_DAY)
    customer = org.customers.annotate(n=Count("invoices")).order_by("-n").first()
    invoice = customer.invoices.order_by("due").first()
    message = OutboxMessage.objects.filter(organization=org).first()
    task = Task.objects.filter(organization=org, kind="call").first()
    run, _ = ImportRun.objects.get_or_create(organization=org, kind="invoices",
                                             file_name="bench.csv", defaults={"summary": "-"})
    if not org.policies.exists():
        save_policy(org, {"name": "gentle", "steps": [
            {"name": "reminder_1", "channel": "email", "offset": 7}]})
    o = f"/o/{org.slug}"
    pages = [
        ("portfolio", "/", None),
        ("today", f"{o}/", None),
        ("customers", f"{o}/customers/", None),
        ("customers, overdue", f"{o}/customers/?overdue=on", None),
        ("customers, search", f"{o}/customers/?q=client+12", None),
        ("customers, page 20", f"{o}/customers/?page=20", None),
        ("customer", f"{o}/customers/{customer.pk}/", None),
        ("invoice", f"{o}/invoices/{invoice.pk}/", None),
        ("scenarios", f"{o}/scenarios/", None),
        ("scenario", f"{o}/scenarios/gentle/", None),
        ("template editor", f"{o}/templates/fr/reminder_1/", None),
        ("template preview", f"{o}/templates/fr/reminder_1/preview/",
         {"subject": "Relance {{ invoice.number }}", "body": "{{ total_due|money }}\n"}),
        ("imports", f"{o}/imports/", None),
        ("import report", f"{o}/imports/{run.pk}/", None),
        ("reconciliation", f"{o}/reconciliation/", None),
        ("settings", f"{o}/settings/", None),
    ]
    if message:
        pages.insert(2, ("message", f"{o}/messages/{message.pk}/", None))
    if task:
        pages.insert(2, ("call form", f"{o}/tasks/{task.pk}/call/", None))
    return org, pages


def _past_messages(org, day) -> None:
    """The generator records past actions without their emails; at steady state each
    past email action has its message, so give them one (sent) before today's run."""
    from relance.dunning.models import Action
    from relance.messaging.models import OutboxMessage

    rows = [OutboxMessage(action_id=pk, organization=org, key=f"bench/{pk}",
                          message_id=f"<bench-{pk}@{org.slug}.example>",
                          subject=f"{step} {on}", sender="relance@bench.example",
                          recipients=recipients or "x@bench.example",
                          body=f"Rappel {step} du {on}.\n", status="sent")
            for pk, step, on, recipients in Action.objects.filter(
                organization=org, day__lt=day, channels__contains="email")
            .values_list("pk", "step", "day", "recipients").iterator()]
    OutboxMessage.objects.bulk_create(rows, batch_size=2000)


def _print_header(org) -> None:
    from relance.ledger.models import Customer, Invoice, Organization

    print(f"== {Invoice.objects.count():,} invoices, {Customer.objects.count():,} customers, "
          f"{Organization.objects.count()} organizations; pages of {org.slug} "
          f"({org.invoices.count():,} invoices) ==")
    print(f"{'page':<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  target {TARGET_MS:.0f} ms")


def _measure_page(client, name: str, url: str, data: dict | None, samples: int) -> bool:
    def once() -> float:
        started = time.perf_counter()
        response = client.post(url, data) if data else client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed

    for _ in range(2):
        once()
    times = sorted(once() for _ in range(samples))
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    ok = p95 < TARGET_MS
    print(f"{name:<22}{statistics.median(times):>9.1f}{p95:>9.1f}{times[-1]:>9.1f}  "
          f"{'ok' if ok else 'SLOW'}")
    return ok


if __name__ == "__main__":
    main()
