"""``due_step`` / ``due_steps`` and ``next_decision_day``: the per-invoice rules of
spec/dunning-rules.md, one at a time, with dates worked out on a calendar.

Standard policy: courtesy -5 (pre-due, moved back to a business day), reminder_1 +3,
reminder_2 +15, formal_notice +30, litigation_review +45 (moved forward), min_gap 7,
threshold 1.00. The reference invoice is due Thursday 29 January 2026:
courtesy Sat 24 Jan -> Fri 23 Jan; reminder_1 Sun 1 Feb -> Mon 2 Feb; reminder_2 Fri
13 Feb; formal_notice Sat 28 Feb -> Mon 2 Mar; litigation_review Sun 15 Mar -> Mon 16 Mar.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relance.core.calendar import BusinessCalendar
from relance.core.dunning import due_step, due_steps, next_decision_day
from relance.core.ledger import Invoice
from relance.core.policy import STANDARD, Policy, Step

FR = BusinessCalendar()
D = Decimal
INV = Invoice("W-1", "C1", date(2026, 1, 2), date(2026, 1, 29), D("1500.00"))
SCHEDULE = {
    "courtesy": date(2026, 1, 23), "reminder_1": date(2026, 2, 2),
    "reminder_2": date(2026, 2, 13), "formal_notice": date(2026, 3, 2),
    "litigation_review": date(2026, 3, 16),
}


def name(step: Step | None) -> str | None:
    return None if step is None else step.name


def first_days(invoice: Invoice, policy: Policy = STANDARD, start: date | None = None,
               end: date | None = None, balance: Decimal | None = None) -> dict[str, date]:
    """Replay ``due_steps`` day by day with nothing happening: the day of each step."""
    done: dict[str, date] = {}
    day = start or invoice.issued - timedelta(days=40)
    end = end or invoice.due + timedelta(days=120)
    while day <= end:
        for step in due_steps(invoice, invoice.amount if balance is None else balance, done,
                              policy, FR, day):
            done[step.name] = day
        day += timedelta(days=1)
    return done


# --- due_step -------------------------------------------------------------------------


def test_the_standard_schedule_of_one_invoice_nobody_pays() -> None:
    assert first_days(INV) == SCHEDULE


def test_nothing_on_the_unshifted_target_days() -> None:
    for day in (date(2026, 1, 24), date(2026, 2, 1), date(2026, 2, 28), date(2026, 3, 15)):
        assert due_step(INV, INV.amount, {}, STANDARD, FR, day) is None


def test_a_pre_due_step_is_never_late() -> None:
    # The day after the courtesy day, nothing: the courtesy is not sent late.
    assert due_step(INV, INV.amount, {}, STANDARD, FR, date(2026, 1, 26)) is None


def test_a_pre_due_step_is_skipped_when_the_invoice_is_known_after_its_day() -> None:
    late = Invoice("W-1", "C1", INV.issued, INV.due, INV.amount, known_from=date(2026, 1, 24))
    assert "courtesy" not in first_days(late)
    assert first_days(late)["reminder_1"] == date(2026, 2, 2)
    known_that_day = Invoice("W-1", "C1", INV.issued, INV.due, INV.amount,
                             known_from=date(2026, 1, 23))
    assert first_days(known_that_day)["courtesy"] == date(2026, 1, 23)


def test_a_pre_due_step_is_skipped_before_the_issue_date() -> None:
    issued_late = Invoice("W-2", "C1", date(2026, 1, 26), date(2026, 1, 29), D("10.00"))
    assert due_step(issued_late, D("10.00"), {}, STANDARD, FR, date(2026, 1, 23)) is None
    assert "courtesy" not in first_days(issued_late)


def test_held_or_under_the_threshold_nothing_fires() -> None:
    day = SCHEDULE["courtesy"]
    assert due_step(INV, INV.amount, {}, STANDARD, FR, day, held=True) is None
    assert due_step(INV, D("0.99"), {}, STANDARD, FR, day) is None
    assert name(due_step(INV, D("1.00"), {}, STANDARD, FR, day)) == "courtesy"


def test_catch_up_starts_with_the_first_reminder_and_keeps_the_gap() -> None:
    # First seen 40 days after the due date (Mon 10 Mar 2026): reminder_1, then +7 each.
    seen = date(2026, 3, 10)
    assert name(due_step(INV, INV.amount, {}, STANDARD, FR, seen)) == "reminder_1"
    done = {"reminder_1": seen}
    assert due_step(INV, INV.amount, done, STANDARD, FR, date(2026, 3, 16)) is None
    assert name(due_step(INV, INV.amount, done, STANDARD, FR, date(2026, 3, 17))) == "reminder_2"
    late = Invoice("W-1", "C1", INV.issued, INV.due, INV.amount, known_from=seen)
    assert first_days(late) == {"reminder_1": date(2026, 3, 10), "reminder_2": date(2026, 3, 17),
                                "formal_notice": date(2026, 3, 24),
                                "litigation_review": date(2026, 3, 31)}


def test_each_step_once() -> None:
    done = dict(SCHEDULE)
    for day in SCHEDULE.values():
        assert due_step(INV, INV.amount, done, STANDARD, FR, day) is None


def test_no_step_on_a_holiday_even_when_overdue() -> None:
    # Invoice due Tue 28 Apr 2026: reminder_1 target Fri 1 May (holiday) -> Mon 4 May.
    inv = Invoice("MAI1-B", "C1", date(2026, 3, 29), date(2026, 4, 28), D("1400.00"))
    assert due_step(inv, inv.amount, {"courtesy": date(2026, 4, 23)}, STANDARD, FR,
                    date(2026, 5, 1)) is None
    assert first_days(inv)["reminder_1"] == date(2026, 5, 4)


POLICY_TWO_PRE = Policy("two", (Step("early", ("email",), -6), Step("courtesy", ("email",), -5),
                                Step("reminder_1", ("email",), 3)))
POLICY_NO_GAP = Policy("nogap", (Step("first", ("email",), 3), Step("second", ("email",), 4)),
                       min_gap=0)
X1 = Invoice("X-1", "C1", date(2025, 9, 1), date(2025, 10, 2), D("1000.00"))


def test_two_pre_due_steps_on_one_shifted_day_both_fire() -> None:
    # Due Thu 2 Oct 2025: early -6 = Fri 26 Sep; courtesy -5 = Sat 27 Sep -> Fri 26 Sep.
    steps = due_steps(X1, X1.amount, {}, POLICY_TWO_PRE, FR, date(2025, 9, 26))
    assert [s.name for s in steps] == ["early", "courtesy"]
    assert name(due_step(X1, X1.amount, {}, POLICY_TWO_PRE, FR, date(2025, 9, 26))) == "early"


def test_min_gap_zero_allows_two_post_due_steps_the_same_day() -> None:
    # first +3 = Sun 5 Oct -> Mon 6 Oct; second +4 = Mon 6 Oct, 0 days after the first.
    steps = due_steps(X1, X1.amount, {}, POLICY_NO_GAP, FR, date(2025, 10, 6))
    assert [s.name for s in steps] == ["first", "second"]
    assert due_steps(X1, X1.amount, {}, POLICY_NO_GAP, FR, date(2025, 10, 3)) == ()


# --- next_decision_day -----------------------------------------------------------------


@pytest.mark.parametrize(("after", "done", "expected"), [
    (date(2026, 1, 2), {}, date(2026, 1, 23)),                       # the courtesy
    (date(2026, 1, 24), {}, date(2026, 2, 2)),                       # courtesy missed for good
    (date(2026, 1, 24), {"courtesy": date(2026, 1, 23)}, date(2026, 2, 2)),
    (date(2026, 2, 3), {"reminder_1": date(2026, 2, 2)}, date(2026, 2, 13)),
    # reminder_1 sent late on Thu 12 Feb: reminder_2 waits for the gap, Thu 19 Feb.
    (date(2026, 2, 13), {"reminder_1": date(2026, 2, 12)}, date(2026, 2, 19)),
    # After a hold ending on a Saturday: the next business day.
    (date(2026, 2, 28), {"reminder_1": date(2026, 2, 2)}, date(2026, 3, 2)),
    (date(2026, 3, 17), SCHEDULE, None),                              # nothing left
])
def test_next_decision_day(after: date, done: dict[str, date], expected: date | None) -> None:
    assert next_decision_day(INV, done, STANDARD, FR, after) == expected


def test_next_decision_day_waits_for_the_import() -> None:
    late = Invoice("W-1", "C1", INV.issued, INV.due, INV.amount, known_from=date(2026, 3, 7))
    # Known on Saturday 7 March: the first reminder on Monday 9 March.
    assert next_decision_day(late, {}, STANDARD, FR, date(2026, 1, 2)) == date(2026, 3, 9)


# --- properties ------------------------------------------------------------------------


@st.composite
def invoices_and_policies(draw: st.DrawFn) -> tuple[Invoice, Policy, date]:
    issued = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 1000)))
    due = issued + timedelta(days=draw(st.integers(0, 60)))
    known = draw(st.one_of(st.none(), st.integers(-5, 90).map(
        lambda k: issued + timedelta(days=k))))
    invoice = Invoice("F-1", "C1", issued, due, D("100.00"), known_from=known)
    pre = draw(st.lists(st.integers(-20, -1), max_size=3, unique=True))
    post = draw(st.lists(st.integers(0, 60), min_size=1, max_size=4, unique=True))
    policy = STANDARD if draw(st.booleans()) else Policy(
        "p", tuple(Step(f"s{i}", ("email",), o) for i, o in enumerate(sorted(pre) + sorted(post))),
        min_gap=draw(st.integers(0, 10)))
    cutoff = issued + timedelta(days=draw(st.integers(-10, 150)))
    return invoice, policy, cutoff


@settings(max_examples=500, deadline=None)
@given(invoices_and_policies())
def test_next_decision_day_is_never_later_than_the_next_step(case) -> None:
    """From any state reached by replaying the rules up to a day, with nothing changing
    afterwards, ``next_decision_day`` is the first day ``due_step`` fires (never later,
    and here never earlier either: it is a business day on which a step fires)."""
    invoice, policy, cutoff = case
    done = first_days(invoice, policy, end=cutoff)
    after = cutoff + timedelta(days=1)
    horizon = max(invoice.due, invoice.known, after) + timedelta(days=130)
    firing = [d for d in _days(after, horizon)
              if due_step(invoice, invoice.amount, done, policy, FR, d) is not None]
    planned = next_decision_day(invoice, done, policy, FR, after)
    if not firing:
        assert planned is None
    else:
        assert planned is not None and planned <= firing[0]
        assert planned == firing[0] and FR.is_business_day(planned)


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@settings(max_examples=500, deadline=None)
@given(invoices_and_policies(), st.integers(0, 200))
def test_due_step_is_the_first_of_due_steps(case, shift: int) -> None:
    invoice, policy, cutoff = case
    done = first_days(invoice, policy, end=cutoff)
    day = invoice.issued + timedelta(days=shift)
    steps = due_steps(invoice, invoice.amount, done, policy, FR, day)
    assert due_step(invoice, invoice.amount, done, policy, FR, day) == (steps[0] if steps else None)
    assert [policy.order(s.name) for s in steps] == sorted(policy.order(s.name) for s in steps)
    assert not {s.name for s in steps} & set(done)
