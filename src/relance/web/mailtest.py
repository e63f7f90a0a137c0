"""« Send me a test »: one plain message through the organization's SMTP relay.

It proves the relay, the port, the encryption and the credentials before a single
reminder depends on them; a refusal comes back with the server's own words.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from django.conf import settings

from relance.errors import DeliveryError
from relance.ledger.models import Organization
from relance.messaging.transport import open_relay
from relance.web.models import SmtpSettings


def relay_of(org: Organization) -> dict:
    """The organization's own relay when it has one, else the install's; the install's
    certificate checks (``RELANCE_SMTP_CA_FILE``, ``RELANCE_SMTP_VERIFY``), timeout and
    rate apply to both."""
    own = SmtpSettings.objects.filter(organization=org).exclude(host="").first()
    return {**settings.RELANCE_SMTP, **(own.as_dict() if own else {})}


def test_message(org: Organization, to: str, subject: str, text: str) -> EmailMessage:
    sender = org.sender_email or org.collector_email or settings.DEFAULT_FROM_EMAIL
    message = EmailMessage()
    message["From"] = formataddr((org.collector_name or org.name, sender))
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message.set_content(text)
    return message


def send_test(org: Organization, to: str, subject: str, text: str) -> str:
    """Send the test message; returns the relay's host. Raises DeliveryError with the cause."""
    relay = relay_of(org)
    if not relay["host"]:
        raise DeliveryError("no SMTP server is configured")
    try:
        # the connection reminders use: same encryption, certificate checks and login
        with open_relay({**relay, "timeout": 20}) as smtp:
            smtp.send_message(test_message(org, to, subject, text))
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"{relay['host']}:{relay['port']}: {exc}") from exc
    return relay["host"]
