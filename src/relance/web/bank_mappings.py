"""Settings → bank CSV formats: the saved column mappings bank exports are read with.

A bank's CSV export is described once per organization (``BankCsvMapping``) and every
later statement of that bank imports through it (``relance.imports.bank_csv``). The
form previews what the mapping reads from a sample export before it is saved; the
sample's first lines ride along in a hidden field so the preview survives corrections.
Administrators edit; the other members read, like the other settings pages.
"""

from __future__ import annotations

import base64
import binascii

from django import forms
from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.imports import bank_csv
from relance.ledger.models import BankCsvMapping
from relance.web.orgs import get_for_org, org_view

COLUMN_FIELDS = ["date_column", "amount_column", "debit_column", "credit_column",
                 "label_column", "name_column", "reference_column", "value_date_column",
                 "counterparty_iban_column"]
FILE_FIELDS = ["delimiter", "encoding", "date_format", "decimal_separator", "skip_rows"]


class MappingForm(forms.ModelForm):
    sample = forms.FileField(label=gettext_lazy("Sample export"), required=False,
                             help_text=gettext_lazy("A CSV file from the bank: its first rows "
                                                    "are shown as they will be imported."))
    # Rendered by the template (base64 of the sample's first lines), not by _form.html.
    sample_head = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = BankCsvMapping
        fields = ["name", "account", "currency", *COLUMN_FIELDS, *FILE_FIELDS]
        labels = {
            "name": gettext_lazy("Name"), "account": "IBAN",
            "currency": gettext_lazy("Currency"),
            "date_column": gettext_lazy("Booking date column"),
            "amount_column": gettext_lazy("Amount column (signed)"),
            "debit_column": gettext_lazy("Debit column"),
            "credit_column": gettext_lazy("Credit column"),
            "label_column": gettext_lazy("Label column"),
            "name_column": gettext_lazy("Payer name column"),
            "reference_column": gettext_lazy("Bank reference column"),
            "value_date_column": gettext_lazy("Value date column"),
            "counterparty_iban_column": gettext_lazy("Payer IBAN column"),
            "delimiter": gettext_lazy("Delimiter"), "encoding": gettext_lazy("Encoding"),
            "date_format": gettext_lazy("Date format"),
            "decimal_separator": gettext_lazy("Decimal separator"),
            "skip_rows": gettext_lazy("Rows above the header"),
        }
        help_texts = {
            "name": gettext_lazy("e.g. “Crédit Agricole export”"),
            "account": gettext_lazy("The account the exports are for; part of each line's "
                                    "identity, so set it before the first import."),
            "amount_column": gettext_lazy("Either one signed amount column, or the debit "
                                          "and credit columns."),
        }
        widgets = {column: forms.TextInput(attrs={"list": "sample-columns"})
                   for column in COLUMN_FIELDS}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = BankCsvMapping.objects.filter(organization=self.instance.organization,
                                              name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("A format of this name already exists."))
        return name

    def sample_bytes(self) -> bytes:
        """The sample's first lines: a new upload, else the ones kept from the last one."""
        upload = self.cleaned_data.get("sample")
        if upload:
            return bank_csv.sample_head(upload.read(bank_csv.HEAD_BYTES))
        try:
            return base64.b64decode(self.cleaned_data.get("sample_head") or "", validate=True)
        except (binascii.Error, ValueError):
            return b""


def _preview(form: MappingForm, sample: bytes):
    if not sample:
        return None
    try:
        return bank_csv.preview(sample, form.instance)
    except (ValueError, LookupError) as exc:  # a mapping the form has not validated yet
        return bank_csv.Preview(header=bank_csv.shown_header(sample), problem=str(exc))


@org_view(role="viewer", write="admin")
def mapping_list(request: HttpRequest, org) -> HttpResponse:
    return render(request, "web/bank_mappings.html",
                  {"rows": BankCsvMapping.objects.filter(organization=org).order_by("name")})


@org_view(role="viewer", write="admin")
def mapping_edit(request: HttpRequest, org, pk: int | None = None) -> HttpResponse:
    row = get_for_org(BankCsvMapping, org, pk=pk) if pk else BankCsvMapping(organization=org)
    title = row.name  # before the form writes the posted values onto the row
    form = MappingForm(request.POST or None, request.FILES or None, instance=row)
    preview, sample = None, b""
    if form.is_bound:
        valid = form.is_valid()
        sample = form.sample_bytes()
        if valid and "save" in request.POST:
            form.save()
            flash.success(request, _("Bank CSV format “%(name)s” saved.") % {"name": row.name})
            return redirect("web:bank_mappings", org=org.slug)
        preview = _preview(form, sample)
    return render(request, "web/bank_mapping.html", {
        "form": form, "row": row, "title": title, "preview": preview, "groups": _groups(form),
        "sample_head": base64.b64encode(sample).decode()},
        status=400 if form.errors else 200)


def _groups(form: MappingForm) -> list[tuple[str, list]]:
    return [(_("Format"), [form[n] for n in ("name", "account", "currency")]),
            (_("Columns, as the header row names them"), [form[n] for n in COLUMN_FIELDS]),
            (_("How the file is written"), [form[n] for n in FILE_FIELDS]),
            (_("Check on a sample"), [form["sample"]])]


@org_view(role="viewer", write="admin")
def mapping_delete(request: HttpRequest, org, pk: int) -> HttpResponse:
    row = get_for_org(BankCsvMapping, org, pk=pk)
    if request.method != "POST":
        return redirect("web:bank_mapping", org=org.slug, pk=row.pk)
    row.delete()
    flash.success(request, _("Bank CSV format “%(name)s” deleted.") % {"name": row.name})
    return redirect("web:bank_mappings", org=org.slug)
