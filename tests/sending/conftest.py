"""A small book and a real SMTP server on loopback for the sending tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from relance.imports.csv_files import import_contacts, import_invoices
from relance.ledger.models import Organization
from relance.messaging.models import SendingSettings
from tests.sending.sink import Server, Sink

CONTACTS = """customer_ref;customer_name;role;email;first_name;language
C1;Société Générale d'Équipement;accounts_payable;compta@sge.example;Hélène;fr
C2;Boréal Ltd;accounts_payable;ap@boreal.example;Oliver;en
C3;Cèdre SARL;accounts_payable;nobody@cedre.example;Zoé;fr
"""

INVOICES = """number;customer_ref;issue_date;due_date;amount;currency;pdf_path
F-1;C1;2026-01-31;2026-03-02;1200.00;EUR;{pdf}
F-2;C2;2026-01-31;2026-03-02;2400.00;EUR;
F-3;C3;2026-01-31;2026-03-02;99.90;EUR;
"""

FIRST = date(2026, 3, 5)  # reminder_1 (due + 3, a Thursday)
SECOND = date(2026, 3, 17)  # reminder_2 (due + 15)
NOON = datetime(2026, 3, 5, 11, 0, tzinfo=UTC)  # inside the 09:00–17:00 Paris window


@pytest.fixture(scope="session")
def approved(tmp_path_factory):
    """A SQLite data folder with 300 approved reminders (copy it before sending)."""
    from tests.sending.cli import approved_book

    return approved_book(tmp_path_factory.mktemp("approved"))


@pytest.fixture
def org(db) -> Organization:
    return Organization.objects.create(
        slug="acme", name="Acmé Services SAS", collector_name="Camille Lefèvre",
        collector_function="Responsable recouvrement", collector_email="camille@acme.example",
        sender_email="comptabilite@acme.example")


@pytest.fixture
def book(org, tmp_path) -> Organization:
    pdf = tmp_path / "F-1.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% invoice F-1\n%%EOF\n")
    import_contacts(org, CONTACTS.encode(), "contacts.csv")
    import_invoices(org, INVOICES.format(pdf=pdf).encode(), "invoices.csv",
                    known_from=date(2026, 2, 1))
    return org


@pytest.fixture(params=["pipelining", "stepwise"])
def smtp(request, settings, book):
    """The sink, with the organization sending to it at any hour, any day; each test runs
    against a server offering PIPELINING and against one that does not."""
    sink = Sink(pipelining=request.param == "pipelining")
    with Server(sink) as server:
        settings.RELANCE_SMTP = {"host": "127.0.0.1", "port": server.port, "user": "",
                                 "password": "", "tls": "none", "timeout": 10}
        SendingSettings.objects.update_or_create(organization=book, defaults={
            "window_start": None, "window_end": None, "business_days_only": False})
        yield sink
