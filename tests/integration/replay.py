"""Replay a scenario file through the database and the daily run, day by day.

The simulator (``relance.core.simulation``) keeps its book in memory; this does the
same days with the real services (imports' rows, allocation, promise and dispute
recording, ``run_day``) so a test can check that both give the same actions.
"""

from __future__ import annotations

from datetime import timedelta

from relance.core.ledger import natural_key
from relance.core.money import to_minor
from relance.core.simulation import Scenario
from relance.dunning import events
from relance.dunning.policies import assign, save_policy
from relance.dunning.services import plan, run_day
from relance.ledger.models import Contact, Credit, Customer, Invoice, Organization
from relance.ledger.services import allocate_credit, allocate_explicit, apply_unallocated


def load_customers(org: Organization, scenario: Scenario) -> dict[str, Customer]:
    rows = {}
    for c in scenario.customers:
        rows[c.ref] = Customer.objects.create(organization=org, ref=c.ref, name=c.name or c.ref,
                                              kind=c.kind, language=c.language)
        for contact in c.contacts:
            Contact.objects.create(customer=rows[c.ref], email=contact.email, role=contact.role,
                                   first_name=contact.first_name)
    return rows


def replay(org: Organization, scenario: Scenario, policy_data: dict | None = None) -> list:
    """Run every day of the scenario; returns the recorded actions as plain tuples."""
    customers = load_customers(org, scenario)
    if policy_data is not None:
        # The simulator renders nothing, so its inline steps may lack a template; the
        # database path checks them: lend the neutral first reminder's.
        steps = [{"template": "reminder_1", **step} for step in policy_data["steps"]]
        save_policy(org, {**policy_data, "steps": steps, "name": "custom"})
        for customer in customers.values():
            assign(customer, "custom")
    actions = []
    day = scenario.start
    while day <= scenario.end:
        first = day == scenario.start
        joining = [inv for inv in scenario.invoices
                   if inv.known == day or (first and inv.known < day)]
        for inv in joining:
            _join(org, customers[inv.customer], inv, day)
        for ref in dict.fromkeys(inv.customer for inv in joining):
            apply_unallocated(customers[ref], day)
        for credit in scenario.credits:
            if credit.date == day or (first and credit.date < day):
                _credit(org, customers[credit.customer], credit)
        for event in scenario.events:
            if event.day == day or (first and event.day < day):
                _event(customers, event, org)
        actions += [(a.day.isoformat(), a.customer.ref, a.step, _numbers(a), str(a.amount))
                    for a in run_day(org, day).actions]
        day += timedelta(days=1)
    return actions


def _numbers(action) -> list[str]:
    """The action's invoices as a message lists them: due date, then number."""
    invoices = [s.invoice for s in action.steps.select_related("invoice")]
    return [i.number for i in sorted(invoices, key=lambda i: (i.due, natural_key(i.number)))]


def _join(org, customer, inv, day) -> None:
    row = Invoice.objects.create(organization=org, customer=customer, number=inv.number,
                                 issued=inv.issued, due=inv.due, currency=inv.currency,
                                 amount_minor=to_minor(inv.amount, inv.currency), known_from=day)
    plan(row, day)


def _credit(org, customer, credit) -> None:
    row = Credit.objects.create(organization=org, customer=customer, kind=credit.kind,
                                key=credit.key + str(credit.date), number=credit.key,
                                reference=credit.reference, date=credit.date,
                                amount_minor=to_minor(credit.amount, credit.currency),
                                currency=credit.currency)
    known = {i.number: i for i in customer.invoices.all()}
    for number, amount in credit.allocations.items():
        if number in known:
            allocate_explicit(row, known[number], amount)
    for number in credit.applies_to:
        if number in known:
            allocate_explicit(row, known[number], row.amount)
    allocate_credit(row)


def _event(customers, e, org) -> None:
    if e.type in ("pause", "litigation"):
        customer = customers[e.customer]
        if e.type == "pause":
            events.pause(customer, e.day, e.until)
        else:
            events.set_litigation(customer, e.day)
        return
    invoice = Invoice.objects.get(organization=org, number=e.invoices[0])
    customer = invoice.customer
    if e.type == "promise":
        events.record_promise(customer, e.invoices, e.day, e.until, e.amount)
    elif e.type == "dispute":
        events.open_dispute(customer, e.invoices, e.day)
    else:
        events.resolve_dispute(customer, e.invoices, e.day)
