"""Upload a file (FEC, CSV, Factur-X, bank statement) and read its row report.

A bank statement exported as CSV is read through one of the organization's saved
formats (Settings → Bank CSV formats): the one chosen in the form, else the one whose
columns the file's header holds.

Every imported file is a run listed here, with how it came (this page, the command
line, the watched folder: ``relance.imports.runs``) and who uploaded it.
Row problems are stored with their code and values and worded when the page is read,
in the reader's language (``relance.imports.wording``); a bank statement whose balances
do not add up shows as a warning, its lines imported.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.errors import FormatError, RelanceError
from relance.imports import runs, wording
from relance.imports.bank_csv import CsvMappingNeeded, mappings_of
from relance.web import figures, reconciliation
from relance.web.forms import ImportForm
from relance.web.models import ImportRun
from relance.web.orgs import get_for_org, org_view, today_of


class UploadForm(ImportForm):
    """The import form, with the choice of saved bank CSV format when there are some."""

    mapping = forms.ChoiceField(label=gettext_lazy("Bank CSV format"), required=False,
                                help_text=gettext_lazy("Only for a bank statement in CSV."))

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        names = [row.name for row in mappings_of(org)]
        if not names:
            del self.fields["mapping"]
            return
        self.fields["mapping"].choices = [("", _("Recognised from the file's columns"))] + [
            (name, name) for name in names]
        self.order_fields(["kind", "mapping", "file"])


def shown(problems: list[dict]) -> list[dict]:
    """Stored problems as the page lists them: line, column or field, sentence."""
    return [{"line": e.get("line"), "column": wording.column(e), "problem": wording.problem(e)}
            for e in problems]


@org_view(role="viewer", write="admin")
def imports(request: HttpRequest, org) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, org=org)
    if request.method == "POST" and form.is_valid():
        upload, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
        if kind == "bank" and not reconciliation.available():
            form.add_error("kind", _("Bank statements cannot be imported in this version yet."))
        else:
            try:
                _report, run = runs.import_file(
                    org, kind, upload.read(), upload.name, today_of(org), origin="web",
                    user=request.user, mapping=form.cleaned_data.get("mapping") or None)
            except CsvMappingNeeded as exc:
                form.add_error("mapping" if "mapping" in form.fields else "file",
                               wording.refusal(exc))
            except FormatError as exc:
                form.add_error("file", _("This file cannot be read: %(reason)s")
                               % {"reason": wording.problem(exc)})
            except RelanceError as exc:
                form.add_error(None, str(exc))
            else:
                figures.refresh(org, today_of(org), timezone.now())
                flash.success(request, _("File imported."))
                return redirect("web:import_run", org=org.slug, pk=run.pk)
    return render(request, "web/imports.html", {
        "form": form,
        "runs": ImportRun.objects.filter(organization=org).select_related("user")[:30],
        "bank": reconciliation.available(), "formats": "mapping" in form.fields,
        "to_review": reconciliation.queue(org).count() if reconciliation.available() else 0},
        status=400 if form.errors else 200)


@org_view()
def import_run(request: HttpRequest, org, pk: int) -> HttpResponse:
    run = get_for_org(ImportRun, org, pk=pk)
    return render(request, "web/import_run.html", {
        "run": run, "counts": run.outcome_counts(), "rows": run.rows[:500],
        "refused": wording.problem(run.refused) if run.refused else "",
        "rejected": shown(run.rejected), "warnings": shown(run.warnings)})
