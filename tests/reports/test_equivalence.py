"""The database paths give the pure core's figures on generated books.

The core (relance.core.reporting, relance.core.forecast) is the reference: each test
loads the whole book as core records and compares it with what the SQL sums, or the
restricted loads, produce, at days spread over the book's life.
"""

from __future__ import annotations

from datetime import date

import pytest

from relance.core import forecast as core_forecast
from relance.core import reporting as core
from relance.dunning.models import Action, Task
from relance.ledger.models import Organization
from relance.reports import records, services
from relance.reports.aged import aged_balances_all
from relance.reports.kpis import kpis, month_ends
from tests.reports.books import random_book

pytestmark = pytest.mark.django_db

DAYS = [date(2024, 1, 1), date(2024, 3, 31), date(2024, 11, 15), date(2025, 6, 30),
        date(2025, 12, 31), date(2026, 2, 10)]
SEEDS = [1, 2, 3]


@pytest.fixture(params=SEEDS)
def generated(request):
    org = Organization.objects.create(slug=f"gen-{request.param}", name="Générée")
    random_book(org, request.param)
    return org, records.book(org)


@pytest.mark.parametrize("as_of", DAYS)
def test_aged_balance_matches_the_core(generated, as_of):
    org, book = generated
    expected = core.aged_balances(book.invoices, book.allocations, book.credits, as_of)
    assert expected, "the generated book has invoices"
    for currency, reference in expected.items():
        assert services.aged_balance(org, as_of, currency) == reference


@pytest.mark.parametrize("as_of", [date(2024, 3, 31), date(2025, 6, 30)])
def test_every_organizations_aged_balances_match_the_core(db, as_of):
    orgs = []
    for seed in (6, 7):
        org = Organization.objects.create(slug=f"all-{seed}", name=f"Org {seed}")
        random_book(org, seed, invoices=40)
        orgs.append(org)
    got = aged_balances_all(as_of)
    for org in orgs:
        book = records.book(org)
        expected = core.aged_balances(book.invoices, book.allocations, book.credits, as_of)
        assert got.get(org.pk, {}) == {cur: b for cur, b in expected.items() if b.rows}
    assert aged_balances_all(as_of, orgs[:1]).keys() <= {orgs[0].pk}


@pytest.mark.parametrize("period", [core.Period(date(2025, 1, 1), date(2025, 3, 31)),
                                    core.Period(date(2025, 6, 20), date(2025, 7, 10))])
def test_kpis_of_any_period_match_the_core(generated, period):
    """A period of several months, and one running past the report day."""
    org, book = generated
    as_of = date(2025, 6, 30)
    inv, alloc = book.invoices, book.allocations
    got = kpis(org.pk, "EUR", as_of, period)
    assert got.cei == core.cei(inv, alloc, period, "EUR")
    assert got.sales == core.sales([i for i in inv if i.currency == "EUR"], period)
    assert got.dso_countback == core.dso_countback(inv, alloc, as_of, "EUR")


@pytest.mark.parametrize("as_of", DAYS)
def test_kpis_match_the_core(generated, as_of):
    org, book = generated
    period = services.month_to_date(as_of)
    for currency in ("EUR", "USD"):
        got = kpis(org.pk, currency, as_of, period)
        inv, alloc = book.invoices, book.allocations
        assert got.receivables == core.receivables(
            [i for i in inv if i.currency == currency], alloc, as_of)
        assert got.dso_countback == core.dso_countback(inv, alloc, as_of, currency)
        assert got.dso_ratio == core.dso_ratio(inv, alloc, as_of, currency)
        assert got.overdue_ratio == core.overdue_ratio(inv, alloc, as_of, currency)
        assert got.cei == core.cei(inv, alloc, period, currency)
        assert got.trend == tuple((d, core.dso_countback(inv, alloc, d, currency))
                                  for d in month_ends(as_of, 12))
        # The dashboard's, from the total row of its aged balance, are the same.
        assert services.dashboard(org, as_of, period, currency).kpis == got


@pytest.mark.parametrize("period", [core.Period(date(2024, 1, 1), date(2024, 12, 31)),
                                    core.Period(date(2025, 3, 1), date(2025, 3, 31)),
                                    core.Period(date(2024, 6, 10), date(2025, 9, 20))])
def test_collection_matches_the_core(generated, period):
    org, book = generated
    got = services.collection(org, "EUR", period)
    inv, alloc = book.invoices, book.allocations
    assert got.days_late == core.average_days_late(inv, alloc, period, "EUR")
    assert got.on_time == core.on_time_share(inv, alloc, period, "EUR")
    assert got.promises == core.promises_kept(book.promises, period)
    assert got.recovered == core.recovered_by_step(
        book.steps, core.payments_only(alloc, book.credits), inv, period, "EUR")
    actions = records.collector_actions(Action.objects.filter(organization=org),
                                        Task.objects.filter(organization=org))
    assert got.collectors == core.actions_per_collector(actions, period)
    if period.days > 365:  # the long period does see paid invoices: the test is not vacuous
        assert got.days_late.count > 0 and got.recovered


@pytest.mark.parametrize("as_of", DAYS[1:])
def test_forecast_matches_the_core(generated, as_of):
    org, book = generated
    for currency in ("EUR", "USD"):
        expected = core_forecast.cash_forecast(book.invoices, book.allocations, book.promises,
                                               as_of, currency)
        assert services.forecast(org, as_of, currency) == expected


def test_portfolio_matches_the_core_per_organization(db):
    orgs = []
    for seed in (4, 5):
        org = Organization.objects.create(slug=f"p-{seed}", name=f"Org {seed}",
                                          currency="EUR")
        random_book(org, seed, invoices=40)
        orgs.append(org)
    as_of = date(2025, 5, 31)
    lines = services.portfolio(orgs, as_of)
    assert [(line.organization.slug, line.currency) for line in lines] == [
        ("p-4", "EUR"), ("p-4", "USD"), ("p-5", "EUR"), ("p-5", "USD")]
    for line in lines:
        book = records.book(line.organization)
        aged = core.aged_balance(book.invoices, book.allocations, book.credits, as_of,
                                 line.currency)
        assert line.aged == aged.total
        assert line.dso == core.dso_countback(book.invoices, book.allocations, as_of,
                                              line.currency)
