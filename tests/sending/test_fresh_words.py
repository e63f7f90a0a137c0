"""The last look before sending says why it did not send in the reader's language: a
reminder drafted, its invoice paid before it left, the customer's timeline read in
French says so in French, and the audit keeps its English sentence."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from relance.dunning.models import TimelineEntry
from relance.ledger.models import Credit
from relance.ledger.services import allocate_credit
from relance.messaging import services
from relance.messaging.models import MessageEvent, OutboxMessage, SendingSettings
from relance.web import timeline
from tests.sending.conftest import FIRST, NOON
from tests.sending.test_smtp import drafted

pytestmark = pytest.mark.django_db

# Words of the English sentences a French reader must not meet any more.
ENGLISH = {"paid", "not", "sent", "drafted", "days", "before", "balance", "customer",
           "disputed", "promise", "email", "call", "reminder_1", "approved", "by"}


def test_a_reminder_whose_invoice_was_paid_before_it_left_says_so_in_french(smtp, book):
    SendingSettings.objects.filter(organization=book).update(mode="review")
    drafted(book)
    row = OutboxMessage.objects.get(action__customer__ref="C1")
    services.approve(row, "camille")
    customer = book.customers.get(ref="C1")
    credit = Credit.objects.create(organization=book, customer=customer, kind="payment",
                                   key="bank:1", reference="F-1", date=FIRST,
                                   amount_minor=120000, currency="EUR")
    allocate_credit(credit)
    result = services.deliver(book, now=lambda: NOON)
    row.refresh_from_db()
    assert row.status == "cancelled" and not result.delivered

    with translation.override("fr"):
        french = [e.summary for e in timeline.of(customer)]
    cancelled = next(line for line in french if "non envoyé" in line)
    assert cancelled.endswith("non envoyé : F-1 payée")
    step = next(line for line in french if line.startswith("Première relance"))
    assert step.startswith("Première relance (e-mail) : F-1 – ")
    for line in french:
        subject_free = line.replace(row.subject, "")
        assert not ENGLISH & set(re.findall(r"[\w]+", subject_free)), line

    with translation.override("en"):
        english = [e.summary for e in timeline.of(customer)]
    assert any(line.endswith("not sent: F-1 paid") for line in english)
    # What the audit and the stored summary keep is the English sentence, as before.
    assert MessageEvent.objects.filter(message=row, to_status="cancelled").get().cause == (
        "not sent: F-1 paid")
    entry = TimelineEntry.objects.get(action=row.action, kind="message_cancelled")
    assert entry.summary.endswith("– not sent: F-1 paid") and row.error == "F-1 paid"
    assert entry.params["reason"] == [{"cause": "invoice_paid", "invoice": "F-1"}]
