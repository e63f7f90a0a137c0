"""The documents service and commands on a real database, built with the ORM.

The book is the one of tests/documents/fixtures.py, so the letter's figures are the
hand-computed ones: principal 2 400.00, interest 18.53 + 12.48, indemnity 2 x 40.00,
total 2 511.01 on 15 July 2025.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from relance.core.rates import Semester
from relance.documents.letter import notice_figures
from relance.documents.models import RateOverride
from relance.documents.services import (
    add_rate,
    formal_notice_pdf,
    load_rates,
    notice_data_for_action,
    notice_for_customer,
    statement_for_customer,
    statements_for_customer,
)
from relance.dunning.models import Action, Dispute, StepRecord
from relance.errors import InputError, RateMissing
from relance.ledger.models import Allocation, Credit, Customer, Invoice, Organization

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 7, 15)


def text_of(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.fixture
def org() -> Organization:
    return Organization.objects.create(
        slug="nord", name="Atelier Nord SAS", siren="732829320",
        address="12 rue des Tanneurs\n59000 Lille", iban="FR7630006000011234567890189",
        bic="AGRIFRPP", collector_name="Claire Martin",
        collector_function="Responsable comptabilité clients")


def invoice(customer: Customer, number: str, issued: date, due: date, cents: int) -> Invoice:
    return Invoice.objects.create(organization=customer.organization, customer=customer,
                                  number=number, issued=issued, due=due, amount_minor=cents,
                                  known_from=issued)


def credit(customer: Customer, kind: str, number: str, day: date, cents: int,
           to: Invoice | None = None, allocated: int = 0) -> Credit:
    made = Credit.objects.create(organization=customer.organization, customer=customer,
                                 kind=kind, key=number, number=number, date=day,
                                 amount_minor=cents)
    if to is not None:
        Allocation.objects.create(credit=made, invoice=to, amount_minor=allocated, date=day)
    return made


@pytest.fixture
def bakery(org) -> Customer:
    customer = Customer.objects.create(organization=org, ref="C0017", siren="552100554",
                                       name="Boulangerie Martin SARL")
    invoice(customer, "F-2025-031", date(2025, 5, 2), date(2025, 6, 1), 120000)
    partly = invoice(customer, "F-2025-044", date(2025, 5, 20), date(2025, 6, 19), 200000)
    invoice(customer, "F-2025-058", date(2025, 7, 1), date(2025, 7, 31), 50000)
    credit(customer, "payment", "VIR-0625", date(2025, 6, 25), 100000, partly, 80000)
    credit(customer, "credit_note", "AV-2025-003", date(2025, 7, 10), 15000)
    return customer


def formal_notice(customer: Customer, day: date, *numbers: str) -> Action:
    invoices = [customer.invoices.get(number=n) for n in numbers]
    balances = {"F-2025-031": 120000, "F-2025-044": 120000, "F-2025-051": 35000}
    action = Action.objects.create(organization=customer.organization, customer=customer,
                                   step="formal_notice", day=day, channels="email,letter",
                                   currency="EUR", amount_minor=0)
    for inv in invoices:
        StepRecord.objects.create(invoice=inv, step="formal_notice", day=day, action=action,
                                  balance_minor=balances[inv.number])
    return action


def test_formal_notice_of_an_action(bakery):
    action = formal_notice(bakery, AS_OF, "F-2025-031", "F-2025-044")
    name, pdf = formal_notice_pdf(action)
    assert name == "mise-en-demeure-c0017-2025-07-15.pdf"
    text = text_of(pdf)
    for expected in ("Atelier Nord SAS", "SIREN 732829320", "12 rue des Tanneurs",
                     "Boulangerie Martin SARL", "F-2025-031", "F-2025-044", "18,53 €",
                     "12,48 €", "80,00 €", "2 511,01 €", "23 juillet 2025", "D441-5",
                     "FR76 3000 6000 0112 3456 7890 189", "Claire Martin"):
        assert expected in text, expected
    assert "F-2025-058" not in text  # not part of this action


def test_the_email_can_quote_the_letter_totals(bakery):
    figures = notice_figures(notice_data_for_action(
        formal_notice(bakery, AS_OF, "F-2025-031", "F-2025-044")))
    assert (figures.principal, figures.interest, figures.indemnity, figures.total) == (
        Decimal("2400.00"), Decimal("31.01"), Decimal("80.00"), Decimal("2511.01"))


def test_only_a_formal_notice_action_has_a_letter(bakery):
    action = Action.objects.create(organization=bakery.organization, customer=bakery,
                                   step="reminder_1", day=AS_OF, channels="email",
                                   currency="EUR", amount_minor=0)
    with pytest.raises(InputError, match="reminder_1"):
        formal_notice_pdf(action)


def test_consumer_letter_has_no_indemnity(org):
    person = Customer.objects.create(organization=org, ref="C0021", name="Jean Dupont",
                                     kind="b2c", language="en")
    invoice(person, "F-2025-051", date(2025, 5, 11), date(2025, 6, 10), 35000)
    name, pdf = formal_notice_pdf(formal_notice(person, AS_OF, "F-2025-051"))
    text = text_of(pdf)
    assert name == "formal-notice-c0021-2025-07-15.pdf"
    assert "indemnity" not in text.lower() and "compensation" not in text.lower()
    assert "€350.00" in text and "2.76%" in text and "16 July 2025" in text


def test_a_missing_semester_refuses_the_letter(bakery):
    action = formal_notice(bakery, date(2026, 7, 15), "F-2025-031", "F-2025-044")
    with pytest.raises(RateMissing, match="2026 H2"):
        formal_notice_pdf(action)


def test_a_semester_added_by_the_user_is_used(bakery):
    assert add_rate(Semester(2026, 2), Decimal("2.00"), Decimal("2.50"), Decimal("6.50"),
                    "test") is False
    assert load_rates().ecb(Semester(2026, 2)) == Decimal("2.00")
    name, pdf = notice_for_customer(bakery, date(2026, 7, 15))
    assert "12,00 %" in text_of(pdf)
    # Correcting a known semester replaces it and says so.
    assert add_rate(Semester(2026, 2), Decimal("2.15"), Decimal("2.50"), Decimal("6.50")) is True
    assert RateOverride.objects.count() == 1


def test_a_rate_with_three_decimals_is_refused():
    with pytest.raises(InputError, match="two decimals"):
        add_rate(Semester(2027, 1), Decimal("2.155"), Decimal("2.5"), Decimal("6.5"))


def test_notice_on_demand_claims_overdue_undisputed_invoices(bakery):
    Dispute.objects.create(invoice=bakery.invoices.get(number="F-2025-031"),
                           opened_on=date(2025, 7, 1))
    text = text_of(notice_for_customer(bakery, AS_OF)[1])
    assert "F-2025-044" in text
    assert "F-2025-031" not in text  # disputed
    assert "F-2025-058" not in text  # not yet due
    # 1 200.00 + 12.48 interest + 40.00 indemnity
    assert "1 252,48 €" in text


def test_notice_on_demand_without_overdue_invoice_is_refused(bakery):
    with pytest.raises(InputError, match="no overdue"):
        notice_for_customer(bakery, date(2025, 5, 30))


def test_statement_csv(bakery):
    name, content = statement_for_customer(bakery, AS_OF, "csv")
    assert name == "releve-de-compte-c0017-2025-07-15.csv"
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert [(r["kind"], r["number"], r["balance"], r["interest"]) for r in rows] == [
        ("invoice", "F-2025-031", "1200.00", "18.53"),
        ("invoice", "F-2025-044", "1200.00", "12.48"),
        ("invoice", "F-2025-058", "500.00", "0.00"),
        ("payment", "VIR-0625", "-200.00", ""),
        ("credit_note", "AV-2025-003", "-150.00", ""),
        ("total", "", "2550.00", "31.01"),
    ]


def test_a_statement_needing_a_missing_semester_is_refused_until_it_is_added(bakery,
                                                                          tmp_path):
    with pytest.raises(RateMissing, match="2026 H2"):
        statement_for_customer(bakery, date(2026, 7, 10), "pdf", language="en")
    with pytest.raises(CommandError, match="no penalty rates for 2026 H2"):
        call_command("statement", "C0017", date="2026-07-10", out=str(tmp_path))
    add_rate(Semester(2026, 2), Decimal("2.15"), Decimal("2.62"), Decimal("6.67"))
    name, pdf = statement_for_customer(bakery, date(2026, 7, 10), "pdf", language="en")
    text = text_of(pdf)
    assert name == "statement-of-account-c0017-2026-07-10.pdf"
    assert "estimation provisoire" not in text and "Balance due" in text


def test_letter_statement_and_rates_commands(bakery, tmp_path, capsys):
    call_command("letter", "C0017", date="2025-07-15", out=str(tmp_path))
    letter = tmp_path / "mise-en-demeure-c0017-2025-07-15.pdf"
    assert "2 511,01 €" in text_of(letter.read_bytes())
    out = tmp_path / "s.csv"
    call_command("statement", "C0017", date="2025-07-15", format="csv", out=str(out))
    assert out.read_text(encoding="utf-8").splitlines()[-1] == "total,,,,,,2550.00,,31.01,0"
    with pytest.raises(CommandError, match="2026 H2"):
        call_command("letter", "C0017", date="2026-07-15", out=str(tmp_path))
    call_command("rates", "add", "--year", "2026", "--half", "2", "--ecb", "2.00",
                 "--legal-other", "2.50", "--legal-private", "6.50", "--source", "JO")
    call_command("rates", "list")
    listed = capsys.readouterr().out
    assert "2026 H2: rates added" in listed
    assert any(line.startswith("2026 H2") and "added" in line and "JO" in line
               for line in listed.splitlines())
    with pytest.raises(CommandError, match="no customer"):
        call_command("letter", "NOPE", date="2025-07-15")


def test_a_customer_owing_two_currencies_gets_one_statement_in_each(bakery, tmp_path):
    """Never "in credit" in euros while owing dollars: the euro statement is unchanged
    and the dollar one lists the dollar invoice (2025-07-15: 30 days late)."""
    Invoice.objects.create(organization=bakery.organization, customer=bakery, number="U-1",
                           issued=date(2025, 5, 16), due=date(2025, 6, 15),
                           amount_minor=230000, currency="USD", known_from=date(2025, 5, 16))
    files = statements_for_customer(bakery, date(2025, 7, 15), "csv")
    assert [name for name, _ in files] == ["releve-de-compte-c0017-2025-07-15.csv",
                                           "releve-de-compte-c0017-2025-07-15-usd.csv"]
    eur, usd = (list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
                for _, content in files)
    assert eur[-1][6] == "2550.00" and "U-1" not in {row[1] for row in eur}
    assert [row[1] for row in usd[1:-1]] == ["U-1"] and usd[-1][6] == "2300.00"
    call_command("statement", "C0017", date="2025-07-15", format="csv", out=str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(name for name, _ in files)
    with pytest.raises(CommandError, match="one statement each; give --out a folder"):
        call_command("statement", "C0017", date="2025-07-15", out=str(tmp_path / "s.pdf"))
