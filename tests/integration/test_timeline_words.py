"""The customer's timeline is stored as kinds and values and worded in the reader's
language: the French collector and the English one read the same rows."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from relance.dunning import events
from relance.dunning.models import TimelineEntry
from relance.dunning.wording import CHANNELS, SENTENCES, worded
from relance.ledger.models import Customer
from relance.messaging.causes import CAUSES, cause
from relance.messaging.formatting import format_money
from relance.web import timeline

PROMISE = {"amount": "120.00", "currency": "EUR", "until": "2026-03-01",
           "invoices": ["F-1", "F-2"]}
STORED = "promise to pay 120.00 EUR by 2026-03-01: F-1, F-2"


def in_language(language: str, kind: str, params, summary: str = STORED) -> str:
    with translation.override(language):
        return worded(kind, params, summary)


def test_a_promise_reads_in_french_and_in_english_with_money_and_dates():
    assert in_language("fr", "promise", PROMISE) == (
        f"promesse de payer {format_money('120.00', 'EUR', 'fr')} au plus tard le "
        "1er mars 2026 : F-1, F-2")
    assert in_language("en", "promise", PROMISE) == (
        "promise to pay €120.00 by 1 March 2026: F-1, F-2")


def test_a_promise_without_an_amount_says_less():
    params = {"until": "2026-03-12", "invoices": ["F-1"]}
    assert in_language("fr", "promise", params) == (
        "promesse de payer au plus tard le 12 mars 2026 : F-1")
    assert in_language("en", "promise", params) == "promise to pay by 12 March 2026: F-1"


def test_steps_share_one_sentence_and_name_their_channels():
    params = {"step": "reminder_1", "channels": ["email", "call"], "invoices": ["F-1"],
              "amount": "1234.50", "currency": "EUR"}
    assert in_language("fr", "step:reminder_1", params) == (
        f"Première relance (e-mail, appel) : F-1 – {format_money('1234.50', 'EUR', 'fr')}")
    assert in_language("en", "step:formal_notice", {**params, "step": "formal_notice"}) == (
        "Formal notice (email, call): F-1 – €1,234.50")


def test_a_step_of_the_organization_s_own_naming_keeps_its_name():
    params = {"step": "phone_first", "channels": ["call"], "invoices": ["F-1"],
              "amount": "10.00", "currency": "EUR"}
    assert in_language("fr", "step:phone_first", params).startswith("phone_first (appel) : ")


def test_what_people_wrote_is_shown_as_written():
    dispute = {"invoices": ["F-3"], "reason": "wrong quantity"}
    assert in_language("fr", "dispute", dispute) == "litige sur F-3 : wrong quantity"
    note = {"author": "Camille", "text": "rappeler lundi"}
    assert in_language("en", "note", note) == "Camille: rappeler lundi"
    call = {"outcome": "voicemail", "note": "call back Monday"}
    assert in_language("fr", "call", call) == (
        "appel : message laissé sur le répondeur – call back Monday")


def test_a_message_move_words_its_cause_and_keeps_its_subject():
    moved = {"subject": "Relance : F-1", **{"cause": "approved", "by": "Camille"}}
    assert in_language("fr", "message_approved", moved) == "Relance : F-1 – approuvé par Camille"
    assert in_language("en", "message_approved", moved) == "Relance : F-1 – approved by Camille"
    assert str(cause("approved", by="Camille")) == "approved by Camille"  # the audit's


@pytest.mark.parametrize("kind, params", [
    ("promise", {}),  # a line stored before lines had values
    ("promise", None),
    ("scenario", {"name": "strict"}),  # a kind without a sentence
    ("call", {"outcome": "shouted"}),  # an outcome without one
    ("pause", {"until": "next spring"}),  # values of another version of the kind
    ("promise", {**PROMISE, "currency": None}),
    ("promise", {key: value for key, value in PROMISE.items() if key != "currency"}),
    ("promise", {"amount": "lots", "currency": "EUR", "until": "2026-03-01", "invoices": []}),
    ("message_sent", {"subject": "Relance", "cause": "teleported"}),
])
def test_a_line_that_cannot_be_worded_shows_its_stored_summary(kind, params):
    assert in_language("fr", kind, params) == STORED
    assert in_language("en", kind, params) == STORED


def sample(template: str) -> dict[str, object]:
    names = re.findall(r"%\((\w+)\)s", template)
    values: dict[str, object] = {name: "X" for name in names}
    values.update({name: "2026-03-01" for name in ("until", "since", "made_on") if name in names})
    if "amount" in names:
        values["currency"] = "EUR"
        values["amount"] = "1.00"
    return values


# sentences of values only: the same in every language
SAME_EVERYWHERE = {"%(subject)s – %(cause)s", "%(reply)s (%(transport)s)"}


def test_every_sentence_and_cause_has_its_french():
    for template in [*SENTENCES.values(), *CHANNELS.values(), *CAUSES.values()]:
        values = sample(template)
        with translation.override("fr"):
            french = translation.gettext(template) % values
        assert template in SAME_EVERYWHERE or french != template % values, template


@pytest.fixture
def nord(book) -> Customer:
    return Customer.objects.get(organization=book, ref="C1")


def test_promise_dispute_and_pause_read_in_the_reader_s_language(nord):
    events.record_promise(nord, ["F-100"], date(2026, 3, 13), date(2026, 3, 31),
                          Decimal("1200.00"))
    events.open_dispute(nord, ["F-101"], date(2026, 3, 14), "quantité erronée")
    events.pause(nord, date(2026, 3, 16), date(2026, 4, 1))
    with translation.override("fr"):
        french = [e.summary for e in timeline.of(nord)]
    with translation.override("en"):
        english = [e.summary for e in timeline.of(nord)]
    assert french == ["relances suspendues jusqu’au 1er avril 2026 inclus",
                      "litige sur F-101 : quantité erronée",
                      f"promesse de payer {format_money('1200.00', 'EUR', 'fr')} au plus "
                      "tard le 31 mars 2026 : F-100"]
    assert english == ["paused through 1 April 2026", "dispute on F-101: quantité erronée",
                       "promise to pay €1,200.00 by 31 March 2026: F-100"]


def test_the_stored_summary_stays_english_and_the_values_plain(nord):
    events.record_promise(nord, ["F-100", "F-101"], date(2026, 3, 13), date(2026, 3, 31),
                          Decimal("1500.50"))
    entry = TimelineEntry.objects.get(customer=nord, kind="promise")
    assert entry.summary == "promise to pay 1500.50 EUR by 2026-03-31: F-100, F-101"
    assert entry.params == {"amount": "1500.50", "currency": "EUR", "until": "2026-03-31",
                            "invoices": ["F-100", "F-101"]}


def test_an_old_line_without_values_reads_as_stored(nord):
    TimelineEntry.objects.create(customer=nord, day=date(2025, 12, 1), kind="promise",
                                 summary="promise to pay by 2025-12-24: F-9")
    with translation.override("fr"):
        assert [e.summary for e in timeline.of(nord)] == ["promise to pay by 2025-12-24: F-9"]


def test_the_daily_run_s_steps_are_worded_from_their_bulk_inserted_values(nord):
    from relance.dunning.services import run_day

    run_day(nord.organization, date(2026, 3, 20), send=False)
    entry = TimelineEntry.objects.filter(customer=nord, kind__startswith="step:").first()
    assert entry is not None and entry.params["invoices"] and entry.params["currency"] == "EUR"
    with translation.override("fr"):
        french = worded(entry.kind, entry.params, entry.summary)
    assert french != entry.summary and "e-mail" in french and "€" in french
