"""Why a message was not sent, as codes with values: the audit keeps its English
sentence, the reader reads the same cause in French or in English, dates and money
written the reader's way, a server's words as it wrote them."""

from __future__ import annotations

import smtplib
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from relance.dunning.wording import worded as line_worded
from relance.messaging import causes, freshness
from relance.messaging.causes import cause
from relance.messaging.formatting import format_money
from relance.messaging.rules import classify
from relance.messaging.sender import failure_cause


def read(reason, language: str) -> str:
    """A cause as a timeline line stores it (JSON), worded in ``language``."""
    with translation.override(language):
        return causes.worded(causes.stored(reason))


CASES = [  # cause, the audit's English (as stored before codes), French, English read
    (cause("invoice_paid", invoice="F-2"), "F-2 paid", "F-2 payée", "F-2 paid"),
    (cause("invoice_disputed", invoice="F-2"), "F-2 disputed", "F-2 en litige",
     "F-2 disputed"),
    (cause("invoice_promised", invoice="F-2"), "F-2 under a payment promise",
     "F-2 sous promesse de paiement", "F-2 under a payment promise"),
    (cause("balance_changed", invoice="F-1", before=Decimal("100.00"),
           after=Decimal("60.00"), currency="EUR"),
     "F-1 balance 100.00 → 60.00",
     f"solde de F-1 : {format_money('100.00', 'EUR', 'fr')} → "
     f"{format_money('60.00', 'EUR', 'fr')}",
     "F-1 balance €100.00 → €60.00"),
    (cause("customer_litigation", since=date(2026, 3, 1)),
     "customer in litigation since 2026-03-01",
     "client en contentieux depuis le 1er mars 2026",
     "customer in litigation since 1 March 2026"),
    (cause("customer_paused", until=date(2026, 4, 2)), "customer paused until 2026-04-02",
     "relances du client suspendues jusqu’au 2 avril 2026 inclus",
     "customer paused until 2 April 2026"),
    (cause("too_old", drafted_for=date(2026, 3, 16), days=8, max_days=7),
     "drafted for 2026-03-16, 8 days before it could leave: its dates and amounts are out "
     "of date (at most 7 days)",
     "rédigé pour le 16 mars 2026, 8 jours avant de pouvoir partir : ses dates et ses "
     "montants ne sont plus à jour (7 jours au plus)",
     "drafted for 16 March 2026, 8 days before it could leave: its dates and amounts are "
     "out of date (at most 7 days)"),
    (cause("recipient_refused", reply="a@x.example: 550 5.1.1 User unknown"),
     "recipient refused – a@x.example: 550 5.1.1 User unknown",
     "destinataire refusé – a@x.example: 550 5.1.1 User unknown",
     "recipient refused – a@x.example: 550 5.1.1 User unknown"),
    (cause("login_refused", reply="535 5.7.8 Authentication failed"),
     "SMTP login refused: 535 5.7.8 Authentication failed",
     "connexion au serveur SMTP refusée : 535 5.7.8 Authentication failed",
     "SMTP login refused: 535 5.7.8 Authentication failed"),
    (cause("refused", addresses="a@x.example, b@x.example"),
     "refused: a@x.example, b@x.example",
     "refusé par le serveur : a@x.example, b@x.example",
     "refused: a@x.example, b@x.example"),
    (cause("after_attempts", reason="421 4.3.2 Try later", attempts=5),
     "421 4.3.2 Try later (after 5 attempts)",
     "421 4.3.2 Try later (après 5 tentatives)",
     "421 4.3.2 Try later (after 5 attempts)"),
]


@pytest.mark.parametrize("reason, audit, french, english", CASES,
                         ids=[case[0].code for case in CASES])
def test_each_reason_reads_in_french_and_in_english(reason, audit, french, english):
    assert str(reason) == audit
    assert read(reason, "fr") == french
    assert read(reason, "en") == english


def test_several_reasons_inside_a_move_read_joined_in_the_reader_s_way():
    verdict = freshness.check(freshness.Situation(
        {"F-1": Decimal("100.00"), "F-2": Decimal("50.00")},
        {"F-1": Decimal("100.00"), "F-2": Decimal("50.00")},
        disputed=frozenset({"F-1"}), promised=frozenset({"F-2"})))
    moved = cause("not_sent", reason=verdict.why)
    assert str(moved) == "not sent: F-1 disputed; F-2 under a payment promise"  # the audit
    assert read(moved, "fr") == "non envoyé : F-1 en litige ; F-2 sous promesse de paiement"
    assert read(moved, "en") == "not sent: F-1 disputed; F-2 under a payment promise"


def test_the_verdict_keeps_its_english_reason_and_gives_its_causes():
    verdict = freshness.check(freshness.Situation(
        {"F-1": Decimal("100.00")}, {"F-1": Decimal("60.00")}, currency="EUR"), strict=True)
    assert verdict.reason == "F-1 balance 100.00 → 60.00"
    assert [c.code for c in verdict.why] == ["balance_changed"]
    stale = freshness.too_old(date(2026, 3, 1), date(2026, 3, 9), strict=False)
    assert stale is not None and stale.params == {"drafted_for": "2026-03-01", "days": "8",
                                                  "max_days": "7"}


def test_an_smtp_failure_s_sentence_is_translated_and_the_server_s_words_kept():
    refused = classify(smtplib.SMTPRecipientsRefused(
        {"a@x.example": (550, b"5.1.1 User unknown")}))
    why = failure_cause(refused)
    assert str(why) == refused.reason == "recipient refused – a@x.example: 550 5.1.1 User unknown"
    assert read(why, "fr") == "destinataire refusé – a@x.example: 550 5.1.1 User unknown"
    login = classify(smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"))
    assert str(failure_cause(login)) == login.reason
    assert read(failure_cause(login), "fr") == (
        "connexion au serveur SMTP refusée : 535 5.7.8 Bad credentials")
    reply = classify(smtplib.SMTPDataError(554, b"5.7.1 Spam"))
    assert failure_cause(reply) == "554 5.7.1 Spam"  # the server's words alone


def test_a_failed_message_s_alert_line_words_the_sentence_around_the_reply():
    params = {"reason": causes.stored_value(cause("refused", addresses="a@x.example"))}
    with translation.override("fr"):
        assert line_worded("message_alert", params, "stored") == (
            "e-mail non remis (refusé par le serveur : a@x.example) : appelez le client")
    plain = {"reason": "550 5.1.1 User unknown"}  # the server's words alone, as stored
    with translation.override("en"):
        assert line_worded("message_alert", plain, "stored") == (
            "email not delivered (550 5.1.1 User unknown): call the customer")


def test_an_older_line_with_its_reason_as_an_english_sentence_shows_it_as_stored():
    old = {"cause": "not_sent", "reason": "F-2 paid"}
    with translation.override("fr"):
        assert causes.worded(old) == "non envoyé : F-2 paid"
