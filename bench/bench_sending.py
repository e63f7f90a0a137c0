"""Benchmark of sending: render and deliver N reminders against plain smtplib.

Builds a book of N customers (default 10,000), each with one overdue invoice whose PDF
exists on disk, and records one reminder action per customer (untimed set-up). An SMTP
sink (aiosmtpd, in its own process) listens on loopback. Then, in the same run:

(a) Relance: draft every message (render, thread, hash the PDF), then deliver them
    through the whole protocol (claim, freshness check, MIME build with the PDF,
    SMTP, journal, recorded as sent with the audit events);
(b) the baseline: plain ``smtplib`` sending the same messages, already rendered to
    bytes, over one connection; twice, the faster run counting (other work on the
    machine slows a run now and then: the baseline must not look slower than it is).

Prints messages/second for both, the ratio (a)/(b) (the target is at least 0.5) and
the load average, since both sides share the machine's cores with whatever else runs.

    .venv/bin/python bench/bench_sending.py [--messages N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import smtplib
import socket
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

DAY = date(2026, 3, 5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sink(port: int, ready) -> None:
    """An SMTP server that accepts and discards every message and, like the relays
    Relance talks to in production, offers PIPELINING (``smtplib`` does not use it)."""
    import asyncio

    from aiosmtpd.controller import Controller

    class Discard:
        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            # offered like Postfix, Exim or Exchange do; aiosmtpd alone does not
            session.host_name = hostname
            return [*responses[:-1], "250-PIPELINING", responses[-1]]

        async def handle_DATA(self, server, session, envelope):
            return "250 2.0.0 accepted"

    controller = Controller(Discard(), hostname="127.0.0.1", port=port,
                            data_size_limit=50_000_000)
    controller.start()
    ready.set()
    asyncio.run(asyncio.sleep(10**6))


def setup_django(folder: Path) -> None:
    os.environ["RELANCE_DATA"] = str(folder)
    os.environ.pop("RELANCE_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def make_book(n: int, folder: Path):
    """N customers, contacts, invoices with a PDF each, and one reminder action each."""
    from relance import demo
    from relance.dunning.models import Action, StepRecord
    from relance.ledger.models import Contact, Customer, Invoice, Organization
    from relance.messaging.models import SendingSettings

    org = Organization.objects.create(
        slug="bench", name="Bench Électricité SAS", collector_name="Camille Lefèvre",
        collector_email="camille@bench.example", sender_email="compta@bench.example")
    SendingSettings.objects.create(organization=org, window_start=None, window_end=None,
                                   business_days_only=False)
    pdf = demo.invoice_pdf("F-000000", "Client", date(2026, 1, 31), date(2026, 3, 2),
                           __import__("decimal").Decimal("1200.00"), org.name)
    pdfs = folder / "documents" / "invoices"
    pdfs.mkdir(parents=True)
    customers = Customer.objects.bulk_create(
        Customer(organization=org, ref=f"C{i:06}", name=f"Société Cliente n° {i}")
        for i in range(n))
    Contact.objects.bulk_create(Contact(customer=c, email=f"ap{i}@client{i}.example",
                                        first_name="Hélène") for i, c in enumerate(customers))
    invoices = []
    for i, c in enumerate(customers):
        path = pdfs / f"F-{i:06}.pdf"
        path.write_bytes(pdf)
        invoices.append(Invoice(organization=org, customer=c, number=f"F-{i:06}",
                                issued=date(2026, 1, 31), due=date(2026, 3, 2),
                                amount_minor=120000 + i, known_from=date(2026, 2, 1),
                                pdf_path=str(path)))
    Invoice.objects.bulk_create(invoices)
    actions = Action.objects.bulk_create(
        Action(organization=org, customer=c, step="reminder_1", day=DAY, channels="email",
               currency="EUR", amount_minor=inv.amount_minor,
               recipients=f"ap{i}@client{i}.example")
        for i, (c, inv) in enumerate(zip(customers, invoices, strict=True)))
    StepRecord.objects.bulk_create(
        StepRecord(invoice=inv, step="reminder_1", day=DAY, balance_minor=inv.amount_minor,
                   action=a) for inv, a in zip(invoices, actions, strict=True))
    return org, len(pdf)


def relance_run(org, port: int) -> tuple[float, int]:
    from relance.messaging import outbox
    from relance.messaging.services import deliver
    from relance.messaging.transport import SmtpTransport

    config = {"host": "127.0.0.1", "port": port, "user": "", "password": "", "tls": "none"}
    start = time.perf_counter()
    failures = outbox.prepare(org, DAY, datetime.now(UTC))
    result = deliver(org, via=SmtpTransport(config), as_of=DAY)  # sent as of its day
    elapsed = time.perf_counter() - start
    assert not failures and not result.failures, (failures[:3], result.failures[:3])
    assert not result.cancelled, result.cancelled[:3]
    return elapsed, len(result.delivered)


def prerendered(org) -> list[tuple[str, list[str], bytes]]:
    from relance.messaging.build import build
    from relance.messaging.models import OutboxMessage, SendingSettings

    conf, now = SendingSettings.of(org), datetime.now(UTC)
    rows = OutboxMessage.objects.filter(organization=org).select_related(
        "action__customer", "action__organization")
    out = []
    for row in rows.iterator(chunk_size=1000):
        built = build(row, now, "smtp", conf)
        out.append((built.envelope_from, built.envelope_to, built.data))
    return out


def raw_run(messages, port: int) -> float:
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for sender, to, data in messages:
            smtp.sendmail(sender, to, data)
    return time.perf_counter() - start


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="relance-bench-sending-"))
    setup_django(folder)
    port, ready = free_port(), multiprocessing.Event()
    server = multiprocessing.Process(target=sink, args=(port, ready), daemon=True)
    server.start()
    ready.wait(30)
    try:
        t0 = time.perf_counter()
        org, pdf_size = make_book(args.messages, folder)
        print(f"book: {args.messages} reminders, a {pdf_size / 1024:.1f} KiB invoice PDF each "
              f"(set-up {time.perf_counter() - t0:.1f} s, not timed)")
        before = load()
        ours, delivered = relance_run(org, port)
        messages = prerendered(org)
        raws = [raw_run(messages, port) for _ in range(2)]
        raw = min(raws)
        after = load()
    finally:
        server.terminate()
    size = sum(len(m[2]) for m in messages) / len(messages)
    print(f"messages: {delivered} delivered, {size / 1024:.1f} KiB each on the wire")
    print(f"relance (render + deliver, exactly-once protocol): {ours:7.2f} s  "
          f"{delivered / ours:8.0f} msg/s")
    print(f"plain smtplib (pre-rendered bytes, one connection): {raw:6.2f} s  "
          f"{len(messages) / raw:8.0f} msg/s  (best of "
          + ", ".join(f"{len(messages) / r:.0f}" for r in raws) + " msg/s)")
    print(f"ratio relance / raw: {(delivered / ours) / (len(messages) / raw):.2f} "
          "(target >= 0.50)")
    print(f"load average (1/5/15 min) before {before}, after {after}, "
          f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
