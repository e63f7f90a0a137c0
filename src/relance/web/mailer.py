"""The mailer of password-reset links: Django's SMTP mailer with the relay's certificate
checks (``RELANCE_SMTP_CA_FILE``, ``RELANCE_SMTP_VERIFY``), like the reminders'
(:func:`relance.messaging.transport.tls_context`)."""

from __future__ import annotations

import ssl
from functools import cached_property

from django.conf import settings
from django.core.mail.backends import smtp

from relance.messaging.transport import tls_context


class EmailBackend(smtp.EmailBackend):
    @cached_property
    def ssl_context(self) -> ssl.SSLContext:
        return tls_context(settings.RELANCE_SMTP)
