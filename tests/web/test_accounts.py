"""Accounts: log in and out, change and reset a password, roles, the demo's user."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from relance.ledger.models import Membership
from relance.web.accounts import DEMO_LOGIN, demo_user
from tests.web.builders import PASSWORD


def test_pages_need_a_login_and_the_login_page_is_french(client, w):
    response = client.get("/o/acme/")
    assert response.status_code == 302 and response.url == "/accounts/login/?next=/o/acme/"
    page = client.get(response.url).content.decode()
    assert "Se connecter" in page and "Mot de passe oublié ?" in page


def test_a_wrong_password_is_refused_in_french(client, w):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


def test_log_in_lands_on_the_only_organization_then_log_out(client, w):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD},
                           follow=True)
    assert response.redirect_chain[-1][0] == "/o/acme/"
    assert "Aujourd’hui" in response.content.decode()
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/o/acme/").status_code == 302


def test_english_is_one_click_away(client, w):
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    client.post("/i18n/setlang/", {"language": "en", "next": "/o/acme/"})
    page = client.get("/o/acme/").content.decode()
    assert "Messages awaiting approval" in page and '<html lang="en">' in page


def test_change_the_password(client, w):
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "Une-autre-phrase-2026",
        "new_password2": "Une-autre-phrase-2026"})
    assert response.url == "/accounts/password/done/"
    assert get_user_model().objects.get(username="alice").check_password("Une-autre-phrase-2026")


def test_a_mismatched_new_password_is_answered_next_to_the_field(client, w):
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "Une-autre-phrase-2026",
        "new_password2": "autre"})
    page = response.content.decode()
    assert 'id="id_new_password2_error"' in page
    assert "Les deux mots de passe ne correspondent pas" in page


def test_reset_the_password_by_email(client, w):
    client.post("/accounts/reset/", {"email": "alice@example.com"})
    [message] = mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "Relance : choisissez un nouveau mot de passe"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    response = client.post(form.redirect_chain[-1][0], {
        "new_password1": "Phrase-de-secours-2026", "new_password2": "Phrase-de-secours-2026"})
    assert response.url == "/accounts/reset/done/"
    assert client.login(username="alice", password="Phrase-de-secours-2026")


def test_several_organizations_open_on_the_portfolio(client, w):
    client.post("/accounts/login/", {"username": "carl", "password": PASSWORD})
    page = client.get("/").content.decode()
    assert "Portefeuille" in page and "Acmé Services SAS" in page and "Globex Conseil" in page


def test_a_viewer_reads_but_cannot_act(client, w):
    from relance.messaging.models import OutboxMessage

    client.post("/accounts/login/", {"username": "vera", "password": PASSWORD})
    assert client.get("/o/acme/").status_code == 200
    assert "Approuver et envoyer" not in client.get("/o/acme/").content.decode()
    message = OutboxMessage.objects.filter(organization=w["acme"]).first()
    assert client.post(f"/o/acme/messages/{message.pk}/approve/").status_code == 403
    assert client.post("/o/acme/settings/", {"section": "identity"}).status_code == 403
    assert client.get("/o/acme/settings/rates/").status_code == 200
    assert client.post("/o/acme/settings/rates/", {"year": "2026"}).status_code == 403
    customer = w["acme"].customers.get(ref="C1")
    assert client.post(f"/o/acme/customers/{customer.pk}/statement/send/").status_code == 403


def test_a_collector_works_the_day_but_does_not_change_the_settings(client, w):
    client.post("/accounts/login/", {"username": "carl", "password": PASSWORD})
    assert client.post("/o/acme/settings/", {"section": "identity"}).status_code == 403
    assert client.post("/o/acme/scenarios/new/", {}).status_code == 403
    assert client.post("/o/acme/settings/rates/", {"year": "2026"}).status_code == 403


def test_the_user_command_creates_a_login_with_a_role(w, monkeypatch):
    monkeypatch.setenv("RELANCE_PASSWORD", "s3cret-phrase")
    call_command("user", "add", "dora", "--org", "acme", "--org", "globex", "--role", "viewer")
    dora = get_user_model().objects.get(username="dora")
    assert dora.check_password("s3cret-phrase")
    assert sorted(Membership.objects.filter(user=dora).values_list(
        "organization__slug", "role")) == [("acme", "viewer"), ("globex", "viewer")]


def test_the_demo_user_administers_the_demo_organization(w):
    user = demo_user(w["acme"])
    assert user.username == DEMO_LOGIN[0] and user.check_password(DEMO_LOGIN[1])
    assert Membership.objects.get(user=user).role == "admin"


def test_the_interface_serves_its_own_htmx_and_stylesheet(client, w):
    """No CDN at run time: htmx is a vendored file served with the pages."""
    script = client.get("/static/web/htmx.min.js")
    assert script.status_code == 200 and b"htmx" in b"".join(script.streaming_content)
    assert client.get("/static/web/app.css").status_code == 200
    assert client.get("/health").json() == {"status": "ok"}
