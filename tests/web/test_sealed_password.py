"""An organization's SMTP password is kept sealed: a copy of the database does not
give away the mail relays of the client companies."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection

from relance.errors import DeliveryError
from relance.messaging.transport import open_relay
from relance.web import sealed
from relance.web.forms import SmtpForm
from relance.web.mailtest import relay_of, send_test
from relance.web.models import SmtpSettings
from tests.integration.conftest import org  # noqa: F401 - pytest fixture


def stored(org) -> str:  # noqa: F811
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM web_smtpsettings WHERE organization_id = %s",
                       [org.pk])
        return cursor.fetchone()[0]


def test_the_password_is_stored_sealed_and_read_back_by_the_sender(org):  # noqa: F811
    SmtpSettings.objects.create(organization=org, host="smtp.acme.example", user="relance",
                                password="mot de passe très secret")

    raw = stored(org)
    assert raw.startswith("fernet:") and "secret" not in raw
    assert relay_of(org)["password"] == "mot de passe très secret"
    assert "login_error" not in relay_of(org)


def test_saving_again_does_not_seal_twice(org):  # noqa: F811
    row = SmtpSettings.objects.create(organization=org, host="smtp.acme.example",
                                      password="secret")
    row.port = 465
    row.save()
    assert relay_of(org)["password"] == "secret"


def test_the_settings_form_keeps_the_password_when_left_empty(org):  # noqa: F811
    row = SmtpSettings.objects.create(organization=org, host="smtp.acme.example",
                                      user="relance", password="secret")
    form = SmtpForm({"host": "smtp2.acme.example", "port": 587, "user": "relance",
                     "password": "", "tls": "starttls"}, instance=row)
    assert form.is_valid(), form.errors
    form.save()
    relay = relay_of(org)
    assert (relay["host"], relay["password"]) == ("smtp2.acme.example", "secret")
    assert stored(org).startswith("fernet:")


def test_another_secret_key_cannot_read_it_and_the_login_says_why(org, settings):  # noqa: F811
    SmtpSettings.objects.create(organization=org, host="127.0.0.1", port=9, user="relance",
                                password="secret", tls="none")
    settings.SECRET_KEY = "another key"

    relay = relay_of(org)
    assert relay["password"] == "" and relay["login_error"] == sealed.UNREADABLE
    with pytest.raises(Exception, match="RELANCE_SECRET_KEY changed") as caught:
        open_relay(relay)
    assert caught.value.smtp_code == 535  # a login refusal: the sender retries it later
    with pytest.raises(DeliveryError, match="enter it again"):
        send_test(org, "camille@acme.example", "Test", "Test")


def test_the_migration_seals_the_passwords_saved_in_clear(org):  # noqa: F811
    SmtpSettings.objects.create(organization=org, host="smtp.acme.example", password="")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE web_smtpsettings SET password = %s WHERE organization_id = %s",
                       ["en clair", org.pk])
    assert relay_of(org)["password"] == "en clair"  # read as it is until sealed

    migration = importlib.import_module("relance.web.migrations.0006_smtp_password_sealed")
    migration.seal_saved_passwords(django_apps, None)

    assert stored(org).startswith("fernet:") and relay_of(org)["password"] == "en clair"
