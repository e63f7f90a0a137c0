"""The organization a page works on, and who may do what in it.

Every page under ``/o/<slug>/`` runs through :func:`org_view`: the user must be a
member of that organization (otherwise 404, so a stranger cannot even learn that
it exists), and every object is then looked up *within* it by :func:`get_for_org`.
A URL naming another organization's object answers 404 whatever the id.

Roles (PRODUCT.md, capability 1): a *viewer* reads; a *collector* also works the
day (approves, logs calls, records promises); an *admin* also sets the
organization up (scenarios, templates, settings, imports).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from relance import clock
from relance.ledger.models import Membership, Organization

RANKS = {"viewer": 0, "collector": 1, "admin": 2}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def membership_of(request: HttpRequest, slug: str) -> Membership:
    """The user's membership in organization ``slug``, or 404."""
    membership = (Membership.objects.select_related("organization")
                  .filter(user=request.user, organization__slug=slug).first())
    if membership is None:
        raise Http404("no such organization")
    return membership


def may(membership: Membership | None, role: str) -> bool:
    return membership is not None and RANKS[membership.role] >= RANKS[role]


def org_view(role: str = "viewer", write: str = "collector") -> Callable:
    """Decorate a view taking ``(request, org, …)``: member check, then role check.

    ``role`` is needed to read the page, ``write`` to send it anything but GET.
    """
    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, org: str, *args, **kwargs) -> HttpResponse:
            membership = membership_of(request, org)
            needed = role if request.method in SAFE_METHODS else max(role, write, key=RANKS.get)
            if not may(membership, needed):
                raise PermissionDenied
            request.membership = membership
            request.htmx = request.headers.get("HX-Request") == "true"
            request.org = membership.organization
            return view(request, request.org, *args, **kwargs)
        return wrapper
    return decorator


def scoped(model: type[Model], org: Organization) -> QuerySet:
    """``model``'s rows that belong to ``org``, whatever path leads to the organization."""
    path = ORG_PATHS[model.__name__]
    return model.objects.filter(**{path: org})


def get_for_org(model: type[Model], org: Organization, **lookup) -> Model:
    """The row of ``model`` matching ``lookup`` inside ``org``; 404 for anything else."""
    row = scoped(model, org).filter(**lookup).first()
    if row is None:
        raise Http404(f"no such {model.__name__.lower()}")
    return row


def today_of(org: Organization):
    """The organization's local date: the one place pages ask the clock."""
    return clock.today(org.timezone)


# How each model reaches its organization: the single list the isolation test checks.
ORG_PATHS = {
    "Customer": "organization", "Invoice": "organization", "Credit": "organization",
    "Action": "organization", "Task": "organization", "Policy": "organization",
    "Contact": "customer__organization", "Promise": "customer__organization",
    "Dispute": "invoice__organization", "TimelineEntry": "customer__organization",
    "StepRecord": "invoice__organization", "Allocation": "invoice__organization",
    "OutboxMessage": "organization", "TemplateOverride": "organization",
    "ImportRun": "organization", "BankLine": "organization", "BankCsvMapping": "organization",
    "MessageEvent": "message__organization",
}
