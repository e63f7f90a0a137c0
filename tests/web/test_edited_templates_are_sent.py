"""A template edited in the web interface is the one the next reminder uses."""

from datetime import date

from relance.dunning.services import run_day
from relance.messaging.render import packaged_template
from relance.web.models import TemplateOverride
from tests.integration.conftest import book, org  # noqa: F401 - pytest fixtures


def test_the_organizations_own_reminder_text_goes_out(book):  # noqa: F811
    packaged = packaged_template("fr", "reminder_1")
    TemplateOverride.objects.create(
        organization=book, language="fr", step="reminder_1", subject=packaged.subject,
        body="Bonjour,\n\nNotre texte à nous : {{ total_due|money }}.\n\n{{ signature.name }}\n")
    report = run_day(book, date(2026, 3, 16))
    [message] = [m for m in report.messages if "nord" in m.recipients]
    assert "Notre texte à nous : 1\u202f500,50\u00a0€." in message.body
