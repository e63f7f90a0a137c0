"""Customers: the searchable list, the customer's page and what a collector does there."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from relance.core.policy import STANDARD
from relance.dunning import events, policies
from relance.errors import InputError, RateMissing, RelanceError
from relance.ledger.models import Customer
from relance.ledger.services import currencies_of, with_balance
from relance.messaging.services import clock
from relance.web import calls, statement_mail, timeline
from relance.web.figures import customer_balances, customer_totals, customers_overdue
from relance.web.forms import CustomerFilterForm, NoteForm, PauseForm, ScenarioChoiceForm
from relance.web.orgs import get_for_org, org_view, today_of

PAGE = 50


def policy_names(org) -> list[str]:
    return [STANDARD.name, *org.policies.values_list("name", flat=True)]


def filtered(org, form: CustomerFilterForm, as_of):
    customers = org.customers.all()
    if not form.is_valid():
        return customers
    data = form.cleaned_data
    if data["q"]:
        customers = customers.filter(Q(name__icontains=data["q"]) | Q(ref__icontains=data["q"]))
    if data["collector"]:
        customers = customers.filter(collector_id=data["collector"])
    if data["policy"]:
        customers = customers.filter(policy=data["policy"])
    if data["status"] == "paused":
        customers = customers.filter(paused_until__gte=as_of)
    elif data["status"] == "litigation":
        customers = customers.filter(litigation_since__isnull=False)
    elif data["status"] == "active":
        customers = customers.filter(litigation_since__isnull=True).exclude(
            paused_until__gte=as_of)
    if data["overdue"]:
        customers = customers_overdue(customers, as_of)
    return customers


def page_number(text: str, count: int) -> int:
    """The page asked for, clamped to the pages there are (``count`` rows): a number past
    the last page shows the last one, not an offset the database cannot take (SQLite and
    PostgreSQL refuse offsets beyond 64 bits)."""
    last = max(1, -(-count // PAGE))
    asked = int(text) if text.isascii() and text.isdigit() else 1
    return min(max(asked, 1), last)


@org_view()
def customer_list(request: HttpRequest, org) -> HttpResponse:
    as_of = today_of(org)
    collectors = get_user_model().objects.filter(membership__organization=org).order_by(
        "username")
    form = CustomerFilterForm(request.GET or None, collectors=collectors,
                              policies=policy_names(org))
    customers = filtered(org, form, as_of)
    page = page_number(request.GET.get("page", ""), customers.count())
    # The page's ids first, balances for those rows only: summing every customer's
    # invoices to show fifty of them would grow with the book.
    ids = list(customers.order_by("name", "id").values_list("pk", flat=True)
               [(page - 1) * PAGE: page * PAGE + 1])
    rows = list(customer_balances(org.customers.filter(pk__in=ids[:PAGE]), as_of)
                .select_related("collector").order_by("name", "id"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/customers.html", {
        "form": form, "customers": rows, "page": page, "has_next": len(ids) > PAGE,
        "query": query.urlencode(), "as_of": as_of})


@org_view()
def customer(request: HttpRequest, org, pk: int) -> HttpResponse:
    c = get_for_org(Customer, org, pk=pk)
    as_of = today_of(org)
    return render(request, "web/customer.html", _page(c, as_of, org))


def _page(c: Customer, as_of, org, **forms) -> dict:
    return {
        "c": c, "as_of": as_of, "totals": customer_totals(c, as_of),
        "contacts": c.contacts.all(),
        "statement_to": [address for _name, address in statement_mail.recipients(c)],
        "statement_currencies": currencies_of(c),
        "invoices": with_balance(c.invoices.all()).filter(balance_minor__gt=0).order_by("due"),
        "entries": timeline.of(c),
        "pause_form": forms.get("pause_form") or PauseForm(today=as_of),
        "policy_form": forms.get("policy_form") or ScenarioChoiceForm(
            names=policy_names(org), initial={"policy": c.policy}),
        "note_form": forms.get("note_form") or NoteForm(),
    }


def _rerender(request, org, c, **forms) -> HttpResponse:
    return render(request, "web/customer.html", _page(c, today_of(org), org, **forms),
                  status=400)


@org_view(write="collector")
def pause(request: HttpRequest, org, pk: int) -> HttpResponse:
    c = get_for_org(Customer, org, pk=pk)
    as_of = today_of(org)
    form = PauseForm(request.POST or None, today=as_of)
    if request.method != "POST" or not form.is_valid():
        return _rerender(request, org, c, pause_form=form)
    events.pause(c, as_of, form.cleaned_data["until"])
    flash.success(request, _("Reminders paused."))
    return redirect("web:customer", org=org.slug, pk=c.pk)


@org_view(write="collector")
def assign_policy(request: HttpRequest, org, pk: int) -> HttpResponse:
    c = get_for_org(Customer, org, pk=pk)
    form = ScenarioChoiceForm(request.POST or None, names=policy_names(org))
    if request.method != "POST" or not form.is_valid():
        return _rerender(request, org, c, policy_form=form)
    policies.assign(c, form.cleaned_data["policy"], today_of(org))
    flash.success(request, _("Scenario assigned."))
    return redirect("web:customer", org=org.slug, pk=c.pk)


@org_view(write="collector")
def litigation(request: HttpRequest, org, pk: int) -> HttpResponse:
    c = get_for_org(Customer, org, pk=pk)
    if request.method == "POST":
        lift = request.POST.get("lift") == "1"
        events.set_litigation(c, None if lift else today_of(org))
        flash.success(request, _("Litigation lifted.") if lift else _("Marked in litigation."))
    return redirect("web:customer", org=org.slug, pk=c.pk)


@org_view(write="collector")
def note(request: HttpRequest, org, pk: int) -> HttpResponse:
    c = get_for_org(Customer, org, pk=pk)
    form = NoteForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return _rerender(request, org, c, note_form=form)
    calls.add_note(c, today_of(org), form.cleaned_data["text"],
                   request.user.get_full_name() or request.user.username)
    return redirect("web:customer", org=org.slug, pk=c.pk)


@org_view()
def statement(request: HttpRequest, org, pk: int) -> HttpResponse:
    from relance.documents.services import statement_for_customer

    c = get_for_org(Customer, org, pk=pk)
    fmt = "csv" if request.GET.get("format") == "csv" else "pdf"
    currency = request.GET.get("currency") or org.currency
    if currency not in currencies_of(c):
        raise Http404(f"no statement in {currency} for this customer")
    try:
        name, data = statement_for_customer(c, today_of(org), fmt, currency=currency)
    except RateMissing as exc:
        _no_rates(request, exc)
        return redirect("web:customer", org=org.slug, pk=c.pk)
    return _download(name, data, "text/csv" if fmt == "csv" else "application/pdf")


def _no_rates(request: HttpRequest, exc: RateMissing) -> None:
    """A statement is never produced with a guessed rate (spec/dunning-rules.md, Rates)."""
    flash.error(request, _("The late-interest rates of %(semester)s are missing: add them in "
                           "Settings → Late-interest rates, then ask for the statement "
                           "again.") % {"semester": exc.semester or "?"})


@org_view(write="collector")
def send_statement(request: HttpRequest, org, pk: int) -> HttpResponse:
    c = get_for_org(Customer, org, pk=pk)
    if request.method == "POST":
        try:
            done = statement_mail.send_statement(c, today_of(org), clock(),
                                                 request.user.username)
        except RateMissing as exc:
            _no_rates(request, exc)
        except InputError:
            flash.error(request, _("No contact of this customer has an email address: add "
                                   "one to send the statement."))
        else:
            _said(request, done)
    return redirect("web:customer", org=org.slug, pk=c.pk)


def _said(request: HttpRequest, done: statement_mail.Request) -> None:
    """What the page says after « Email the statement »: sent, not yet, or already."""
    m, to = done.message, ", ".join(done.to)
    if not done.new and done.delivered:
        flash.info(request, _("The statement was already sent to %(to)s at %(time)s: not "
                              "sent again. A new request from %(after)s sends it once more.")
                   % {"to": to, "time": f"{done.since:%H:%M}",
                      "after": f"{done.again_after:%H:%M}"})
    elif not done.new:
        flash.info(request, _("The statement asked for at %(time)s is on its way: not "
                              "sent twice.") % {"time": f"{done.since:%H:%M}"})
    elif done.delivered:
        flash.success(request, _("Statement sent to %(to)s.") % {"to": to})
    elif m.status == "approved":  # a temporary failure: the retries take it from here
        flash.error(request, _("The statement could not be sent yet (%(reason)s): it "
                               "will be tried again automatically.") % {"reason": m.error})
    else:
        flash.error(request, _("The statement could not be sent: %(reason)s")
                    % {"reason": m.error})


@org_view(write="collector")
def notice(request: HttpRequest, org, pk: int) -> HttpResponse:
    from relance.documents.services import notice_for_customer

    c = get_for_org(Customer, org, pk=pk)
    try:
        name, data = notice_for_customer(c, today_of(org))
    except RelanceError as exc:
        flash.error(request, _("No formal notice: %(reason)s") % {"reason": exc})
        return redirect("web:customer", org=org.slug, pk=c.pk)
    return _download(name, data, "application/pdf")


def _download(name: str, data: bytes, mime: str) -> HttpResponse:
    response = HttpResponse(data, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
