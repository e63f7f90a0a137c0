"""An invoice: its steps done and to come, the money allocated to it, its PDF, and the
promise and dispute a collector records on it."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages as flash
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from relance.dunning import events
from relance.dunning.services import calendar_of, policy_of
from relance.errors import RelanceError
from relance.ledger.models import Invoice
from relance.ledger.services import balance_of, to_core_invoice
from relance.web.forms import DisputeForm, PromiseForm
from relance.web.orgs import get_for_org, org_view, today_of
from relance.web.plan import steps_to_come


def _page(inv: Invoice, as_of, **forms) -> dict:
    done = list(inv.steps.select_related("action").order_by("day", "id"))
    messages = {m.action_id: m for m in _messages([s.action_id for s in done])}
    balance = balance_of(inv)
    planned = []
    if balance > 0 and not inv.customer.litigation_since:
        planned = steps_to_come(to_core_invoice(inv, inv.customer.ref),
                                {s.step: s.day for s in done}, policy_of(inv.customer),
                                calendar_of(inv.organization), as_of)
    return {
        "inv": inv, "balance": balance, "as_of": as_of, "planned": planned,
        "done": [(s, messages.get(s.action_id)) for s in done],
        "allocations": inv.allocations.select_related("credit").order_by("date", "id"),
        "promises": inv.promises.order_by("-made_on"),
        "disputes": inv.disputes.order_by("-opened_on"),
        "promise_form": forms.get("promise_form") or PromiseForm(today=as_of),
        "dispute_form": forms.get("dispute_form") or DisputeForm(),
        "has_pdf": bool(inv.pdf_path),
    }


def _messages(action_ids):
    from relance.messaging.models import OutboxMessage

    return OutboxMessage.objects.filter(action_id__in=action_ids)


def _invoice(org, pk) -> Invoice:
    inv = get_for_org(Invoice, org, pk=pk)
    inv.customer.organization = org  # spares a query; the row is known to belong to org
    return inv


@org_view()
def invoice(request: HttpRequest, org, pk: int) -> HttpResponse:
    inv = _invoice(org, pk)
    return render(request, "web/invoice.html", _page(inv, today_of(org)))


@org_view()
def pdf(request: HttpRequest, org, pk: int) -> HttpResponse:
    inv = _invoice(org, pk)
    path = Path(inv.pdf_path) if inv.pdf_path else None
    if path is not None and not path.is_absolute():
        path = Path(settings.DOCUMENTS_DIR) / path
    if path is None or not path.is_file():
        raise Http404("no PDF for this invoice")
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name,
                        content_type="application/pdf")


@org_view(write="collector")
def promise(request: HttpRequest, org, pk: int) -> HttpResponse:
    inv, as_of = _invoice(org, pk), today_of(org)
    form = PromiseForm(request.POST or None, today=as_of)
    if request.method == "POST" and form.is_valid():
        try:
            events.record_promise(inv.customer, [inv.number], as_of,
                                  form.cleaned_data["until"], form.cleaned_data["amount"])
        except RelanceError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, _("Promise recorded: no reminder until that date."))
            return redirect("web:invoice", org=org.slug, pk=inv.pk)
    return render(request, "web/invoice.html", _page(inv, as_of, promise_form=form), status=400)


@org_view(write="collector")
def dispute(request: HttpRequest, org, pk: int) -> HttpResponse:
    inv, as_of = _invoice(org, pk), today_of(org)
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        events.open_dispute(inv.customer, [inv.number], as_of, form.cleaned_data["reason"])
        flash.success(request, _("Dispute recorded: reminders stop for this invoice."))
        return redirect("web:invoice", org=org.slug, pk=inv.pk)
    return render(request, "web/invoice.html", _page(inv, as_of, dispute_form=form), status=400)


@org_view(write="collector")
def resolve(request: HttpRequest, org, pk: int) -> HttpResponse:
    inv = _invoice(org, pk)
    if request.method == "POST" and inv.disputes.filter(resolved_on__isnull=True).exists():
        events.resolve_dispute(inv.customer, [inv.number], today_of(org))
        flash.success(request, _("Dispute resolved: reminders resume."))
    return redirect("web:invoice", org=org.slug, pk=inv.pk)
