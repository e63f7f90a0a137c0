"""Sending by SMTP to a real server on loopback: headers, threads, attachments, failures."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from relance.dunning.models import Task, TimelineEntry
from relance.dunning.services import run_day
from relance.ledger.models import Credit
from relance.ledger.services import allocate_credit
from relance.messaging import outbox, services
from relance.messaging.models import OutboxMessage, SendingSettings
from tests.sending.conftest import FIRST, NOON, SECOND

pytestmark = pytest.mark.django_db


def at(moment):
    return lambda: moment


def drafted(org, day=FIRST):
    """Record the day's actions (the dunning run without its sending step), draft them."""
    real = services.send_pending
    services.send_pending = lambda _org, _day: ([], [])
    try:
        run_day(org, day)
    finally:
        services.send_pending = real
    return outbox.prepare(org, day, NOON)


def test_run_sends_each_reminder_from_the_collector_with_its_pdf(smtp, book):
    report = run_day(book, FIRST)
    assert len(report.messages) == 3 and not report.failures
    assert {m.status for m in report.messages} == {"sent"}
    mail = next(m for m in smtp.messages if "sge.example" in str(m["To"]))
    sender = mail["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("Camille Lefèvre",
                                                      "comptabilite@acme.example")
    assert mail["Reply-To"].addresses[0].addr_spec == "camille@acme.example"
    assert mail["To"].addresses[0].display_name == "Hélène"
    assert "F-1" in mail["Subject"]
    assert "Bonjour Hélène," in mail.get_body(("plain",)).get_content()
    [pdf] = list(mail.iter_attachments())
    assert pdf.get_filename() == "F-1.pdf"
    row = OutboxMessage.objects.get(message_id=mail["Message-ID"])
    assert row.files[0]["sha256"] == hashlib.sha256(pdf.get_content()).hexdigest()
    assert row.smtp_reply.startswith("250") and "Message-ID: " + row.message_id in row.headers
    assert smtp.envelopes[smtp.messages.index(mail)] == ("comptabilite@acme.example",
                                                         ["compta@sge.example"])


def test_french_subject_and_names_are_encoded_words_on_the_wire(smtp, book):
    run_day(book, FIRST)
    row = OutboxMessage.objects.get(action__customer__ref="C1")
    header_block = row.headers
    assert header_block.isascii()  # RFC 2047: no raw UTF-8 in the headers
    assert "=?utf-8?" in header_block and "Camille =?utf-8?" in header_block


def test_a_customers_reminders_form_one_thread(smtp, book):
    run_day(book, FIRST)
    run_day(book, SECOND)
    first, second = [m for m in smtp.messages if "boreal" in str(m["To"])]
    assert second["In-Reply-To"] == first["Message-ID"]
    assert second["References"] == first["Message-ID"]
    assert first["In-Reply-To"] is None


def test_a_temporary_refusal_is_retried_later_then_sent(smtp, book):
    drafted(book)
    smtp.data_replies = ["451 4.3.0 try again later"]
    result = services.deliver(book, now=at(NOON))
    assert len(result.delivered) == 2 and not result.failures
    [waiting] = OutboxMessage.objects.filter(status="approved")
    assert waiting.attempts == 1 and "451" in waiting.error
    assert waiting.next_attempt_at == NOON + timedelta(minutes=1)
    assert not services.deliver(book, now=at(NOON + timedelta(seconds=30))).delivered
    later = services.deliver(book, now=at(NOON + timedelta(minutes=1)))
    assert [m.pk for m in later.delivered] == [waiting.pk]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts, waiting.error) == ("sent", 2, "")
    assert [e.to_status for e in waiting.events.all()] == [
        "approved", "sending", "approved", "sending", "sent"]
    assert smtp.ids()[waiting.message_id] == 1


def test_too_many_temporary_failures_end_in_failed(smtp, book):
    SendingSettings.objects.filter(organization=book).update(max_attempts=2)
    drafted(book)
    smtp.data_replies = ["451 4.3.0 busy"] * 6
    services.deliver(book, now=at(NOON))
    services.deliver(book, now=at(NOON + timedelta(hours=1)))
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"failed"}
    assert all("after 2 attempts" in e for e in OutboxMessage.objects.values_list("error",
                                                                                 flat=True))


def test_a_refused_address_fails_and_asks_the_collector_to_call(smtp, book):
    smtp.refuse["nobody@cedre.example"] = "550 5.1.1 no such user"
    report = run_day(book, FIRST)
    assert len(report.messages) == 2 and len(report.failures) == 1
    row = OutboxMessage.objects.get(action__customer__ref="C3")
    assert row.status == "failed" and "550" in row.error
    assert Task.objects.filter(action=row.action, kind="call").exists()
    kinds = set(TimelineEntry.objects.filter(action=row.action).values_list("kind", flat=True))
    assert {"message_failed", "message_alert"} <= kinds
    assert "nobody@cedre.example" not in {r for _f, rs in smtp.envelopes for r in rs}
    # Nothing more is tried for it.
    assert not services.deliver(book, now=at(NOON + timedelta(days=1))).delivered


def approved_then_paid(book, amount_minor: int) -> OutboxMessage:
    """In review mode, C2's reminder (F-2, 2,400.00) approved, then ``amount_minor`` of
    F-2 paid before it leaves."""
    SendingSettings.objects.filter(organization=book).update(mode="review")
    drafted(book)
    row = OutboxMessage.objects.get(action__customer__ref="C2")
    services.approve(row, "camille")
    customer = book.customers.get(ref="C2")
    credit = Credit.objects.create(organization=book, customer=customer, kind="payment",
                                   key=f"bank:{amount_minor}", reference="F-2", date=FIRST,
                                   amount_minor=amount_minor, currency="EUR")
    allocate_credit(credit)
    return row


def test_a_payment_between_approval_and_sending_cancels_the_message(smtp, book):
    row = approved_then_paid(book, 240000)
    result = services.deliver(book, now=at(NOON))
    assert not result.delivered and not smtp.messages
    row.refresh_from_db()
    assert row.status == "cancelled"
    entry = TimelineEntry.objects.get(action=row.action, kind="message_cancelled")
    assert "F-2 paid" in entry.summary


def test_a_reminder_approved_too_late_is_cancelled_not_sent_with_stale_dates(smtp, book):
    SendingSettings.objects.filter(organization=book).update(mode="review")
    drafted(book)
    row = OutboxMessage.objects.get(action__customer__ref="C2")
    services.approve(row, "camille")
    result = services.deliver(book, now=at(NOON + timedelta(days=8)))
    assert not result.delivered and not smtp.messages
    assert [c.split(":")[0] for c in result.cancelled] == [f"C2 reminder_1 {FIRST}"]
    row.refresh_from_db()
    assert row.status == "cancelled" and row.error.startswith(f"drafted for {FIRST}")
    entry = TimelineEntry.objects.get(action=row.action, kind="message_cancelled")
    assert f"drafted for {FIRST}, 8 days before it could leave" in entry.summary


def test_a_partial_payment_re_renders_with_the_new_balance(smtp, book):
    drafted(book)
    customer = book.customers.get(ref="C2")
    credit = Credit.objects.create(organization=book, customer=customer, kind="payment",
                                   key="bank:2", reference="F-2", date=FIRST,
                                   amount_minor=100000, currency="EUR")
    allocate_credit(credit)
    services.deliver(book, now=at(NOON))
    mail = next(m for m in smtp.messages if "boreal" in str(m["To"]))
    assert "€1,400.00" in mail.get_body(("plain",)).get_content()
    row = OutboxMessage.objects.get(message_id=mail["Message-ID"])
    assert row.status == "sent" and "€1,400.00" in row.body
    assert any("2400.00 → 1400.00" in e.cause for e in row.events.all())


def test_review_mode_waits_for_a_person(smtp, book):
    SendingSettings.objects.filter(organization=book).update(mode="review")
    report = run_day(book, FIRST)
    assert not report.messages and not smtp.messages
    waiting = services.awaiting_approval(book, FIRST)
    assert len(waiting) == 3
    services.approve(waiting[0], "camille")
    assert [m.pk for m in services.deliver(book, as_of=FIRST).delivered] == [waiting[0].pk]
    causes = [e.cause for e in waiting[0].events.all()]
    assert "approved by camille" in causes


def test_outside_the_send_window_nothing_leaves(smtp, book):
    SendingSettings.objects.filter(organization=book).update(
        window_start="09:00", window_end="17:00", business_days_only=True)
    drafted(book)
    night = NOON.replace(hour=22)
    closed = services.deliver(book, now=at(night))
    assert not closed.delivered
    assert closed.closed.startswith("outside the send window; it opens ")
    saturday = NOON + timedelta(days=2)
    assert not services.deliver(book, now=at(saturday)).delivered
    assert len(services.deliver(book, now=at(NOON)).delivered) == 3


def test_a_server_that_cannot_be_reached_postpones_every_message(settings, book):
    from tests.sending.sink import free_port

    settings.RELANCE_SMTP = {"host": "127.0.0.1", "port": free_port(), "user": "",
                             "password": "", "tls": "none", "timeout": 5}
    SendingSettings.objects.update_or_create(organization=book, defaults={
        "window_start": None, "window_end": None, "business_days_only": False})
    drafted(book)
    result = services.deliver(book, now=at(NOON))
    assert not result.delivered and not result.failures
    assert len(result.postponed) == 3 and "next attempt" in result.postponed[0]
    rows = OutboxMessage.objects.all()
    assert {r.status for r in rows} == {"approved"}
    assert sorted(r.attempts for r in rows) == [0, 0, 1]  # one tried, the others kept


def test_the_audit_trail_holds_every_move_with_its_cause(smtp, book):
    run_day(book, FIRST)
    [record] = [r for r in services.audit(book) if r["customer"] == "C1"]
    assert [e["to"] for e in record["events"]] == ["approved", "sending", "sent"]
    assert record["attachments"][0]["name"] == "F-1.pdf"
    assert record["headers"].startswith("Subject: ") and record["smtp_reply"].startswith("250")


def test_one_connection_carries_every_batch(smtp, book, monkeypatch):
    """The relay sees one SMTP session for the whole delivery, batch after batch."""
    from relance.messaging import sender

    monkeypatch.setattr(sender, "BATCH", 1)  # three batches of one message
    report = run_day(book, FIRST)
    assert len(report.messages) == 3 and len(smtp.messages) == 3
    assert len(smtp.connections) == 1


def test_a_message_re_rendered_and_approved_again_leaves_as_re_rendered(smtp, book):
    """In review mode a payment after approval re-renders the reminder, which awaits a
    second approval; approved again, it is sent with the new balance (it used to be
    re-rendered again at every send, compared with the step's first balance)."""
    row = approved_then_paid(book, 100000)
    assert not services.deliver(book, now=at(NOON)).delivered
    row.refresh_from_db()
    assert row.status == "awaiting_approval" and "€1,400.00" in row.body
    assert row.shown_balances == {"F-2": "1400.00"}
    services.approve(row, "camille")
    [sent] = services.deliver(book, now=at(NOON)).delivered
    assert sent.pk == row.pk
    mail = next(m for m in smtp.messages if "boreal" in str(m["To"]))
    assert "€1,400.00" in mail.get_body(("plain",)).get_content()


def test_the_timeline_shows_each_line_with_the_text_the_message_had_then(smtp, book):
    """Every exchange is traceable (PRODUCT.md): the lines before a re-render show what
    was drafted and approved, not the new text."""
    from relance.web import timeline

    row = approved_then_paid(book, 100000)
    services.deliver(book, now=at(NOON))
    lines = {e.order: e for e in timeline.of(row.action.customer) if e.message is not None}
    written = [lines[pk] for pk in sorted(lines)]  # in the order they were written
    assert [e.kind for e in written] == ["message_awaiting_approval", "message_approved",
                                         "message_awaiting_approval"]
    assert "€1,400.00" in written[-1].message.body  # re-rendered: the new balance
    for earlier in written[:-1]:  # drafted, then approved: what the person approved
        assert "€2,400.00" in earlier.message.body and "€1,400.00" not in earlier.message.body
