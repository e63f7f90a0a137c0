"""The formal notice: approved by a person by default, sent with its letter, or not at all."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from relance.dunning.services import run_day
from relance.errors import RateMissing
from relance.messaging import services
from relance.messaging.models import OutboxMessage
from tests.sending.conftest import FIRST, SECOND

pytestmark = pytest.mark.django_db
NOTICE_DAY = date(2026, 4, 1)  # due 2026-03-02 + 30


def run_to_notice(org):
    """The reminders first (steps come in order), then the formal notice day."""
    for day in (FIRST, SECOND):
        run_day(org, day)
    return run_day(org, NOTICE_DAY)


def test_a_formal_notice_waits_for_approval_then_leaves_with_its_letter(smtp, book):
    report = run_to_notice(book)
    assert not report.messages
    sent_before = len(smtp.messages)
    waiting = services.awaiting_approval(book, NOTICE_DAY)
    assert {m.action.step for m in waiting} == {"formal_notice"} and len(waiting) == 3
    c1 = next(m for m in waiting if m.action.customer.ref == "C1")
    services.approve(c1, "camille")
    services.deliver(book, as_of=NOTICE_DAY)  # approved the day it was drafted for
    [mail] = smtp.messages[sent_before:]
    names = [p.get_filename() for p in mail.iter_attachments()]
    assert names[0] == "F-1.pdf" and names[1].startswith("mise-en-demeure")
    letter = list(mail.iter_attachments())[1].get_content()
    assert letter.startswith(b"%PDF")
    c1.refresh_from_db()
    assert c1.files[1]["sha256"] == hashlib.sha256(letter).hexdigest()


def test_a_notice_without_its_rate_is_failed_with_the_reason(smtp, book, monkeypatch):
    def no_rate(action):
        raise RateMissing("no ECB rate for 2026-S1: add it with relance rates add")

    monkeypatch.setattr("relance.documents.services.formal_notice_pdf", no_rate)
    report = run_to_notice(book)
    assert len(report.failures) == 3 and all("2026-S1" in f for f in report.failures)
    rows = OutboxMessage.objects.filter(action__step="formal_notice")
    assert {r.status for r in rows} == {"failed"} and all("2026-S1" in r.error for r in rows)
    sent_before = len(smtp.messages)
    assert not services.deliver(book).delivered and len(smtp.messages) == sent_before


def test_a_notice_left_unapproved_expires_at_the_run_three_days_on(smtp, book):
    """Its 8-day deadline runs from the day it was drafted for: after 3 days unapproved
    it leaves the approval queue, cancelled with the reason on the timeline."""
    from datetime import timedelta

    from relance.dunning.models import TimelineEntry

    run_to_notice(book)
    run_day(book, NOTICE_DAY + timedelta(days=3))
    assert len(services.awaiting_approval(book, NOTICE_DAY + timedelta(days=3))) == 3
    assert run_day(book, NOTICE_DAY + timedelta(days=4)).expired == 3
    assert not services.awaiting_approval(book, NOTICE_DAY + timedelta(days=4))
    rows = OutboxMessage.objects.filter(action__step="formal_notice")
    assert {r.status for r in rows} == {"cancelled"}
    summaries = TimelineEntry.objects.filter(kind="message_cancelled").values_list(
        "summary", flat=True)
    assert sum("not approved in time: drafted for 2026-04-01, 4 days" in s
               for s in summaries) == 3


def test_the_notice_email_reads_the_rates_a_user_added_like_its_letter(book):
    """F-1, 1,200.00 € due 2 March 2026, notice on 1 April: 30 days late. The packaged
    2026 H1 rate is ECB 2.15 + 10 = 12.15 %: 1,200 × 12.15 % × 30 / 365 = 11.98 €. With
    the semester corrected to ECB 4.15 (relance rates add, or the rates page), the email
    says what its letter says: 1,200 × 14.15 % × 30 / 365 = 13.96 €."""
    from decimal import Decimal

    from relance.core.rates import Semester
    from relance.documents.services import add_rate

    add_rate(Semester(2026, 1), Decimal("4.15"), Decimal("2.62"), Decimal("6.67"))
    run_to_notice(book)
    body = OutboxMessage.objects.get(action__step="formal_notice",
                                     action__customer__ref="C1").body
    assert "intérêts de retard (article L441-10 du Code de commerce) : 13,96\u00a0€" in body


def test_a_notice_in_dollars_does_not_add_the_40_euros_to_its_total(book):
    """The fixed indemnity is 40 euros (Code de commerce D441-5): it is not written as
    $40.00 nor added to a total in dollars."""
    from relance.imports.csv_files import import_invoices

    import_invoices(book, b"number;customer_ref;issue_date;due_date;amount;currency\n"
                          b"U-1;C2;2026-01-31;2026-03-02;800.00;USD\n", "usd.csv",
                    known_from=date(2026, 2, 1))
    run_to_notice(book)
    usd = OutboxMessage.objects.get(action__step="formal_notice", action__currency="USD")
    eur = OutboxMessage.objects.get(action__step="formal_notice", action__currency="EUR",
                                    action__customer__ref="C2")
    assert "fixed recovery fee" in eur.body and "€40.00" in eur.body
    assert "fixed recovery fee" not in usd.body and "$40.00" not in usd.body
