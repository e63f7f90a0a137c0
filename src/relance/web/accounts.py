"""Accounts: log in and out, change or reset a password, belong to organizations.

Django's own authentication views do the work (hashing, throttled reset tokens,
CSRF); this module gives them Relance's pages and adds the two things they lack:
creating a user with a role in an organization, and the demo's user.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth
from django.db import transaction
from django.urls import reverse_lazy

from relance.errors import InputError, NotFound
from relance.ledger.models import Membership, Organization

DEMO_LOGIN = ("demo", "relance-demo")

login = auth.LoginView.as_view(template_name="web/accounts/login.html",
                               redirect_authenticated_user=True)
logout = auth.LogoutView.as_view()
password_change = auth.PasswordChangeView.as_view(
    template_name="web/accounts/password_change.html",
    success_url=reverse_lazy("web:password_change_done"))
password_change_done = auth.PasswordChangeDoneView.as_view(
    template_name="web/accounts/password_change_done.html")
password_reset = auth.PasswordResetView.as_view(
    template_name="web/accounts/password_reset.html",
    email_template_name="web/accounts/password_reset_email.txt",
    subject_template_name="web/accounts/password_reset_subject.txt",
    success_url=reverse_lazy("web:password_reset_done"))
password_reset_done = auth.PasswordResetDoneView.as_view(
    template_name="web/accounts/password_reset_done.html")
password_reset_confirm = auth.PasswordResetConfirmView.as_view(
    template_name="web/accounts/password_reset_confirm.html",
    success_url=reverse_lazy("web:password_reset_complete"))
password_reset_complete = auth.PasswordResetCompleteView.as_view(
    template_name="web/accounts/password_reset_complete.html")


@transaction.atomic
def add_user(username: str, password: str, organizations: list[str], role: str = "collector",
             email: str = "", first_name: str = "", last_name: str = ""):
    """Create (or update) ``username`` with ``role`` in each organization slug given."""
    if role not in dict(Membership.ROLES):
        raise InputError(f"role: expected one of {', '.join(dict(Membership.ROLES))}, not {role!r}")
    orgs = list(Organization.objects.filter(slug__in=organizations))
    missing = sorted(set(organizations) - {o.slug for o in orgs})
    if missing:
        raise NotFound(f"no organization {', '.join(missing)}")
    user, _created = get_user_model().objects.get_or_create(username=username)
    user.email, user.first_name, user.last_name = email, first_name, last_name
    user.set_password(password)
    user.save()
    for org in orgs:
        Membership.objects.update_or_create(organization=org, user=user,
                                            defaults={"role": role})
    return user


def demo_user(org: Organization):
    """The demo's administrator of ``org``: log in as ``demo`` / ``relance-demo``."""
    username, password = DEMO_LOGIN
    return add_user(username, password, [org.slug], "admin",
                    email=org.collector_email or "demo@relance.invalid",
                    first_name=(org.collector_name or "Demo").split(" ")[0])
