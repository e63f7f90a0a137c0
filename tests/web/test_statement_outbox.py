"""« Email the statement » goes through the outbox like every message.

One click is one outbox message (step ``statement``, approved at once, the collector
named in its event) delivered at once by the ordinary delivery: a real SMTP server on
loopback receives it with its PDF; a double click is one email; a relay answering
``451`` leaves it to the retries of the next delivery, which send it once; the folder
transport writes one ``.eml``; the outbox listing and the audit export show it.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command

from relance.dunning.models import TimelineEntry
from relance.ledger.models import Customer
from relance.messaging import services, statement
from relance.messaging.models import OutboxMessage, SendingSettings
from relance.web import statement_mail
from tests.sending.sink import Server, Sink
from tests.web.builders import DAY


@pytest.fixture
def relay(w, settings):
    """acme sends through a loopback SMTP server, at any hour (for the retries)."""
    sink = Sink()
    with Server(sink) as server:
        settings.RELANCE_SMTP = {"host": "127.0.0.1", "port": server.port, "user": "",
                                 "password": "", "tls": "none", "timeout": 10}
        SendingSettings.objects.update_or_create(organization=w["acme"], defaults={
            "window_start": None, "window_end": None, "business_days_only": False})
        yield sink


@pytest.fixture
def outbox(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "outbox"
    return settings.OUTBOX_DIR


def c1(w) -> Customer:
    return Customer.objects.get(organization=w["acme"], ref="C1")


def send_url(customer: Customer) -> str:
    return f"/o/acme/customers/{customer.pk}/statement/send/"


def statements() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(action__step__startswith="statement")
                .select_related("action"))


def test_one_click_is_one_outbox_message_and_one_email_with_its_pdf(alice, w, relay):
    page = alice.post(send_url(c1(w)), follow=True).content.decode()
    assert "Relevé de compte envoyé à compta@nord.example." in page
    [mail] = relay.messages
    assert relay.envelopes == [("recouvrement@acme.example", ["compta@nord.example"])]
    assert mail["Subject"] == "Relevé de compte – Acmé Services SAS"
    [pdf] = list(mail.iter_attachments())
    assert pdf.get_filename() == "releve-de-compte-c1-2026-03-16.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    [row] = statements()
    assert (row.status, row.action.step, row.action.day) == ("sent", "statement", DAY)
    assert row.message_id == mail["Message-ID"] and row.smtp_reply.startswith("250")
    assert row.files[0]["sha256"] == hashlib.sha256(pdf.get_content()).hexdigest()
    assert [e.cause for e in row.events.all()][0] == "requested by alice; no approval needed"
    [entry] = TimelineEntry.objects.filter(customer=c1(w), kind="statement_sent")
    assert entry.summary.startswith("releve-de-compte-c1-2026-03-16.pdf sent to "
                                    "compta@nord.example – 250")


def test_two_quick_clicks_send_one_email_and_the_page_says_so(alice, w, relay):
    alice.post(send_url(c1(w)))
    page = alice.post(send_url(c1(w)), follow=True).content.decode()
    assert len(relay.messages) == 1 and len(statements()) == 1
    assert "Le relevé a déjà été envoyé à compta@nord.example à " in page
    assert TimelineEntry.objects.filter(kind="statement_sent").count() == 1


def test_a_later_deliberate_request_the_same_day_sends_it_again(w, relay):
    now = services.clock()
    first = statement_mail.send_statement(c1(w), DAY, now, "alice")
    again = statement_mail.send_statement(c1(w), DAY, now + timedelta(minutes=1), "alice")
    assert (first.new, again.new, again.message.pk) == (True, False, first.message.pk)
    later = statement_mail.send_statement(c1(w), DAY, now + statement.REPEAT
                                          + timedelta(minutes=1), "alice")
    assert later.new and later.delivered and later.message.action.step == "statement-2"
    assert len(relay.ids()) == 2 and set(relay.ids().values()) == {1}


def test_a_relay_refusing_for_now_leaves_it_to_the_retries_which_send_it_once(
        alice, w, relay):
    relay.data_replies = ["451 4.3.0 try again later"]
    page = alice.post(send_url(c1(w)), follow=True).content.decode()
    assert "Le relevé n’a pas encore pu partir" in page and "451" in page
    [row] = statements()
    assert row.status == "approved" and row.attempts == 1 and row.next_attempt_at
    assert not TimelineEntry.objects.filter(kind="statement_sent").exists()
    # a click while it waits for its retry sends nothing and says it is on its way
    page = alice.post(send_url(c1(w)), follow=True).content.decode()
    assert "est en route" in page and len(statements()) == 1
    # the next ordinary delivery (relance send, a worker) after the backoff sends it
    later = row.next_attempt_at + timedelta(seconds=1)
    outcome = services.deliver(w["acme"], now=lambda: later, as_of=DAY)
    assert [m.pk for m in outcome.delivered] == [row.pk]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(relay.messages) == 1 and relay.messages[0]["Message-ID"] == row.message_id
    assert TimelineEntry.objects.filter(kind="statement_sent").count() == 1
    assert not services.deliver(w["acme"], now=lambda: later, as_of=DAY).delivered


def test_the_folder_transport_writes_one_eml_and_the_outbox_shows_it(alice, w, outbox):
    alice.post(send_url(c1(w)))
    alice.post(send_url(c1(w)))
    [path] = sorted(outbox.glob("acme/*/*.eml"))
    assert path.name == "C1-statement-EUR.eml"
    [row] = statements()
    assert row.status == "written" and row.path == str(path)
    listing = io.StringIO()
    call_command("outbox", "--org", "acme", "--status", "written", stdout=listing)
    assert "statement" in listing.getvalue() and "Relevé de compte" in listing.getvalue()
    [record] = [r for r in services.audit(w["acme"]) if r["step"] == "statement"]
    assert record["customer"] == "C1" and record["attachments"][0]["name"].endswith(".pdf")
    assert [e["to"] for e in record["events"]] == ["approved", "sending", "written"]
    json.dumps(record)  # what --export writes


def test_a_statement_is_sent_even_while_the_customer_is_paused(w, relay):
    customer = c1(w)
    customer.paused_until = DAY + timedelta(days=30)
    customer.save()
    done = statement_mail.send_statement(customer, DAY, services.clock(), "alice")
    assert done.delivered and len(relay.messages) == 1


def test_a_refused_statement_fails_on_the_page_and_a_person_can_retry_it(alice, w, relay):
    relay.refuse["compta@nord.example"] = "550 5.1.1 no such mailbox"
    page = alice.post(send_url(c1(w)), follow=True).content.decode()
    assert "Le relevé n’a pas pu partir : " in page and "550" in page
    [row] = statements()
    assert row.status == "failed" and not relay.messages
    relay.refuse.clear()
    services.retry(row, "alice")  # the outbox page's « retry »: drafted afresh, approved
    assert [m.pk for m in services.deliver(w["acme"], as_of=DAY).delivered] == [row.pk]
    [mail] = relay.messages
    assert mail["Message-ID"] == row.message_id and len(list(mail.iter_attachments())) == 1
