"""Message templates an organization edited, as the renderer takes them.

``overrides(org)`` is the ``TemplateSource`` to pass to
``relance.messaging.render.render``: the organization's edited templates win over
the packaged ones, step by step and language by language (PRODUCT.md, capability 6).
"""

from __future__ import annotations

from relance.errors import TemplateError
from relance.ledger.models import Organization
from relance.messaging.render import MessageTemplate, TemplateSource, packaged_template
from relance.web.models import TemplateOverride


def overrides(org: Organization) -> TemplateSource:
    return {(row.language, row.step): MessageTemplate(row.subject, row.body)
            for row in TemplateOverride.objects.filter(organization=org)}


def current(org: Organization, language: str, step: str) -> tuple[MessageTemplate, bool]:
    """The template in use for ``step``, and whether the organization edited it."""
    row = TemplateOverride.objects.filter(organization=org, language=language, step=step).first()
    if row is not None:
        return MessageTemplate(row.subject, row.body), True
    try:
        return packaged_template(language, step), False
    except TemplateError:
        return MessageTemplate("", ""), False


def save(org: Organization, language: str, step: str, template: MessageTemplate,
         user=None) -> TemplateOverride:
    row, _created = TemplateOverride.objects.update_or_create(
        organization=org, language=language, step=step,
        defaults={"subject": template.subject, "body": template.body, "updated_by": user})
    return row


def reset(org: Organization, language: str, step: str) -> None:
    TemplateOverride.objects.filter(organization=org, language=language, step=step).delete()
