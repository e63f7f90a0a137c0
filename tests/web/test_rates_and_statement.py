"""The late-interest rate page and « send the statement » from the customer page.

The packaged table holds 2026 H1 (ECB 2.15 %, legal 2.62 % / 6.67 %); an administrator
adds 2026 H2. The statement of Atelier Nord (C1) goes to Inès, its accounts-payable
contact, not to Marc (business); Cèdre SARL (C3) has no address at all.
"""

from __future__ import annotations

import email
from decimal import Decimal
from email import policy

import pytest

from relance.core.rates import Semester
from relance.documents.models import RateOverride
from relance.documents.rates import load_rates
from relance.dunning.models import TimelineEntry
from relance.ledger.models import Contact, Customer
from tests.web.builders import DAY, PASSWORD

H2_2026 = {"year": "2026", "half": "2", "ecb": "2,40", "legal_other": "3.10",
           "legal_private": "6,9", "source": "arrêté du 20 juin 2026"}


def test_the_settings_page_links_to_the_rates(alice, w):
    assert "/o/acme/settings/rates/" in alice.get("/o/acme/settings/").content.decode()


def test_the_rate_page_lists_the_packaged_table_and_says_it_is_shared(alice, w):
    page = alice.get("/o/acme/settings/rates/").content.decode()
    assert "janvier–juin 2026" in page
    assert "2,15\u00a0%" in page and "2,62\u00a0%" in page and "6,67\u00a0%" in page
    assert "pour toutes les organisations de cette installation" in page
    assert "ajouté</span>" not in page


def test_an_administrator_adds_a_semester_with_decimal_rates(alice, w):
    response = alice.post("/o/acme/settings/rates/", H2_2026, follow=True)
    page = response.content.decode()
    assert "Taux de juillet–décembre 2026 ajoutés." in page
    assert "2,40\u00a0%" in page and "ajouté</span>" in page
    row = load_rates().rates(Semester(2026, 2))
    assert (row.ecb, row.legal_other, row.legal_private) == (
        Decimal("2.40"), Decimal("3.10"), Decimal("6.90"))
    assert row.source == "arrêté du 20 juin 2026"


def test_a_semester_already_known_is_replaced_and_said_so(alice, w):
    response = alice.post("/o/acme/settings/rates/", {**H2_2026, "half": "1"}, follow=True)
    assert "Taux de janvier–juin 2026 remplacés." in response.content.decode()
    assert load_rates().ecb(Semester(2026, 1)) == Decimal("2.40")
    assert RateOverride.objects.count() == 1


def test_bad_rates_are_answered_next_to_each_field_in_french(alice, w):
    response = alice.post("/o/acme/settings/rates/", {
        "year": "1999", "half": "3", "ecb": "2,155", "legal_other": "deux",
        "legal_private": "100"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Saisissez une année de 2000 à 2100." in page
    assert "Sélectionnez un choix valide." in page  # Django's own message for the half
    assert page.count("Saisissez un pourcentage de 0 à 100, avec deux décimales au plus.") == 2
    assert "Saisissez un pourcentage comme 2,15." in page
    assert not RateOverride.objects.exists()


def test_the_rate_errors_are_in_english_for_an_english_reader(alice, w):
    alice.post("/i18n/setlang/", {"language": "en", "next": "/o/acme/"})
    page = alice.post("/o/acme/settings/rates/", {**H2_2026, "year": "2101"}).content.decode()
    assert "Enter a year from 2000 to 2100." in page
    assert "shared by every organization of this installation" in page


def test_a_viewer_and_a_collector_read_the_rates_but_cannot_add_one(client, w):
    for who in ("vera", "carl"):
        client.login(username=who, password=PASSWORD)
        page = client.get("/o/acme/settings/rates/")
        assert page.status_code == 200
        assert "Seul un administrateur ajoute des taux." in page.content.decode()
        assert client.post("/o/acme/settings/rates/", H2_2026).status_code == 403
    assert not RateOverride.objects.exists()


# --- send the statement ------------------------------------------------------------------

@pytest.fixture
def outbox(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "outbox"
    return settings.OUTBOX_DIR


def customer(w, ref: str) -> Customer:
    return Customer.objects.get(organization=w["acme"], ref=ref)


def sent_files(outbox) -> list:
    return sorted(outbox.glob("acme/*/*statement*.eml"))


def test_send_the_statement_to_the_accounts_payable_contact(alice, w, outbox):
    c1 = customer(w, "C1")
    page = alice.get(f"/o/acme/customers/{c1.pk}/").content.decode()
    assert "Envoyer le relevé par e-mail" in page and "à compta@nord.example" in page
    response = alice.post(f"/o/acme/customers/{c1.pk}/statement/send/", follow=True)
    assert "Relevé de compte envoyé à compta@nord.example." in response.content.decode()
    page = alice.get(f"/o/acme/customers/{c1.pk}/").content.decode()
    assert "écrit dans le dossier d’envoi" in page and "(folder)" not in page
    [path] = sent_files(outbox)
    assert path.parent == outbox / "acme" / DAY.isoformat()
    mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert mail["To"] == "Inès <compta@nord.example>"  # not Marc, the business contact
    assert mail["From"].addresses[0].addr_spec == "recouvrement@acme.example"
    assert mail["Subject"] == "Relevé de compte – Acmé Services SAS"
    assert "relevé de votre compte chez Acmé Services SAS au 16 mars 2026" in (
        mail.get_body(("plain",)).get_content())
    [pdf] = list(mail.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == "releve-de-compte-c1-2026-03-16.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    entry = TimelineEntry.objects.get(customer=c1, kind="statement_sent")
    assert entry.day == DAY and "compta@nord.example" in entry.summary
    assert "patron@nord.example" not in entry.summary
    assert "Relevé de compte envoyé" in alice.get(f"/o/acme/customers/{c1.pk}/").content.decode()


def test_an_english_customer_gets_the_english_text(alice, w, outbox):
    c2 = customer(w, "C2")
    alice.post(f"/o/acme/customers/{c2.pk}/statement/send/")
    [path] = sent_files(outbox)
    mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert mail["Subject"] == "Statement of account – Acmé Services SAS"
    assert "as of 16 March 2026" in mail.get_body(("plain",)).get_content()
    [pdf] = list(mail.iter_attachments())
    assert pdf.get_filename() == "statement-of-account-c2-2026-03-16.pdf"


def test_without_an_accounts_payable_address_the_first_contact_with_one_receives_it(
        alice, w, outbox):
    c3 = customer(w, "C3")
    Contact.objects.create(customer=c3, role="legal", email="juriste@cedre.example")
    Contact.objects.create(customer=c3, role="business", email="vente@cedre.example")
    alice.post(f"/o/acme/customers/{c3.pk}/statement/send/")
    [path] = sent_files(outbox)
    mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert mail["To"].addresses[0].addr_spec == "juriste@cedre.example"
    assert len(mail["To"].addresses) == 1


def test_a_customer_without_any_address_gets_a_clear_message(alice, w, outbox):
    c3 = customer(w, "C3")
    assert "aucun contact n’a d’adresse e-mail" in (
        alice.get(f"/o/acme/customers/{c3.pk}/").content.decode())
    response = alice.post(f"/o/acme/customers/{c3.pk}/statement/send/", follow=True)
    assert ("Aucun contact de ce client n’a d’adresse e-mail : ajoutez-en une pour envoyer "
            "le relevé.") in response.content.decode()
    assert sent_files(outbox) == []
    assert not TimelineEntry.objects.filter(customer=c3, kind="statement_sent").exists()


def test_a_viewer_cannot_send_and_a_get_sends_nothing(client, w, outbox):
    c1 = customer(w, "C1")
    client.login(username="vera", password=PASSWORD)
    assert "Envoyer le relevé" not in client.get(f"/o/acme/customers/{c1.pk}/").content.decode()
    assert client.post(f"/o/acme/customers/{c1.pk}/statement/send/").status_code == 403
    client.login(username="carl", password=PASSWORD)
    assert client.get(f"/o/acme/customers/{c1.pk}/statement/send/").status_code == 302
    assert sent_files(outbox) == []
    assert client.post(f"/o/acme/customers/{c1.pk}/statement/send/").status_code == 302
    assert len(sent_files(outbox)) == 1


def test_a_statement_needing_rates_not_yet_added_is_refused_saying_which(alice, w, outbox,
                                                                         monkeypatch):
    from datetime import date

    monkeypatch.setattr("relance.clock.today", lambda timezone="Europe/Paris": date(2026, 7, 10))
    c1 = customer(w, "C1")
    said = ("Les taux des pénalités de retard de 2026 H2 manquent : ajoutez-les dans "
            "Paramètres → Taux des pénalités de retard, puis demandez de nouveau le relevé.")
    response = alice.get(f"/o/acme/customers/{c1.pk}/statement/", follow=True)
    assert said in response.content.decode()
    response = alice.post(f"/o/acme/customers/{c1.pk}/statement/send/", follow=True)
    assert said in response.content.decode() and not sent_files(outbox)
    alice.post("/o/acme/settings/rates/", H2_2026)
    response = alice.get(f"/o/acme/customers/{c1.pk}/statement/")
    assert response["Content-Type"] == "application/pdf"


def test_a_customer_with_dollar_invoices_has_a_statement_in_each_currency(alice, w, outbox):
    from relance.ledger.models import Invoice

    c1 = customer(w, "C1")
    Invoice.objects.create(organization=w["acme"], customer=c1, number="U-1", currency="USD",
                           issued=DAY, due=DAY, amount_minor=50000, known_from=DAY)
    page = alice.get(f"/o/acme/customers/{c1.pk}/").content.decode()
    assert "?currency=EUR" in page and "?currency=USD" in page
    usd = alice.get(f"/o/acme/customers/{c1.pk}/statement/?format=csv&currency=USD")
    assert b"U-1" in usd.content and b"F-100" not in usd.content
    assert alice.get(f"/o/acme/customers/{c1.pk}/statement/?currency=GBP").status_code == 404
    alice.post(f"/o/acme/customers/{c1.pk}/statement/send/")
    [path] = sent_files(outbox)
    mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert [p.get_filename() for p in mail.iter_attachments()] == [
        "releve-de-compte-c1-2026-03-16.pdf", "releve-de-compte-c1-2026-03-16-usd.pdf"]
