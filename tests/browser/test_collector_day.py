"""A collector's morning in a real browser: log in, switch organization, approve and send
a reminder (received by a loopback SMTP server), log a call with a promise and find it
on the timeline, import a bank statement and accept the suggested match.
"""

from __future__ import annotations

import email
from decimal import Decimal
from email import policy

import pytest

from relance.ledger.models import Membership
from relance.messaging.formatting import format_money
from relance.messaging.models import SendingSettings
from tests.browser.conftest import needs_chromium
from tests.web.builders import DAY, PASSWORD, world

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}

# A transfer from Atelier Nord for its two invoices, without quoting their numbers: the
# matcher suggests them (name and amount) but leaves the decision to a person.
STATEMENT = (
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n"
    "CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
    "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
    "<DTSERVER>20260316<LANGUAGE>FRA</SONRS></SIGNONMSGSRSV1>"
    "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>"
    "<STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>30004<BRANCHID>00123"
    "<ACCTID>00012345678<ACCTTYPE>CHECKING</BANKACCTFROM>\r\n"
    "<BANKTRANLIST><DTSTART>20260301<DTEND>20260316\r\n"
    "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260313<TRNAMT>1500,50"
    "<FITID>T-001<NAME>ATELIER NORD<MEMO>VIREMENT SEPA REGLEMENT"
    "</STMTTRN>\r\n"
    "</BANKTRANLIST><LEDGERBAL><BALAMT>1500.50<DTASOF>20260316</LEDGERBAL>"
    "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\r\n")


@pytest.fixture
def day(monkeypatch):
    monkeypatch.setattr("relance.clock.today", lambda timezone="Europe/Paris": DAY)
    return DAY


@pytest.fixture
def people(day, settings, smtp_server):
    port, _inbox = smtp_server
    settings.RELANCE_SMTP = {"host": "127.0.0.1", "port": port, "user": "", "password": "",
                             "tls": "none"}
    w = world()
    for org in (w["acme"], w["globex"]):
        conf = SendingSettings.of(org)
        conf.window_start = conf.window_end = None  # any hour: the test runs at any time
        conf.business_days_only = False
        conf.save()
    Membership.objects.filter(user=w["carl"], organization=w["acme"]).update(role="admin")
    return w


def shoot(page, shots, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_a_collectors_morning(live_server, chromium, shots, people, smtp_server, tmp_path):
    _port, inbox = smtp_server
    page = chromium.new_page(viewport=DESKTOP, locale="fr-FR")
    page.set_default_timeout(15000)

    # Log in: the login page is French by default.
    page.goto(f"{live_server.url}/o/acme/")
    assert page.get_by_role("heading", name="Se connecter").is_visible()
    shoot(page, shots, "01-login")
    page.get_by_label("Nom d’utilisateur").fill("carl")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    # The portfolio: one line per organization; then switch to acme with the switcher.
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("row", name="Acmé Services SAS").is_visible()
    assert page.get_by_role("row", name="Globex Conseil").is_visible()
    shoot(page, shots, "02-portfolio")
    page.get_by_label("Organisation").select_option("globex")
    page.wait_for_url("**/o/globex/")
    page.get_by_label("Organisation").select_option("acme")
    page.wait_for_url("**/o/acme/")
    shoot(page, shots, "03-today")

    # Approve Atelier Nord's first reminder: htmx swaps the card, SMTP receives the mail.
    card = page.locator("article", has_text="Atelier Nord").filter(has_text="Relance")
    card.get_by_role("button", name="Approuver et envoyer").click()
    page.get_by_text("Approuvé").first.wait_for()
    mails = [email.message_from_bytes(raw, policy=policy.default) for _f, _t, raw in inbox.messages]
    assert [m["To"].addresses[0].addr_spec for m in mails] == ["compta@nord.example"]
    total = format_money(Decimal("1200.00") + Decimal("300.50"), "EUR", "fr")
    assert total in mails[0].get_body(("plain",)).get_content()

    # Log a call to Boréal: a promise of 2 400,00 € for 31 March.
    call = page.locator("#calls article", has_text="Boréal Ltd")
    call.get_by_role("link", name="Consigner l’appel").click()
    call.get_by_label("Résultat").select_option("promise")
    call.get_by_label("Date de paiement promise").fill("2026-03-31")
    call.get_by_label("Montant promis").fill("2 400,00")
    call.get_by_role("button", name="Enregistrer l’appel").click()
    page.locator("#calls article", has_text="Boréal Ltd").get_by_text("Appel consigné").wait_for()

    # The promise is on Boréal's timeline.
    page.get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="Boréal Ltd").click()
    timeline = page.locator("ol.timeline")
    assert timeline.get_by_text("Promesse de paiement").first.is_visible()
    promised = format_money(Decimal("2400.00"), "EUR", "fr")
    assert timeline.get_by_text(f"promesse de payer {promised} au plus tard le 31 mars 2026"
                                ).first.is_visible()  # worded in the collector's French
    shoot(page, shots, "04-customer")
    page.get_by_role("link", name="F-200").click()
    shoot(page, shots, "05-invoice")

    # Import the bank statement, then accept the suggested match in the review queue.
    statement = tmp_path / "releve-mars.ofx"
    statement.write_bytes(STATEMENT.encode("cp1252"))
    page.get_by_role("link", name="Imports").click()
    page.get_by_label("Contenu du fichier").select_option("bank")
    page.get_by_label("Fichier", exact=True).set_input_files(str(statement))
    page.get_by_role("button", name="Importer").click()
    page.wait_for_url("**/imports/*/")
    shoot(page, shots, "06-import-report")
    page.get_by_role("link", name="Imports").first.click()
    page.get_by_role("link", name="Rapprochement bancaire").click()
    shoot(page, shots, "07-reconciliation")
    assert page.get_by_text("montant égal à la somme des soldes de 2 factures").first.is_visible()
    page.get_by_role("button", name="Accepter ce rapprochement").first.click()
    page.get_by_text("Paiement enregistré et affecté.").wait_for()
    page.get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="Atelier Nord").click()
    assert page.locator("ol.timeline").get_by_text("Paiement").first.is_visible()

    # The other pages, for the record.
    for name, path in (("08-scenarios", "scenarios/"), ("09-template", "templates/fr/reminder_1/"),
                       ("10-settings", "settings/"), ("11-customers", "customers/"),
                       ("13-scenario-new", "scenarios/new/")):
        page.goto(f"{live_server.url}/o/acme/{path}")
        shoot(page, shots, name)
    page.close()


def test_the_template_preview_follows_the_typing(live_server, chromium, shots, people):
    page = chromium.new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill("alice")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/o/acme/templates/fr/reminder_1/")
    subject = page.get_by_label("Objet")
    subject.fill("Rappel {{ customer_name }} – {{ total_due|money }}")
    page.locator("#preview").get_by_text("Rappel Cèdre SARL").wait_for()
    subject.fill("Rappel {{ client }}")
    page.locator("#preview").get_by_text("Variable inconnue").wait_for()
    shoot(page, shots, "12-template-error")
    page.close()
