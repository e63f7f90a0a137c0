"""Persistence of the ledger: organizations, customers, contacts, invoices, credits.

Every row belongs to one organization (tenant). Money is stored as integer minor
units (``*_minor``) next to its currency; the ``Decimal`` value is a property.
Balances are never stored: they follow from allocations (see ``services``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.core.money import from_minor


class Organization(models.Model):
    """A company whose receivables Relance collects (one tenant)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    siren = models.CharField(max_length=9, blank=True)
    address = models.TextField(blank=True)
    country = models.CharField(max_length=2, default="FR")
    subdivision = models.CharField(max_length=40, blank=True,
                                   help_text=_("Holiday calendar, e.g. Alsace-Moselle"))
    timezone = models.CharField(max_length=64, default="Europe/Paris")
    currency = models.CharField(max_length=3, default="EUR")
    payment_terms_days = models.PositiveIntegerField(default=30)
    contractual_rate = models.DecimalField(
        max_digits=6, decimal_places=3, null=True, blank=True,
        help_text=_("Late-interest rate of the terms of sale, % a year (default: ECB + 10)"))
    iban = models.CharField(max_length=34, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    sender_email = models.EmailField(blank=True)
    collector_name = models.CharField(max_length=120, blank=True)
    collector_function = models.CharField(max_length=120, blank=True)
    collector_email = models.EmailField(blank=True)
    collector_phone = models.CharField(max_length=40, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership",
                                     related_name="organizations")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    ROLES = [("admin", _("Administrator")), ("collector", _("Collector")),
             ("viewer", _("Read-only"))]
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=12, choices=ROLES, default="collector")

    class Meta:
        unique_together = [("organization", "user")]


class Customer(models.Model):
    KINDS = [("b2b", _("Business")), ("b2c", _("Consumer"))]
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="customers")
    ref = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    siren = models.CharField(max_length=9, blank=True)
    address = models.TextField(blank=True)
    kind = models.CharField(max_length=3, choices=KINDS, default="b2b")
    language = models.CharField(max_length=2, default="fr")
    payment_terms_days = models.PositiveIntegerField(null=True, blank=True)
    contractual_rate = models.DecimalField(max_digits=6, decimal_places=3, null=True,
                                           blank=True)
    collector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    policy = models.CharField(max_length=64, default="standard")
    paused_until = models.DateField(null=True, blank=True)
    paused_from = models.DateField(null=True, blank=True)
    litigation_since = models.DateField(null=True, blank=True)
    insolvency = models.BooleanField(default=False)
    ibans = models.TextField(blank=True, help_text=_("Accounts it pays from, one per line"))

    class Meta:
        unique_together = [("organization", "ref")]
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ref})"

    @property
    def terms(self) -> int:
        return self.payment_terms_days or self.organization.payment_terms_days

    @property
    def late_interest_rate(self) -> Decimal | None:
        """The contractual rate for this customer, else the organization's, else None
        (the legal default: ECB refinancing rate + 10 points, L441-10)."""
        rate = self.contractual_rate
        return rate if rate is not None else self.organization.contractual_rate


class Contact(models.Model):
    ROLES = [("accounts_payable", _("Accounts payable")), ("business", _("Business")),
             ("legal", _("Legal"))]
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(max_length=20, choices=ROLES, default="accounts_payable")
    email = models.CharField(max_length=254, blank=True)
    first_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["id"]


class MoneyMixin:
    amount_minor: int
    currency: str

    @property
    def amount(self) -> Decimal:
        return from_minor(self.amount_minor, self.currency)


class Invoice(MoneyMixin, models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="invoices")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(max_length=64)
    issued = models.DateField()
    due = models.DateField()
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="EUR")
    pdf_path = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=40, blank=True)
    known_from = models.DateField()
    # The day the daily run must look at this invoice again (None: nothing left to do).
    next_decision_on = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        unique_together = [("organization", "number")]
        indexes = [models.Index(fields=["organization", "next_decision_on"])]

    def __str__(self) -> str:
        return self.number


class Credit(MoneyMixin, models.Model):
    """A payment or a credit note in favour of a customer."""

    KINDS = [("payment", _("Payment")), ("credit_note", _("Credit note")),
             ("write_off", _("Bank fees written off"))]
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="credits")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="credits")
    kind = models.CharField(max_length=12, choices=KINDS)
    key = models.CharField(max_length=200, help_text=_("Identity in its source, for re-imports"))
    number = models.CharField(max_length=64, blank=True)
    reference = models.CharField(max_length=500, blank=True)
    date = models.DateField()
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="EUR")
    source = models.CharField(max_length=40, blank=True)

    class Meta:
        unique_together = [("organization", "key")]


class Allocation(models.Model):
    credit = models.ForeignKey(Credit, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="allocations")
    amount_minor = models.BigIntegerField()
    date = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["invoice"])]


class BankLine(MoneyMixin, models.Model):
    """One line of a bank statement, and what reconciliation made of it.

    ``status``: ``matched`` (a payment was recorded and allocated), ``review`` (a
    collector chooses among ``candidates``), ``unmatched`` (nothing plausible: a
    collector assigns it), ``debit`` (money out: kept for the record, not matched).
    """

    STATUSES = [("matched", _("Matched")), ("review", _("To review")),
                ("unmatched", _("Unmatched")), ("debit", _("Debit"))]
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="bank_lines")
    key = models.CharField(max_length=64)
    source = models.CharField(max_length=200, blank=True)
    account = models.CharField(max_length=64, blank=True)
    booking_date = models.DateField()
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    counterparty_name = models.CharField(max_length=200, blank=True)
    counterparty_iban = models.CharField(max_length=34, blank=True)
    remittance = models.TextField(blank=True)
    structured_reference = models.CharField(max_length=140, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES)
    candidates = models.JSONField(default=list, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    credit = models.OneToOneField(Credit, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="bank_line")

    class Meta:
        unique_together = [("organization", "key")]
        indexes = [models.Index(fields=["organization", "status"])]
        ordering = ["booking_date", "id"]
