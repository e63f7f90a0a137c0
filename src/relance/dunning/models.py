"""What the dunning process did and what holds it: steps, actions, holds, timeline.

``StepRecord`` is unique per (invoice, step): the database itself guarantees each
step fires once per invoice, whatever re-runs, crashes or re-imports happen.
``Action`` is unique per (customer, step, day, currency): one message per customer,
step and day.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.ledger.models import Credit, Customer, Invoice, MoneyMixin, Organization


class Action(MoneyMixin, models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="actions")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="actions")
    step = models.CharField(max_length=64)
    day = models.DateField()
    channels = models.CharField(max_length=100)
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField()
    recipients = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("customer", "step", "day", "currency")]
        indexes = [models.Index(fields=["organization", "day"])]
        ordering = ["day", "customer__ref", "id"]

    @property
    def channel_list(self) -> list[str]:
        return self.channels.split(",") if self.channels else []


class StepRecord(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=64)
    day = models.DateField()
    balance_minor = models.BigIntegerField()
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="steps")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["invoice", "step"],
                                               name="one_step_per_invoice")]


class Promise(models.Model):
    STATUSES = [("open", _("Open")), ("kept", _("Kept")), ("broken", _("Broken"))]
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="promises")
    invoices = models.ManyToManyField(Invoice, related_name="promises")
    made_on = models.DateField()
    until = models.DateField()
    amount_minor = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=STATUSES, default="open")
    closed_on = models.DateField(null=True, blank=True)


class Dispute(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="disputes")
    opened_on = models.DateField()
    reason = models.TextField(blank=True)
    resolved_on = models.DateField(null=True, blank=True)


class Task(models.Model):
    """Work for a collector: a call to make, a litigation review, a letter to post."""

    KINDS = [("call", _("Call")), ("task", _("Review")), ("letter", _("Letter"))]
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tasks")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="tasks")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=8, choices=KINDS)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        unique_together = [("action", "kind")]


class TimelineEntry(models.Model):
    """One line of a customer's history: every message, call, payment, status change.

    ``params`` holds the line's values (amounts as text, dates in ISO 8601), so the line
    is worded when it is read, in the reader's language (``relance.dunning.wording``).
    ``summary`` keeps the English sentence written at the time: what a line recorded
    before ``params`` existed shows, and what exports and the admin read.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="timeline")
    day = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=32)
    summary = models.TextField()
    params = models.JSONField(default=dict, blank=True)
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.CASCADE)
    credit = models.ForeignKey(Credit, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        ordering = ["day", "at", "id"]


class Policy(models.Model):
    """A user-defined scenario (dunning policy) of an organization, stored as plain data.

    ``definition`` has the shape of an inline policy of spec/scenario.md: ``steps``
    (name, channel(s), offset, template), ``min_gap``, ``threshold``, ``promise_grace``.
    It is validated by ``relance.core.policy.policy_from_dict`` before it is saved.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="policies")
    name = models.SlugField(max_length=64)
    definition = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("organization", "name")]
        ordering = ["name"]
