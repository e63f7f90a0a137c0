"""An organization's settings follow the settings page's rules wherever they come from:
``relance init`` and the contacts CSV refuse what the page refuses (a slug no address
can carry, payment terms over the 60 days of Code de commerce L441-10, a bad SIREN or
email), with a clear message instead of a traceback or a page that answers 500."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from relance.imports import wording
from relance.imports.csv_files import import_contacts
from relance.ledger.models import Customer, Organization


def init(*args: str) -> str:
    out = io.StringIO()
    call_command("init", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "message"), [
    (("--org", "Bad Slug!"), "--org: An organization's short name has only letters without "
                             "accents, digits, “-” and “_”, e.g. acme-sas."),
    (("--payment-terms", "-3"), "--payment-terms: Payment terms are a number of days from 0 "
                                "up."),
    (("--payment-terms", "99999"), "--payment-terms: French law allows 60 days at most "
                                   "(L441-10)."),
    (("--siren", "123"), "--siren: A SIREN has 9 digits and a valid check digit."),
    (("--collector-email", "notanemail"), "--collector-email: Enter a valid email address, "
                                          "e.g. recouvrement@example.com."),
])
def test_init_refuses_what_the_settings_page_refuses(args, message):
    with pytest.raises(CommandError) as refused:
        init("--org", "acme", *args)
    assert str(refused.value) == message
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_init_stores_the_values_as_the_page_would():
    assert init("--org", "acme", "--siren", "732 829 320", "--payment-terms", "0",
                "--collector-email", "recouvrement@acme.example") == "organization acme created\n"
    org = Organization.objects.get(slug="acme")
    assert (org.siren, org.payment_terms_days, org.sender_email) == (
        "732829320", 0, "recouvrement@acme.example")
    assert init("--org", "acme", "--payment-terms", "60") == "organization acme updated\n"
    assert Organization.objects.get(slug="acme").payment_terms_days == 60


def test_a_contacts_row_with_payment_terms_over_the_legal_limit_is_rejected(org):
    data = (b"customer_ref;payment_terms_days\n"
            b"C1;60\n"
            b"C2;999999\n"
            b"C3;\xc2\xb2\n")

    report = import_contacts(org, data, "clients.csv")

    assert [(e.line, e.code) for e in report.rejected] == [
        (3, "payment_terms_over_limit"), (4, "not_a_number_of_days")]
    with translation.override("fr"):
        assert wording.located(report.rejected[0]) == (
            "ligne 3, colonne « payment_terms_days » : 999999 jours de délai de paiement : "
            "la loi française en permet 60 au plus (Code de commerce L441-10).")
    with translation.override("en"):
        assert wording.located(report.rejected[0]) == (
            "line 3, column “payment_terms_days”: 999999 days of payment terms: French law "
            "allows 60 days at most (Code de commerce L441-10).")
    assert list(Customer.objects.values_list("ref", "payment_terms_days")) == [("C1", 60)]
