"""The late-interest rate table: every semester known, and a form to add the next one.

French late-payment penalties are computed from two official rates that change every
half-year: the ECB main refinancing rate (Code de commerce L441-10 II: plus 10 points by
default) and the taux de l'intérêt légal (Code monétaire et financier L313-2), published
by arrêté in the Journal officiel. Relance ships them (``relance/data/rates.csv``); between
two releases an administrator adds a new semester here, as ``relance rates add`` does.
The rates are national, so the table is the install's, shared by every organization.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from relance.core.rates import Semester
from relance.documents.services import add_rate, rate_rows
from relance.errors import InputError
from relance.web.forms import RateForm
from relance.web.orgs import org_view


@org_view(role="viewer", write="admin")
def rates_page(request: HttpRequest, org) -> HttpResponse:
    form = RateForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            replaced = _save(form.cleaned_data)
        except InputError as exc:  # the service's own check, should the form let one by
            form.add_error(None, str(exc))
        else:
            done = _("Rates of %(semester)s replaced.") if replaced else _(
                "Rates of %(semester)s added.")
            flash.success(request, done % {"semester": _semester_label(form.cleaned_data)})
            return redirect("web:rates", org=org.slug)
    return render(request, "web/rates.html", {"form": form, "rows": rate_rows()[::-1]},
                  status=400 if form.is_bound else 200)


def _save(data: dict) -> bool:
    return add_rate(Semester(data["year"], data["half"]), data["ecb"], data["legal_other"],
                    data["legal_private"], data["source"])


def _semester_label(data: dict) -> str:
    half = _("January–June") if data["half"] == 1 else _("July–December")
    return f"{half} {data['year']}"
