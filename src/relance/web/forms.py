"""The pages' forms: they check types and ranges in the user's language, next to the field.

Business rules stay in the services; a form only turns text into dates, amounts
(``Decimal``, never float) and choices, and maps a service's refusal back onto the
field it names.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from relance.core.money import TOO_LARGE
from relance.core.policy import CHANNELS
from relance.dunning.events import latest_promise
from relance.dunning.policies import BOUNDS
from relance.ledger.checks import check_payment_terms, check_siren
from relance.ledger.models import Membership, Organization
from relance.web.models import SmtpSettings

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")



class AmountField(forms.CharField):
    """An amount typed the French or English way (``1 234,56`` or ``1234.56``) → Decimal.

    Amounts from ten thousand billion up (``money.TOO_LARGE``, the bank import's limit)
    are refused before any arithmetic: ``1e30`` has more digits than a Decimal context
    rounds to cents, and its cents would not fit the database's integers.
    """

    default_error_messages = {"invalid": _("Enter an amount such as 1 234,56.")}

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text).replace(",", ".")
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if amount.is_finite() and abs(amount) >= TOO_LARGE:
            raise forms.ValidationError(_("Enter an amount under ten thousand billion."),
                                        code="too_large")
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Enter a positive amount with at most two decimals."))
        return amount


def refuse_past(value: date | None, start: date, message) -> None:
    if value is not None and value < start:
        raise forms.ValidationError(message)


def refuse_far_promise(until: date | None, today: date) -> None:
    """A promise names a date at most two years on (``dunning.events.latest_promise``)."""
    if until is not None and until > latest_promise(today):
        raise forms.ValidationError(
            _("A promise cannot name a date more than two years ahead (%(latest)s at the "
              "latest).") % {"latest": date_format(latest_promise(today), "SHORT_DATE_FORMAT")})


class PromiseForm(forms.Form):
    until = forms.DateField(label=_("Promised payment date"), widget=DATE)
    amount = AmountField(label=_("Amount promised"), required=False,
                         help_text=_("Leave empty when the whole balance is promised."))

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_until(self):
        until = self.cleaned_data["until"]
        refuse_past(until, self.today, _("The promised date cannot be in the past."))
        refuse_far_promise(until, self.today)
        return until


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("Reason of the dispute"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class CallForm(forms.Form):
    OUTCOMES = [("no_answer", _("No answer")), ("voicemail", _("Voicemail left")),
                ("promise", _("Promise to pay")), ("dispute", _("Dispute")),
                ("paid", _("Says already paid")), ("not_received", _("Invoice not received"))]
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOMES)
    until = forms.DateField(label=_("Promised payment date"), widget=DATE, required=False)
    amount = AmountField(label=_("Amount promised"), required=False)
    reason = forms.CharField(label=_("Reason of the dispute"), max_length=500, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == "promise" and not data.get("until"):
            self.add_error("until", _("Give the date the customer promised to pay."))
        if outcome == "promise" and data.get("until") and data["until"] < self.today:
            self.add_error("until", _("The promised date cannot be in the past."))
        if outcome == "promise":
            try:
                refuse_far_promise(data.get("until"), self.today)
            except forms.ValidationError as error:
                self.add_error("until", error)
        if outcome == "dispute" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say what the customer disputes."))
        return data


class SkipForm(forms.Form):
    reason = forms.CharField(label=_("Why skip this message?"), max_length=500)


class MessageEditForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=500)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 16}))


class PauseForm(forms.Form):
    until = forms.DateField(label=_("Pause reminders until"), widget=DATE)

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_until(self):
        until = self.cleaned_data["until"]
        refuse_past(until, self.today, _("Choose today or a later day."))
        return until


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ScenarioChoiceForm(forms.Form):
    policy = forms.ChoiceField(label=_("Scenario"))

    def __init__(self, *args, names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].choices = [(n, n) for n in names]


class CustomerFilterForm(forms.Form):
    STATUSES = [("", _("All")), ("active", _("Active")), ("paused", _("Paused")),
                ("litigation", _("In litigation"))]
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Name or reference")}))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    collector = forms.ChoiceField(label=_("Collector"), required=False)
    policy = forms.ChoiceField(label=_("Scenario"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUSES)

    def __init__(self, *args, collectors, policies: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collector"].choices = [("", _("All"))] + [
            (str(u.pk), u.get_full_name() or u.username) for u in collectors]
        self.fields["policy"].choices = [("", _("All"))] + [(p, p) for p in policies]


class StepForm(forms.Form):
    name = forms.SlugField(label=_("Step"), required=False, max_length=64)
    channels = forms.MultipleChoiceField(label=_("Channels"), required=False,
                                         choices=[(c, c) for c in CHANNELS],
                                         widget=forms.CheckboxSelectMultiple)
    offset = forms.IntegerField(label=_("Days from due date"), required=False,
                                min_value=BOUNDS["offset"][0], max_value=BOUNDS["offset"][1])
    template = forms.SlugField(label=_("Template"), required=False, max_length=64)

    def clean(self):
        data = super().clean()
        if data.get("name"):
            if not data.get("channels"):
                self.add_error("channels", _("Choose at least one channel."))
            if data.get("offset") is None:
                self.add_error("offset", _(
                    "Give the number of days (negative: before the due date)."))
        return data


StepFormSet = forms.formset_factory(StepForm, extra=2, max_num=12)


class ScenarioForm(forms.Form):
    name = forms.SlugField(label=_("Name"), max_length=64)
    min_gap = forms.IntegerField(label=_("Minimum days between two reminders"),
                                 min_value=BOUNDS["min_gap"][0],
                                 max_value=BOUNDS["min_gap"][1], initial=7)
    threshold = AmountField(label=_("Do not chase balances under"), initial="1.00")
    promise_grace = forms.IntegerField(label=_("Days of grace after a promised date"),
                                       min_value=BOUNDS["promise_grace"][0],
                                       max_value=BOUNDS["promise_grace"][1], initial=3)

    def clean_name(self):
        name = self.cleaned_data["name"]
        if name == "standard":
            raise forms.ValidationError(
                _("“standard” is the built-in scenario: choose another name."))
        return name


class TemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 18}))


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=[
        ("fec", _("FEC (accounting entries)")), ("invoices", _("Invoices (CSV)")),
        ("contacts", _("Customers and contacts (CSV)")),
        ("einvoice", _("E-invoice (Factur-X PDF, CII or UBL XML)")),
        ("bank", _("Bank statement (camt.053, CFONB 120, OFX, MT940, CSV)"))])
    file = forms.FileField(label=_("File"))

    MAX_BYTES = 50 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class IdentityForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "siren", "address", "iban", "bic", "currency"]
        labels = {"name": _("Company name"), "siren": "SIREN", "address": _("Address"),
                  "iban": "IBAN", "bic": "BIC", "currency": _("Currency")}
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def clean_siren(self):
        return check_siren(self.cleaned_data["siren"])

    def clean_iban(self):
        from stdnum import iban

        value = self.cleaned_data["iban"].replace(" ", "").upper()
        if value and not iban.is_valid(value):
            raise forms.ValidationError(_("This IBAN is not valid: check its digits."))
        return value


class CollectorForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["collector_name", "collector_function", "collector_email", "collector_phone",
                  "sender_email"]
        labels = {"collector_name": _("Collector's name"), "collector_function": _("Function"),
                  "collector_email": _("Reply-to email"), "collector_phone": _("Phone"),
                  "sender_email": _("Sender email")}


class TermsForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["payment_terms_days", "country", "subdivision", "timezone"]
        labels = {"payment_terms_days": _("Payment terms (days)"), "country": _("Country"),
                  "subdivision": _("Holiday calendar"), "timezone": _("Time zone")}
        help_texts = {"subdivision": _("Leave empty for metropolitan France; "
                                       "“Alsace-Moselle” for its two extra holidays.")}

    def clean_payment_terms_days(self):
        return check_payment_terms(self.cleaned_data["payment_terms_days"])

    def clean_timezone(self):
        from zoneinfo import available_timezones

        value = self.cleaned_data["timezone"]
        if value not in available_timezones():
            raise forms.ValidationError(_("Unknown time zone, e.g. Europe/Paris."))
        return value


class SmtpForm(forms.ModelForm):
    password = forms.CharField(label=_("Password"), required=False, max_length=200,
                               widget=forms.PasswordInput(render_value=False),
                               help_text=_("Leave empty to keep the current one."))

    class Meta:
        model = SmtpSettings
        fields = ["host", "port", "user", "password", "tls"]
        labels = {"host": _("SMTP server"), "port": _("Port"), "user": _("User"),
                  "tls": _("Encryption")}
        help_texts = {"host": _("Leave empty to use the server set for the whole install.")}

    def clean_port(self):
        port = self.cleaned_data["port"]
        if not 1 <= port <= 65535:
            raise forms.ValidationError(_("A port is a number from 1 to 65535."))
        return port

    def clean_password(self):
        return self.cleaned_data["password"] or self.instance.password


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.ROLES)


class PercentField(forms.CharField):
    """An annual rate in percent, typed ``2,15`` or ``2.15`` → Decimal (never float).

    Official rates are published with two decimals (ECB press releases, arrêtés of the
    Journal officiel), so a third decimal is a typing error, not a precision.
    """

    default_error_messages = {"invalid": _("Enter a percentage such as 2,15.")}

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        cleaned = re.sub(r"[\s\u00a0\u202f%]", "", text).replace(",", ".")
        try:
            rate = Decimal(cleaned)
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not rate.is_finite() or not 0 <= rate < 100 or rate != rate.quantize(Decimal("0.01")):
            raise forms.ValidationError(
                _("Enter a percentage from 0 to 100 with at most two decimals."))
        return rate


YEAR_ERRORS = dict.fromkeys(("required", "invalid", "min_value", "max_value"),
                            _("Enter a year from 2000 to 2100."))


class RateForm(forms.Form):
    """One semester's official rates (Code de commerce L441-10 II; CMF L313-2)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              error_messages=YEAR_ERRORS)
    half = forms.TypedChoiceField(label=_("Half-year"), coerce=int,
                                  choices=[(1, _("January–June")), (2, _("July–December"))])
    ecb = PercentField(label=_("ECB main refinancing rate (%)"),
                       help_text=_("In force on 1 January or 1 July."))
    legal_other = PercentField(label=_("Legal interest rate, all other cases (%)"))
    legal_private = PercentField(label=_("Legal interest rate, private individuals (%)"))
    source = forms.CharField(label=_("Source"), required=False, max_length=300,
                             help_text=_("ECB press release, arrêté of the Journal officiel."))
