"""Benchmark of the reports (aged balance, dashboard, portfolio) against one GROUP BY.

Loads the daily run benchmark's book (``bench_daily_run.generate``: by default
1,000,000 invoices, 100,000 customers, 100 organizations, about 10 % paid and 5 %
partly paid) into a dedicated database, then measures in one process, warm, best of
``--repeat`` runs, on the same tables in the same run:

(a) ``aged_balance`` of one organization, against
    ``SELECT customer_id, SUM(amount_minor) FROM ledger_invoice WHERE organization_id = %s
    GROUP BY customer_id``;
(b) ``aged_balances_all`` (every organization's aged balance, customer by customer),
    against the same query over the whole table;
(c) ``dashboard`` of one organization (aged balance, KPIs with the twelve-month DSO
    trend, the month's collection work), against (a)'s query;
(d) ``portfolio`` of all organizations (aged columns and DSO of each), against (b)'s;

and prints seconds and ratios; the target is at most 2. Run:

    .venv/bin/python bench/bench_reports.py [--invoices N] [--orgs N] [--db sqlite|postgres|both]
    .venv/bin/python bench/bench_reports.py --data DIR   # keep the SQLite book, reuse it

``--invoices 100000 --orgs 10`` gives organizations of the default's size in a book
ten times smaller, generated in seconds. A kept book is brought to the current schema
before measuring (a report index added since it was generated), with fresh planner
statistics. PostgreSQL: as for ``bench_daily_run.py`` (``RELANCE_BENCH_POSTGRES``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import bench_daily_run as daily  # noqa: E402  (the book generator, shared)

DAY = daily.RUN_DAY


def main() -> None:
    args = _arguments()
    if args.phase:
        daily._setup_django()
        results = _generate(args) if args.phase == "generate" else measure(args)
        print(json.dumps(results, default=str))
        return
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        _one_database(db, args)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20260317)
    parser.add_argument("--data", help="keep the SQLite book in this folder and reuse it on the "
                                       "next run (the default is a temporary folder)")
    parser.add_argument("--phase", choices=("generate", "measure"), help=argparse.SUPPRESS)
    return parser.parse_args()


def _one_database(db: str, args: argparse.Namespace) -> None:
    if args.data and db == "sqlite":
        Path(args.data).mkdir(parents=True, exist_ok=True)
        _run(db, args, str(Path(args.data).resolve()))
        return
    with tempfile.TemporaryDirectory(prefix="relance-bench-") as data:
        _run(db, args, data)


def _run(db: str, args: argparse.Namespace, data: str) -> None:
    env = dict(os.environ, RELANCE_DATA=data, RELANCE_LOG="ERROR")
    if db == "postgres":
        env["RELANCE_DATABASE_URL"] = os.environ.get("RELANCE_BENCH_POSTGRES",
                                                     daily.BENCH_POSTGRES)
        daily._postgres_database(env["RELANCE_DATABASE_URL"], create=True)
    else:
        env["RELANCE_DATABASE_URL"] = f"sqlite:///{data}/bench.sqlite3"
    saved = Path(data) / "book.json"
    try:
        if args.data and saved.exists():
            book = json.loads(saved.read_text())
        else:
            book = _child("generate", args, env)
            saved.write_text(json.dumps(book))
        run = _child("measure", args, env)
    finally:
        if db == "postgres":
            daily._postgres_database(env["RELANCE_DATABASE_URL"], create=False)
    _print(db, args, book, run)


def _child(phase: str, args: argparse.Namespace, env: dict) -> dict:
    argv = [sys.executable, __file__, "--phase", phase, "--invoices", str(args.invoices),
            "--orgs", str(args.orgs), "--seed", str(args.seed), "--repeat", str(args.repeat)]
    out = subprocess.run(argv, env=env, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _generate(args: argparse.Namespace) -> dict:
    book = argparse.Namespace(invoices=args.invoices, customers=None, orgs=args.orgs,
                              seed=args.seed, legacy_planning=False)
    return daily.generate(book)


# ---------------------------------------------------------------- measurement

def _best(fn, repeat: int) -> tuple[float, object]:
    """Best wall time of ``repeat`` runs after a warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def _group_by(org_id: int | None):
    from django.db import connection

    from relance.ledger.models import Invoice

    table = Invoice._meta.db_table
    where = "" if org_id is None else " WHERE organization_id = %s"
    params = [] if org_id is None else [org_id]

    def query() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT customer_id, SUM(amount_minor) FROM {table}{where} "
                           "GROUP BY customer_id", params)
            return len(cursor.fetchall())
    return query


def _migrate() -> None:
    """Bring a kept book to the current schema (a report index added since it was
    generated), and refresh the planner's statistics if anything changed."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(args: argparse.Namespace) -> dict:
    from relance.ledger.models import Organization
    from relance.reports import services
    from relance.reports.aged import aged_balances_all

    _migrate()
    orgs = list(Organization.objects.order_by("id"))
    org = orgs[len(orgs) // 2]
    n = args.repeat
    timings = {
        "group_by_org": _best(_group_by(org.pk), n),
        "group_by_all": _best(_group_by(None), n),
        "aged_org": _best(lambda: services.aged_balance(org, DAY), n),
        "aged_all": _best(lambda: aged_balances_all(DAY), n),
        "dashboard_org": _best(lambda: services.dashboard(org, DAY), n),
        "portfolio_all": _best(lambda: services.portfolio(orgs, DAY), n),
    }
    aged_org = timings["aged_org"][1]
    aged_all = timings["aged_all"][1]
    return {"seconds": {k: t for k, (t, _) in timings.items()},
            "org": org.slug, "org_customers": timings["group_by_org"][1],
            "all_customers": timings["group_by_all"][1],
            "aged_rows": len(aged_org.rows), "aged_total": str(aged_org.total.net),
            "aged_orgs": len(aged_all),
            "aged_rows_all": sum(len(b.rows) for bal in aged_all.values() for b in bal.values()),
            "dso": str(timings["dashboard_org"][1].kpis.dso_countback)}


def _print(db: str, args: argparse.Namespace, book: dict, run: dict) -> None:
    s = run["seconds"]
    print(f"== {db}: {book['invoices']:,} invoices, {book['customers']:,} customers, "
          f"{args.orgs} organizations, report day {DAY} (generated in {book['seconds']:.0f} s) ==")
    print(f"GROUP BY customer_id, one organization ({run['org']}): "
          f"{run['org_customers']:,} groups, {s['group_by_org']:.4f} s")
    print(f"GROUP BY customer_id, whole table: {run['all_customers']:,} groups, "
          f"{s['group_by_all']:.3f} s")
    rows = (("aged balance, one organization", "aged_org", "group_by_org",
             f"{run['aged_rows']:,} rows, net {run['aged_total']}"),
            ("aged balance, all organizations", "aged_all", "group_by_all",
             f"{run['aged_rows_all']:,} rows in {run['aged_orgs']} organizations"),
            ("dashboard, one organization", "dashboard_org", "group_by_org",
             f"DSO {run['dso']} days"),
            ("portfolio, all organizations", "portfolio_all", "group_by_all", ""))
    for label, key, base, note in rows:
        print(f"{label}: {s[key]:.4f} s, ratio {s[key] / s[base]:.2f} ({note})")


if __name__ == "__main__":
    main()
