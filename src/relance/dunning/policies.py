"""Scenarios (dunning policies) as data: the standard one plus each organization's own.

A policy is validated before it is stored (offsets in order, known channels, a
template for every step that writes a message) and assigning it to a customer
re-plans that customer's invoices so the next run applies it at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction

from relance.core.policy import STANDARD, Policy, policy_from_dict
from relance.errors import NotFound, ScenarioError, TemplateError
from relance.ledger.models import Customer, Organization

WRITTEN_CHANNELS = ("email", "letter", "portal")
LANGUAGES = ("fr", "en")


def policy_named(org: Organization, name: str) -> Policy:
    """The policy ``name`` of ``org`` ("standard" always exists)."""
    if name == STANDARD.name:
        return STANDARD
    from relance.dunning.models import Policy as PolicyRow

    row = PolicyRow.objects.filter(organization=org, name=name).first()
    if row is None:
        raise NotFound(f"no scenario {name!r} in {org.slug}")
    return policy_from_dict({"name": name, **row.definition}, f"scenario {name}")


def check_templates(policy: Policy) -> None:
    """Every step that writes to the customer needs a template in French and English."""
    from relance.messaging.render import packaged_template

    missing = []
    for step in policy.steps:
        if set(step.channels) & set(WRITTEN_CHANNELS):
            for language in LANGUAGES:
                try:
                    packaged_template(language, step.template_name)
                except TemplateError:
                    missing.append(f"{step.name} ({language}: {step.template_name})")
    if missing:
        raise ScenarioError("missing template for step(s): " + ", ".join(missing)
                            + "; set 'template' to an existing one such as reminder_1")


SLUG = re.compile(r"[-a-zA-Z0-9_]{1,64}")
# A scenario's ranges, in days, for the editor's fields (web.forms.StepForm and
# ScenarioForm) and for a scenario saved from a file alike: the page can show and save
# again whatever a file saved.
BOUNDS = {"offset": (-90, 365), "min_gap": (0, 90), "promise_grace": (0, 30)}


def check_bounds(name: str, policy: Policy) -> None:
    """The name an address can carry and the editor's ranges, as the page checks them."""
    if not SLUG.fullmatch(name):
        raise ScenarioError(f"name: {name!r} must be letters without accents, digits, '-' "
                            f"and '_' only (64 at most), e.g. relance-b2b")
    for step in policy.steps:
        if not SLUG.fullmatch(step.name):
            raise ScenarioError(f"steps: step name {step.name!r} must be letters without "
                                f"accents, digits, '-' and '_' only")
        _within("offset", step.offset, f"steps: {step.name}: offset")
    _within("min_gap", policy.min_gap, "min_gap")
    _within("promise_grace", policy.promise_grace, "promise_grace")


def _within(bound: str, value: int, where: str) -> None:
    low, high = BOUNDS[bound]
    if not low <= value <= high:
        raise ScenarioError(f"{where}: {value} is outside {low}..{high} days")


def save_policy(org: Organization, data: Mapping[str, Any]) -> Policy:
    """Validate and store a policy; returns it. Raises ScenarioError naming the field."""
    from relance.dunning.models import Policy as PolicyRow

    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or name == STANDARD.name:
        raise ScenarioError("name: expected a scenario name other than 'standard'")
    policy = policy_from_dict(data, f"scenario {name}")
    check_bounds(name, policy)
    check_templates(policy)
    definition = {k: data[k] for k in ("steps", "min_gap", "threshold", "promise_grace")
                  if k in data}
    if "threshold" in definition:
        definition["threshold"] = f"{policy.threshold:f}"  # 1000000000, not 1E+9
    with transaction.atomic():
        PolicyRow.objects.update_or_create(organization=org, name=name,
                                           defaults={"definition": definition})
        for customer in org.customers.filter(policy=name):
            _replan(customer)
    return policy


def assign(customer: Customer, name: str, day: date | None = None) -> None:
    """Give ``customer`` the policy ``name`` and let the next run apply it."""
    policy_named(customer.organization, name)
    customer.policy = name
    customer.save(update_fields=["policy"])
    _replan(customer, day)


def _replan(customer: Customer, day: date | None = None) -> None:
    from relance.dunning.services import replan_customer

    replan_customer(customer, day or date.min)
