"""The outbox: every message as drafted, approved and sent, with its whole history.

``OutboxMessage`` is one-to-one with a dunning ``Action`` (itself unique per customer,
step, day and currency, its invoices unique per step): one message per invoice set and
step. ``key`` spells that identity and ``message_id`` is derived from it, so a re-run,
a retry or a restart after a crash reuses the same Message-ID, and the unique
constraints refuse a second row. ``status`` moves only along
``relance.messaging.states.TRANSITIONS``; each move is a ``MessageEvent``.
"""

from __future__ import annotations

from datetime import time

from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.dunning.models import Action
from relance.ledger.models import Organization

STATUSES = [
    ("draft", _("Draft")), ("awaiting_approval", _("Awaiting approval")),
    ("approved", _("Approved")), ("sending", _("Sending")), ("sent", _("Sent")),
    ("written", _("Written to the outbox folder")), ("failed", _("Failed")),
    ("cancelled", _("Cancelled")),
]


class OutboxMessage(models.Model):
    STATUSES = STATUSES
    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="message")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="outbox")
    key = models.CharField(max_length=300, unique=True,
                           help_text=_("organization/customer/step/day/currency"))
    message_id = models.CharField(max_length=255, unique=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    subject = models.CharField(max_length=500)
    sender = models.CharField(max_length=300)
    reply_to = models.CharField(max_length=300, blank=True)
    recipients = models.TextField()
    body = models.TextField()
    headers = models.TextField(blank=True, help_text=_("The header block as sent"))
    attachments = models.TextField(blank=True, help_text=_("File names, one per line"))
    files = models.JSONField(default=list, help_text=_("Attachments: name, path, type, "
                                                       "size and SHA-256 as sent"))
    path = models.CharField(max_length=500, blank=True)
    # Set when the message is re-rendered before sending: the invoices it claims now and
    # their balances (number → amount as text). Empty: the step's recorded balances.
    shown_balances = models.JSONField(default=dict, blank=True, help_text=_(
        "Re-rendered: the invoices and balances the message now claims"))
    status = models.CharField(max_length=20, choices=STATUSES, default="draft")
    needs_approval = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    smtp_reply = models.TextField(blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organization", "status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.message_id} {self.status}"


class MessageEvent(models.Model):
    """One status change of a message: when, from what, to what, and why."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    cause = models.TextField()

    class Meta:
        ordering = ["at", "id"]


class SendingSettings(models.Model):
    """How an organization sends: autopilot or review, window, rate limit, DKIM.

    Created on demand with the defaults (``SendingSettings.of(org)``): autopilot for
    reminders, a person approves every formal notice, 09:00–17:00 on business days.
    """

    MODES = [("autopilot", _("Autopilot")), ("review", _("Review before sending"))]
    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="sending")
    mode = models.CharField(max_length=10, choices=MODES, default="autopilot")
    notices_need_approval = models.BooleanField(default=True)
    window_start = models.TimeField(null=True, blank=True, default=time(9, 0))
    window_end = models.TimeField(null=True, blank=True, default=time(17, 0))
    business_days_only = models.BooleanField(default=True)
    rate_per_minute = models.PositiveIntegerField(default=0, help_text=_("0: no limit"))
    max_attempts = models.PositiveIntegerField(default=8)
    dkim_selector = models.CharField(max_length=63, blank=True)
    dkim_key_path = models.CharField(max_length=500, blank=True)

    @classmethod
    def of(cls, org: Organization) -> SendingSettings:
        return cls.objects.get_or_create(organization=org)[0]
