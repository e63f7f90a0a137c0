"""Benchmark of the daily run's decide-and-record phase against a plain full scan.

Generates a book at steady state (by default 1,000,000 invoices and 100,000 customers
over 100 organizations, issued over the past year, due dates spread over a year around
the run day, about 10 % paid and 5 % partly paid, the steps already done recorded as
the engine would have recorded them) into a dedicated database, then measures in one
process, warm:

(a) ``run_day(org, day, send=False)`` for every organization on a typical business day
    (rendering and delivery belong to the sending pipeline and are timed there);
(b) ``SELECT count(*), sum(amount_minor) FROM`` the invoices table;

and prints the ratio (a)/(b), the peak Python memory of (a) (tracemalloc, measured on a
rolled-back warm-up run so that tracing does not slow the timed one) and the process's
peak resident size. Each database gets a process to generate and one to measure, so the
resident size is that of the run, not of the generator. Run:

    .venv/bin/python bench/bench_daily_run.py [--invoices N] [--db sqlite|postgres|both]

PostgreSQL: a database ``relance_bench`` is created and dropped on the server named by
``RELANCE_BENCH_POSTGRES`` (default ``postgresql://postgres@127.0.0.1:5432/relance_bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

RUN_DAY = date(2026, 3, 17)  # a Tuesday, no public holiday: a typical business day
BENCH_POSTGRES = "postgresql://postgres@127.0.0.1:5432/relance_bench"
TERMS = (30, 45, 60)


# ---------------------------------------------------------------- orchestration

def main() -> None:
    args = _arguments()
    if args.phase:
        _setup_django()
        results = generate(args) if args.phase == "generate" else measure(args)
        print(json.dumps(results, default=str))
        return
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        _one_database(db, args)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, help="default: invoices / 10")
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--legacy-planning", action="store_true",
                        help="plan settled invoices as the first daily run did (re-read them "
                             "every day) instead of leaving them unplanned")
    parser.add_argument("--seed", type=int, default=20260317)
    parser.add_argument("--phase", choices=("generate", "measure"), help=argparse.SUPPRESS)
    return parser.parse_args()


def _one_database(db: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="relance-bench-") as data:
        env = dict(os.environ, RELANCE_DATA=data, RELANCE_LOG="ERROR")
        if db == "postgres":
            env["RELANCE_DATABASE_URL"] = os.environ.get("RELANCE_BENCH_POSTGRES", BENCH_POSTGRES)
            _postgres_database(env["RELANCE_DATABASE_URL"], create=True)
        else:
            env["RELANCE_DATABASE_URL"] = f"sqlite:///{data}/bench.sqlite3"
        try:
            book = _child("generate", args, env)
            run = _child("measure", args, env)
        finally:
            if db == "postgres":
                _postgres_database(env["RELANCE_DATABASE_URL"], create=False)
        _print(db, args, book, run)


def _child(phase: str, args: argparse.Namespace, env: dict) -> dict:
    argv = [sys.executable, __file__, "--phase", phase, "--invoices", str(args.invoices),
            "--orgs", str(args.orgs), "--seed", str(args.seed)]
    argv += ["--customers", str(args.customers)] if args.customers else []
    argv += ["--legacy-planning"] if args.legacy_planning else []
    out = subprocess.run(argv, env=env, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _postgres_database(url: str, create: bool) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    import django

    django.setup()


def _print(db: str, args: argparse.Namespace, book: dict, run: dict) -> None:
    ratio = run["run_seconds"] / run["scan_seconds"]
    print(f"== {db}: {book['invoices']:,} invoices, {book['customers']:,} customers, "
          f"{args.orgs} organizations, run day {RUN_DAY} ==")
    print(f"generated in {book['seconds']:.0f} s: {book['paid']:,} paid, "
          f"{book['steps']:,} past steps in {book['actions']:,} past actions, "
          f"{book['settled_pending']:,} settled invoices with steps left")
    print(f"(a) decide and record: {run['examined']:,} invoices examined, "
          f"{run['recorded']:,} actions recorded, {run['run_seconds']:.3f} s "
          f"(CPU of this process {run['run_cpu']:.3f} s; machine load {run['load']:.1f})")
    print(f"(b) full scan: count {run['count']:,}, sum {run['sum']:,}, "
          f"{run['scan_seconds']:.3f} s")
    print(f"ratio (a)/(b) = {ratio:.2f}")
    print(f"peak Python memory during (a): {run['traced_peak'] / 2**20:.1f} MiB; "
          f"max resident size of the measuring process: {run['max_rss'] / 2**10:.0f} MiB")
    print(f"same day again: {run['rerun_recorded']} actions recorded "
          f"({run['rerun_examined']} invoices examined)")


# ---------------------------------------------------------------- generation

def generate(args: argparse.Namespace) -> dict:
    """Create the schema and load the book with bulk inserts, one organization at a time."""
    from django.core.management import call_command
    from django.db import connection, transaction

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor == "sqlite":
        connection.cursor().execute("PRAGMA synchronous = OFF")
    rng = random.Random(args.seed)
    customers = args.customers or max(1, args.invoices // 10)
    totals: dict[str, int] = defaultdict(int)
    ids = defaultdict(int)
    for n in range(args.orgs):
        share = _share(args.invoices, args.orgs, n), _share(customers, args.orgs, n)
        with transaction.atomic():
            book = _organization_book(rng, n, *share, ids, args.legacy_planning)
            _load(book)
        for key in ("invoices", "customers", "paid", "steps", "actions", "settled_pending"):
            totals[key] += book[key] if isinstance(book[key], int) else len(book[key])
    _finish(connection)
    return dict(totals, seconds=time.perf_counter() - started)


def _share(total: int, parts: int, n: int) -> int:
    return total // parts + (1 if n < total % parts else 0)


def _next_id(ids: dict, table: str) -> int:
    ids[table] += 1
    return ids[table]


def _organization_book(rng: random.Random, n: int, invoices: int, customers: int,
                       ids: dict, legacy: bool) -> dict:
    org_id = _next_id(ids, "org")
    subdivision = "Alsace-Moselle" if n % 10 == 9 else ""
    email = f"relance@org-{org_id}.example"
    book: dict = {"org": [(org_id, f"org-{org_id}", f"Organisation {org_id}", "", "", "FR",
                           subdivision, "Europe/Paris", "EUR", 30, "", "", email, "Camille",
                           "Recouvrement", email, "")],
                  "customers": [], "contacts": [], "invoices": [], "credits": [],
                  "allocations": [], "actions": [], "steps": [], "paid": 0,
                  "settled_pending": 0}
    people = [_customer(rng, book, org_id, ids, c) for c in range(customers)]
    pending: dict[tuple, list] = defaultdict(list)
    for k in range(invoices):
        _invoice(rng, book, org_id, ids, people[k % customers], k, subdivision, legacy, pending)
    _past_actions(book, org_id, ids, pending)
    return book


def _customer(rng: random.Random, book: dict, org_id: int, ids: dict, c: int) -> tuple:
    from relance.core.actions import Contact

    cid = _next_id(ids, "customer")
    book["customers"].append((cid, org_id, f"C{c:06d}", f"Client {c} SARL", "", "b2b", "fr",
                              "standard", False))
    draw = rng.random()
    if draw < 0.90:  # the usual case: an accounts-payable address
        contact = ("accounts_payable", f"compta@client{cid}.example")
    elif draw < 0.95:  # only a business contact: the message goes to them
        contact = ("business", f"contact@client{cid}.example")
    else:  # no usable address: the email step becomes a call task
        contact = ("accounts_payable", "")
    book["contacts"].append((_next_id(ids, "contact"), cid, contact[0], contact[1], "Camille",
                             "", "0102030405"))
    usable = bool(contact[1])
    return cid, (Contact(contact[1], contact[0]),) if usable else (), rng.randrange(28)


def _invoice(rng, book, org_id, ids, person, k, subdivision, legacy, pending) -> None:
    cid, contacts, billing_day = person
    # Customers are billed on a monthly cycle, so some invoices share an issue day.
    issued = RUN_DAY - timedelta(days=rng.randrange(365))
    if rng.random() < 0.3:
        issued = issued.replace(day=min(billing_day + 1, 28))
    due = issued + timedelta(days=rng.choice(TERMS))
    amount = rng.randrange(5_000, 2_000_000)
    settle = _settlement(rng, issued, due)
    paid_amount = 0 if settle is None else (amount if settle[1] else amount // 2)
    steps, nxt = _history(issued, due, settle[0] if settle and settle[1] else None, subdivision)
    if settle and settle[1]:
        left = _left(issued, due, steps, subdivision)
        book["settled_pending"] += left is not None
        nxt = left if legacy else nxt
    iid = _next_id(ids, "invoice")
    book["invoices"].append((iid, org_id, cid, f"F-{k:07d}", issued, due, amount, "EUR", "",
                             "bench", issued, nxt))
    if settle:
        _payment(book, org_id, ids, cid, iid, settle[0], paid_amount)
    for name, day in steps:
        balance = amount - (paid_amount if settle and day >= settle[0] else 0)
        pending[(cid, name, day)].append((iid, balance, contacts))


def _settlement(rng: random.Random, issued: date, due: date) -> tuple[date, bool] | None:
    """About 10 % paid in full and 5 % in part, before the run day."""
    draw = rng.random()
    if draw >= 0.15:
        return None
    day = max(issued, due + timedelta(days=rng.randrange(-10, 40)))
    return (day, draw < 0.10) if day < RUN_DAY else None


def _payment(book, org_id, ids, cid, iid, day, amount) -> None:
    credit = _next_id(ids, "credit")
    book["credits"].append((credit, org_id, cid, "payment", f"bank:{credit}", "",
                            f"VIR {iid}", day, amount, "EUR", "bench"))
    book["allocations"].append((_next_id(ids, "allocation"), credit, iid, amount, day))
    book["paid"] += 1


@cache
def _calendar(subdivision: str):
    from relance.core.calendar import BusinessCalendar

    return BusinessCalendar("FR", subdivision or None)


@cache
def _history(issued: date, due: date, settled: date | None, subdivision: str):
    """The steps the daily run recorded before ``RUN_DAY`` and the day it plans next.

    Replays the incremental run with the rule it applies (``take_turn``): planned on
    import by ``next_decision_day``, then looked at on each next decision day. Only
    whether the invoice is settled matters to the steps, so histories are shared.
    """
    from decimal import Decimal

    from relance.core.dunning import next_decision_day
    from relance.core.ledger import Invoice
    from relance.core.policy import STANDARD
    from relance.core.turn import take_turn

    calendar = _calendar(subdivision)
    invoice = Invoice("F", "C", issued, due, Decimal(100), "EUR", issued)
    done: dict[str, date] = {}
    day = next_decision_day(invoice, done, STANDARD, calendar, issued)
    while day is not None and day < RUN_DAY:
        paid = settled is not None and day >= settled
        turn = take_turn(invoice, Decimal(0 if paid else 100), done, STANDARD, calendar, day)
        for step in turn.steps:
            done[step.name] = day
        day = turn.next_day
    return tuple(done.items()), day


def _left(issued: date, due: date, steps, subdivision: str) -> date | None:
    """For a settled invoice, the day the first daily run would still look at it."""
    from decimal import Decimal

    from relance.core.dunning import next_decision_day
    from relance.core.ledger import Invoice
    from relance.core.policy import STANDARD

    invoice = Invoice("F", "C", issued, due, Decimal(100), "EUR", issued)
    return next_decision_day(invoice, dict(steps), STANDARD, _calendar(subdivision), RUN_DAY)


def _past_actions(book: dict, org_id: int, ids: dict, pending: dict) -> None:
    """Group past steps into actions as ``relance.core.actions.group`` does."""
    from relance.core.actions import channels_for
    from relance.core.policy import STANDARD

    at = datetime(2026, 1, 1, 6, tzinfo=UTC)
    for (cid, name, day), items in sorted(pending.items(), key=lambda kv: kv[0][2]):
        contacts = items[0][2]
        channels = channels_for(STANDARD.step(name), bool(contacts))
        aid = _next_id(ids, "action")
        book["actions"].append((aid, org_id, cid, name, day, ",".join(channels), "EUR",
                                sum(b for _i, b, _c in items),
                                "\n".join(c.email for c in contacts) if "email" in channels
                                else "", at))
        book["steps"] += [(_next_id(ids, "step"), iid, name, day, balance, aid)
                          for iid, balance, _c in items]


COLUMNS = {
    "org": ("ledger.Organization", "id slug name siren address country subdivision timezone "
            "currency payment_terms_days iban bic sender_email collector_name "
            "collector_function collector_email collector_phone"),
    "customers": ("ledger.Customer", "id organization_id ref name siren kind language policy "
                  "insolvency"),
    "contacts": ("ledger.Contact", "id customer_id role email first_name last_name phone"),
    "invoices": ("ledger.Invoice", "id organization_id customer_id number issued due "
                 "amount_minor currency pdf_path source known_from next_decision_on"),
    "credits": ("ledger.Credit", "id organization_id customer_id kind key number reference "
                "date amount_minor currency source"),
    "allocations": ("ledger.Allocation", "id credit_id invoice_id amount_minor date"),
    "actions": ("dunning.Action", "id organization_id customer_id step day channels currency "
                "amount_minor recipients created_at"),
    "steps": ("dunning.StepRecord", "id invoice_id step day balance_minor action_id"),
}


def _load(book: dict) -> None:
    """Bulk load: COPY on PostgreSQL, executemany on SQLite; no per-row ORM save."""
    from django.apps import apps
    from django.db import connection

    for key, (label, columns) in COLUMNS.items():
        model = apps.get_model(label)
        names, rows = _with_defaults(model, columns.split(), book[key])
        table = model._meta.db_table
        if connection.vendor == "postgresql":
            with (connection.connection.cursor() as cur,
                  cur.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(names))
            connection.connection.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})",
                [tuple(_sqlite(v) for v in row) for row in rows])


def _with_defaults(model, names: list[str], rows: list[tuple]) -> tuple[list[str], list]:
    """Add the columns the generator does not know (newer fields) with their defaults."""
    from django.db import connection

    with connection.cursor() as cursor:
        existing = {c.name for c in connection.introspection.get_table_description(
            cursor, model._meta.db_table)}
    extra = [f for f in model._meta.concrete_fields
             if f.column in existing and f.column not in names]
    if not extra:
        return names, rows
    tail = tuple(f.get_default() for f in extra)
    return names + [f.column for f in extra], [row + tail for row in rows]


def _sqlite(value):
    """SQLite stores dates as ISO text (Python 3.12 deprecates the implicit adapters)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value.isoformat() if isinstance(value, date) else value


def _finish(connection) -> None:
    """Set the id sequences past the loaded rows and refresh the planner's statistics."""
    from django.apps import apps
    from django.core.management.color import no_style

    models = [apps.get_model(label) for label, _c in COLUMNS.values()]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
        cursor.execute("ANALYZE")


# ---------------------------------------------------------------- measurement

class _Rollback(Exception):
    pass


def measure(args: argparse.Namespace) -> dict:
    from django.db import transaction

    from relance.ledger.models import Organization

    orgs = list(Organization.objects.order_by("id"))
    count, total = _scan()  # warm-up of (b)
    tracemalloc.start()
    try:  # warm-up of (a), traced, then rolled back: the timed run starts from the same book
        with transaction.atomic():
            _decide_and_record(orgs)
            raise _Rollback
    except _Rollback:
        pass
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    load, started, cpu = os.getloadavg()[0], time.perf_counter(), time.process_time()
    examined, recorded = _decide_and_record(orgs)
    run_seconds, run_cpu = time.perf_counter() - started, time.process_time() - cpu
    scan_seconds = min(_timed(_scan) for _ in range(3))
    again = _decide_and_record(orgs)
    return {"examined": examined, "recorded": recorded, "run_seconds": run_seconds,
            "run_cpu": run_cpu, "load": load,
            "scan_seconds": scan_seconds, "count": count, "sum": total,
            "traced_peak": traced_peak,
            "max_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "rerun_examined": again[0], "rerun_recorded": again[1]}


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _scan() -> tuple[int, int]:
    from django.db import connection

    from relance.ledger.models import Invoice

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), sum(amount_minor) FROM {Invoice._meta.db_table}")
        count, total = cursor.fetchone()
    return count, int(total or 0)


def _decide_and_record(orgs) -> tuple[int, int]:
    from relance.dunning.services import run_day

    examined = recorded = 0
    for org in orgs:
        report = run_day(org, RUN_DAY, send=False)
        examined += report.examined
        recorded += len(report.actions)
    return examined, recorded


if __name__ == "__main__":
    main()
