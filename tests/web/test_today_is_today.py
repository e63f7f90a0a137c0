"""« Aujourd'hui » is today, even when the daily run last ran days ago.

The run went through on Monday 16 March and the scheduler stopped; Camille opens the
page on Wednesday 18 March. The page is Wednesday's: a call whose email bounced on
Tuesday is to make, Boréal's promise for Tuesday is past, a call logged now is logged
on Wednesday; what went out is Monday's run's, under Monday, and the page says when
the run last went through.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from relance.dunning.models import Action, Promise, Task
from relance.ledger.models import Customer
from tests.web.builders import DAY

WEDNESDAY = DAY + timedelta(days=2)


@pytest.fixture
def wednesday(monkeypatch):
    monkeypatch.setattr("relance.clock.today", lambda timezone="Europe/Paris": WEDNESDAY)


def bounced_on_tuesday(org) -> Task:
    """The call the sender asks for when an address is refused: due on the bounce's day."""
    action = Action.objects.filter(organization=org, day=DAY).exclude(tasks__kind="call").first()
    return Task.objects.create(organization=org, customer=action.customer, action=action,
                               kind="call", due_on=DAY + timedelta(days=1))


def test_the_page_is_today_and_says_when_the_run_last_went_through(alice, w, wednesday):
    page = alice.get("/o/acme/").content.decode()
    assert "· 18 mars 2026</span></h1>" in page
    assert "dernier passage : lundi 16 mars" in page
    assert "Envoyé · 16 mars 2026" in page  # what the run sent, under the run's day

    alice.post("/i18n/setlang/", {"language": "en", "next": "/o/acme/"})
    page = alice.get("/o/acme/").content.decode()
    assert "· 18 March 2026</span></h1>" in page
    assert "last run: Monday 16 March" in page
    assert "Sent · 16 March 2026" in page


def test_on_the_runs_day_the_page_says_nothing_more(alice, w):
    page = alice.get("/o/acme/").content.decode()
    assert "· 16 mars 2026</span></h1>" in page and "dernier passage" not in page


def test_calls_and_promises_are_those_due_by_today(alice, w, wednesday):
    bounced = bounced_on_tuesday(w["acme"])
    c2 = Customer.objects.get(organization=w["acme"], ref="C2")
    Promise.objects.create(customer=c2, made_on=DAY, until=DAY + timedelta(days=1))

    page = alice.get("/o/acme/").content.decode()
    assert f'id="call-{bounced.pk}"' in page  # due Tuesday: after the run, before today
    assert "Dépassée" in page  # Tuesday's promise, seen on Wednesday


def test_a_call_logged_today_is_logged_today(alice, w, wednesday):
    task = Task.objects.get(organization=w["acme"], customer__ref="C2", kind="call")
    alice.post(f"/o/acme/tasks/{task.pk}/call/", {f"t{task.pk}-outcome": "no_answer"})
    task.refresh_from_db()
    assert task.done_on == WEDNESDAY


def test_another_day_can_still_be_asked_for(alice, w, wednesday):
    page = alice.get("/o/acme/?day=2026-03-02").content.decode()
    assert "· 2 mars 2026</span></h1>" in page and "Envoyé · 2 mars 2026" in page
    assert "dernier passage" not in page
