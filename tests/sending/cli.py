"""The sending tests' command-line helpers: a data folder of approved messages, counts."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.sending.sink import Server

COUNT = 300
DAY = "2026-03-05"  # the run that drafts them; `relance send --date DAY` sends as of it


def relance(*args: str, data: Path, env: dict | None = None, check: bool = True):
    full = {k: v for k, v in os.environ.items()
            if k not in ("RELANCE_DATABASE_URL", "RELANCE_BROKER_URL", "RELANCE_SEND_FAULT")
            and not k.startswith("RELANCE_SMTP")}
    full.update(RELANCE_DATA=str(data), **(env or {}))
    return subprocess.run([sys.executable, "-m", "relance.cli", *args], env=full, check=check,
                          capture_output=True, text=True, timeout=300)


def write_book(folder: Path) -> tuple[Path, Path]:
    contacts, invoices = folder / "contacts.csv", folder / "invoices.csv"
    contacts.write_text("customer_ref;customer_name;email;first_name\n" + "".join(
        f"C{i:03};Électricité Client {i};c{i}@client.example;Zoé\n" for i in range(COUNT)))
    invoices.write_text("number;customer_ref;issue_date;due_date;amount\n" + "".join(
        f"F-{i:03};C{i:03};2026-01-31;2026-03-02;{100 + i}.00\n" for i in range(COUNT)))
    return contacts, invoices


def approved_book(folder: Path) -> Path:
    """A data folder holding 300 approved reminders, not sent yet."""
    data = folder / "template"
    contacts, invoices = write_book(folder)
    relance("init", "--org", "acme", "--name", "Acme", "--collector-name", "Camille Lefèvre",
            "--collector-email", "camille@acme.example", data=data)
    relance("import", "contacts", str(contacts), data=data)
    relance("import", "invoices", str(invoices), "--date", "2026-02-01", data=data)
    relance("sending", "--org", "acme", "--mode", "review", "--window", "any", "--every-day",
            "yes", data=data)
    relance("run", "--date", DAY, data=data)  # drafts them, awaiting approval
    relance("approve", "--all", data=data)
    assert statuses(data) == {"approved": COUNT}
    return data


def statuses(data: Path) -> dict[str, int]:
    with sqlite3.connect(data / "relance.sqlite3") as db:
        return dict(db.execute("SELECT status, COUNT(*) FROM messaging_outboxmessage "
                               "GROUP BY status"))


def expected_ids(data: Path) -> set[str]:
    with sqlite3.connect(data / "relance.sqlite3") as db:
        return {row[0] for row in db.execute("SELECT message_id FROM messaging_outboxmessage")}


def smtp_env(server: Server) -> dict:
    return {"RELANCE_SMTP_HOST": "127.0.0.1", "RELANCE_SMTP_PORT": str(server.port),
            "RELANCE_SMTP_TLS": "none"}
