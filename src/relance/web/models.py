"""What the web interface stores of its own: edited templates, SMTP relay, imports.

The ledger, dunning and messaging apps own the collection data; these rows only hold
what users set up through the pages (PRODUCT.md capabilities 6, 7 and 3).
"""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.ledger.models import Organization
from relance.web import sealed


class TemplateOverride(models.Model):
    """A message template an organization edited; it replaces the packaged one."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="template_overrides")
    language = models.CharField(max_length=2, choices=[("fr", "Français"), ("en", "English")])
    step = models.CharField(max_length=64)
    subject = models.TextField()
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        unique_together = [("organization", "language", "step")]


class SmtpSettings(models.Model):
    """An organization's own SMTP relay (its mail provider), instead of the install's.

    ``password`` is kept sealed (``relance.web.sealed``): whatever assigns it the clear
    text, :meth:`save` seals it, and :meth:`as_dict` gives it back in clear to the
    sender only.
    """

    TLS = [("starttls", "STARTTLS"), ("ssl", "SSL/TLS"), ("none", _("None"))]
    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="smtp")
    host = models.CharField(max_length=200, blank=True)
    port = models.PositiveIntegerField(default=587)
    user = models.CharField(max_length=200, blank=True)
    password = models.CharField(max_length=500, blank=True)
    tls = models.CharField(max_length=8, choices=TLS, default="starttls")

    def save(self, *args, **kwargs) -> None:
        self.password = sealed.seal(self.password)
        super().save(*args, **kwargs)

    @classmethod
    def of(cls, org: Organization) -> SmtpSettings:
        return cls.objects.get_or_create(organization=org)[0]

    def as_dict(self) -> dict:
        """The shape of ``settings.RELANCE_SMTP``."""
        password = sealed.unseal(self.password)
        relay = {"host": self.host, "port": self.port, "user": self.user,
                 "password": password or "", "tls": self.tls}
        if password is None:  # the relay's login fails with why (transport.open_relay)
            relay["login_error"] = sealed.UNREADABLE
        return relay


class ImportRun(models.Model):
    """One imported file, with its row report, whoever imported it.

    ``origin`` says how it came: uploaded on the web page or sent to the API (``user`` is
    who), given to ``relance import FILE`` or dropped in the folder ``relance import
    --watch`` reads (no user: the command line has none); ``relance.imports.runs``
    records them all.
    ``rejected`` and ``warnings`` keep each problem's code and values
    (``relance.imports.wording.stored``) so that the page words them in the language of
    whoever reads it; ``summary`` is the English first line of the report.

    ``refused`` says why a file dropped in the watched folder could not be read at all
    (code, values and English message, like a row's problem): nothing of it was
    imported, and without the run nobody would know. Empty for every other run: a file
    refused on the web page or by the command is refused in front of its user.
    """

    KINDS = [("fec", "FEC"), ("contacts", _("Contacts (CSV)")),
             ("invoices", _("Invoices (CSV)")), ("einvoice", "Factur-X / UBL"),
             ("bank", _("Bank statement")), ("unknown", _("Unrecognised file"))]
    ORIGINS = [("web", _("Web page")), ("command", _("Command line")),
               ("folder", _("Watched folder")), ("api", _("API"))]
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="import_runs")
    kind = models.CharField(max_length=10, choices=KINDS)
    file_name = models.CharField(max_length=255)
    # Every run before the command and the folder were recorded came from the web page.
    origin = models.CharField(max_length=8, choices=ORIGINS, default="web")
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                             related_name="+")
    summary = models.TextField()
    rows = models.JSONField(default=list)
    rejected = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    refused = models.JSONField(default=dict, blank=True)
    # Rows by outcome over the whole file: ``rows`` keeps only the first ``KEPT``.
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def outcome_counts(self) -> dict[str, int]:
        """Rows created, updated, unchanged (a run kept before ``counts`` existed: those
        of the rows it kept)."""
        if self.counts:
            return dict(self.counts)
        return dict(Counter(outcome for *_row, outcome in self.rows))


class FigureSnapshot(models.Model):
    """An organization's portfolio line as last computed: the portfolio of an outsourced
    CFO reads a hundred of these instead of summing a million invoices per page."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="figures")
    as_of = models.DateField()
    currency = models.CharField(max_length=3)
    open_minor = models.BigIntegerField()
    overdue_minor = models.BigIntegerField()
    dso = models.DecimalField(max_digits=8, decimal_places=2)
    computed_at = models.DateTimeField()
