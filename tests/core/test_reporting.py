"""Aged balance and KPIs on small books whose figures are worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.core.holds import BROKEN, KEPT, OPEN, Promise
from relance.core.ledger import Allocation, Credit, Invoice
from relance.core.reporting import (
    BEFORE_ANY_STEP,
    AgedRow,
    CollectorAction,
    Period,
    StepEvent,
    actions_per_collector,
    aged_balance,
    aged_balances,
    average_days_late,
    bucket,
    cei,
    days_overdue,
    dso_countback,
    dso_ratio,
    on_time_share,
    overdue_ratio,
    payments_only,
    promises_kept,
    recovered_by_step,
)

D = Decimal


def inv(number: str, customer: str, issued: str, due: str, amount: str,
        currency: str = "EUR") -> Invoice:
    return Invoice(number, customer, date.fromisoformat(issued), date.fromisoformat(due),
                   D(amount), currency)


def alloc(source: str, invoice: str, amount: str, day: str) -> Allocation:
    return Allocation(source, invoice, D(amount), date.fromisoformat(day))


def credit(key: str, customer: str, day: str, amount: str, kind: str = "payment",
           currency: str = "EUR") -> Credit:
    return Credit(key, customer, date.fromisoformat(day), D(amount), currency, kind)


# --- bucket edges ----------------------------------------------------------------------

AS_OF = date(2025, 6, 30)


@pytest.mark.parametrize(("due", "late", "column"), [
    ("2025-07-05", -5, "not_due"),
    ("2025-06-30", 0, "not_due"),     # due today is not overdue
    ("2025-06-29", 1, "d1_30"),
    ("2025-05-31", 30, "d1_30"),      # 1 day left in May + 29 in June
    ("2025-05-30", 31, "d31_60"),
    ("2025-05-01", 60, "d31_60"),     # 30 (May) + 30 (June)
    ("2025-04-30", 61, "d61_90"),
    ("2025-04-01", 90, "d61_90"),     # 29 (April) + 31 (May) + 30 (June)
    ("2025-03-31", 91, "over_90"),
])
def test_bucket_edges(due: str, late: int, column: str) -> None:
    assert days_overdue(date.fromisoformat(due), AS_OF) == late
    assert bucket(date.fromisoformat(due), AS_OF) == column


# --- the aged balance book ------------------------------------------------------------

INVOICES = [
    inv("F-1", "ACME", "2025-06-15", "2025-07-15", "1000.00"),  # not due
    inv("F-2", "ACME", "2025-05-31", "2025-06-30", "500.00"),   # due today: not due
    inv("F-3", "ACME", "2025-05-01", "2025-05-31", "800.00"),   # 30 days, 300 paid
    inv("F-4", "ACME", "2025-03-01", "2025-03-31", "200.00"),   # 91 days
    inv("F-5", "BETA", "2025-04-01", "2025-05-01", "1200.00"),  # 60 days, 100 credit note
    inv("F-6", "BETA", "2025-03-31", "2025-04-30", "300.00"),   # 61 days, paid 2 July
    inv("F-7", "BETA", "2025-03-02", "2025-04-01", "700.00"),   # 90 days
    inv("F-8", "ACME", "2025-04-15", "2025-05-15", "999.00", "USD"),
    inv("F-9", "BETA", "2025-07-01", "2025-07-31", "5000.00"),  # issued after as_of
]
CREDITS = [
    credit("P-1", "ACME", "2025-06-10", "300.00"),
    credit("P-2", "ACME", "2025-06-20", "400.00"),  # allocated only on 10 July
    credit("CN-1", "BETA", "2025-06-01", "100.00", "credit_note"),
    credit("P-3", "BETA", "2025-07-02", "300.00"),
    credit("P-4", "BETA", "2025-07-03", "50.00"),   # after as_of: not seen at all
    credit("P-5", "ACME", "2025-06-25", "75.00", currency="USD"),
]
ALLOCATIONS = [
    alloc("P-1", "F-3", "300.00", "2025-06-10"),
    alloc("P-2", "F-4", "200.00", "2025-07-10"),
    alloc("CN-1", "F-5", "100.00", "2025-06-01"),
    alloc("P-3", "F-6", "300.00", "2025-07-02"),
]


def test_aged_balance_by_customer() -> None:
    report = aged_balance(INVOICES, ALLOCATIONS, CREDITS, AS_OF, "EUR")
    # ACME: not due F-1 1000 + F-2 500; 1-30 F-3 800 - 300; over 90 F-4 200
    # (P-2's allocation is dated 10 July, so at 30 June P-2 is 400 unallocated).
    # BETA: 31-60 F-5 1200 - 100; 61-90 F-6 300 (paid 2 July, later) + F-7 700.
    assert report.rows == (
        AgedRow("ACME", not_due=D("1500.00"), d1_30=D("500.00"), over_90=D("200.00"),
                unallocated=D("-400.00")),
        AgedRow("BETA", d31_60=D("1100.00"), d61_90=D("1000.00")),
    )
    assert report.rows[0].net == D("1800.00")   # 1500 + 500 + 200 - 400
    assert report.rows[1].net == D("2100.00")   # 1100 + 1000


def test_aged_balance_columns_add_up_to_open_balance() -> None:
    report = aged_balance(INVOICES, ALLOCATIONS, CREDITS, AS_OF, "EUR")
    # open invoices 1000 + 500 + 500 + 200 + 1100 + 300 + 700 = 4300, minus 400 unallocated
    assert report.total.net == D("3900.00")
    assert sum(report.total.columns().values()) == D("3900.00")
    for name, value in report.total.columns().items():
        assert value == sum(getattr(r, name) for r in report.rows)
    assert report.total.overdue == D("2800.00")  # 500 + 200 + 1100 + 1000


def test_back_dated_report_ignores_later_payments() -> None:
    later = aged_balance(INVOICES, ALLOCATIONS, CREDITS, date(2025, 7, 10), "EUR")
    # by 10 July F-6 is paid, P-2 paid F-4 (200 left unallocated), P-4 50 unallocated,
    # and F-9 exists (not due)
    beta = {r.customer: r for r in later.rows}["BETA"]
    acme = {r.customer: r for r in later.rows}["ACME"]
    assert beta.unallocated == D("-50.00")
    assert beta.not_due == D("5000.00")
    assert acme.unallocated == D("-200.00")
    assert acme.over_90 == D("0")
    # the report for 30 June is unchanged by what happened in July
    back = aged_balance(INVOICES, ALLOCATIONS, CREDITS, AS_OF, "EUR")
    assert back.total.d61_90 == D("1000.00")
    assert back.total.unallocated == D("-400.00")


def test_currencies_kept_apart() -> None:
    reports = aged_balances(INVOICES, ALLOCATIONS, CREDITS, AS_OF)
    assert sorted(reports) == ["EUR", "USD"]
    usd = reports["USD"]
    # F-8 due 15 May: 16 + 30 = 46 days; P-5 75 USD unallocated
    assert usd.rows == (AgedRow("ACME", d31_60=D("999.00"), unallocated=D("-75.00")),)
    assert reports["EUR"].total.net == D("3900.00")


# --- DSO ------------------------------------------------------------------------------

DSO_BOOK = [
    inv("D-12", "ACME", "2024-12-10", "2025-01-09", "2000.00"),
    inv("D-01", "ACME", "2025-01-10", "2025-02-09", "5000.00"),
    inv("D-02", "ACME", "2025-02-10", "2025-03-12", "4000.00"),
    inv("D-03", "ACME", "2025-03-10", "2025-04-09", "3000.00"),
    inv("X-01", "ACME", "2025-03-01", "2025-03-31", "9999.00", "USD"),
]
DSO_PAID = [
    alloc("P", "D-12", "2000.00", "2025-01-05"),
    alloc("P", "D-01", "3500.00", "2025-02-20"),
    alloc("P", "D-02", "1000.00", "2025-03-12"),
]


def test_dso_countback() -> None:
    # receivables at 15 March: D-01 1500 + D-02 3000 + D-03 3000 = 7500
    # March 1-15: sales 3000 <= 7500 -> 15 days, 4500 left
    # February: sales 4000 <= 4500 -> 28 days, 500 left
    # January: sales 5000 > 500 -> 500 / 5000 x 31 = 3.1 days
    assert dso_countback(DSO_BOOK, DSO_PAID, date(2025, 3, 15), "EUR") == D("46.10")


def test_dso_countback_months_without_sales_count_whole() -> None:
    book = [inv("A", "ACME", "2025-01-15", "2025-02-14", "1000.00")]
    # March 31 days + February 28 days (no sales) + January 1000/1000 x 31
    assert dso_countback(book, [], date(2025, 3, 31), "EUR") == D("90.00")
    assert dso_countback(book, [alloc("P", "A", "1000.00", "2025-02-01")],
                         date(2025, 3, 31), "EUR") == D("0.00")


def test_dso_ratio() -> None:
    # 90 days ending 15 March = 16 December 2024 .. 15 March 2025:
    # sales 5000 + 4000 + 3000 = 12000 (D-12 of 10 December is outside)
    # 7500 / 12000 x 90 = 56.25
    assert dso_ratio(DSO_BOOK, DSO_PAID, date(2025, 3, 15), "EUR") == D("56.25")
    assert dso_ratio(DSO_BOOK, DSO_PAID, date(2024, 11, 1), "EUR") is None


def test_overdue_ratio() -> None:
    # aged book at 30 June: overdue 2800 of 4300 open = 65.116...% -> 65.12
    assert overdue_ratio(INVOICES, ALLOCATIONS, AS_OF, "EUR") == D("65.12")
    assert overdue_ratio([], [], AS_OF, "EUR") is None


# --- CEI ------------------------------------------------------------------------------

def test_cei() -> None:
    book = [
        inv("A", "ACME", "2025-02-01", "2025-03-10", "2000.00"),
        inv("B", "ACME", "2025-01-15", "2025-02-15", "1000.00"),
        inv("C", "ACME", "2025-03-05", "2025-04-04", "4000.00"),
        inv("D", "ACME", "2025-03-10", "2025-03-25", "500.00"),
        inv("E", "ACME", "2025-04-02", "2025-05-02", "700.00"),  # after the period
    ]
    paid = [
        alloc("P1", "A", "2000.00", "2025-03-12"),
        alloc("P2", "B", "400.00", "2025-03-20"),
        alloc("P3", "C", "1000.00", "2025-03-31"),
    ]
    # opening (28 Feb) = A 2000 + B 1000 = 3000; March sales = C 4000 + D 500 = 4500
    # closing (31 March) = B 600 + C 3000 + D 500 = 4100; closing current = C 3000
    # CEI = (3000 + 4500 - 4100) / (3000 + 4500 - 3000) x 100 = 3400 / 4500 x 100 = 75.56
    march = Period(date(2025, 3, 1), date(2025, 3, 31))
    assert cei(book, paid, march, "EUR") == D("75.56")


# --- payment behaviour ----------------------------------------------------------------

PAID_BOOK = [
    inv("A", "ACME", "2025-02-08", "2025-03-10", "2000.00"),
    inv("E", "ACME", "2025-02-20", "2025-03-20", "1000.00"),
    inv("F", "ACME", "2025-01-01", "2025-02-01", "500.00"),
    inv("G", "ACME", "2025-01-01", "2025-01-31", "800.00"),
    inv("H", "ACME", "2025-02-01", "2025-03-01", "300.00"),
    inv("U", "ACME", "2025-02-01", "2025-03-01", "300.00", "USD"),
]
PAID_ALLOCATIONS = [
    alloc("P", "A", "2000.00", "2025-03-12"),   # 2 days late
    alloc("P", "E", "1000.00", "2025-03-15"),   # 5 days early: 0 late, on time
    alloc("P", "F", "200.00", "2025-02-15"),
    alloc("P", "F", "300.00", "2025-03-03"),    # settled 3 March: 27 + 3 = 30 days late
    alloc("P", "G", "800.00", "2025-02-20"),    # settled in February: outside
    alloc("P", "H", "100.00", "2025-03-05"),    # partly paid: not counted
    alloc("P", "U", "300.00", "2025-03-05"),    # USD: not counted
]
MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))


def test_average_days_late_simple_and_weighted() -> None:
    result = average_days_late(PAID_BOOK, PAID_ALLOCATIONS, MARCH, "EUR")
    assert result.count == 3
    # simple: (2 + 0 + 30) / 3 = 10.666... -> 10.67
    assert result.simple == D("10.67")
    # weighted: (2000 x 2 + 1000 x 0 + 500 x 30) / 3500 = 19000 / 3500 = 5.428... -> 5.43
    assert result.weighted == D("5.43")


def test_on_time_share() -> None:
    # only E of A, E, F was paid by its due date: 1 / 3 = 33.33 %
    assert on_time_share(PAID_BOOK, PAID_ALLOCATIONS, MARCH, "EUR") == D("33.33")
    april = Period(date(2025, 4, 1), date(2025, 4, 30))
    assert on_time_share(PAID_BOOK, PAID_ALLOCATIONS, april, "EUR") is None


def test_promises_kept_ratio() -> None:
    def promise(key: str, until: str, status: str) -> Promise:
        return Promise(key, date(2025, 2, 20), date.fromisoformat(until), frozenset({"A"}),
                       status=status)

    promises = [promise("1", "2025-03-05", KEPT), promise("2", "2025-03-31", KEPT),
                promise("3", "2025-03-10", BROKEN), promise("4", "2025-03-28", OPEN),
                promise("5", "2025-04-01", BROKEN)]
    tally = promises_kept(promises, MARCH)
    # in March: kept 2, broken 1, open 1 (left out) -> 2 / 3 = 66.67 %
    assert (tally.kept, tally.broken, tally.open) == (2, 1, 1)
    assert tally.ratio == D("66.67")
    assert promises_kept([], MARCH).ratio is None


def test_recovered_by_step() -> None:
    book = [inv("A", "ACME", "2025-01-01", "2025-01-31", "5000.00"),
            inv("C", "ACME", "2025-01-01", "2025-03-31", "600.00"),
            inv("B", "ACME", "2025-01-01", "2025-01-31", "100.00", "USD")]
    steps = [StepEvent("A", "reminder_2", date(2025, 3, 8)),
             StepEvent("A", "reminder_1", date(2025, 3, 1)),
             StepEvent("A", "formal_notice", date(2025, 3, 20)),
             StepEvent("B", "reminder_1", date(2025, 3, 1))]
    paid = [alloc("P1", "A", "100.00", "2025-02-25"),  # before any step
            alloc("P2", "A", "200.00", "2025-03-01"),  # day of reminder_1: not after it
            alloc("P3", "A", "300.00", "2025-03-05"),  # reminder_1
            alloc("P4", "A", "400.00", "2025-03-08"),  # day of reminder_2: still reminder_1
            alloc("P5", "A", "500.00", "2025-03-25"),  # formal_notice
            alloc("P6", "A", "50.00", "2025-04-02"),   # outside the period
            alloc("P7", "C", "600.00", "2025-03-10"),  # no step at all
            alloc("P8", "B", "100.00", "2025-03-10"),  # USD
            alloc("CN", "A", "70.00", "2025-03-10")]   # a credit note recovers nothing
    period = Period(date(2025, 2, 1), date(2025, 3, 31))
    money = payments_only(paid, [credit("CN", "ACME", "2025-03-10", "70.00", "credit_note")])
    assert recovered_by_step(steps, money, book, period, "EUR") == {
        BEFORE_ANY_STEP: D("900.00"),   # 100 + 200 + 600
        "reminder_1": D("700.00"),      # 300 + 400
        "formal_notice": D("500.00"),
    }


def test_actions_per_collector() -> None:
    def act(who: str, day: str) -> CollectorAction:
        return CollectorAction(who, date.fromisoformat(day), "call")

    actions = [act("Camille", "2025-03-01"), act("Léa", "2025-03-02"),
               act("Camille", "2025-03-15"), act("Camille", "2025-03-31"),
               act("Léa", "2025-03-20"), act("Camille", "2025-04-01")]
    assert actions_per_collector(actions, MARCH) == {"Camille": 3, "Léa": 2}


def test_period_refuses_end_before_start() -> None:
    with pytest.raises(ValueError):
        Period(date(2025, 3, 2), date(2025, 3, 1))
    assert Period(date(2025, 3, 1), date(2025, 3, 31)).days == 31
