"""« Aujourd'hui »: the collector's morning — messages to approve, what went out, calls to
make, promises falling due — and the actions on them (approve, edit, skip, log a call).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from relance.dunning.models import Action, Task
from relance.errors import RelanceError
from relance.messaging import states
from relance.messaging.models import OutboxMessage
from relance.web import calls, pipeline, timeline
from relance.web.figures import promises_due
from relance.web.forms import CallForm, MessageEditForm, NoteForm, SkipForm
from relance.web.orgs import get_for_org, org_view, today_of


def asked_day(request: HttpRequest) -> date | None:
    """The day in ``?day=``, to look at another day than today (the demo's own day)."""
    return parse_date(request.GET.get("day") or "")


def work_day(request: HttpRequest, org) -> date:
    """The page's day: the asked one, else the organization's local date. Calls and
    promises are due by it, and a call logged from the page is logged on it — not on
    the last run's day, which is days behind when the scheduler stopped.
    """
    return asked_day(request) or today_of(org)


def last_run_day(request: HttpRequest, org, day: date) -> date:
    """The day of the daily run whose messages the page lists: the asked day, else the
    last day up to ``day`` on which the run recorded an action, else ``day``.

    The run records each action on its day, so what it sent is listed under that day
    and reads the same after a late run or, in the demo, on the demo's own day.
    """
    if asked_day(request):
        return day
    last = (Action.objects.filter(organization=org, day__lte=day)
            .order_by("-day").values_list("day", flat=True).first())
    return last or day


SHOWN = 25  # a morning's worth of calls; the rest waits below a count


def open_tasks(org, day: date):
    return Task.objects.filter(organization=org, done_on__isnull=True, due_on__lte=day)


def first_tasks(tasks, kind_filter):
    return list(tasks.filter(**kind_filter).select_related("customer", "action")
                .prefetch_related("customer__contacts", "action__steps__invoice")
                .order_by("due_on", "id")[:SHOWN])


@org_view()
def today(request: HttpRequest, org) -> HttpResponse:
    day = work_day(request, org)
    ran = last_run_day(request, org, day)
    tasks = open_tasks(org, day)
    calls = first_tasks(tasks, {"kind": "call"})
    return render(request, "web/today.html", {
        "day": day, "run_day": ran,
        "approval": pipeline.has_approval(), "can_edit": pipeline.can_edit(),
        "awaiting": pipeline.awaiting(org)[:SHOWN],
        "awaiting_total": pipeline.awaiting(org).count(),
        "delivered": pipeline.delivered_on(org, ran)[:200],
        "failed": pipeline.failed(org, ran)[:50],
        "calls": calls,
        "calls_total": tasks.filter(kind="call").count(),
        "others": first_tasks(tasks.exclude(kind="call"), {}),
        "promises": promises_due(org, day)[:100],
        "skip_form": SkipForm(),
    })


@org_view()
def message(request: HttpRequest, org, pk: int) -> HttpResponse:
    msg = get_for_org(OutboxMessage, org, pk=pk)
    return render(request, "web/message.html", {"message": msg, "skip_form": SkipForm(),
                                                "approval": pipeline.has_approval(),
                                                "error": timeline.error_of(msg)})


def _card(request, msg: OutboxMessage, **extra) -> HttpResponse:
    return render(request, "web/_awaiting.html", {"m": msg, "skip_form": SkipForm(), **extra})


def _after(request, org, msg, note: str) -> HttpResponse:
    if request.htmx:
        msg.refresh_from_db()
        return _card(request, msg, done=note)
    flash.success(request, note)
    return redirect("web:today", org=org.slug)


@org_view(write="collector")
def approve(request: HttpRequest, org, pk: int) -> HttpResponse:
    msg = get_for_org(OutboxMessage, org, pk=pk)
    if request.method != "POST":
        return redirect("web:message", org=org.slug, pk=pk)
    try:
        pipeline.approve(msg, request.user)
    except RelanceError as exc:
        return _card(request, msg, error=str(exc))
    msg.refresh_from_db()
    if msg.status == states.CANCELLED:  # the last look before sending: stale, or paid
        return _card(request, msg, error=_("Not sent: %(reason)s") % {
            "reason": timeline.error_of(msg)})
    return _after(request, org, msg, _("Approved: the message goes out in the send window."))


@org_view(write="collector")
def skip(request: HttpRequest, org, pk: int) -> HttpResponse:
    msg = get_for_org(OutboxMessage, org, pk=pk)
    form = SkipForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return _card(request, msg, skip_form=form, open_skip=True)
    pipeline.skip(msg, request.user, form.cleaned_data["reason"])
    return _after(request, org, msg, _("Skipped: this message will not be sent."))


@org_view(write="collector")
def edit_message(request: HttpRequest, org, pk: int) -> HttpResponse:
    msg = get_for_org(OutboxMessage, org, pk=pk)
    initial = {"subject": msg.subject, "body": msg.body}
    form = MessageEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pipeline.edit(msg, request.user, **form.cleaned_data)
        except RelanceError as exc:
            form.add_error("body", str(exc))
        else:
            flash.success(request, _("Message changed. Approve it to send it."))
            return redirect("web:today", org=org.slug)
    return render(request, "web/message_edit.html", {"message": msg, "form": form,
                                                     "can_edit": pipeline.can_edit()})


@org_view(write="collector")
def log_call(request: HttpRequest, org, pk: int) -> HttpResponse:
    task = get_for_org(Task, org, pk=pk, kind="call")
    day = work_day(request, org)
    form = CallForm(request.POST or None, today=day, prefix=f"t{task.pk}")
    if request.method == "POST" and task.done_on is None and form.is_valid():
        data = form.cleaned_data
        try:
            calls.log_call(task, day, data["outcome"], data["note"], data.get("until"),
                           data.get("amount"), data.get("reason", ""))
        except RelanceError as exc:
            form.add_error(None, str(exc))
        else:
            if not request.htmx:
                flash.success(request, _("Call logged."))
                return redirect("web:today", org=org.slug)
    template = "web/_call.html" if request.htmx else "web/call.html"
    return render(request, template, {"t": task, "form": form, "day": day},
                  status=400 if form.errors else 200)


@org_view(write="collector")
def close_task(request: HttpRequest, org, pk: int) -> HttpResponse:
    task = get_for_org(Task, org, pk=pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and task.done_on is None:
        calls.close_task(task, work_day(request, org),
                         form.data.get("text", "") if form.is_bound else "")
        flash.success(request, _("Task done."))
    return redirect("web:today", org=org.slug)
