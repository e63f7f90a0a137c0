"""The 13-week cash-in forecast, worked out by hand, and its back-test on a
generated history with known payment habits."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from relance.core.forecast import (
    CUSTOMER,
    DEFAULT,
    ORGANIZATION,
    PROMISE,
    ForecastSettings,
    History,
    backtest,
    cash_forecast,
    habits,
    nearest_rank,
    predict,
    predict_on_due_date,
    split,
    week_index,
)
from relance.core.holds import KEPT, Promise
from relance.core.ledger import Allocation, Invoice

D = Decimal
AS_OF = date(2025, 3, 17)  # a Monday: week 1 is 17-23 March, week 2 24-30 March, ...
SETTINGS = ForecastSettings()


def inv(number: str, customer: str, due: date, amount: str, currency: str = "EUR") -> Invoice:
    return Invoice(number, customer, due - timedelta(days=30), due, D(amount), currency)


def paid_history(customer: str, delays: list[int]) -> tuple[list[Invoice], list[Allocation]]:
    """Invoices of ``customer`` fully paid ``delays`` days after their due dates."""
    invoices, allocations = [], []
    for n, delay in enumerate(delays):
        due = date(2024, 10, 1) + timedelta(days=10 * n)
        invoices.append(inv(f"{customer}-H{n}", customer, due, "100.00"))
        allocations.append(Allocation("P", f"{customer}-H{n}", D("100.00"),
                                      due + timedelta(days=delay)))
    return invoices, allocations


def amounts(forecast, figure: str) -> dict[int, Decimal]:
    """Non-zero weeks of one figure (low/expected/high), week 1 = index 0; later = 13."""
    weeks = (*forecast.weeks, forecast.later)
    return {k: getattr(w, figure) for k, w in enumerate(weeks) if getattr(w, figure)}


def test_week_index_and_later() -> None:
    assert week_index(date(2025, 3, 16), AS_OF, 13) == 0   # past: week 1
    assert week_index(date(2025, 3, 23), AS_OF, 13) == 0   # Sunday of week 1
    assert week_index(date(2025, 3, 24), AS_OF, 13) == 1
    assert week_index(date(2025, 6, 15), AS_OF, 13) == 12  # last day of week 13
    assert week_index(date(2025, 6, 16), AS_OF, 13) == 13  # later


def test_split_keeps_every_cent() -> None:
    assert split(D("100.00"), {0: 1, 1: 1, 2: 1}, "EUR") == {
        0: D("33.34"), 1: D("33.33"), 2: D("33.33")}
    assert split(D("1000.00"), {0: 2, 1: 1, 4: 1}, "EUR") == {
        0: D("500.00"), 1: D("250.00"), 4: D("250.00")}
    assert sum(split(D("7"), {0: 1, 5: 2}, "JPY").values()) == D("7")


def test_nearest_rank() -> None:
    # 4 values: P25 rank 1, P50 rank 2, P75 rank 3
    assert [nearest_rank([10, 10, 20, 40], p) for p in (25, 50, 75)] == [10, 10, 20]
    # 3 values: P25 rank ceil(0.75) = 1, P50 ceil(1.5) = 2, P75 ceil(2.25) = 3
    assert [nearest_rank([11, 18, 30], p) for p in (25, 50, 75)] == [11, 18, 30]


def test_customer_habits_spread_over_weeks() -> None:
    invoices, allocations = paid_history("K", [5, 10, 10, 20, 40])
    invoices.append(inv("K-1", "K", date(2025, 3, 10), "1000.00"))
    forecast = cash_forecast(invoices, allocations, [], AS_OF, "EUR")
    # 7 days overdue: delays 10, 10, 20, 40 are still possible (5 is past)
    # -> 20 March (week 1) twice, 30 March (week 2), 19 April (week 5)
    assert amounts(forecast, "expected") == {0: D("500.00"), 1: D("250.00"), 4: D("250.00")}
    # P25 = 10 days (20 March), P75 = 20 days (30 March)
    assert amounts(forecast, "high") == {0: D("1000.00")}
    assert amounts(forecast, "low") == {1: D("1000.00")}
    assert forecast.total == D("1000.00")
    assert forecast.weeks[0].start == AS_OF and len(forecast.weeks) == 13


def test_thin_history_falls_back_to_organization_then_default() -> None:
    history = {"A": [1, 2], "B": list(range(20))}
    assert habits("B", history, SETTINGS) == (list(range(20)), CUSTOMER)
    # A has 2 paid invoices (< 5): the 22 of the organization are used
    assert habits("A", history, SETTINGS)[1] == ORGANIZATION
    assert habits("A", {"A": [1, 2]}, SETTINGS) == ([0, 4, 11, 18, 30], DEFAULT)


def test_promise_comes_first() -> None:
    invoices = [inv("F-1", "NEW", date(2025, 3, 10), "1000.00")]
    promise = Promise("PR", date(2025, 3, 14), date(2025, 4, 5), frozenset({"F-1"}),
                      amount=D("600.00"))
    forecast = cash_forecast(invoices, [], [promise], AS_OF, "EUR")
    # 600 promised for Saturday 5 April (week 3), low at 5 + 3 grace = 8 April (week 4)
    # the other 400 by the default delays still possible after 7 days: 11, 18, 30
    # -> 21 March (week 1), 28 March (week 2), 9 April (week 4): 133.34 / 133.33 / 133.33
    assert amounts(forecast, "expected") == {
        0: D("133.34"), 1: D("133.33"), 2: D("600.00"), 3: D("133.33")}
    assert amounts(forecast, "high") == {0: D("400.00"), 2: D("600.00")}
    assert amounts(forecast, "low") == {3: D("1000.00")}
    sources = sorted(f.source for f in predict(invoices, [], [promise], AS_OF, "EUR"))
    assert sources == [DEFAULT, PROMISE]


def test_promise_made_later_or_already_kept_is_not_used() -> None:
    invoices = [inv("F-1", "NEW", date(2025, 3, 10), "1000.00")]
    later = Promise("PR", date(2025, 3, 20), date(2025, 4, 5), frozenset({"F-1"}))
    kept = Promise("PK", date(2025, 3, 1), date(2025, 3, 5), frozenset({"F-1"}),
                   status=KEPT, closed_on=date(2025, 3, 5))
    found = predict(invoices, [], [later, kept], AS_OF, "EUR")
    assert [f.source for f in found] == [DEFAULT]


def test_long_overdue_goes_to_week_one_and_far_future_to_later() -> None:
    invoices = [inv("OLD", "NEW", date(2024, 12, 1), "300.00"),    # 106 days > every delay
                Invoice("FAR", "NEW", date(2025, 3, 1), date(2025, 7, 1), D("200.00")),
                inv("USD", "NEW", date(2025, 3, 20), "999.00", "USD")]
    forecast = cash_forecast(invoices, [], [], AS_OF, "EUR")
    for figure in ("low", "expected", "high"):
        assert amounts(forecast, figure) == {0: D("300.00"), 13: D("200.00")}


def test_forecast_at_a_past_day_ignores_what_came_after() -> None:
    invoices, allocations = paid_history("K", [5, 10, 10, 20, 40])
    open_one = inv("K-1", "K", date(2025, 3, 10), "1000.00")
    paid_later = [Allocation("P", "K-1", D("1000.00"), date(2025, 3, 20))]
    issued_later = Invoice("K-2", "K", date(2025, 3, 18), date(2025, 4, 17), D("50.00"))
    everything = cash_forecast([*invoices, open_one, issued_later],
                               [*allocations, *paid_later], [], AS_OF, "EUR")
    then = cash_forecast([*invoices, open_one], allocations, [], AS_OF, "EUR")
    assert everything == then


# --- back-test ------------------------------------------------------------------------

def generated_history(seed: int = 8) -> History:
    """Two years of weekly invoices: A pays 10 ± 3 days late, B 45 ± 10 days late."""
    rng = random.Random(seed)
    habit = {"A": (7, 13), "B": (35, 55)}
    invoices, allocations = [], []
    for week in range(104):
        issued = date(2023, 1, 2) + timedelta(weeks=week)
        for customer, (fastest, slowest) in habit.items():
            number = f"{customer}-{week:03d}"
            amount = D(rng.randint(10_000, 500_000)).scaleb(-2)  # 100.00 to 5 000.00
            due = issued + timedelta(days=30)
            invoices.append(Invoice(number, customer, issued, due, amount))
            paid = due + timedelta(days=rng.randint(fastest, slowest))
            allocations.append(Allocation(f"P-{number}", number, amount, paid))
    return History(tuple(invoices), tuple(allocations))


def test_backtest_beats_paying_on_due_date() -> None:
    history = generated_history()
    days = [date(2024, 3, 4) + timedelta(weeks=4 * n) for n in range(8)]
    model = backtest(history, days, "EUR")
    naive = backtest(history, days, "EUR", predictor=predict_on_due_date)
    assert model.invoices == naive.invoices > 100
    # A's spread is ±3 days and B's ±10, so the median error must stay within 5 days
    assert model.median_error_days <= 5
    assert naive.median_error_days > model.median_error_days + 3
    assert naive.weekly_error > model.weekly_error
    assert model.weekly_error_share is not None and naive.weekly_error_share is not None
    assert naive.weekly_error_share > model.weekly_error_share
