"""Messages as they left (or will leave): one per action that has an email channel.

``message_id`` is derived from the action's identity, so a re-run produces the
same id and the unique constraint refuses a second copy.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.dunning.models import Action


class OutboxMessage(models.Model):
    STATUSES = [("written", _("Written to the outbox folder")), ("sent", _("Sent")),
                ("failed", _("Failed"))]
    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="message")
    message_id = models.CharField(max_length=255, unique=True)
    subject = models.CharField(max_length=500)
    sender = models.CharField(max_length=300)
    recipients = models.TextField()
    body = models.TextField()
    path = models.CharField(max_length=500, blank=True)
    attachments = models.TextField(blank=True, help_text=_("File names, one per line"))
    status = models.CharField(max_length=8, choices=STATUSES)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
