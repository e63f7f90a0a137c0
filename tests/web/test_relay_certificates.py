"""A relay with a private certificate authority: every way Relance opens an SMTP
connection (reminders, the settings page's test message, password-reset links) checks
the certificate against ``RELANCE_SMTP_CA_FILE``, or not at all with
``RELANCE_SMTP_VERIFY=0``, and refuses a certificate it cannot check otherwise.

The relay is a real aiosmtpd server on loopback offering STARTTLS with a certificate
made for the test by ``openssl`` (its own authority, valid for 127.0.0.1 only).
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys

import pytest
from django.core.mail import send_mail

from relance.errors import DeliveryError
from relance.messaging.transport import SmtpTransport
from relance.web import mailtest
from relance.web.models import SmtpSettings
from tests.integration.conftest import org  # noqa: F401 - pytest fixture
from tests.web.smtp import Inbox


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("relay-tls")
    cert, key = folder / "relay.pem", folder / "relay.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return str(cert), str(key)


@pytest.fixture
def relay(certificate):
    """``(port, inbox)`` of a loopback relay that requires STARTTLS."""
    from aiosmtpd.controller import Controller

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context,
                            require_starttls=True)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def install_relay(settings, port: int, **checks) -> None:
    settings.RELANCE_SMTP = {**settings.RELANCE_SMTP, "host": "127.0.0.1", "port": port,
                             "tls": "starttls", "user": "", "password": "",
                             "verify": True, "ca_file": "", **checks}


def test_the_test_message_trusts_the_installs_certificate_authority(
        org, settings, relay, certificate):  # noqa: F811
    port, inbox = relay
    install_relay(settings, port, ca_file=certificate[0])
    assert mailtest.send_test(org, "alice@example.com", "Test", "Bonjour") == "127.0.0.1"
    [(sender, to, _)] = inbox.messages
    assert (sender, to) == ("recouvrement@acme.example", ["alice@example.com"])


def test_the_organizations_own_relay_is_checked_against_it_too(
        org, settings, relay, certificate):  # noqa: F811
    port, inbox = relay
    install_relay(settings, 25, ca_file=certificate[0])
    SmtpSettings.objects.create(organization=org, host="127.0.0.1", port=port,
                                tls="starttls")
    mailtest.send_test(org, "alice@example.com", "Test", "Bonjour")
    assert len(inbox.messages) == 1


def test_an_unknown_authority_is_refused_with_the_reason(org, settings, relay):  # noqa: F811
    port, inbox = relay
    install_relay(settings, port)
    with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
        mailtest.send_test(org, "alice@example.com", "Test", "Bonjour")
    assert inbox.messages == []


def test_checks_turned_off_accept_any_certificate(org, settings, relay):  # noqa: F811
    port, inbox = relay
    install_relay(settings, port, verify=False)
    mailtest.send_test(org, "alice@example.com", "Test", "Bonjour")
    assert len(inbox.messages) == 1


def test_reminders_use_the_same_checks(settings, relay, certificate):
    port, inbox = relay
    install_relay(settings, port)
    with pytest.raises(ssl.SSLCertVerificationError):
        SmtpTransport(settings.RELANCE_SMTP).send(b"Subject: x\r\n\r\nx\r\n", "a@acme.example",
                                                   ["b@nord.example"], ("acme", "d", "m"))
    install_relay(settings, port, ca_file=certificate[0])
    transport = SmtpTransport(settings.RELANCE_SMTP)
    try:
        transport.send(b"Subject: x\r\n\r\nx\r\n", "a@acme.example", ["b@nord.example"],
                       ("acme", "d", "m"))
    finally:
        transport.close()
    assert len(inbox.messages) == 1


def test_password_reset_links_use_the_same_checks(settings, relay, certificate):
    port, inbox = relay
    settings.MAILERS = {"default": {"BACKEND": "relance.web.mailer.EmailBackend", "OPTIONS": {
        "host": "127.0.0.1", "port": port, "use_tls": True, "timeout": 10}}}

    def send() -> int:
        return send_mail("Mot de passe", "Lien", "relance@acme.example", ["alice@example.com"])

    install_relay(settings, port)
    with pytest.raises(ssl.SSLCertVerificationError):
        send()
    install_relay(settings, port, ca_file=certificate[0])
    assert send() == 1
    [(_, to, _)] = inbox.messages
    assert to == ["alice@example.com"]


def test_the_installs_relay_sends_password_reset_links_with_that_mailer():
    code = "import relance.settings as s; print(s.MAILERS['default']['BACKEND'])"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, env={**os.environ, "RELANCE_SMTP_HOST": "smtp.example"})
    assert out.stdout.strip() == "relance.web.mailer.EmailBackend"
