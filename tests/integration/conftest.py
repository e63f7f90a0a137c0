"""Builders for integration tests: an organization and a small book, through the services."""

from __future__ import annotations

from datetime import date

import pytest

from relance.imports.csv_files import import_contacts, import_invoices
from relance.ledger.models import Organization


@pytest.fixture
def org(db) -> Organization:
    return Organization.objects.create(
        slug="acme", name="Acmé Services SAS", siren="732829320",
        collector_name="Camille Martin", collector_function="Responsable recouvrement",
        collector_email="recouvrement@acme.example", sender_email="recouvrement@acme.example")


CONTACTS = """customer_ref;customer_name;role;email;first_name;language
C1;Atelier Nord;accounts_payable;compta@nord.example;Inès;fr
C1;Atelier Nord;business;patron@nord.example;Marc;fr
C2;Boréal Ltd;accounts_payable;ap@boreal.example;Oliver;en
C3;Cèdre SARL;business;;;fr
"""

INVOICES = """number;customer_ref;issue_date;due_date;amount;currency;pdf_path
F-100;C1;2026-02-10;2026-03-12;1200.00;EUR;{pdf}
F-101;C1;2026-02-10;2026-03-12;300,50;EUR;
F-200;C2;2026-01-15;2026-02-14;2 400,00;EUR;
F-300;C3;2026-01-02;2026-02-01;99.90;EUR;
"""


@pytest.fixture
def book(org, tmp_path) -> Organization:
    pdf = tmp_path / "F-100.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% test invoice F-100\n%%EOF\n")
    import_contacts(org, CONTACTS.encode(), "contacts.csv")
    import_invoices(org, INVOICES.format(pdf=pdf).encode(), "invoices.csv",
                    known_from=date(2026, 3, 1))
    return org
