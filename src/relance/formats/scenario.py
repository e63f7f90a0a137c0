"""Scenario files (YAML or JSON) for ``relance simulate``: spec/scenario.md.

``load(data)`` turns the file into a :class:`relance.core.simulation.Scenario`,
refusing any malformed entry with a :class:`ScenarioError` that names the entry
and the field (``invoices[2].due: expected a date like 2026-03-12``).
``report(...)`` turns a simulation result into the documented JSON shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import yaml

from relance.core.actions import Action, Contact, Customer
from relance.core.calendar import BusinessCalendar
from relance.core.ledger import Credit, Invoice, payment_order
from relance.core.money import MoneyError, quantum, to_decimal
from relance.core.policy import STANDARD, Policy, policy_from_dict
from relance.core.rates import RateTable
from relance.core.simulation import Event, Scenario, SimulationResult, invoice_penalties
from relance.errors import ScenarioError

EVENT_TYPES = ("promise", "dispute", "resolve_dispute", "pause", "litigation")


class _Loader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay text until ``_date`` reads them,
    so an impossible date (2025-02-30) is reported with its entry and field."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def load(data: bytes | str) -> Scenario:
    """Parse and validate a scenario file (YAML, of which JSON is a subset)."""
    try:
        raw = yaml.load(data, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ScenarioError(f"not a YAML or JSON scenario file: {exc}") from None
    if not isinstance(raw, Mapping):
        raise ScenarioError("the scenario file must be a mapping with period, customers, invoices")
    return _scenario(raw)


def _scenario(raw: Mapping[str, Any]) -> Scenario:
    org = _mapping(raw.get("organization", {}), "organization")
    currency = _text(org.get("currency", "EUR"), "organization.currency")
    calendar = BusinessCalendar(_text(org.get("country", "FR"), "organization.country"),
                                org.get("subdivision"))
    period = _mapping(raw.get("period"), "period")
    start, end = _date(period.get("from"), "period.from"), _date(period.get("to"), "period.to")
    if end < start:
        raise ScenarioError("period.to: must not be before period.from")
    customers = tuple(_customer(c, f"customers[{i}]")
                      for i, c in enumerate(_list(raw, "customers")))
    refs = {c.ref for c in customers}
    invoices = tuple(_invoice(x, f"invoices[{i}]", refs, currency)
                     for i, x in enumerate(_list(raw, "invoices")))
    _unique([i.number for i in invoices], "invoices", "number")
    numbers = {i.number for i in invoices}
    return Scenario(
        policy=_policy(raw.get("policy", "standard")), start=start, end=end,
        customers=customers, invoices=invoices,
        credits=_credits(raw, refs, numbers, currency),
        events=tuple(_event(e, f"events[{i}]", refs, numbers)
                     for i, e in enumerate(_list(raw, "events", required=False))),
        calendar=calendar, currency=currency)


def _credits(raw: Mapping[str, Any], refs: set[str], numbers: set[str],
             currency: str) -> tuple[Credit, ...]:
    """Credit notes and payments in the order the file lists them."""
    result: list[Credit] = []
    for key in raw:
        if key in ("credit_notes", "payments"):
            kind = "credit_note" if key == "credit_notes" else "payment"
            result += [_credit(x, f"{key}[{i}]", kind, refs, numbers, currency)
                       for i, x in enumerate(_list(raw, key, required=False))]
    return tuple(result)


def _policy(value: Any) -> Policy:
    if value == "standard":
        return STANDARD
    if isinstance(value, str):
        raise ScenarioError(f"policy: unknown policy {value!r}; use 'standard' or inline steps")
    return policy_from_dict(value, "policy")


def _customer(raw: Any, where: str) -> Customer:
    c = _mapping(raw, where)
    kind = c.get("kind", "b2b")
    if kind not in ("b2b", "b2c"):
        raise ScenarioError(f"{where}.kind: expected b2b or b2c, got {kind!r}")
    language = c.get("language", "fr")
    if language not in ("fr", "en"):
        raise ScenarioError(f"{where}.language: expected fr or en, got {language!r}")
    contacts = tuple(_contact(x, f"{where}.contacts[{i}]")
                     for i, x in enumerate(_list(c, "contacts", required=False, where=where)))
    return Customer(_text(c.get("ref"), f"{where}.ref"), str(c.get("name", "")), kind,
                    language, contacts)


def _contact(raw: Any, where: str) -> Contact:
    c = _mapping(raw, where)
    role = c.get("role", "accounts_payable")
    if role not in ("accounts_payable", "business", "legal"):
        raise ScenarioError(f"{where}.role: expected accounts_payable, business or legal")
    return Contact(str(c.get("email", "")), role, str(c.get("first_name", "")),
                   str(c.get("last_name", "")), str(c.get("phone", "")))


def _invoice(raw: Any, where: str, refs: set[str], currency: str) -> Invoice:
    x = _mapping(raw, where)
    issued, due = _date(x.get("issued"), f"{where}.issued"), _date(x.get("due"), f"{where}.due")
    if due < issued:
        raise ScenarioError(f"{where}.due: the due date {due} is before the issue date {issued}")
    known = x.get("known_from")
    return Invoice(_text(x.get("number"), f"{where}.number"), _ref(x, where, refs), issued, due,
                   _amount(x.get("amount"), f"{where}.amount"),
                   _text(x.get("currency", currency), f"{where}.currency"),
                   _date(known, f"{where}.known_from") if known is not None else None)


def _credit(raw: Any, where: str, kind: str, refs: set[str], numbers: set[str],
            currency: str) -> Credit:
    x = _mapping(raw, where)
    applies = tuple(_numbers(x.get("applies_to", []), f"{where}.applies_to", numbers))
    explicit = _mapping(x.get("allocations", {}), f"{where}.allocations")
    allocations = {n: _amount(v, f"{where}.allocations.{n}")
                   for n, v in explicit.items() if _known(n, f"{where}.allocations", numbers)}
    return Credit(str(x.get("number", x.get("reference", where))), _ref(x, where, refs),
                  _date(x.get("date"), f"{where}.date"),
                  _amount(x.get("amount"), f"{where}.amount"),
                  _text(x.get("currency", currency), f"{where}.currency"), kind,
                  str(x.get("reference", "")), applies, allocations)


def _event(raw: Any, where: str, refs: set[str], numbers: set[str]) -> Event:
    e = _mapping(raw, where)
    kind = e.get("type")
    if kind not in EVENT_TYPES:
        raise ScenarioError(f"{where}.type: expected one of {', '.join(EVENT_TYPES)}, got {kind!r}")
    day = _date(e.get("date"), f"{where}.date")
    if kind in ("pause", "litigation"):
        customer = _ref(e, where, refs)
        until = _date(e.get("until"), f"{where}.until") if kind == "pause" else None
        return Event(day, kind, customer=customer, until=until)
    invoices = tuple(_numbers(e.get("invoices"), f"{where}.invoices", numbers))
    if not invoices:
        raise ScenarioError(f"{where}.invoices: expected at least one invoice number")
    if kind != "promise":
        return Event(day, kind, invoices)
    until = _date(e.get("until"), f"{where}.until")
    if until < day:
        raise ScenarioError(f"{where}.until: the promised date is before the promise")
    amount = e.get("amount")
    return Event(day, kind, invoices, until=until,
                 amount=None if amount is None else _amount(amount, f"{where}.amount"))


def _ref(x: Mapping[str, Any], where: str, refs: set[str]) -> str:
    ref = _text(x.get("customer"), f"{where}.customer")
    if ref not in refs:
        raise ScenarioError(f"{where}.customer: unknown customer {ref!r}")
    return ref


def _numbers(value: Any, where: str, numbers: set[str]) -> list[str]:
    if not isinstance(value, list):
        raise ScenarioError(f"{where}: expected a list of invoice numbers")
    return [str(n) for n in value if _known(str(n), where, numbers)]


def _known(number: str, where: str, numbers: set[str]) -> bool:
    if number not in numbers:
        raise ScenarioError(f"{where}: unknown invoice {number!r}")
    return True


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ScenarioError(f"{where}: expected a mapping")
    return value


def _list(raw: Mapping[str, Any], key: str, required: bool = True, where: str = "") -> list:
    value = raw.get(key)
    name = f"{where}.{key}" if where else key
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise ScenarioError(f"{name}: expected a list")
    return value


def _text(value: Any, where: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ScenarioError(f"{where}: missing")
    return str(value).strip()


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ScenarioError(f"{where}: expected a date like 2026-03-12, got {value!r}") from None


def _amount(value: Any, where: str) -> Decimal:
    if isinstance(value, float):
        raise ScenarioError(f"{where}: write amounts as text (\"1200.00\"), not as a float number")
    try:
        amount = to_decimal(value)
    except MoneyError:
        raise ScenarioError(
            f"{where}: expected an amount like \"1200.00\", got {value!r}") from None
    if amount <= 0:
        raise ScenarioError(f"{where}: must be positive, got {value!r}")
    return amount


def _unique(values: list[str], where: str, field: str) -> None:
    seen: set[str] = set()
    for i, v in enumerate(values):
        if v in seen:
            raise ScenarioError(f"{where}[{i}].{field}: {v!r} is used twice")
        seen.add(v)


# --- output -------------------------------------------------------------------------


def money_text(amount: Decimal, currency: str) -> str:
    return str(amount.quantize(quantum(currency)))


def report(scenario: Scenario, result: SimulationResult, rates: RateTable) -> dict[str, Any]:
    """The JSON document of spec/scenario.md, "Output"."""
    return {
        "actions": [_action(a) for a in result.actions],
        "events": [{"date": e.day.isoformat(), "type": e.type, "invoices": list(e.invoices)}
                   for e in sorted(result.events, key=lambda e: e.day)],
        "invoices": {
            inv.number: {
                "balance": money_text(result.book.balances.get(inv.number, inv.amount),
                                      inv.currency),
                **{k: money_text(v, inv.currency) for k, v in
                   invoice_penalties(scenario, result, inv, rates).items()},
            }
            for inv in sorted(scenario.invoices, key=payment_order)
        },
    }


def _action(a: Action) -> dict[str, Any]:
    return {
        "date": a.day.isoformat(), "customer": a.customer.ref, "step": a.step.name,
        "channels": list(a.channels), "invoices": [i.number for i in a.invoices],
        "amount_due": money_text(a.amount_due, a.currency), "currency": a.currency,
        "to": [c.email.strip() for c in a.to],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False)

