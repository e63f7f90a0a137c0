"""Scenarios, templates, imports and settings: each bad input answered next to its field."""

from __future__ import annotations

import email
from email import policy

from relance.dunning.models import Policy
from relance.ledger.models import Invoice
from relance.web.models import ImportRun, SmtpSettings, TemplateOverride

HTMX = {"HTTP_HX_REQUEST": "true"}


def scenario(name: str, steps: list[tuple[str, str, str]]) -> dict:
    data = {"name": name, "min_gap": "7", "threshold": "1,00", "promise_grace": "3",
            "steps-TOTAL_FORMS": str(len(steps)), "steps-INITIAL_FORMS": "0"}
    for i, (step, channel, offset) in enumerate(steps):
        data.update({f"steps-{i}-name": step, f"steps-{i}-channels": channel.split(","),
                     f"steps-{i}-offset": offset, f"steps-{i}-template": ""})
    return data


def test_a_scenario_with_steps_out_of_order_is_refused_at_that_step(alice, w):
    response = alice.post("/o/acme/scenarios/new/", scenario(
        "doux", [("reminder_1", "email", "10"), ("reminder_2", "email", "5")]))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_steps-1-offset_error"' in page
    assert ("Chaque étape doit venir après la précédente : reminder_2 vient après reminder_1."
            in page)
    assert not Policy.objects.exists()


def test_save_a_scenario_then_assign_it(alice, w):
    alice.post("/o/acme/scenarios/new/", scenario(
        "doux", [("reminder_1", "email", "10"), ("reminder_2", "email,call", "25")]))
    saved = Policy.objects.get(organization=w["acme"], name="doux")
    assert [s["offset"] for s in saved.definition["steps"]] == [10, 25]
    customer = w["acme"].customers.get(ref="C1")
    alice.post(f"/o/acme/customers/{customer.pk}/scenario/", {"policy": "doux"})
    customer.refresh_from_db()
    assert customer.policy == "doux"


def test_a_template_with_an_unknown_placeholder_is_refused_in_french(alice, w):
    response = alice.post("/o/acme/templates/fr/reminder_1/", {
        "subject": "Relance {{ client }}", "body": "Bonjour,\n{{ total_due|money }}\n"})
    assert response.status_code == 400
    assert "Variable inconnue : client" in response.content.decode()
    assert not TemplateOverride.objects.exists()


def test_the_live_preview_renders_on_a_real_invoice(alice, w):
    response = alice.post("/o/acme/templates/en/reminder_1/preview/", {
        "subject": "Reminder {{ invoice.number }}",
        "body": "Dear {{ customer_name }},\n{{ total_due|money }} is due.\n"}, **HTMX)
    page = response.content.decode()
    # The oldest open invoice of acme: F-300 of Cèdre SARL, 99,90 € (English: €99.90).
    assert "Reminder F-300" in page and "Dear Cèdre SARL," in page and "€99.90" in page


def test_saving_a_template_makes_it_the_organizations(alice, w):
    alice.post("/o/acme/templates/fr/reminder_1/", {
        "subject": "Facture {{ invoice.number }}", "body": "Bonjour,\n{{ total_due|money }}\n"})
    row = TemplateOverride.objects.get(organization=w["acme"], language="fr", step="reminder_1")
    assert row.subject == "Facture {{ invoice.number }}"
    from relance.web.templates_store import overrides

    assert overrides(w["acme"])[("fr", "reminder_1")].subject == row.subject
    assert overrides(w["globex"]) == {}


def test_import_an_invoice_csv_and_read_its_row_report(alice, w):
    csv = ("number;customer_ref;issue_date;due_date;amount\n"
           "F-400;C1;2026-03-01;2026-03-31;150,00\nF-401;C1;31/02/2026;2026-03-31;10\n")
    upload = _file("factures.csv", csv.encode())
    response = alice.post("/o/acme/imports/", {"kind": "invoices", "file": upload}, follow=True)
    page = response.content.decode()
    run = ImportRun.objects.get(organization=w["acme"])
    assert [r[2:] for r in run.rows] == [["F-400", "created"]]
    assert [(e["line"], e["field"]) for e in run.rejected] == [(3, "issue_date")]
    assert "Lignes rejetées" in page and "issue_date" in page
    assert Invoice.objects.get(organization=w["acme"], number="F-400").amount_minor == 15000


def test_an_unreadable_file_is_answered_next_to_the_file_field(alice, w):
    response = alice.post("/o/acme/imports/", {"kind": "fec",
                                               "file": _file("fec.txt", b"\x00\x01 nothing")})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_file_error"' in page and "Ce fichier est illisible" in page


def test_settings_check_siren_and_iban(alice, w):
    response = alice.post("/o/acme/settings/", {
        "section": "identity", "identity-name": "Acmé", "identity-siren": "123456789",
        "identity-iban": "FR76 0000", "identity-currency": "EUR", "identity-address": ""})
    page = response.content.decode()
    assert "Un SIREN compte 9 chiffres et une clé de contrôle valide." in page
    assert "Cet IBAN n’est pas valide : vérifiez ses chiffres." in page


def test_send_window_must_end_after_it_starts(alice, w):
    response = alice.post("/o/acme/settings/", {
        "section": "sending", "sending-mode": "review", "sending-window_start": "17:00",
        "sending-window_end": "09:00"})
    assert "La plage doit finir après son début." in response.content.decode()


def test_send_me_a_test_through_the_organizations_smtp(alice, w, smtp_server):
    port, inbox = smtp_server
    alice.post("/o/acme/settings/", {"section": "smtp", "smtp-host": "127.0.0.1",
                                     "smtp-port": str(port), "smtp-user": "",
                                     "smtp-password": "", "smtp-tls": "none"})
    assert SmtpSettings.of(w["acme"]).port == port
    response = alice.post("/o/acme/settings/smtp-test/", follow=True)
    assert "Message de test envoyé à alice@example.com par 127.0.0.1." in (
        response.content.decode())
    [(sender, to, raw)] = inbox.messages
    mail = email.message_from_bytes(raw, policy=policy.default)
    assert to == ["alice@example.com"] and sender == "recouvrement@acme.example"
    assert mail["Subject"] == "Relance : message de test"


def test_a_refused_smtp_test_says_why(alice, w):
    alice.post("/o/acme/settings/", {"section": "smtp", "smtp-host": "127.0.0.1",
                                     "smtp-port": "1", "smtp-tls": "none"})
    page = alice.post("/o/acme/settings/smtp-test/", follow=True).content.decode()
    assert "Le message de test n’a pas pu partir : 127.0.0.1:1:" in page


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_settings_refuse_payment_terms_over_the_legal_limit(alice, w):
    response = alice.post("/o/acme/settings/", {
        "section": "terms", "terms-payment_terms_days": "61", "terms-country": "FR",
        "terms-subdivision": "", "terms-timezone": "Europe/Paris"})
    assert response.status_code == 400
    assert "La loi autorise 60 jours au plus (L441-10)." in response.content.decode()
    w["acme"].refresh_from_db()
    assert w["acme"].payment_terms_days == 30


def test_two_steps_of_the_same_name_are_refused_naming_the_step(alice, w):
    # The second reminder_1 equals the standard scenario's step that the page shows.
    for steps in ([("reminder_1", "email", "3"), ("reminder_1", "email", "3")],
                  [("reminder_1", "email", "3"), ("reminder_1", "email", "10"),
                   ("formal_notice", "letter", "30"), ("formal_notice", "letter", "40")]):
        response = alice.post("/o/acme/scenarios/new/", scenario("doux", steps))
        assert response.status_code == 400
        page = response.content.decode()
        assert 'id="id_steps-1-name_error"' in page
        assert ("Une autre étape s’appelle déjà « reminder_1 » : donnez à chaque étape son "
                "propre nom." in page)
    assert "« formal_notice »" in page and 'id="id_steps-3-name_error"' in page
    assert not Policy.objects.exists()
