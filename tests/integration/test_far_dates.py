"""A promised date typed thousands of years ahead (9999 for 2026): refused where it is
typed; one stored before, or by another tool, holds the invoice's reminders and the
forecast expects the money late, instead of stopping the run with an overflow."""

from __future__ import annotations

from datetime import date

import pytest

from relance.dunning.events import latest_promise, record_promise
from relance.dunning.models import Promise
from relance.dunning.services import run_day
from relance.errors import InputError
from relance.reports.services import forecast


def test_a_promise_may_name_a_date_up_to_two_years_on(book):
    c1 = book.customers.get(ref="C1")
    with pytest.raises(InputError, match="more than 2 years after the promise 2026-03-02"):
        record_promise(c1, ["F-100"], date(2026, 3, 2), date(9999, 12, 31))
    with pytest.raises(InputError, match="more than 2 years"):
        record_promise(c1, ["F-100"], date(2026, 3, 2), date(2028, 3, 3))
    record_promise(c1, ["F-100"], date(2026, 3, 2), date(2028, 3, 2))
    assert latest_promise(date(2028, 2, 29)) == date(2030, 2, 28)


def test_a_far_promise_already_stored_holds_its_invoices_and_the_day_runs(book):
    c1 = book.customers.get(ref="C1")
    promise = Promise.objects.create(customer=c1, made_on=date(2026, 3, 1),
                                     until=date(9999, 12, 31))
    promise.invoices.set(c1.invoices.all())
    report = run_day(book, date(2026, 3, 16))
    assert {a.customer.ref for a in report.actions} == {"C2", "C3"}  # C1 is held
    weeks = forecast(book, date(2026, 3, 16))
    assert weeks is not None
