"""The web pages' fixtures: two organizations, their people, the clock at DAY."""

from __future__ import annotations

import pytest

from tests.web.builders import DAY, PASSWORD, world
from tests.web.smtp import loopback_smtp


@pytest.fixture(autouse=True)
def clock_at_day(monkeypatch):
    """Pages ask ``relance.clock.today``: pin it to the book's day."""
    monkeypatch.setattr("relance.clock.today", lambda timezone="Europe/Paris": DAY)
    return DAY


@pytest.fixture
def w(db, settings):
    settings.RELANCE_SMTP = {**settings.RELANCE_SMTP, "host": ""}
    return world()


def logged_in(client, username: str):
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def alice(client, w):
    return logged_in(client, "alice")


smtp_server = pytest.fixture(loopback_smtp)
