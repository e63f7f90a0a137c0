"""« Aujourd'hui » and the customer and invoice pages, through the Django test client.

Amounts are those of tests/web/builders.py, formatted the French way by Babel.
"""

from __future__ import annotations

from decimal import Decimal

from relance.dunning.models import Promise, Task, TimelineEntry
from relance.ledger.models import Credit, Customer, Invoice
from relance.ledger.services import allocate_credit
from relance.messaging.formatting import format_money
from relance.messaging.models import OutboxMessage
from tests.web.builders import DAY

HTMX = {"HTTP_HX_REQUEST": "true"}


def euros(text: str) -> str:
    return format_money(Decimal(text), "EUR", "fr")


def awaiting(org, ref: str) -> OutboxMessage:
    return OutboxMessage.objects.get(organization=org, action__customer__ref=ref,
                                     action__step="reminder_1", status="awaiting_approval")


def test_today_lists_messages_to_approve_calls_and_their_phones(alice, w):
    page = alice.get("/o/acme/").content.decode()
    assert "Aujourd’hui" in page and "16 mars 2026" in page
    assert "Relance : 2 factures échues" in page  # C1's first reminder awaits approval
    assert euros("1500.50") in page
    assert "+44 20 7946 0000" in page and "F-200" in page  # Boréal's call: phone, invoice


def test_approve_sends_and_the_card_says_so(alice, w):
    message = awaiting(w["acme"], "C1")
    response = alice.post(f"/o/acme/messages/{message.pk}/approve/", **HTMX)
    assert "Approuvé : le message part dans la plage d’envoi." in response.content.decode()
    message.refresh_from_db()
    assert message.status == "written"  # no SMTP relay in this test: the outbox folder


def test_approving_a_message_too_old_to_send_says_it_was_not_sent(alice, w, monkeypatch):
    from datetime import timedelta

    monkeypatch.setattr("relance.clock.today", lambda timezone="Europe/Paris": DAY + timedelta(
        days=8))
    message = awaiting(w["acme"], "C1")
    page = alice.post(f"/o/acme/messages/{message.pk}/approve/", **HTMX).content.decode()
    assert ("Non envoyé : rédigé pour le 16 mars 2026, 8 jours avant de pouvoir partir"
            in page)
    message.refresh_from_db()
    assert message.status == "cancelled"


def test_skip_needs_a_reason_said_next_to_the_field(alice, w):
    message = awaiting(w["acme"], "C1")
    response = alice.post(f"/o/acme/messages/{message.pk}/skip/", {"reason": ""}, **HTMX)
    page = response.content.decode()
    assert "skip-" in page and "-error" in page and "Ce champ est obligatoire." in page
    alice.post(f"/o/acme/messages/{message.pk}/skip/", {"reason": "payé par chèque"}, **HTMX)
    message.refresh_from_db()
    assert message.status == "cancelled"


def test_log_a_call_with_a_promise(alice, w):
    task = Task.objects.get(organization=w["acme"], customer__ref="C2", kind="call")
    prefix = f"t{task.pk}"
    missing = alice.post(f"/o/acme/tasks/{task.pk}/call/", {f"{prefix}-outcome": "promise"},
                         **HTMX).content.decode()
    assert "Indiquez la date à laquelle le client a promis de payer." in missing
    done = alice.post(f"/o/acme/tasks/{task.pk}/call/", {
        f"{prefix}-outcome": "promise", f"{prefix}-until": "2026-03-31",
        f"{prefix}-amount": "2 400,00", f"{prefix}-note": "virement lundi"}, **HTMX)
    assert "Appel consigné" in done.content.decode()
    promise = Promise.objects.get(customer__ref="C2")
    assert (promise.until.isoformat(), promise.amount_minor) == ("2026-03-31", 240000)
    assert [i.number for i in promise.invoices.all()] == ["F-200"]
    task.refresh_from_db()
    assert task.done_on is not None
    assert TimelineEntry.objects.filter(customer=promise.customer, kind="call",
                                        summary__contains="virement lundi").exists()


def test_a_promise_date_in_the_past_is_refused(alice, w):
    task = Task.objects.get(organization=w["acme"], customer__ref="C2", kind="call")
    p = f"t{task.pk}"
    page = alice.post(f"/o/acme/tasks/{task.pk}/call/", {
        f"{p}-outcome": "promise", f"{p}-until": "2026-03-01"}, **HTMX).content.decode()
    assert "La date promise ne peut pas être passée." in page
    assert not Promise.objects.exists()


def test_customer_list_shows_balances_and_filters(alice, w):
    page = alice.get("/o/acme/customers/").content.decode()
    for name, amount in (("Atelier Nord", "1500.50"), ("Boréal Ltd", "2400.00"),
                         ("Cèdre SARL", "99.90")):
        assert name in page and euros(amount) in page
    found = alice.get("/o/acme/customers/?q=bor").content.decode()
    assert "Boréal Ltd" in found and "Atelier Nord" not in found
    c3 = Customer.objects.get(organization=w["acme"], ref="C3")
    paid = Credit.objects.create(organization=w["acme"], customer=c3, kind="payment", key="p1",
                                 date=DAY, amount_minor=9990, currency="EUR")
    allocate_credit(paid)
    late = alice.get("/o/acme/customers/?overdue=on").content.decode()
    assert "Atelier Nord" in late and "Cèdre SARL" not in late


def test_customer_page_has_contacts_invoices_and_the_full_messages(alice, w):
    c2 = Customer.objects.get(organization=w["acme"], ref="C2")
    page = alice.get(f"/o/acme/customers/{c2.pk}/").content.decode()
    assert "ap@boreal.example" in page and "F-200" in page
    body = OutboxMessage.objects.filter(action__customer=c2).first().body
    assert body.splitlines()[2] in page  # the message's text itself, not only its subject


def test_the_invoice_page_names_the_channels_in_the_reader_language(alice, w):
    f200 = Invoice.objects.get(organization=w["acme"], number="F-200")
    page = alice.get(f"/o/acme/invoices/{f200.pk}/").content.decode()
    assert "<td>e-mail</td>" in page and "<td>email</td>" not in page


def test_pause_until_a_date(alice, w):
    c3 = Customer.objects.get(organization=w["acme"], ref="C3")
    bad = alice.post(f"/o/acme/customers/{c3.pk}/pause/", {"until": "2026-02-01"})
    assert bad.status_code == 400
    assert "Choisissez aujourd’hui ou un jour suivant." in bad.content.decode()
    alice.post(f"/o/acme/customers/{c3.pk}/pause/", {"until": "2026-04-30"})
    c3.refresh_from_db()
    assert c3.paused_until.isoformat() == "2026-04-30"


def test_the_timeline_reads_in_the_collector_s_language(alice, w):
    c3 = Customer.objects.get(organization=w["acme"], ref="C3")
    alice.post(f"/o/acme/customers/{c3.pk}/pause/", {"until": "2026-04-30"})
    page = alice.get(f"/o/acme/customers/{c3.pk}/").content.decode()
    assert "relances suspendues jusqu’au 30 avril 2026 inclus" in page
    alice.post("/i18n/setlang/", {"language": "en", "next": "/o/acme/"})
    page = alice.get(f"/o/acme/customers/{c3.pk}/").content.decode()
    assert "paused through 30 April 2026" in page and "suspendues" not in page


def test_litigation_and_statement(alice, w):
    c2 = Customer.objects.get(organization=w["acme"], ref="C2")
    alice.post(f"/o/acme/customers/{c2.pk}/litigation/")
    c2.refresh_from_db()
    assert c2.litigation_since.isoformat() == "2026-03-16"
    pdf = alice.get(f"/o/acme/customers/{c2.pk}/statement/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_invoice_page_shows_steps_done_and_to_come(alice, w):
    f200 = Invoice.objects.get(organization=w["acme"], number="F-200")
    page = alice.get(f"/o/acme/invoices/{f200.pk}/").content.decode()
    # Done: reminder_1 on 2 March, reminder_2 on 16 March; to come: formal notice
    # (due 14 Feb + 30 = 16 March, but 7 days after reminder_2: Monday 23 March).
    assert "Première relance" in page and "Deuxième relance" in page
    assert "Mise en demeure" in page and "23 mars 2026" in page


def test_promise_amount_is_checked_in_french(alice, w):
    f100 = Invoice.objects.get(organization=w["acme"], number="F-100")
    response = alice.post(f"/o/acme/invoices/{f100.pk}/promise/",
                          {"until": "2026-03-31", "amount": "douze"})
    assert response.status_code == 400
    assert "Saisissez un montant comme 1 234,56." in response.content.decode()


def test_dispute_then_resolve(alice, w):
    f100 = Invoice.objects.get(organization=w["acme"], number="F-100")
    alice.post(f"/o/acme/invoices/{f100.pk}/dispute/", {"reason": "livraison incomplète"})
    assert f100.disputes.get().reason == "livraison incomplète"
    alice.post(f"/o/acme/invoices/{f100.pk}/resolve/")
    assert f100.disputes.get().resolved_on.isoformat() == "2026-03-16"


def test_a_promised_date_years_ahead_is_refused_next_to_the_field(alice, w):
    f100 = Invoice.objects.get(organization=w["acme"], number="F-100")
    response = alice.post(f"/o/acme/invoices/{f100.pk}/promise/", {"until": "9999-12-31"})
    assert response.status_code == 400
    assert ("Une promesse ne peut pas nommer une date à plus de deux ans (au plus tard le "
            "16/03/2028).") in response.content.decode()
    assert not f100.customer.promises.exists()
