"""The reports of the hand-computed book (tests/reports/books.py) through the database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from relance.core.reporting import AgedRow, DaysLate, Period, PromiseTally
from relance.reports import services
from tests.reports.books import HAND_DAY

pytestmark = pytest.mark.django_db
JUNE = Period(date(2025, 6, 1), HAND_DAY)


def test_aged_balance_by_hand(hand):
    aged = services.aged_balance(hand, HAND_DAY)
    assert aged.rows == (
        AgedRow("A", not_due=D("1000"), d1_30=D("300"), over_90=D("800")),
        AgedRow("B", d31_60=D("1200"), d61_90=D("400"), unallocated=D("-150")),
    )
    assert aged.total == AgedRow("", D("1000"), D("300"), D("1200"), D("400"), D("800"),
                                 D("-150"))
    assert aged.total.net == D("3550")


def test_a_payment_after_the_day_is_not_seen_and_the_next_day_it_is(hand):
    later = services.aged_balance(hand, date(2025, 7, 2))
    assert later.rows == (  # F-7 issued on 1 July is seen, F-5 paid on 2 July is gone
        AgedRow("A", not_due=D("1999"), d1_30=D("300"), over_90=D("800")),
        AgedRow("B", d61_90=D("1200"), unallocated=D("-150")),  # F-4 is now 62 days late
    )


def test_kpis_by_hand(hand):
    d = services.dashboard(hand, HAND_DAY, JUNE)
    k = d.kpis
    assert (k.receivables, k.overdue) == (D("3700"), D("2700"))
    assert k.overdue_ratio == D("72.97")  # 2 700 / 3 700
    # countback: June 1 000 (30 d), May 1 100 (31 d), April 1 200 (30 d), then
    # 400 of March's 1 200 → 400 / 1 200 × 31 = 10.33
    assert k.dso_countback == D("101.33")
    # 90 days = 2 April – 30 June: sales 1 000 + 500 + 600 = 2 100; 3 700 / 2 100 × 90
    assert k.dso_ratio == D("158.57")
    # opening (31 May) 3 500, sales 1 000, closing 3 700, closing not yet due 1 000:
    # (3 500 + 1 000 − 3 700) / (3 500 + 1 000 − 1 000) = 800 / 3 500
    assert k.cei == D("22.86")
    assert k.sales == D("1000")
    assert k.trend[-1] == (HAND_DAY, D("101.33"))
    assert [day for day, _ in k.trend][:2] == [date(2024, 6, 30), date(2024, 7, 31)]


def test_collection_by_hand(hand):
    c = services.dashboard(hand, HAND_DAY, JUNE).collection
    assert c.days_late == DaysLate(1, D("0.00"), D("0.00"))  # F-8, paid 4 days early
    assert c.on_time == D("100.00")
    assert c.promises == PromiseTally(kept=1, broken=1, open=0)
    assert c.promises.ratio == D("50.00")
    # F-2's 200 came after its first reminder; F-8's 600 before any step
    assert c.recovered == {"": D("600.00"), "reminder_1": D("200.00")}
    assert c.collectors == {"": 1}  # the reminder, to a customer without a collector


def test_days_late_in_march(hand):
    c = services.dashboard(hand, date(2025, 3, 31)).collection
    assert c.days_late == DaysLate(1, D("17.00"), D("17.00"))  # F-6, due 3 March, paid 20
    assert c.on_time == D("0.00")


def test_forecast_spreads_the_open_balances(hand):
    f = services.forecast(hand, HAND_DAY)
    assert f.total == D("3700")
    assert f.weeks[0].start == HAND_DAY  # a Monday: week 1 starts on the day
    assert len(f.weeks) == 13
    # F-1 (1 000, due 10 July) is not late yet, and the book has too few payments for
    # habits of its own: the default delays 0, 4, 11, 18, 30 put 200 in each of the
    # weeks of 10, 14, 21, 28 July and 9 August, the overdue rest in week 1 or later
    assert f.weeks[2].expected >= D("200")


def test_scenario_effectiveness_by_hand(hand):
    rows = services.scenario_effectiveness(hand, "EUR", JUNE)
    assert [(r.scenario, r.step, r.carried_out, r.recovered) for r in rows] == [
        ("standard", "", 0, D("600.00")), ("standard", "reminder_1", 1, D("200.00"))]
    assert rows[1].per_step == D("200.00")


def test_portfolio_line(hand):
    [line] = services.portfolio([hand], HAND_DAY)
    assert (line.currency, line.receivables, line.dso) == ("EUR", D("3700"), D("101.33"))
    assert line.overdue_ratio == D("72.97")
    assert line.aged.unallocated == D("-150")


def test_top_late(hand):
    aged = services.aged_balance(hand, HAND_DAY)
    top = services.top_late(aged, services.customer_names(hand))
    assert [(ref, name, row.overdue) for ref, name, row in top] == [
        ("B", "Boréal Ltd", D("1600")), ("A", "Atelier Nord", D("1100"))]
