"""The report pages and downloads: a member sees them, a stranger gets 404, an anonymous
visitor the login page."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
DAY = "?date=2025-06-30"
PAGES = ["dashboard", "aged", "forecast", "scenarios"]
TABLES = ["aged", "forecast", "scenarios", "kpi", "dso", "recovered", "collectors"]


@pytest.mark.parametrize("page", PAGES)
def test_a_member_sees_every_page(member, page):
    response = member.get(reverse(f"reports:{page}", args=["atelier"]) + DAY)
    assert response.status_code == 200
    assert "<svg" in response.text or page == "scenarios"


def test_the_aged_page_shows_the_figures(member):
    text = member.get(reverse("reports:aged", args=["atelier"]) + DAY).text
    assert "Boréal Ltd" in text and "Atelier Nord" in text
    assert "3\u202f550,00\u00a0€" in text  # the net total, French by default


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_table_downloads(member, table, fmt):
    response = member.get(reverse("reports:download", args=["atelier", table, fmt]) + DAY)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content[:2] == (b"PK" if fmt == "xlsx" else "\ufeff".encode()[:2])


def test_the_monthly_pdf(member):
    response = member.get(reverse("reports:monthly_pdf", args=["atelier"]) + "?month=2025-06")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_portfolio(member):
    response = member.get(reverse("reports:portfolio") + DAY)
    assert response.status_code == 200
    assert "Atelier Dupré SARL" in response.text
    csv = member.get(reverse("reports:portfolio_download", args=["csv"]) + DAY)
    assert "Atelier Dupré SARL;EUR;3700,00" in csv.content.decode("utf-8-sig")


def test_the_portfolio_lists_only_the_users_organizations(stranger):
    response = stranger.get(reverse("reports:portfolio") + DAY)
    assert response.status_code == 200
    assert "Atelier" not in response.text and "Ailleurs SA" in response.text


@pytest.mark.parametrize("page", PAGES)
def test_a_stranger_gets_404(stranger, page):
    assert stranger.get(reverse(f"reports:{page}", args=["atelier"])).status_code == 404


def test_a_stranger_cannot_download(stranger):
    url = reverse("reports:download", args=["atelier", "aged", "csv"])
    assert stranger.get(url).status_code == 404
    assert stranger.get(reverse("reports:monthly_pdf", args=["atelier"])).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_an_anonymous_visitor_is_sent_to_log_in(client, hand, page):
    response = client.get(reverse(f"reports:{page}", args=["atelier"]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_bad_date_is_a_bad_request(member):
    url = reverse("reports:aged", args=["atelier"]) + "?date=30/06/2025"
    assert member.get(url).status_code == 400


def test_an_unknown_table_or_format_is_404(member):
    assert member.get(reverse("reports:download", args=["atelier", "nope", "csv"])
                      ).status_code == 404
    assert member.get(reverse("reports:download", args=["atelier", "aged", "ods"])
                      ).status_code == 404


@pytest.mark.parametrize(("query", "reason"), [
    ("?currency=XYZ", "devise : XYZ n’est pas un code de devise ISO 4217"),
    ("?date=9999-12-31", "date : 9999-12-31 est hors des années 1900 à 2999"),
    ("?date=2026-02-31", "date : une date comme 2026-03-31 est attendue"),
])
def test_a_bad_question_gets_a_400_page_saying_what_is_wrong(member, query, reason):
    response = member.get(reverse("reports:forecast", args=["atelier"]) + query)
    assert response.status_code == 400
    assert "Requête incorrecte" in response.text and reason in response.text
