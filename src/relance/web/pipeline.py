"""The sending pipeline as the pages see it: the approval queue and what went out.

The messaging app owns message states and their transitions (draft, awaiting
approval, approved, sending, sent, failed, cancelled); the pages only call its
service functions. This module is the one seam between the two, so a page never
changes a message's status itself, and the approval buttons appear only when the
messaging service offers approval.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

import relance.clock
from relance.messaging import services
from relance.messaging.models import OutboxMessage

AWAITING = "awaiting_approval"
HEAVY = ("headers", "files", "references", "smtp_reply")  # never shown in lists
DELIVERED = ("sent", "written")


def statuses() -> set[str]:
    return {key for key, _label in OutboxMessage.STATUSES}


def has_approval() -> bool:
    """True once the messaging service keeps messages for review and can approve them."""
    return AWAITING in statuses() and all(
        hasattr(services, name) for name in ("approve", "skip"))


def messages_of(org) -> QuerySet:
    return OutboxMessage.objects.filter(organization=org)


def awaiting(org) -> QuerySet:
    if AWAITING not in statuses():
        return OutboxMessage.objects.none()
    return (messages_of(org).filter(status=AWAITING).defer(*HEAVY)
            .select_related("action__customer").order_by("action__day", "id"))


def awaiting_in(orgs) -> QuerySet:
    if AWAITING not in statuses():
        return OutboxMessage.objects.none()
    return OutboxMessage.objects.filter(organization__in=orgs, status=AWAITING)


def _of_actions(org, **days) -> QuerySet:
    """Messages of ``org``'s actions of some days: found through the actions' day index,
    which is much narrower than an organization's whole outbox."""
    from relance.dunning.models import Action

    actions = Action.objects.filter(organization=org, **days).values("pk")
    return OutboxMessage.objects.filter(action__in=actions).defer(*HEAVY)


def delivered_on(org, day: date) -> QuerySet:
    return (_of_actions(org, day=day).filter(status__in=DELIVERED)
            .select_related("action__customer").order_by("-id"))


def failed(org, since: date) -> QuerySet:
    return (_of_actions(org, day__gte=since).filter(status="failed")
            .select_related("action__customer"))


def approve(message: OutboxMessage, user) -> OutboxMessage:
    """Approve ``message`` and deliver what is approved (the service keeps the window)."""
    approved = services.approve(message, user)
    deliver(message.organization)
    return approved


def deliver(org) -> None:
    """Send now what is approved, unless workers do it (a broker is configured)."""
    from relance.messaging import tasks

    day = relance.clock.today(org.timezone)  # the day the page's user works on
    if tasks.broker_url():
        tasks.deliver_organization.delay(org.pk, day.isoformat())
    else:
        services.deliver(org, as_of=day)


def skip(message: OutboxMessage, user, reason: str) -> OutboxMessage:
    """Do not send ``message``; the reason goes to the customer's timeline."""
    return services.skip(message, user, reason)


def can_edit() -> bool:
    return hasattr(services, "edit")


def edit(message: OutboxMessage, user, subject: str, body: str) -> OutboxMessage:
    """Change an awaiting message's subject and body before it is approved."""
    return services.edit(message, user, subject=subject, body=body)
