"""Fixtures of the report tests: the hand-computed book, its organization's people, and
the report URLs mounted even before the project's URL map includes them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse

from relance.ledger.models import Membership, Organization
from tests.reports.books import hand_book

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def report_settings(settings):
    # A deliberately fast hasher: these tests log people in, they do not test passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    try:
        reverse("reports:portfolio")
    except NoReverseMatch:
        settings.ROOT_URLCONF = "tests.reports.urls"


@pytest.fixture
def hand(db) -> Organization:
    org = Organization.objects.create(slug="atelier", name="Atelier Dupré SARL")
    hand_book(org)
    return org


@pytest.fixture
def member(hand, client):
    user = get_user_model().objects.create_user("claire", "claire@example.com", PASSWORD)
    Membership.objects.create(organization=hand, user=user, role="viewer")
    assert client.login(username="claire", password=PASSWORD)
    return client


@pytest.fixture
def stranger(hand, client):
    other = Organization.objects.create(slug="ailleurs", name="Ailleurs SA")
    user = get_user_model().objects.create_user("sam", "sam@example.com", PASSWORD)
    Membership.objects.create(organization=other, user=user, role="admin")
    assert client.login(username="sam", password=PASSWORD)
    return client
