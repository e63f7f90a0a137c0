"""What the CLI commands share: the database set-up, the organization, dates."""

from __future__ import annotations

from datetime import date

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _noop

from relance.ledger.models import Organization


def ensure_database() -> None:
    """Create or upgrade the database schema (idempotent, quick when up to date)."""
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)


def organization(slug: str | None, language: str = "en") -> Organization:
    """The organization named by ``--org``, or the only one there is; if none fits, a
    CommandError in ``language`` (the command line speaks English unless a command has
    a ``--language``)."""
    if slug:
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            raise _refusal(language, _noop("no organization %(slug)r; create it with: "
                                           "relance init --org %(slug)s"), slug=slug)
        return org
    orgs = list(Organization.objects.all()[:2])
    if not orgs:
        raise _refusal(language, _noop("no organization yet; create one with: relance init "
                                       "--org SLUG"))
    if len(orgs) > 1:
        raise _refusal(language, _noop("several organizations: say which one with --org SLUG"))
    return orgs[0]


def parse_day(value: str | None, org: Organization | None = None, language: str = "en",
              option: str = "--date") -> date:
    """The day ``option`` gives (ISO 8601), else the organization's today; a text that is
    no such day is a CommandError in ``language``."""
    if value is None:
        from relance.clock import today

        return today(org.timezone if org else "Europe/Paris")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _refusal(language, _noop("%(option)s: expected a date like 2026-03-12, got "
                                       "%(value)r"), option=option, value=value) from None


def _refusal(language: str, message: str, **values: object) -> CommandError:
    """``message`` (marked with gettext_noop) as a CommandError worded in ``language``."""
    with translation.override(language):
        return CommandError(gettext(message) % values)
