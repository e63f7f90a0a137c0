"""Who calls the API, and what they may do in an organization.

The rules of the pages (``relance.web.orgs``): a stranger to an organization gets 404,
as if it did not exist; a member whose role is too low gets 403.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBasicAuth, SessionAuth

from relance.ledger.models import Membership, Organization
from relance.web.orgs import may


class BasicAuth(HttpBasicAuth):
    """A Relance user name and password (RFC 7617); meant for HTTPS only."""

    def authenticate(self, request: HttpRequest, username: str, password: str):
        user = authenticate(request, username=username, password=password)
        if user is None or not user.is_active:
            return None
        request.user = user
        return user


class Session(SessionAuth):
    """The web pages' session, its CSRF token checked on writes; a caller without a
    session is not refused for CSRF (403) but asked to log in (401)."""

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


#: Basic for programs, the session for the browser.
AUTH = [BasicAuth(), Session()]


def member(request: HttpRequest, slug: str, role: str = "viewer") -> Organization:
    """The organization ``slug`` if the caller is a member with at least ``role``."""
    membership = (Membership.objects.select_related("organization")
                  .filter(user=request.auth, organization__slug=slug).first())
    if membership is None:
        raise HttpError(404, _("no such organization"))
    if not may(membership, role):
        raise HttpError(403, _("this needs the %(needed)s role; yours is %(role)s") % {
            "needed": role, "role": membership.role})
    return membership.organization
