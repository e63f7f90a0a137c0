"""The home page: one line per organization the user works for, and the switcher."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from relance import clock
from relance.ledger.models import Membership
from relance.web.figures import portfolio
from relance.web.orgs import membership_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A single organization opens on its day; several open on the portfolio."""
    memberships = list(Membership.objects.filter(user=request.user)
                       .select_related("organization").order_by("organization__name"))
    if len(memberships) == 1:
        return redirect("web:today", org=memberships[0].organization.slug)
    orgs = [m.organization for m in memberships]
    as_of = clock.today(settings.TIME_ZONE)
    lines = zip(memberships, portfolio(orgs, as_of, timezone.now()), strict=True)
    return render(request, "web/portfolio.html", {"lines": list(lines), "as_of": as_of})


@login_required
def switch(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("org"):
        return redirect("web:home")
    membership = membership_of(request, request.GET["org"])
    return redirect("web:today", org=membership.organization.slug)


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
