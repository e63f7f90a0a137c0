"""The pure rules of sending: states, window, backoff, rate limit, SMTP replies, freshness."""

from __future__ import annotations

import smtplib
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from relance.core.calendar import BusinessCalendar
from relance.messaging import freshness, states
from relance.messaging.rules import TokenBucket, Window, classify, next_opening, retry_delay

PARIS = ZoneInfo("Europe/Paris")
FR = BusinessCalendar("FR")


def test_every_state_is_reachable_from_draft_and_finals_have_no_way_out():
    seen, todo = {states.DRAFT}, [states.DRAFT]
    while todo:
        for nxt in states.TRANSITIONS[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == set(states.TRANSITIONS)
    assert states.FINAL == {"sent", "written", "cancelled"}


@pytest.mark.parametrize("move", [("sent", "approved"), ("cancelled", "approved"),
                                  ("awaiting_approval", "sending"), ("draft", "sent")])
def test_moves_that_would_send_twice_or_skip_approval_are_refused(move):
    with pytest.raises(states.MoveRefused):
        states.check_move(*move)


def paris(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=PARIS)


@pytest.mark.parametrize("now, expected", [
    (paris(2026, 3, 5, 10, 30), paris(2026, 3, 5, 10, 30)),   # Thursday, open
    (paris(2026, 3, 5, 7, 0), paris(2026, 3, 5, 9, 0)),       # before opening
    (paris(2026, 3, 5, 17, 0), paris(2026, 3, 6, 9, 0)),      # closed at 17:00
    (paris(2026, 3, 7, 10, 0), paris(2026, 3, 9, 9, 0)),      # Saturday → Monday
    (paris(2026, 4, 30, 18, 0), paris(2026, 5, 4, 9, 0)),     # 1 May holiday, weekend
])
def test_the_send_window_opens_at_nine_on_business_days(now, expected):
    assert next_opening(now, Window(), FR) == expected


def test_a_window_without_hours_nor_business_days_is_always_open():
    now = datetime(2026, 3, 7, 23, 59, tzinfo=PARIS)
    assert next_opening(now, Window(None, None, False), FR) == now


def test_retries_back_off_exponentially_up_to_a_cap():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(30) == timedelta(hours=6)


def test_the_token_bucket_spaces_messages_at_the_rate():
    bucket = TokenBucket(per_minute=60)
    assert bucket.wait(0.0) == 0
    bucket.take(0.0)
    assert bucket.wait(0.0) == pytest.approx(1.0)
    assert bucket.wait(0.5) == pytest.approx(0.5)
    assert bucket.wait(1.0) == 0
    assert TokenBucket(per_minute=0).wait(0.0) == 0


@pytest.mark.parametrize("exc, permanent", [
    (smtplib.SMTPDataError(451, b"try later"), False),
    (smtplib.SMTPDataError(554, b"rejected"), True),
    (smtplib.SMTPRecipientsRefused({"a@x.example": (550, b"no such user")}), True),
    (smtplib.SMTPRecipientsRefused({"a@x.example": (550, b"no"), "b@x.example": (452, b"full")}),
     False),
    (smtplib.SMTPServerDisconnected("lost"), False),
    (ConnectionRefusedError(111, "refused"), False),
    (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
])
def test_5xx_replies_are_permanent_and_the_rest_temporary(exc, permanent):
    assert classify(exc).permanent is permanent


def situation(**changes) -> freshness.Situation:
    base = {"recorded": {"F-1": Decimal("100.00"), "F-2": Decimal("50.00")},
            "current": {"F-1": Decimal("100.00"), "F-2": Decimal("50.00")}}
    return freshness.Situation(**{**base, **changes})


def test_nothing_changed_sends_as_drafted():
    assert freshness.check(situation()) == freshness.Verdict("send", ("F-1", "F-2"))


def test_a_paid_invoice_is_dropped_and_the_rest_re_rendered():
    verdict = freshness.check(situation(current={"F-1": Decimal("0"), "F-2": Decimal("50.00")}))
    assert (verdict.decision, verdict.keep, verdict.reason) == ("rerender", ("F-2",), "F-1 paid")


def test_all_paid_disputed_or_promised_cancels():
    verdict = freshness.check(situation(current={"F-1": Decimal("0.50"), "F-2": Decimal("0")},
                                        disputed=frozenset()))
    assert verdict.decision == "cancel" and verdict.reason == "F-1 paid; F-2 paid"
    verdict = freshness.check(situation(disputed=frozenset({"F-1"}),
                                        promised=frozenset({"F-2"})))
    assert verdict.reason == "F-1 disputed; F-2 under a payment promise"


def test_a_paused_customer_cancels_and_a_formal_notice_never_re_renders():
    assert freshness.check(situation(customer_hold="paused")).decision == "cancel"
    partial = situation(current={"F-1": Decimal("60.00"), "F-2": Decimal("50.00")})
    assert freshness.check(partial).decision == "rerender"
    assert freshness.check(partial, strict=True) == freshness.Verdict(
        "cancel", (), "F-1 balance 100.00 → 60.00")


@pytest.mark.parametrize("waited, strict, decision", [
    (-3, False, "send"), (0, False, "send"), (7, False, "send"), (8, False, "cancel"),
    (3, True, "send"), (4, True, "cancel"),
])
def test_a_message_that_waited_too_long_is_cancelled_not_sent_stale(waited, strict, decision):
    """A reminder may wait 7 days, a formal notice 3 (5 of its 8-day deadline left)."""
    drafted = date(2026, 4, 2)
    verdict = freshness.check(situation(drafted_for=drafted,
                                        sending_on=drafted + timedelta(days=waited)),
                              strict=strict)
    assert verdict.decision == decision
    if decision == "cancel":
        assert verdict.reason.startswith(f"drafted for 2026-04-02, {waited} days before")


def test_window_opening_is_in_the_organizations_time_zone():
    # 08:30 UTC is 09:30 in Paris in March (UTC+1): open.
    now = datetime(2026, 3, 5, 8, 30, tzinfo=ZoneInfo("UTC")).astimezone(PARIS)
    assert next_opening(now, Window(time(9), time(17)), FR) == now
    assert date(2026, 3, 5) == now.date()
