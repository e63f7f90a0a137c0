"""Two organizations with small books, and their people, built through the services.

The books read like a collector's ledger. With the clock at Monday 16 March 2026:

    acme   C1 Atelier Nord   F-100 1 200,00 € + F-101 300,50 € due 12 March (+4 days)
           C2 Boréal Ltd     F-200 2 400,00 € due 14 February (+30 days)
           C3 Cèdre SARL     F-300    99,90 € due 1 February (+43 days), no email
    globex G1 Grange SA      G-1   5 000,00 € due 2 March
           G2 Halle SARL     G-2     700,00 € due 2 March, no email

so acme's open amount is 4 000,40 € and all of it is overdue.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from relance.dunning.services import run_day
from relance.imports.csv_files import import_contacts, import_invoices
from relance.ledger.models import Membership, Organization
from relance.messaging.models import SendingSettings

DAY = date(2026, 3, 16)
PASSWORD = "correct horse battery"

ACME_CONTACTS = """customer_ref;customer_name;role;email;first_name;language;phone
C1;Atelier Nord;accounts_payable;compta@nord.example;Inès;fr;+33 1 23 45 67 89
C1;Atelier Nord;business;patron@nord.example;Marc;fr;
C2;Boréal Ltd;accounts_payable;ap@boreal.example;Oliver;en;+44 20 7946 0000
C3;Cèdre SARL;business;;Noé;fr;+33 4 00 00 00 03
"""
ACME_INVOICES = """number;customer_ref;issue_date;due_date;amount;currency
F-100;C1;2026-02-10;2026-03-12;1200.00;EUR
F-101;C1;2026-02-10;2026-03-12;300,50;EUR
F-200;C2;2026-01-15;2026-02-14;2 400,00;EUR
F-300;C3;2026-01-02;2026-02-01;99.90;EUR
"""
GLOBEX_CONTACTS = """customer_ref;customer_name;role;email;first_name;phone
G1;Grange SA;accounts_payable;compta@grange.example;Lou;+33 5 00 00 00 01
G2;Halle SARL;business;;Max;+33 5 00 00 00 02
"""
GLOBEX_INVOICES = """number;customer_ref;issue_date;due_date;amount
G-1;G1;2026-01-31;2026-03-02;5000.00
G-2;G2;2026-01-31;2026-03-02;700.00
"""


def organization(slug: str, name: str) -> Organization:
    return Organization.objects.create(
        slug=slug, name=name, siren="732829320", collector_name="Camille Martin",
        collector_function="Responsable recouvrement",
        collector_email=f"recouvrement@{slug}.example", sender_email=f"recouvrement@{slug}.example",
        iban="FR7630006000011234567890189")


def book(org: Organization, contacts: str, invoices: str) -> Organization:
    import_contacts(org, contacts.encode(), "contacts.csv")
    import_invoices(org, invoices.encode(), "invoices.csv", known_from=date(2026, 3, 1))
    return org


def user(username: str, memberships: dict[Organization, str], email: str = ""):
    person = get_user_model().objects.create_user(username, email or f"{username}@example.com",
                                                  PASSWORD, first_name=username.title())
    for org, role in memberships.items():
        Membership.objects.create(organization=org, user=person, role=role)
    return person


def world() -> dict:
    """acme and globex with their books, run in review mode, and four people."""
    acme = book(organization("acme", "Acmé Services SAS"), ACME_CONTACTS, ACME_INVOICES)
    globex = book(organization("globex", "Globex Conseil"), GLOBEX_CONTACTS, GLOBEX_INVOICES)
    for org in (acme, globex):
        conf = SendingSettings.of(org)
        conf.mode = "review"
        conf.save()
        run_day(org, date(2026, 3, 2))
        run_day(org, DAY)
    return {
        "acme": acme, "globex": globex,
        "alice": user("alice", {acme: "admin"}),
        "gina": user("gina", {globex: "admin"}),
        "vera": user("vera", {acme: "viewer"}),
        "carl": user("carl", {acme: "collector", globex: "collector"}),
    }
