"""What every page's frame needs: the user's organizations, the current one, the role."""

from __future__ import annotations

from django.http import HttpRequest

from relance.ledger.models import Membership
from relance.web.orgs import may


def interface(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    memberships = list(Membership.objects.filter(user=user).select_related("organization")
                       .order_by("organization__name"))
    return {
        "org": getattr(request, "org", None),
        "membership": membership,
        "memberships": memberships,
        "can_work": may(membership, "collector"),
        "can_admin": may(membership, "admin"),
        "section": getattr(request.resolver_match, "url_name", ""),
    }
