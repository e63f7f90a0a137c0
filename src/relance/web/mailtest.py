"""« Send me a test »: one plain message through the organization's SMTP relay.

It proves the relay, the port, the encryption and the credentials before a single
reminder depends on them; a refusal comes back with the server's own words.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from django.conf import settings

from relance.errors import DeliveryError
from relance.ledger.models import Organization
from relance.web.models import SmtpSettings


def relay_of(org: Organization) -> dict:
    """The organization's own relay when it has one, else the install's."""
    own = SmtpSettings.objects.filter(organization=org).exclude(host="").first()
    return own.as_dict() if own else dict(settings.RELANCE_SMTP)


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
    factory = smtplib.SMTP_SSL if relay["tls"] == "ssl" else smtplib.SMTP
    try:
        with factory(relay["host"], int(relay["port"]), timeout=20) as smtp:
            if relay["tls"] == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if relay["user"]:
                smtp.login(relay["user"], relay["password"])
            smtp.send_message(test_message(org, to, subject, text))
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"{relay['host']}:{relay['port']}: {exc}") from exc
    return relay["host"]
