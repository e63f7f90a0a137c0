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
        indexes = [models.Index(fields=["organization", "next_decision_on"]),
                   # The reports read in these orders (migration 0005): by customer for
                   # the aged balance, by issue day for sales and receivables, the
                   # latter from the index alone.
                   models.Index(fields=["organization", "customer", "currency"],
                                name="invoice_by_customer"),
                   models.Index(fields=["organization", "currency", "issued", "due",
                                        "amount_minor"],
                                name="invoice_by_issue_day")]

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


class BankCsvMapping(models.Model):
    """How one bank's CSV export reads, saved once per organization and named.

    Online banking exports CSV in its own shape (``Date;Libellé;Débit;Crédit`` in
    Windows-1252 with ``1 234,56`` at a French bank, ``Booking date,Amount`` in UTF-8 at
    another); the columns and conventions are described here once and every later
    statement is read through :meth:`csv_mapping`
    (``relance.formats.bank.csvbank.CsvMapping``). ``account`` is the IBAN of the
    account the export is for: a CSV does not carry it, and it is part of each line's
    identity, so it is best set before the first import and not changed after.
    """

    DELIMITERS = [(";", _("Semicolon ;")), (",", _("Comma ,")), ("\t", _("Tab")),
                  ("|", _("Vertical bar |"))]
    ENCODINGS = [("utf-8-sig", _("UTF-8")),
                 ("cp1252", _("Windows-1252 (Excel, most French banks)")),
                 ("iso-8859-15", _("ISO-8859-15 (Latin-9)")), ("cp850", _("DOS (CP850)"))]
    DATE_FORMATS = [("%d/%m/%Y", "31/01/2026"), ("%d/%m/%y", "31/01/26"),
                    ("%d.%m.%Y", "31.01.2026"), ("%d-%m-%Y", "31-01-2026"),
                    ("%Y-%m-%d", "2026-01-31"), ("%Y%m%d", "20260131"),
                    ("%m/%d/%Y", "01/31/2026")]
    DECIMAL_SEPARATORS = [(",", _("Comma: 1 234,56")), (".", _("Point: 1,234.56"))]
    # CsvMapping field → model column; the one list both directions of the round trip use.
    COLUMNS = {"date": "date_column", "amount": "amount_column", "debit": "debit_column",
               "credit": "credit_column", "label": "label_column",
               "reference": "reference_column", "name": "name_column",
               "value_date": "value_date_column",
               "counterparty_iban": "counterparty_iban_column"}
    SETTINGS = ("delimiter", "encoding", "date_format", "decimal_separator", "skip_rows",
                "account", "currency")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="bank_csv_mappings")
    name = models.CharField(max_length=100)
    account = models.CharField(max_length=34, blank=True,
                               help_text=_("IBAN of the account the exports are for"))
    date_column = models.CharField(max_length=100)
    amount_column = models.CharField(max_length=100, blank=True)
    debit_column = models.CharField(max_length=100, blank=True)
    credit_column = models.CharField(max_length=100, blank=True)
    label_column = models.CharField(max_length=100, blank=True)
    reference_column = models.CharField(max_length=100, blank=True)
    name_column = models.CharField(max_length=100, blank=True)
    value_date_column = models.CharField(max_length=100, blank=True)
    counterparty_iban_column = models.CharField(max_length=100, blank=True)
    delimiter = models.CharField(max_length=1, choices=DELIMITERS, default=";")
    encoding = models.CharField(max_length=20, choices=ENCODINGS, default="utf-8-sig")
    date_format = models.CharField(max_length=20, choices=DATE_FORMATS, default="%d/%m/%Y")
    decimal_separator = models.CharField(max_length=1, choices=DECIMAL_SEPARATORS,
                                         default=",")
    skip_rows = models.PositiveSmallIntegerField(
        default=0, help_text=_("Lines above the header row (account number, period…)"))
    currency = models.CharField(max_length=3, default="EUR")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("organization", "name")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def csv_mapping(self):
        """The pure ``CsvMapping`` the CSV reader takes; ``ValueError`` if incomplete."""
        from relance.formats.bank.csvbank import CsvMapping

        columns = {field: getattr(self, column) for field, column in self.COLUMNS.items()}
        return CsvMapping(**columns, **{name: getattr(self, name) for name in self.SETTINGS})

    @classmethod
    def from_csv_mapping(cls, organization: Organization, name: str, mapping) -> BankCsvMapping:
        """An unsaved row holding ``mapping`` (a ``CsvMapping``) under ``name``."""
        columns = {column: getattr(mapping, field) for field, column in cls.COLUMNS.items()}
        return cls(organization=organization, name=name, **columns,
                   **{setting: getattr(mapping, setting) for setting in cls.SETTINGS})

    def clean(self) -> None:
        """The IBAN's check digits (ISO 13616, via python-stdnum) and a usable mapping."""
        from django.core.exceptions import ValidationError
        from stdnum import iban

        self.account = "".join(self.account.split()).upper()
        self.currency = self.currency.strip().upper()
        errors = {}
        if self.account and not iban.is_valid(self.account):
            errors["account"] = _("This IBAN is not valid: check its digits.")
        if not (len(self.currency) == 3 and self.currency.isascii() and self.currency.isalpha()):
            errors["currency"] = _("A currency is a three-letter ISO code, e.g. EUR.")
        if bool(self.amount_column) == bool(self.debit_column or self.credit_column):
            errors["amount_column"] = _(
                "Give either the amount column or the debit and credit columns.")
        if errors:
            raise ValidationError(errors)
