"""The portfolio's figures, summed in the database, against hand-computed values and the
pure reporting core (docs/reporting.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.core import ledger as core
from relance.core.money import from_minor
from relance.core.reporting import dso_countback
from relance.ledger.models import Allocation, Credit
from relance.ledger.services import allocate_credit
from relance.web.figures import countback, org_figures
from tests.web.builders import DAY


def core_book(org):
    """The organization's book as the reporting core's records."""
    invoices = [core.Invoice(i.number, i.customer.ref, i.issued, i.due, i.amount, i.currency)
                for i in org.invoices.select_related("customer")]
    allocations = [core.Allocation(a.credit.key, a.invoice.number,
                                   from_minor(a.amount_minor, "EUR"), a.date)
                   for a in Allocation.objects.filter(invoice__organization=org)
                   .select_related("credit", "invoice")]
    return invoices, allocations


def test_acme_line_of_the_portfolio(w):
    figures = org_figures(w["acme"], DAY)
    # 1 200,00 + 300,50 + 2 400,00 + 99,90, all due before 16 March.
    assert figures.open_amount == Decimal("4000.40") == figures.overdue_amount
    # Waiting: 2 messages to approve and 3 calls (C3 on 2 March, C2 and C3 today); the
    # reminder drafted on 2 March and never approved expired at today's run (14 days
    # old, at most 7: its dates would be stale).
    assert figures.waiting == 5


def test_a_payment_lowers_open_and_overdue(w):
    c1 = w["acme"].customers.get(ref="C1")
    credit = Credit.objects.create(organization=w["acme"], customer=c1, kind="payment",
                                   key="vir-1", date=DAY, amount_minor=100000, currency="EUR")
    allocate_credit(credit)
    figures = org_figures(w["acme"], DAY)
    assert figures.open_amount == Decimal("3000.40") == figures.overdue_amount


def test_dso_is_the_reporting_cores_countback(w):
    c1 = w["acme"].customers.get(ref="C1")
    allocate_credit(Credit.objects.create(organization=w["acme"], customer=c1, kind="payment",
                                          key="vir-2", date=date(2026, 3, 10),
                                          amount_minor=50000, currency="EUR"))
    invoices, allocations = core_book(w["acme"])
    assert org_figures(w["acme"], DAY).dso == dso_countback(invoices, allocations, DAY, "EUR")


@pytest.mark.parametrize(("receivables", "sales", "expected"), [
    # docs/reporting.md: R = 7 500 at 15 March; sales 3 000 (1–15 March), 4 000 (Feb),
    # 5 000 (Jan) → 15 + 28 + 500 / 5 000 × 31 = 46.10 days.
    ("7500", {date(2025, 3, 1): "3000", date(2025, 2, 1): "4000", date(2025, 1, 1): "5000"},
     "46.10"),
    ("0", {date(2025, 3, 1): "3000"}, "0.00"),
    # A month without sales counts whole: 15 (March) + 28 (Feb, none) + 1000/2000 × 31.
    ("1000", {date(2025, 1, 1): "2000"}, "58.50"),
])
def test_countback_on_monthly_totals(receivables, sales, expected):
    monthly = {month: Decimal(amount) for month, amount in sales.items()}
    assert countback(Decimal(receivables), monthly, date(2025, 3, 15)) == Decimal(expected)


def test_the_portfolio_keeps_each_line_and_recomputes_it_when_old(w):
    from datetime import UTC, datetime, timedelta

    from relance.web.figures import portfolio
    from relance.web.models import FigureSnapshot

    now = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    first = portfolio([w["acme"], w["globex"]], DAY, now)
    assert [line.open_amount for line in first] == [Decimal("4000.40"), Decimal("5700.00")]
    assert [line.waiting for line in first] == [5, 2]  # globex: G1 to approve, G2 to call
    FigureSnapshot.objects.filter(organization=w["acme"]).update(open_minor=1)
    assert portfolio([w["acme"]], DAY, now + timedelta(minutes=5))[0].open_amount == Decimal(
        "0.01")  # fresh enough: read as kept
    assert portfolio([w["acme"]], DAY, now + timedelta(minutes=11))[0].open_amount == Decimal(
        "4000.40")  # too old: computed again
