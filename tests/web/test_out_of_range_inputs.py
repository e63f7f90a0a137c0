"""Numbers no collector types, answered next to their field or clamped, never a 500: an
amount past ten thousand billion (``1e30`` has more digits than cents can be computed
with, and its cents would not fit the database's integers), a page far past the last."""

from __future__ import annotations

import pytest

from relance.dunning.models import Policy, Promise
from relance.ledger.models import Invoice
from tests.web.test_setup_pages import scenario

HUGE = ["1e30", "99999999999999999999999", "10000000000000"]


@pytest.mark.parametrize("amount", HUGE)
def test_a_promise_of_an_amount_too_large_is_refused_next_to_the_field(alice, w, amount):
    invoice = Invoice.objects.get(organization=w["acme"], number="F-200")
    response = alice.post(f"/o/acme/invoices/{invoice.pk}/promise/",
                          {"until": "2026-03-31", "amount": amount})
    assert response.status_code == 400
    assert "Saisissez un montant inférieur à dix mille milliards." in response.content.decode()
    assert not Promise.objects.exists()


def test_a_promise_just_under_the_limit_is_recorded(alice, w):
    invoice = Invoice.objects.get(organization=w["acme"], number="F-200")
    response = alice.post(f"/o/acme/invoices/{invoice.pk}/promise/",
                          {"until": "2026-03-31", "amount": "9 999 999 999 999,99"})
    assert response.status_code == 302
    assert Promise.objects.get().amount_minor == 999_999_999_999_999


@pytest.mark.parametrize("threshold", HUGE)
def test_a_scenario_threshold_too_large_is_refused_next_to_the_field(alice, w, threshold):
    data = scenario("doux", [("reminder_1", "email", "10")])
    response = alice.post("/o/acme/scenarios/new/", {**data, "threshold": threshold})
    assert response.status_code == 400
    assert 'id="id_threshold_error"' in response.content.decode()
    assert not Policy.objects.exists()


@pytest.mark.parametrize("page", ["9223372036854775807", "99999999999999999999999", "²", "-1"])
def test_a_page_number_past_the_last_shows_the_last_page(alice, w, page):
    response = alice.get("/o/acme/customers/", {"page": page})
    assert response.status_code == 200
    assert "Atelier Nord" in response.content.decode()  # one page of three customers
    assert response.context["page"] == 1


def test_the_page_number_is_clamped_to_the_pages_there_are():
    from relance.web.customers import PAGE, page_number

    assert page_number("3", 2 * PAGE + 1) == 3
    assert page_number("4", 2 * PAGE + 1) == 3
    assert page_number("0", 2 * PAGE + 1) == 1
    assert page_number("9223372036854775807", 0) == 1
