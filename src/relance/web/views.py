"""Thin views: read through the services, render. The full interface is built on these."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from relance.dunning.models import Action, Task
from relance.messaging.models import OutboxMessage


def today(request: HttpRequest) -> HttpResponse:
    """The latest run day's actions, tasks and the outbox messages."""
    last = Action.objects.order_by("-day").values_list("day", flat=True).first()
    actions = (Action.objects.filter(day=last).select_related("customer", "organization")
               .prefetch_related("steps__invoice") if last else Action.objects.none())
    return render(request, "web/today.html", {
        "day": last, "actions": actions,
        "tasks": Task.objects.filter(due_on=last, done_on__isnull=True).select_related("customer"),
        "messages_out": (OutboxMessage.objects.select_related("action__customer")
                         .order_by("-id")[:200]),
    })


def message(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "web/message.html",
                  {"message": get_object_or_404(OutboxMessage, pk=pk)})


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
