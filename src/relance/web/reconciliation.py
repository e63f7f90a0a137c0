"""The review queue of bank reconciliation: uncertain matches, with their reasons.

The matcher (``relance.core.matching``) and the reconciliation service
(``relance.ledger.reconcile``) decide; a collector here accepts a suggested match,
picks other invoices, or assigns the line to a customer. The page appears once the
bank import is installed (``available``).
"""

from __future__ import annotations

import importlib.util

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.errors import RelanceError
from relance.ledger import models as ledger_models
from relance.web import figures
from relance.web.orgs import get_for_org, org_view, today_of


def available() -> bool:
    return (hasattr(ledger_models, "BankLine")
            and importlib.util.find_spec("relance.ledger.reconcile") is not None
            and importlib.util.find_spec("relance.imports.bank") is not None)


def queue(org):
    return ledger_models.BankLine.objects.filter(organization=org,
                                                 status__in=("review", "unmatched"))


def import_statement(org, data: bytes, name: str, day):
    from relance.imports.bank import import_statement as run

    return run(org, data, name, known_from=day)


def _require() -> None:
    if not available():
        raise Http404("bank reconciliation is not installed")


@org_view()
def review(request: HttpRequest, org) -> HttpResponse:
    _require()
    lines = list(queue(org).order_by("booking_date", "id")[:200])
    customers = org.customers.order_by("name").only("id", "name", "ref")[:2000]
    return render(request, "web/reconciliation.html", {"lines": lines, "customers": customers})


@org_view(write="collector")
def decide(request: HttpRequest, org, pk: int) -> HttpResponse:
    _require()
    from relance.ledger import reconcile

    line = get_for_org(ledger_models.BankLine, org, pk=pk)
    if request.method != "POST":
        return redirect("web:reconciliation", org=org.slug)
    try:
        if request.POST.get("customer", "").isdigit():
            customer = get_for_org(ledger_models.Customer, org, pk=request.POST["customer"])
            reconcile.assign(line, customer)
        else:
            numbers = [n.strip() for n in request.POST.get("invoices", "").replace(",", " ")
                       .split() if n.strip()]
            if not numbers:
                raise RelanceError(_("Name the invoices this payment settles."))
            reconcile.accept(line, numbers)
    except RelanceError as exc:
        flash.error(request, str(exc))
    else:
        figures.refresh(org, today_of(org), timezone.now())
        flash.success(request, _("Payment recorded and allocated."))
    return redirect("web:reconciliation", org=org.slug)
