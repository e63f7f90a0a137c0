"""User-defined scenarios: validated with clear messages, assigned per customer, applied."""

from datetime import date

import pytest

from relance.dunning.policies import assign, policy_named, save_policy
from relance.dunning.services import run_day
from relance.errors import NotFound, ScenarioError

SHORT = {"name": "court", "min_gap": 5, "threshold": "10.00", "steps": [
    {"name": "rappel", "channel": "email", "offset": 1, "template": "reminder_1"},
    {"name": "appel", "channel": "call", "offset": 6},
    {"name": "mise_en_demeure", "channel": ["letter", "email"], "offset": 12,
     "template": "formal_notice"},
]}


@pytest.mark.parametrize("change, message", [
    ({"steps": [{"name": "a", "channel": "email", "offset": 5, "template": "reminder_1"},
                {"name": "b", "channel": "email", "offset": 2, "template": "reminder_1"}]},
     "offsets out of order"),
    ({"steps": [{"name": "a", "channel": "fax", "offset": 5}]}, "unknown channel 'fax'"),
    ({"steps": [{"name": "relance_3", "channel": "email", "offset": 5}]},
     "missing template for step(s): relance_3"),
    ({"threshold": 1.5}, "threshold"),
    ({"threshold": "1e30"}, "threshold: must be under 10,000,000,000,000"),
    ({"name": "standard"}, "name"),
    # What the scenario editor refuses, a file is refused too: the page must show it.
    ({"name": "Bad Name/../x"}, "name: 'Bad Name/../x' must be letters without accents"),
    ({"name": "pénalités"}, "name: 'pénalités' must be letters without accents"),
    ({"steps": [{"name": "a", "channel": "email", "offset": 99999,
                 "template": "reminder_1"}]}, "steps: a: offset: 99999 is outside -90..365"),
    ({"steps": [{"name": "a", "channel": "email", "offset": -400,
                 "template": "reminder_1"}]}, "steps: a: offset: -400 is outside -90..365"),
    ({"promise_grace": 400}, "promise_grace: 400 is outside 0..30 days"),
    ({"min_gap": 91}, "min_gap: 91 is outside 0..90 days"),
])
def test_a_bad_scenario_is_refused_with_a_clear_message(org, change, message):
    with pytest.raises(ScenarioError, match=message.replace("(", r"\(").replace(")", r"\)")):
        save_policy(org, {**SHORT, **change})


def test_an_assigned_scenario_drives_the_next_run(book):
    save_policy(book, SHORT)
    customer = book.customers.get(ref="C1")
    assign(customer, "court")
    assert policy_named(book, "court").min_gap == 5
    # F-100 and F-101 are due Thu 12 March: "rappel" at +1 = Fri 13 March, grouped.
    report = run_day(book, date(2026, 3, 13))
    [action] = [a for a in report.actions if a.customer.ref == "C1"]
    assert action.step == "rappel"
    [message] = [m for m in report.messages if m.action == action]
    assert "F-100" in message.body and "F-101" in message.body


def test_assigning_an_unknown_scenario_fails(book):
    with pytest.raises(NotFound):
        assign(book.customers.get(ref="C1"), "nope")


def test_policy_add_refuses_two_steps_of_the_same_name(org, tmp_path):
    from django.core.management import CommandError, call_command

    from relance.dunning.models import Policy

    path = tmp_path / "court.yaml"
    path.write_text("name: court\nsteps:\n"
                    "  - {name: reminder_1, channel: email, offset: 3}\n"
                    "  - {name: reminder_1, channel: email, offset: 3}\n")
    with pytest.raises(CommandError, match="step name used twice: reminder_1"):
        call_command("policy", "--org", "acme", "add", str(path))
    assert not Policy.objects.exists()


def test_a_large_threshold_is_kept_as_plain_digits(org):
    from relance.dunning.models import Policy

    save_policy(org, {**SHORT, "threshold": "1e9"})
    assert Policy.objects.get(name="court").definition["threshold"] == "1000000000"


def test_policy_assign_gives_the_scenario_to_all_the_customers_named_or_to_none(book):
    from django.core.management import CommandError, call_command

    save_policy(book, SHORT)
    with pytest.raises(CommandError, match="no customer 'C99' in acme: no scenario assigned"):
        call_command("policy", "--org", "acme", "assign", "court", "C1", "C99")
    assert book.customers.get(ref="C1").policy == "standard"
