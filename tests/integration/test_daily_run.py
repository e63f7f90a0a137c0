"""The daily run end to end on a small book: decide, record, write the outbox."""

from __future__ import annotations

import email
from datetime import date
from decimal import Decimal
from email import policy

from relance.dunning.models import Action, StepRecord, Task, TimelineEntry
from relance.dunning.services import run_day
from relance.ledger.models import Credit
from relance.ledger.services import allocate_credit, balance_of
from relance.messaging.formatting import format_money
from relance.messaging.models import OutboxMessage

# 2026-03-16 is a Monday: F-100/F-101 (due 12 March) reach reminder_1 (+3 = 15 March,
# a Sunday, so the next business day); F-200 (due 14 February) and F-300 (due
# 1 February) are first seen overdue on 1 March: the catch-up rule opens with
# reminder_1 on the first business day after they became known, 2 March.


def parsed(message: OutboxMessage) -> email.message.EmailMessage:
    with open(message.path, "rb") as f:
        return email.message_from_binary_file(f, policy=policy.default)


def test_first_day_opens_with_reminder_1_never_a_formal_notice(book):
    report = run_day(book, date(2026, 3, 2))
    assert sorted((a.customer.ref, a.step) for a in report.actions) == [
        ("C2", "reminder_1"), ("C3", "reminder_1")]


def test_one_message_per_customer_step_and_day_with_the_open_balances(book):
    run_day(book, date(2026, 3, 2))
    report = run_day(book, date(2026, 3, 16))
    # C2 and C3 also get their second reminder today (the run skipped the days between).
    [action] = [a for a in report.actions if a.customer.ref == "C1"]
    assert action.step == "reminder_1"
    assert action.amount == Decimal("1500.50")
    [message] = [m for m in report.messages if m.action == action]
    mail = parsed(message)
    assert mail["To"].addresses[0].addr_spec == "compta@nord.example"
    assert mail["From"].addresses[0].display_name == "Camille Martin"
    assert mail["From"].addresses[0].addr_spec == "recouvrement@acme.example"
    assert mail["Reply-To"].addresses[0].addr_spec == "recouvrement@acme.example"
    assert mail["Message-ID"].startswith("<") and "@acme.example>" in mail["Message-ID"]
    body = mail.get_body(("plain",))
    assert body.get_content_charset() == "utf-8"
    text = body.get_content()
    assert "Bonjour Inès," in text
    for number, balance in (("F-100", "1200.00"), ("F-101", "300.50"), ("", "1500.50")):
        assert format_money(Decimal(balance), "EUR", "fr") in text, (number, balance)
    [pdf] = [p for p in mail.iter_attachments()]
    assert pdf.get_filename() == "F-100.pdf"
    assert pdf.get_content().startswith(b"%PDF")


def test_english_customer_gets_english_message(book):
    report = run_day(book, date(2026, 3, 2))
    mail = parsed(next(m for m in report.messages if "boreal" in m.recipients))
    assert mail["Subject"].startswith("Reminder")
    assert "€2,400.00" in mail.get_body(("plain",)).get_content()


def test_customer_without_email_gets_a_call_task_not_a_silent_skip(book):
    report = run_day(book, date(2026, 3, 2))
    action = next(a for a in report.actions if a.customer.ref == "C3")
    assert action.channel_list == ["call"]
    assert Task.objects.filter(action=action, kind="call").exists()
    assert not OutboxMessage.objects.filter(action=action).exists()


def test_running_the_same_day_twice_writes_nothing_the_second_time(book, settings):
    first = run_day(book, date(2026, 3, 2))
    files = sorted(p.name for p in settings.OUTBOX_DIR.rglob("*.eml"))
    counts = (Action.objects.count(), StepRecord.objects.count(), OutboxMessage.objects.count(),
              TimelineEntry.objects.count(), Task.objects.count())
    second = run_day(book, date(2026, 3, 2))
    assert first.actions and not second.actions and not second.messages
    assert counts == (Action.objects.count(), StepRecord.objects.count(),
                      OutboxMessage.objects.count(), TimelineEntry.objects.count(),
                      Task.objects.count())
    assert files == sorted(p.name for p in settings.OUTBOX_DIR.rglob("*.eml"))


def test_a_paid_invoice_is_never_reminded(book):
    customer = book.customers.get(ref="C1")
    credit = Credit.objects.create(organization=book, customer=customer, kind="payment",
                                   key="bank:1", reference="VIR F-100", date=date(2026, 3, 13),
                                   amount_minor=120000, currency="EUR")
    allocate_credit(credit)
    assert balance_of(book.invoices.get(number="F-100")) == 0
    report = run_day(book, date(2026, 3, 16))
    [action] = [a for a in report.actions if a.customer.ref == "C1"]
    assert [s.invoice.number for s in action.steps.all()] == ["F-101"]
    assert action.amount == Decimal("300.50")


def test_the_steps_follow_the_standard_scenario_day_after_day(book):
    seen = []
    day = date(2026, 3, 1)
    while day <= date(2026, 5, 15):
        seen += [(a.day.isoformat(), a.customer.ref, a.step) for a in run_day(book, day).actions]
        day = day.fromordinal(day.toordinal() + 1)
    c1 = [(d, s) for d, c, s in seen if c == "C1"]
    # F-100 due Thu 12 March, known from 1 March: courtesy 7 March (Sat) -> Fri 6 March;
    # reminder_1 15 March (Sun) -> Mon 16 March; reminder_2 Fri 27 March; formal_notice
    # 11 April (Sat) -> Mon 13 April (Easter Monday was 6 April); litigation_review
    # 26 April (Sun) -> Mon 27 April.
    assert c1 == [("2026-03-06", "courtesy"), ("2026-03-16", "reminder_1"),
                  ("2026-03-27", "reminder_2"), ("2026-04-13", "formal_notice"),
                  ("2026-04-27", "litigation_review")]
