"""Late interest and the 40 € indemnity, with every expected value computed by hand.

Arithmetic convention in the comments: interest = base x rate x days / 36500 (rate in
percent, 365-day year), summed exactly, rounded half-up to the cent once. Rates used
(shipped table): ECB 4.50 % in 2024 H1, 4.25 % in 2024 H2, 3.15 % in 2025 H1, 2.15 % in
2025 H2; legal rate "autres cas" 5.07 % in 2024 H1, 2.76 % in 2025 H2.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relance.core.money import MoneyError
from relance.core.penalties import (
    fixed_indemnity,
    interest_between,
    late_interest,
    round_exact,
)
from relance.core.rates import (
    RateTable,
    Semester,
    SemesterRates,
    load_default,
    parse_rates_csv,
)
from relance.errors import RateMissing

D = Decimal
ONE_DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def rates() -> RateTable:
    return load_default()


def only_2026_h1() -> RateTable:
    table, errors = parse_rates_csv(
        "year,half,ecb_mro,legal_other,legal_private,source\n2026,1,2.15,2.62,6.67,test\n")
    assert errors == []
    return table


# --- the spec's examples (spec/examples/*.expected.json) ----------------------------------

def test_basic_example(rates: RateTable) -> None:
    # 2500.00 due 2025-10-14, unpaid to 2025-12-31: 15 Oct..31 Dec = 17 + 30 + 31 = 78 days
    # at 2.15 + 10 = 12.15 %: 2500 x 12.15 x 78 / 36500 = 64.9109... -> 64.91
    result = late_interest(D("2500.00"), date(2025, 10, 14), [], date(2025, 12, 31), rates)
    assert result.amount == D("64.91")
    assert [(p.days, p.rate) for p in result.breakdown] == [(78, D("12.15"))]
    assert fixed_indemnity(D("2500.00"), date(2025, 10, 14), [], date(2025, 12, 31)) == D("40.00")


def test_promise_broken_example(rates: RateTable) -> None:
    # 980.00 due 2025-10-01, to 2025-12-31: 30 + 30 + 31 = 91 days at 12.15 %:
    # 980 x 12.15 x 91 / 36500 = 1083537 / 36500 = 29.6859... -> 29.69
    result = late_interest(D("980.00"), date(2025, 10, 1), [], date(2025, 12, 31), rates)
    assert result.amount == D("29.69")


def test_partial_semester_example(rates: RateTable) -> None:
    # 6000.00 due 2025-06-01; credit note 1000 on 06-10; payment 2000 on 06-25; to 07-31.
    #  2 Jun..10 Jun   9 days x 6000 at 13.15 % -> 710100 / 36500
    # 11 Jun..25 Jun  15 days x 5000 at 13.15 % -> 986250 / 36500
    # 26 Jun..30 Jun   5 days x 3000 at 13.15 % -> 197250 / 36500
    #  1 Jul..31 Jul  31 days x 3000 at 12.15 % -> 1129950 / 36500
    # total 3023550 / 36500 = 82.8369... -> 82.84
    reductions = [(date(2025, 6, 10), D("1000.00")), (date(2025, 6, 25), D("2000.00"))]
    result = late_interest(D("6000.00"), date(2025, 6, 1), reductions, date(2025, 7, 31), rates)
    assert result.amount == D("82.84")
    assert result.exact == Fraction(3023550, 36500)
    assert [(p.start, p.end, p.days, p.base, p.rate) for p in result.breakdown] == [
        (date(2025, 6, 2), date(2025, 6, 10), 9, D("6000.00"), D("13.15")),
        (date(2025, 6, 11), date(2025, 6, 25), 15, D("5000.00"), D("13.15")),
        (date(2025, 6, 26), date(2025, 6, 30), 5, D("3000.00"), D("13.15")),
        (date(2025, 7, 1), date(2025, 7, 31), 31, D("3000.00"), D("12.15")),
    ]
    assert fixed_indemnity(D("6000.00"), date(2025, 6, 1), reductions,
                           date(2025, 7, 31)) == D("40.00")


# --- semesters and calendar --------------------------------------------------------------

def test_delay_across_30_june_and_1_july(rates: RateTable) -> None:
    # 1000.00 due 2024-06-20, to 2024-07-10:
    # 21..30 Jun 10 days at 4.50 + 10 = 14.50 % -> 145000 / 36500
    #  1..10 Jul 10 days at 4.25 + 10 = 14.25 % -> 142500 / 36500
    # 287500 / 36500 = 7.8767... -> 7.88
    result = late_interest(D("1000.00"), date(2024, 6, 20), [], date(2024, 7, 10), rates)
    assert result.amount == D("7.88")
    assert [(p.end, p.rate) for p in result.breakdown] == [
        (date(2024, 6, 30), D("14.50")), (date(2024, 7, 10), D("14.25"))]


def test_delay_across_31_december_and_1_january(rates: RateTable) -> None:
    # 1000.00 due 2024-12-21, to 2025-01-10:
    # 22..31 Dec 10 days at 14.25 %, 1..10 Jan 10 days at 3.15 + 10 = 13.15 %
    # 1000 x (14.25 + 13.15) x 10 / 36500 = 274000 / 36500 = 7.5068... -> 7.51
    result = late_interest(D("1000.00"), date(2024, 12, 21), [], date(2025, 1, 10), rates)
    assert result.amount == D("7.51")
    assert [p.start for p in result.breakdown] == [date(2024, 12, 22), date(2025, 1, 1)]


def test_leap_year_february_still_divides_by_365(rates: RateTable) -> None:
    # 3650.00 due 2024-01-31, to 2024-02-29: 29 days at 14.50 %:
    # 3650 x 14.50 x 29 / 36500 = 0.1 x 14.50 x 29 = 42.05 exactly (by 366: 41.94)
    result = late_interest(D("3650.00"), date(2024, 1, 31), [], date(2024, 2, 29), rates)
    assert result.breakdown[0].days == 29
    assert result.amount == D("42.05")


# --- payments and credit notes --------------------------------------------------------------

def test_two_partial_payments(rates: RateTable) -> None:
    # 2000.00 due 2025-03-31; 500 paid 04-10, 700 paid 04-30; to 2025-05-10, all at 13.15 %:
    #  1..10 Apr 10 days x 2000 -> 263000 / 36500
    # 11..30 Apr 20 days x 1500 -> 394500 / 36500
    #  1..10 May 10 days x  800 -> 105200 / 36500
    # 762700 / 36500 = 20.8958... -> 20.90
    reductions = [(date(2025, 4, 10), D("500.00")), (date(2025, 4, 30), D("700.00"))]
    result = late_interest(D("2000.00"), date(2025, 3, 31), reductions, date(2025, 5, 10), rates)
    assert result.amount == D("20.90")
    assert [p.base for p in result.breakdown] == [D("2000.00"), D("1500.00"), D("800.00")]


def test_credit_note_then_full_payment_stops_on_the_payment_day(rates: RateTable) -> None:
    # 1200.00 due 2025-09-30; credit note 200 on 10-05; the remaining 1000 paid 10-20;
    # asked on 2025-11-30, at 12.15 %:
    #  1..5 Oct   5 days x 1200 ->  72900 / 36500
    #  6..20 Oct 15 days x 1000 -> 182250 / 36500   (interest still runs on the payment day)
    # 255150 / 36500 = 6.9904... -> 6.99; nothing after 20 Oct.
    reductions = [(date(2025, 10, 5), D("200.00")), (date(2025, 10, 20), D("1000.00"))]
    result = late_interest(D("1200.00"), date(2025, 9, 30), reductions, date(2025, 11, 30), rates)
    assert result.amount == D("6.99")
    assert result.breakdown[-1].end == date(2025, 10, 20)


# --- contractual rate and its floor ----------------------------------------------------------

def test_contractual_rate_below_three_times_legal_is_raised(rates: RateTable) -> None:
    # 5 % in 2024 H1 < 3 x 5.07 % = 15.21 %. 10000.00 due 2024-03-31, to 2024-04-30:
    # 30 days: 10000 x 15.21 x 30 / 36500 = 4563000 / 36500 = 125.0136... -> 125.01
    result = late_interest(D("10000.00"), date(2024, 3, 31), [], date(2024, 4, 30), rates,
                           contractual_rate=D("5"))
    assert result.amount == D("125.01")
    assert result.breakdown[0].rate == D("15.21")
    assert len(result.warnings) == 1
    assert "15.21" in result.warnings[0] and "2024 H1" in result.warnings[0]


def test_contractual_rate_above_the_floor_is_kept(rates: RateTable) -> None:
    # 20 %: 10000 x 20 x 30 / 36500 = 6000000 / 36500 = 164.3835... -> 164.38
    result = late_interest(D("10000.00"), date(2024, 3, 31), [], date(2024, 4, 30), rates,
                           contractual_rate=D("20"))
    assert result.amount == D("164.38")
    assert result.warnings == ()


# --- consumers ----------------------------------------------------------------------------------

def test_consumer_interest_runs_from_the_formal_notice_at_the_legal_rate(rates: RateTable) -> None:
    # 1000.00 due 2025-10-01, mise en demeure 2025-11-04, to 2025-12-31:
    # 5 Nov..31 Dec = 26 + 31 = 57 days at the legal rate "autres cas" 2.76 %:
    # 1000 x 2.76 x 57 / 36500 = 157320 / 36500 = 4.3101... -> 4.31
    result = late_interest(D("1000.00"), date(2025, 10, 1), [], date(2025, 12, 31), rates,
                           consumer=True, notice_date=date(2025, 11, 4))
    assert result.amount == D("4.31")
    assert result.breakdown[0].start == date(2025, 11, 5)
    assert result.breakdown[0].rate == D("2.76")
    assert fixed_indemnity(D("1000.00"), date(2025, 10, 1), [], date(2025, 12, 31),
                           consumer=True) == D("0.00")


def test_consumer_without_formal_notice_owes_no_interest(rates: RateTable) -> None:
    result = late_interest(D("1000.00"), date(2025, 10, 1), [], date(2025, 12, 31), rates,
                           consumer=True)
    assert result.amount == D("0.00")
    assert result.breakdown == ()


# --- due-date edges and the indemnity ------------------------------------------------------------

def test_paid_on_the_due_date_owes_nothing(rates: RateTable) -> None:
    paid = [(date(2025, 3, 31), D("500.00"))]
    result = late_interest(D("500.00"), date(2025, 3, 31), paid, date(2025, 5, 1), rates)
    assert (result.amount, result.breakdown) == (D("0.00"), ())
    assert fixed_indemnity(D("500.00"), date(2025, 3, 31), paid, date(2025, 5, 1)) == D("0.00")


def test_paid_one_day_late_owes_one_day_and_the_indemnity(rates: RateTable) -> None:
    # 730.00 due 2025-03-31, paid 2025-04-01: 1 day at 13.15 %:
    # 730 x 13.15 x 1 / 36500 = 9599.5 / 36500 = 0.263 -> 0.26
    paid = [(date(2025, 4, 1), D("730.00"))]
    result = late_interest(D("730.00"), date(2025, 3, 31), paid, date(2025, 5, 1), rates)
    assert result.amount == D("0.26")
    assert [p.days for p in result.breakdown] == [1]
    assert fixed_indemnity(D("730.00"), date(2025, 3, 31), paid, date(2025, 5, 1)) == D("40.00")


def test_balance_under_threshold_after_paying_on_the_due_date(rates: RateTable) -> None:
    # 999.50 of 1000.00 paid on the due date: 0.50 left < 1.00, no indemnity. Interest on
    # 0.50 still runs: 1 Apr..1 May 31 days: 0.50 x 13.15 x 31 / 36500 = 0.0055... -> 0.01
    paid = [(date(2025, 3, 31), D("999.50"))]
    assert fixed_indemnity(D("1000.00"), date(2025, 3, 31), paid, date(2025, 5, 1)) == D("0.00")
    result = late_interest(D("1000.00"), date(2025, 3, 31), paid, date(2025, 5, 1), rates)
    assert result.amount == D("0.01")


def test_indemnity_edges() -> None:
    due, later = date(2025, 3, 31), date(2025, 5, 1)
    exactly_threshold = [(due, D("999.00"))]  # 1.00 left: at the threshold, owed
    assert fixed_indemnity(D("1000.00"), due, exactly_threshold, later) == D("40.00")
    assert fixed_indemnity(D("1000.00"), due, [], due) == D("0.00")  # not late yet
    assert fixed_indemnity(D("1000.00"), due, [], later, insolvency=True) == D("0.00")
    # a partial payment after the due date does not reduce it
    assert fixed_indemnity(D("1000.00"), due, [(date(2025, 4, 2), D("990.00"))],
                           later) == D("40.00")


# --- missing semesters ---------------------------------------------------------------------------

def test_missing_semester_is_refused_with_its_name() -> None:
    with pytest.raises(RateMissing, match="2026 H2") as caught:
        late_interest(D("1000.00"), date(2026, 6, 20), [], date(2026, 7, 10), only_2026_h1())
    assert "relance rates add" in str(caught.value)


def test_missing_semester_provisional_estimate() -> None:
    # 21 Jun..10 Jul 2026 = 20 days, all at 2026 H1's 2.15 + 10 = 12.15 %:
    # 1000 x 12.15 x 20 / 36500 = 243000 / 36500 = 6.6575... -> 6.66
    result = late_interest(D("1000.00"), date(2026, 6, 20), [], date(2026, 7, 10),
                           only_2026_h1(), provisional_ok=True)
    assert result.provisional is True
    assert result.amount == D("6.66")
    assert any("2026 H2" in w and "2026 H1" in w for w in result.warnings)


def test_a_user_added_semester_ends_the_estimate() -> None:
    table = only_2026_h1().with_rate(
        SemesterRates(Semester(2026, 2), D("1.90"), D("2.50"), D("6.50"), "user"))
    # 10 days at 12.15 % + 10 days at 11.90 %: 1000 x 240.5 / 36500 = 6.589... -> 6.59
    result = late_interest(D("1000.00"), date(2026, 6, 20), [], date(2026, 7, 10), table)
    assert (result.amount, result.provisional) == (D("6.59"), False)


# --- money hygiene ------------------------------------------------------------------------------

def test_floats_are_refused(rates: RateTable) -> None:
    due, as_of = date(2025, 3, 31), date(2025, 5, 1)
    with pytest.raises(MoneyError):
        late_interest(1000.0, due, [], as_of, rates)  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        late_interest(D("1000"), due, [(as_of, 10.0)], as_of, rates)  # type: ignore[list-item]
    with pytest.raises(MoneyError):
        late_interest(D("1000"), due, [], as_of, rates, contractual_rate=12.0)  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        fixed_indemnity(1000.0, due, [], as_of)  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "expected"), [
    (Fraction(5, 1000), D("0.01")), (Fraction(4999, 1000000), D("0.00")),
    (Fraction(-5, 1000), D("-0.01")), (Fraction(0), D("0.00")),
])
def test_round_exact_is_half_up(value: Fraction, expected: Decimal) -> None:
    assert round_exact(value) == expected


# --- properties ---------------------------------------------------------------------------------

amounts = st.integers(min_value=1, max_value=10**8).map(lambda cents: D(cents).scaleb(-2))
# due + 500 days stays inside the shipped table (2008 H1 .. 2026 H1)
due_dates = st.dates(min_value=date(2008, 1, 1), max_value=date(2025, 2, 15))
reduction_lists = st.lists(
    st.tuples(st.integers(min_value=-30, max_value=400),
              st.integers(min_value=1, max_value=10**7).map(lambda c: D(c).scaleb(-2))),
    max_size=4)
contractual = st.one_of(st.none(), st.integers(min_value=0, max_value=3000).map(
    lambda bp: D(bp).scaleb(-2)))


def dated(due: date, offsets: list[tuple[int, Decimal]]) -> list[tuple[date, Decimal]]:
    return [(due + timedelta(days=n), value) for n, value in offsets]


@settings(max_examples=150, deadline=None)
@given(amounts, due_dates, reduction_lists, st.integers(0, 500), st.integers(0, 500),
       contractual)
def test_interest_never_decreases_with_time(amount, due, offsets, a, b, rate) -> None:
    table = load_default()
    early, late = due + timedelta(days=min(a, b)), due + timedelta(days=max(a, b))
    args = (amount, due, dated(due, offsets))
    first = late_interest(*args, early, table, contractual_rate=rate)
    second = late_interest(*args, late, table, contractual_rate=rate)
    assert first.exact <= second.exact
    assert first.amount <= second.amount


@settings(max_examples=150, deadline=None)
@given(amounts, due_dates, reduction_lists, st.integers(0, 500), st.integers(0, 500),
       contractual)
def test_interest_adds_up_across_any_split(amount, due, offsets, a, b, rate) -> None:
    table = load_default()
    x, y = due + timedelta(days=min(a, b)), due + timedelta(days=max(a, b))
    reductions = dated(due, offsets)
    head = interest_between(amount, reductions, due + ONE_DAY, x, table, contractual_rate=rate)
    tail = interest_between(amount, reductions, x + ONE_DAY, y, table, contractual_rate=rate)
    whole = late_interest(amount, due, reductions, y, table, contractual_rate=rate)
    assert head.exact + tail.exact == whole.exact
