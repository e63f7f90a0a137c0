"""An organization's own SMTP relay, set on its settings page, is the one reminders use."""

from relance.messaging.services import transport
from relance.messaging.transport import FolderTransport, SmtpTransport
from relance.web.models import SmtpSettings
from tests.integration.conftest import org  # noqa: F401 - pytest fixture


def test_the_organizations_relay_replaces_the_outbox_folder(org, settings):  # noqa: F811
    settings.RELANCE_SMTP = {**settings.RELANCE_SMTP, "host": ""}
    assert isinstance(transport(org), FolderTransport)
    SmtpSettings.objects.create(organization=org, host="smtp.acme.example", port=587,
                                user="relance", password="secret", tls="starttls")
    relay = transport(org)
    assert isinstance(relay, SmtpTransport)
    assert (relay.host, relay.config["port"], relay.config["tls"]) == (
        "smtp.acme.example", 587, "starttls")
