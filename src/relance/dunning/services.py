"""The daily run: decide, record, send (three separate steps).

1. **Decide**: load the invoices whose next decision day has come, with their
   balances, the steps already done and what holds them; ask the pure core which
   step is due (``relance.core.dunning.due_step``) and group by customer.
2. **Record**: store each action and one ``StepRecord`` per (invoice, step); the
   unique constraint makes a re-run, a crash-restart or a concurrent run harmless.
3. **Send**: hand every recorded email action without a message to the
   messaging service (outbox folder or SMTP).

Safe to repeat and to interrupt: each action is recorded in its own transaction,
and sending only picks up what was recorded and not yet sent.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError, transaction

from relance.core import actions as core_actions
from relance.core.calendar import BusinessCalendar
from relance.core.dunning import Decision, due_step, next_decision_day
from relance.core.holds import CustomerHold, Dispute, Promise, check_promise, hold_end
from relance.core.money import from_minor, to_minor
from relance.core.policy import STANDARD, Policy
from relance.dunning.models import Action, StepRecord, Task, TimelineEntry
from relance.dunning.models import Dispute as DisputeRow
from relance.dunning.models import Promise as PromiseRow
from relance.dunning.policies import policy_named
from relance.ledger.models import Customer, Invoice, Organization
from relance.ledger.services import to_core_customer, to_core_invoice, with_balance

log = logging.getLogger("relance.run")
TASK_CHANNELS = {"call": "call", "task": "task", "letter": "letter"}


@dataclass
class RunReport:
    """What one day's run did, for the summary and the logs."""

    organization: str
    day: date
    examined: int = 0
    actions: list[Action] = field(default_factory=list)
    messages: list = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def by_step(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for a in self.actions:
            counts[a.step] += 1
        return dict(counts)


def calendar_of(org: Organization) -> BusinessCalendar:
    return BusinessCalendar(org.country, org.subdivision or None)


def policy_of(customer: Customer, cache: dict[tuple[int, str], Policy] | None = None) -> Policy:
    """The customer's scenario; ``cache`` spares a query per invoice within one run."""
    key = (customer.organization_id, customer.policy)
    if cache is not None and key in cache:
        return cache[key]
    policy = STANDARD if customer.policy == STANDARD.name else policy_named(
        customer.organization, customer.policy)
    if cache is not None:
        cache[key] = policy
    return policy


def customer_holds(customer: Customer) -> list[CustomerHold]:
    holds = []
    if customer.paused_until:
        holds.append(CustomerHold("pause", customer.paused_from or date.min, customer.paused_until))
    if customer.litigation_since:
        holds.append(CustomerHold("litigation", customer.litigation_since))
    return holds


def plan(invoice: Invoice, after: date) -> None:
    """Set the day the run must look at ``invoice`` again (on import or change)."""
    done = dict(invoice.steps.values_list("step", "day"))
    policy = policy_of(invoice.customer)
    invoice.next_decision_on = next_decision_day(
        to_core_invoice(invoice, invoice.customer.ref), done, policy,
        calendar_of(invoice.organization), after)
    invoice.save(update_fields=["next_decision_on"])


def replan_customer(customer: Customer, day: date) -> int:
    """Make the run look again at a customer's invoices from ``day`` (hold lifted, policy…)."""
    return customer.invoices.update(next_decision_on=day)


class DayRun:
    """One organization's run for one day."""

    def __init__(self, org: Organization, day: date,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.org, self.day, self.progress = org, day, progress
        self.calendar = calendar_of(org)
        self.report = RunReport(org.slug, day)
        self.policies: dict[tuple[int, str], Policy] = {}

    def run(self) -> RunReport:
        check_promises(self.org, self.day)
        decisions = self.decide()
        self.record(decisions)
        from relance.messaging.services import send_pending

        self.report.messages, self.report.failures = send_pending(self.org, self.day)
        return self.report

    def candidates(self):
        return (with_balance(self.org.invoices.filter(next_decision_on__lte=self.day))
                .select_related("customer").order_by("customer_id", "due", "id"))

    def decide(self) -> dict[int, list[tuple[Invoice, Decision]]]:
        invoices = list(self.candidates())
        self.report.examined = len(invoices)
        done = _steps_done(invoices)
        holds = _holds([i.customer for i in invoices], invoices)
        by_customer: dict[int, list[tuple[Invoice, Decision]]] = defaultdict(list)
        for n, inv in enumerate(invoices, 1):
            decision = self._decide_one(inv, done[inv.pk], holds)
            if decision is not None:
                by_customer[inv.customer_id].append((inv, decision))
            if self.progress and n % 1000 == 0:
                self.progress(n, len(invoices))
        return by_customer

    def _decide_one(self, inv: Invoice, done: dict[str, date], holds: _Holds) -> Decision | None:
        policy = policy_of(inv.customer, self.policies)
        core_inv = to_core_invoice(inv, inv.customer.ref)
        balance = from_minor(inv.balance_minor, inv.currency)
        is_held = holds.held(inv, self.day, policy.promise_grace)
        step = due_step(core_inv, balance, done, policy, self.calendar, self.day, held=is_held)
        after_today = dict(done, **({step.name: self.day} if step else {}))
        if is_held:
            nxt = holds.end(inv, self.day, policy.promise_grace)
        else:
            nxt = next_decision_day(core_inv, after_today, policy, self.calendar,
                                    self.day + timedelta(days=1))
        Invoice.objects.filter(pk=inv.pk).update(next_decision_on=nxt)
        return Decision(core_inv, step, self.day, balance) if step else None

    def record(self, by_customer: dict[int, list[tuple[Invoice, Decision]]]) -> None:
        for items in by_customer.values():
            customer = items[0][0].customer
            rows = {inv.number: inv for inv, _d in items}
            core_customer = to_core_customer(customer)
            grouped = core_actions.group([d for _i, d in items], {customer.ref: core_customer},
                                         policy_of(customer, self.policies))
            for action in grouped:
                stored = self._store(customer, action, rows)
                if stored is not None:
                    self.report.actions.append(stored)

    def _store(self, customer: Customer, action: core_actions.Action,
               rows: dict[str, Invoice]) -> Action | None:
        try:
            with transaction.atomic():
                stored = Action.objects.create(
                    organization=self.org, customer=customer, step=action.step.name,
                    day=action.day, channels=",".join(action.channels),
                    currency=action.currency,
                    amount_minor=to_minor(action.amount_due, action.currency),
                    recipients="\n".join(c.email.strip() for c in action.to))
                StepRecord.objects.bulk_create(
                    StepRecord(invoice=rows[i.number], step=action.step.name, day=action.day,
                               balance_minor=to_minor(b, action.currency), action=stored)
                    for i, b in zip(action.invoices, action.balances, strict=True))
                _tasks_and_timeline(stored, action)
        except IntegrityError:
            log.info("%s %s %s already recorded", customer.ref, action.step.name, action.day)
            return None
        return stored


def _tasks_and_timeline(stored: Action, action: core_actions.Action) -> None:
    for channel in action.channels:
        if channel in TASK_CHANNELS:
            Task.objects.create(organization=stored.organization, customer=stored.customer,
                                action=stored, kind=TASK_CHANNELS[channel], due_on=stored.day)
    numbers = ", ".join(i.number for i in action.invoices)
    TimelineEntry.objects.create(
        customer=stored.customer, day=stored.day, kind=f"step:{stored.step}", action=stored,
        summary=f"{stored.step} ({', '.join(action.channels)}): {numbers} – "
                f"{action.amount_due} {action.currency}")


def _steps_done(invoices: list[Invoice]) -> dict[int, dict[str, date]]:
    done: dict[int, dict[str, date]] = defaultdict(dict)
    ids = [i.pk for i in invoices]
    for chunk in range(0, len(ids), 5000):
        for inv_id, step, day in StepRecord.objects.filter(
                invoice_id__in=ids[chunk:chunk + 5000]).values_list("invoice_id", "step", "day"):
            done[inv_id][step] = day
    return done


class _Holds:
    """Promises, disputes, pauses and litigation of the customers being decided."""

    def __init__(self, customers: dict[int, list[CustomerHold]],
                 promises: list[tuple[set[int], Promise]], disputes: list[tuple[int, Dispute]]):
        self.customers, self.promises, self.disputes = customers, promises, disputes

    def _lists(self, inv: Invoice):
        key = str(inv.pk)
        promises = [p for ids, p in self.promises if inv.pk in ids]
        promises = [Promise(p.key, p.made_on, p.until, frozenset({key}), p.amount, p.status)
                    for p in promises]
        disputes = [Dispute(key, d.opened_on, d.resolved_on)
                    for inv_id, d in self.disputes if inv_id == inv.pk]
        return key, promises, disputes, self.customers.get(inv.customer_id, [])

    def held(self, inv: Invoice, day: date, grace: int) -> bool:
        key, promises, disputes, customer = self._lists(inv)
        return (any(h.holds(day) for h in customer) or any(d.holds(day) for d in disputes)
                or any(p.holds(key, day, grace) for p in promises))

    def end(self, inv: Invoice, day: date, grace: int) -> date | None:
        key, promises, disputes, customer = self._lists(inv)
        return hold_end(key, day, grace, promises, disputes, customer)


def _holds(customers: list[Customer], invoices: list[Invoice]) -> _Holds:
    unique = {c.pk: c for c in customers}
    ids = [i.pk for i in invoices]
    promises = [({i.pk for i in row.invoices.all()},
                 Promise(str(row.pk), row.made_on, row.until, frozenset(),
                         None if row.amount_minor is None else from_minor(row.amount_minor, "EUR"),
                         row.status))
                for row in PromiseRow.objects.filter(status="open", invoices__in=ids)
                .distinct().prefetch_related("invoices")]
    disputes = [(row.invoice_id, Dispute(str(row.invoice_id), row.opened_on, row.resolved_on))
                for row in DisputeRow.objects.filter(invoice_id__in=ids, resolved_on__isnull=True)]
    return _Holds({pk: customer_holds(c) for pk, c in unique.items()}, promises, disputes)


def check_promises(org: Organization, day: date) -> int:
    """Mark open promises kept or broken as of ``day``; record it on the timeline."""
    changed = 0
    for row in PromiseRow.objects.filter(customer__organization=org, status="open",
                                         made_on__lte=day).prefetch_related("invoices"):
        changed += _check_promise(row, day)
    return changed


def _check_promise(row: PromiseRow, day: date) -> int:
    invoices = list(with_balance(Invoice.objects.filter(promises=row)))
    currency = invoices[0].currency if invoices else "EUR"
    zero = from_minor(0, currency)
    covered = sum((from_minor(i.balance_minor, currency) for i in invoices), zero)
    since = sum((from_minor(a.amount_minor, currency) for i in invoices
                 for a in i.allocations.filter(date__gte=row.made_on)), from_minor(0, currency))
    policy = policy_of(row.customer)
    promise = Promise(str(row.pk), row.made_on, row.until, frozenset(i.number for i in invoices),
                      None if row.amount_minor is None else from_minor(row.amount_minor, currency))
    result = check_promise(promise, covered, since, day, policy.promise_grace, policy.threshold)
    if result.status == row.status:
        return 0
    row.status, row.closed_on = result.status, result.closed_on
    row.save(update_fields=["status", "closed_on"])
    TimelineEntry.objects.create(
        customer=row.customer, day=result.closed_on or day, kind=f"promise_{result.status}",
        summary=f"promise of {row.made_on} for {row.until} {result.status}: "
                + ", ".join(sorted(promise.invoices)))
    replan_customer(row.customer, day)  # kept or broken, the sequence may resume today
    return 1


def run_day(org: Organization, day: date,
            progress: Callable[[int, int], None] | None = None) -> RunReport:
    """Run ``org``'s collection day ``day``: safe to repeat, writes nothing twice."""
    return DayRun(org, day, progress).run()
