"""A user never sees or touches another organization's data, whatever the URL.

The test walks every URL pattern of the site: each one that names an object is
requested by alice (acme's administrator) with globex's object, by GET and POST,
and must answer 404; each organization page is requested under globex's slug and
must answer 404 too. A new URL that takes an id fails this test until it is added
to ``OBJECTS`` — so no page can forget the check.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from relance.dunning.models import Task
from relance.dunning.policies import save_policy
from relance.ledger import models as ledger
from relance.messaging.models import OutboxMessage
from relance.web.models import ImportRun
from relance.web.orgs import ORG_PATHS, scoped

# The first segment after o/<org>/ (or the first two, for settings pages) names the kind
# of object its ids point to.
OBJECTS = {
    "messages": OutboxMessage, "tasks": Task, "customers": ledger.Customer,
    "invoices": ledger.Invoice, "imports": ImportRun, "scenarios": "Policy",
    "reconciliation": "BankLine", "settings/bank-formats": "BankCsvMapping",
}


def walk(patterns, prefix: str = "", converters: dict | None = None):
    """(route, converters) of every URL pattern, nested includes flattened."""
    for p in patterns:
        route = prefix + str(p.pattern)
        found = {**(converters or {}), **p.pattern.converters}
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, route, found)
        elif isinstance(p, URLPattern):
            yield route, found


def org_routes():
    return [(r, c) for r, c in walk(get_resolver().url_patterns) if r.startswith("o/<slug:org>/")]


def fill(route: str, values: dict[str, str]) -> str:
    url = "/" + route
    for name, value in values.items():
        for conv in ("int", "slug", "str", "path"):
            url = url.replace(f"<{conv}:{name}>", str(value))
    assert "<" not in url, f"{route}: no value for a parameter"
    return url


def objects_of(org) -> dict:
    """One object of each kind in ``org`` (created when the book has none)."""
    found = {
        "messages": OutboxMessage.objects.filter(organization=org).first(),
        "tasks": Task.objects.filter(organization=org).first(),
        "customers": org.customers.first(), "invoices": org.invoices.first(),
        "imports": ImportRun.objects.create(organization=org, kind="fec", file_name="x.txt",
                                            summary="x"),
        "scenarios": None, "reconciliation": None,
        "settings/bank-formats": ledger.BankCsvMapping.objects.create(
            organization=org, name=f"Banque {org.slug}", date_column="Date",
            amount_column="Montant"),
    }
    save_policy(org, {"name": f"gentle-{org.slug}", "steps": [
        {"name": "reminder_1", "channel": "email", "offset": 5}]})
    found["scenarios"] = org.policies.get(name=f"gentle-{org.slug}")
    if hasattr(ledger, "BankLine"):
        found["reconciliation"] = ledger.BankLine.objects.create(
            organization=org, key=f"k-{org.slug}", booking_date=date(2026, 3, 10),
            amount_minor=12345, currency="EUR", status="review")
    return found


def section_of(route: str) -> str:
    parts = route.split("/")
    return "/".join(parts[2:4]) if "/".join(parts[2:4]) in OBJECTS else parts[2]


def kwargs_for(route: str, converters: dict, objects: dict, org_slug: str) -> dict | None:
    section = section_of(route)
    values = {"org": org_slug}
    params = [n for n in converters if n != "org"]
    if not params:
        return values
    if section == "templates":
        return {**values, "language": "fr", "step": "reminder_1"}
    assert section in OBJECTS, f"{route}: add its object kind to OBJECTS"
    obj = objects[section]
    if obj is None:
        return None
    for name in params:
        values[name] = obj.name if name == "name" else obj.pk
    return values


@pytest.fixture
def both(w, tmp_path):
    mine, theirs = objects_of(w["acme"]), objects_of(w["globex"])
    for objects in (mine, theirs):
        pdf = tmp_path / f"{objects['invoices'].number}.pdf"
        pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
        objects["invoices"].pdf_path = str(pdf)
        objects["invoices"].save()
    return mine, theirs


def test_every_id_taking_url_answers_404_for_another_organizations_object(client, w, both):
    mine, theirs = both
    client.force_login(w["alice"])
    checked = 0
    for route, converters in org_routes():
        if set(converters) == {"org"} or route.split("/")[2] == "templates":
            continue
        values = kwargs_for(route, converters, theirs, "acme")
        if values is None:
            continue
        url = fill(route, values)
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x", "until": "2026-04-01", "text": "x",
                                 "invoices": "G-1", "customer": "1"}).status_code == 404, url
        own = fill(route, kwargs_for(route, converters, mine, "acme"))
        assert client.get(own).status_code != 404, own  # the walker tests real pages
        checked += 1
    assert checked >= 20


def test_every_organization_page_answers_404_to_a_non_member(client, w, both):
    _mine, theirs = both
    client.force_login(w["alice"])
    for route, converters in org_routes():
        values = kwargs_for(route, converters, theirs, "globex")
        if values is None:
            continue
        url = fill(route, values)
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


def test_pages_outside_o_that_name_an_organization_answer_404_to_a_non_member(client, w):
    """Other apps mount organization pages elsewhere (reports/<org>/…): same rule."""
    client.force_login(w["alice"])
    others = [(r, c) for r, c in walk(get_resolver().url_patterns)
              if "org" in c and not r.startswith("o/<slug:org>/")]
    for route, converters in others:
        values = {n: "x" for n in converters} | {"org": "globex", "fmt": "csv"}
        url = fill(route, values)
        assert client.get(url).status_code == 404, url


def test_every_model_the_pages_read_has_its_path_to_the_organization(w, both):
    """``scoped`` (behind every lookup) keeps each kind of row inside its organization."""
    from django.apps import apps

    for name, path in ORG_PATHS.items():
        model = next(m for m in apps.get_models() if m.__name__ == name)
        rows = scoped(model, w["acme"])
        assert not rows.filter(**{path: w["globex"]}).exists(), name


def test_a_statement_is_never_sent_to_another_organizations_customer(client, w, settings,
                                                                    tmp_path):
    """The walker above covers these routes too; this says what is at stake: an email."""
    settings.OUTBOX_DIR = tmp_path
    client.force_login(w["alice"])
    theirs = w["globex"].customers.get(ref="G1")
    assert client.post(f"/o/acme/customers/{theirs.pk}/statement/send/").status_code == 404
    assert client.post(f"/o/globex/customers/{theirs.pk}/statement/send/").status_code == 404
    assert client.post("/o/globex/settings/rates/", {"year": "2026"}).status_code == 404
    assert list(tmp_path.rglob("*.eml")) == []


def test_the_switcher_refuses_an_organization_the_user_is_not_in(client, w):
    client.force_login(w["alice"])
    assert client.get("/switch/?org=globex").status_code == 404
    assert client.get("/switch/?org=acme").url == "/o/acme/"


def test_anonymous_visitors_are_sent_to_the_login_page(client, w):
    for route, converters in org_routes():
        values = kwargs_for(route, converters, {k: None for k in OBJECTS}, "acme") or {
            **{n: 1 for n in converters}, "org": "acme", "language": "fr", "step": "x",
            "name": "x"}
        response = client.get(fill(route, values))
        assert response.status_code == 302 and "/accounts/login/" in response.url, route
