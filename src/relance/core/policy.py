"""Dunning policies ("scénarios de relance") as data.

A policy is an ordered list of steps, each ``offset`` calendar days from the due
date (negative = before it), with the channels it uses, and three numbers:
``min_gap`` between post-due steps, the balance ``threshold`` under which nothing
is chased, and the ``promise_grace`` after a promised date. The defaults are the
standard scenario of spec/dunning-rules.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from relance.core.money import TOO_LARGE, MoneyError, to_decimal
from relance.errors import ScenarioError

CHANNELS = ("email", "call", "letter", "task", "portal")


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a scenario; ``template`` names the message template to render."""

    name: str
    channels: tuple[str, ...]
    offset: int
    template: str = ""

    @property
    def pre_due(self) -> bool:
        """A step planned before the due date: it happens on its day or never."""
        return self.offset < 0

    @property
    def template_name(self) -> str:
        return self.template or self.name


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    steps: tuple[Step, ...]
    min_gap: int = 7
    threshold: Decimal = Decimal("1.00")
    promise_grace: int = 3

    @property
    def pre_due_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.pre_due)

    @property
    def post_due_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if not s.pre_due)

    def step(self, name: str) -> Step:
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(name)

    def order(self, name: str) -> int:
        return [s.name for s in self.steps].index(name)


STANDARD = Policy("standard", (
    Step("courtesy", ("email",), -5),
    Step("reminder_1", ("email",), 3),
    Step("reminder_2", ("email", "call"), 15),
    Step("formal_notice", ("letter", "email"), 30),
    Step("litigation_review", ("task",), 45),
))


def policy_from_dict(data: Mapping[str, Any], where: str = "policy") -> Policy:
    """Build and validate a policy from plain data (YAML/JSON), naming any bad field."""
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{where}: expected a mapping with 'steps'")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ScenarioError(f"{where}.steps: expected a non-empty list of steps")
    steps = tuple(_step(item, f"{where}.steps[{i}]") for i, item in enumerate(raw_steps))
    policy = Policy(
        name=str(data.get("name", "custom")),
        steps=steps,
        min_gap=_int(data.get("min_gap", 7), f"{where}.min_gap", minimum=0),
        threshold=_amount(data.get("threshold", "1.00"), f"{where}.threshold"),
        promise_grace=_int(data.get("promise_grace", 3), f"{where}.promise_grace", minimum=0),
    )
    validate(policy, where)
    return policy


def validate(policy: Policy, where: str = "policy") -> None:
    """Refuse duplicate names and offsets out of order."""
    names = [s.name for s in policy.steps]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ScenarioError(f"{where}.steps: step name used twice: {', '.join(duplicates)}")
    for before, after in zip(policy.steps, policy.steps[1:], strict=False):
        if after.offset <= before.offset:
            raise ScenarioError(
                f"{where}.steps: offsets out of order: {after.name} ({after.offset}) "
                f"comes after {before.name} ({before.offset})")


def _step(item: Any, where: str) -> Step:
    if not isinstance(item, Mapping):
        raise ScenarioError(f"{where}: expected a mapping with name, channel and offset")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(f"{where}.name: expected a step name")
    channels = item.get("channels", item.get("channel"))
    channels = [channels] if isinstance(channels, str) else channels
    if not isinstance(channels, list) or not channels:
        raise ScenarioError(f"{where}.channel: expected one of {', '.join(CHANNELS)} or a list")
    for channel in channels:
        if channel not in CHANNELS:
            raise ScenarioError(
                f"{where}.channel: unknown channel {channel!r}; "
                f"expected one of {', '.join(CHANNELS)}")
    offset = _int(item.get("offset"), f"{where}.offset")
    template = item.get("template", "")
    if not isinstance(template, str):
        raise ScenarioError(f"{where}.template: expected a template name")
    return Step(name.strip(), tuple(dict.fromkeys(channels)), offset, template)


def _int(value: Any, where: str, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"{where}: expected a whole number of days, got {value!r}")
    if minimum is not None and value < minimum:
        raise ScenarioError(f"{where}: must be at least {minimum}, got {value}")
    return value


def _amount(value: Any, where: str) -> Decimal:
    try:
        amount = to_decimal(value)
    except MoneyError as exc:
        raise ScenarioError(f"{where}: expected an amount as text like \"1.00\" ({exc})") from None
    if amount < 0:
        raise ScenarioError(f"{where}: must not be negative")
    if amount >= TOO_LARGE:
        raise ScenarioError(f"{where}: must be under {TOO_LARGE:,.0f}")
    return amount
