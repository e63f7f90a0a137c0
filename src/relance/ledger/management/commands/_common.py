"""What the CLI commands share: the database set-up, the organization, dates."""

from __future__ import annotations

from datetime import date

from django.core.management import call_command
from django.core.management.base import CommandError

from relance.ledger.models import Organization


def ensure_database() -> None:
    """Create or upgrade the database schema (idempotent, quick when up to date)."""
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)


def organization(slug: str | None) -> Organization:
    """The organization named by ``--org``, or the only one there is."""
    if slug:
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            raise CommandError(
                f"no organization {slug!r}; create it with: relance init --org {slug}")
        return org
    orgs = list(Organization.objects.all()[:2])
    if not orgs:
        raise CommandError("no organization yet; create one with: relance init --org SLUG")
    if len(orgs) > 1:
        raise CommandError("several organizations: say which one with --org SLUG")
    return orgs[0]


def parse_day(value: str | None, org: Organization | None = None) -> date:
    if value is None:
        from relance.clock import today

        return today(org.timezone if org else "Europe/Paris")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date: expected a date like 2026-03-12, got {value!r}") from None
